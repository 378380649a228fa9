"""A conversation left at one step longer than the timeout ends, once, on the customer's next
update (the caller tells them); one still moving does not; a month after its timeout the prune
deletes it."""

from __future__ import annotations

from datetime import timedelta

from domain import conversation_age
from domain.clock import FrozenClock
from domain.store import Store
from domain.store import conversations as rows

DAY = timedelta(hours=24)
ANI, BUDI = (1001, 1001), (1002, 1002)


async def put(store: Store, name: str, key: tuple[int, int], state: object) -> None:
    async with store.transaction() as db:
        await rows.put_state(db, name, key, state, store.now())


async def test_a_step_left_longer_than_the_timeout_ends_once(
    store: Store, clock: FrozenClock
) -> None:
    await put(store, "shopping", ANI, "NAME")
    await put(store, "refund_details", ANI, 3)
    clock.advance(hours=20)
    await put(store, "shopping", BUDI, "PHONE")
    await put(store, "refund_details", ANI, 4)  # a step taken: counts from now

    clock.advance(hours=5)  # checkout 25 h old, the refund step 5 h
    states, ended = await conversation_age.open_states(store, [ANI], DAY)
    assert ended == ["shopping"]
    assert plain(states) == {("refund_details", ANI): 4}
    assert await rows.state_of(store.reader, "shopping", ANI) is None
    # Told once: the next look finds it gone.
    assert await conversation_age.open_states(store, [ANI], DAY) == (states, [])
    # Budi's checkout is 5 h old: open.
    states, ended = await conversation_age.open_states(store, [BUDI], DAY)
    assert ended == [] and plain(states) == {("shopping", BUDI): "PHONE"}


async def test_exactly_the_timeout_is_still_open(store: Store, clock: FrozenClock) -> None:
    await put(store, "complaint", ANI, "LINES")
    clock.advance(hours=24)
    states, ended = await conversation_age.open_states(store, [ANI], DAY)
    assert plain(states) == {("complaint", ANI): "LINES"} and ended == []


async def test_the_prune_deletes_only_what_nobody_came_back_to_for_a_month(
    store: Store, clock: FrozenClock
) -> None:
    await put(store, "shopping", ANI, "NAME")
    clock.advance(days=2)
    await put(store, "survey", BUDI, "COMMENT")
    clock.advance(days=30)  # Ani's checkout: 32 days, its timeout and 31 days past; Budi's: 30
    assert await conversation_age.prune(store, DAY) == 1
    assert await rows.state_of(store.reader, "shopping", ANI) is None
    # Budi's survey ended long ago but is kept: coming back now, he would still be told.
    assert await conversation_age.open_states(store, [BUDI], DAY) == ({}, ["survey"])


async def test_a_text_answers_the_conversation_that_asked_last(
    store: Store, clock: FrozenClock
) -> None:
    await put(store, "shopping", ANI, "NAME")
    clock.advance(minutes=5)
    await put(store, "refund_details", ANI, "NUMBER")
    states, _ = await conversation_age.open_states(store, [ANI], DAY)
    in_order = {k: states[k] for k in (("shopping", ANI), ("refund_details", ANI))}
    assert conversation_age.answered_by(in_order) == ("refund_details", ANI)
    clock.advance(minutes=5)
    await put(store, "shopping", ANI, "PHONE")  # a step taken in checkout since
    states, _ = await conversation_age.open_states(store, [ANI], DAY)
    assert conversation_age.answered_by(states) == ("shopping", ANI)
    # At the same moment: the first in the order given (the handlers' order).
    await put(store, "refund_details", ANI, "HOLDER")
    states, _ = await conversation_age.open_states(store, [ANI], DAY)
    for first, second in (("shopping", "refund_details"), ("refund_details", "shopping")):
        ranked = {(first, ANI): states[first, ANI], (second, ANI): states[second, ANI]}
        assert conversation_age.answered_by(ranked) == (first, ANI)
    assert conversation_age.answered_by({}) is None


def plain(states: dict[conversation_age.Key, rows.Stored]) -> dict[conversation_age.Key, object]:
    return {k: s.state for k, s in states.items()}
