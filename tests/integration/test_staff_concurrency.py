"""Two staff members at once: exactly one transition, the other told who was first and when;
stale presses explain the current status; repeated messages change nothing twice."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from domain.clock import FrozenClock
from domain.dedupe import AlreadyProcessed
from domain.errors import AlreadyDone, TransitionNotAllowed
from domain.models import PaymentStatus, Status
from domain.store import Store
from tests.conftest import START, seed_catalog
from tests.integration.staff_support import DEWI, SARI, flow, placed


async def events(store: Store, order_id: int, kind: str) -> list[tuple[str, str, str]]:
    rows = await store.fetchall(
        "SELECT actor_name, from_status, to_status FROM order_events"
        " WHERE order_id = ? AND kind = ? ORDER BY id",
        (order_id, kind),
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


@pytest.mark.parametrize("rounds", range(5))
async def test_double_verify_from_two_processes(
    db_location: Path | str, clock: FrozenClock, rounds: int
) -> None:
    path = db_location
    one, two = Store(path, clock), Store(path, clock)
    await one.open()
    await two.open()
    try:
        await seed_catalog(one)
        order = await placed(one)
        results = await asyncio.gather(
            flow(one).verify(order.number, SARI),
            flow(two).verify(order.number, DEWI),
            return_exceptions=True,
        )
        wins = [r for r in results if not isinstance(r, BaseException)]
        losses = [r for r in results if isinstance(r, BaseException)]
        assert len(wins) == 1 and len(losses) == 1
        loss = losses[0]
        assert isinstance(loss, AlreadyDone)
        winner = wins[0].order.events[-1].actor_name
        assert loss.context["actor_name"] == winner
        assert loss.context["at"] == START
        assert loss.context["status"] == Status.VERIFIED
        assert await events(one, order.id, "status") == [
            ("Siti Rahayu", None, "placed"),
            (winner, "placed", "verified"),
        ]
        assert [e[2] for e in await events(one, order.id, "payment")] == [
            "proof_submitted",
            "paid",
        ]
        notices = await one.fetchall(
            "SELECT kind FROM outbox WHERE order_id = ? AND audience = 'customer'", (order.id,)
        )
        assert [r["kind"] for r in notices] == ["order_placed", "status_changed"]
    finally:
        await one.close()
        await two.close()


async def test_many_presses_on_one_process(seeded_store: Store) -> None:
    store = seeded_store
    order = await placed(store)
    results = await asyncio.gather(
        *(flow(store).pack(order.number, SARI) for _ in range(3)),
        *(flow(store).verify(order.number, DEWI) for _ in range(5)),
        return_exceptions=True,
    )
    verified = [r for r in results[3:] if not isinstance(r, BaseException)]
    assert len(verified) == 1
    assert all(isinstance(r, TransitionNotAllowed) for r in results[:3])  # not verified yet
    assert all(isinstance(r, AlreadyDone) for r in results[3:] if isinstance(r, BaseException))


async def test_a_stale_button_says_where_the_order_is(seeded_store: Store) -> None:
    store, f = seeded_store, flow(seeded_store)
    order = await placed(store)
    await f.verify(order.number, SARI)
    await f.pack(order.number, DEWI)
    # Verify pressed on an old card: already done by Sari, and it is packed now.
    with pytest.raises(AlreadyDone) as done:
        await f.verify(order.number, DEWI)
    assert done.value.context["actor_name"] == "Sari"
    assert done.value.context["current"] == Status.PACKED
    # Reject was never done: not allowed, with what can be done instead.
    with pytest.raises(TransitionNotAllowed) as refused:
        await f.reject(order.number, DEWI, "telat")
    assert refused.value.context["status"] == Status.PACKED
    assert refused.value.context["allowed"] == ["ship", "invoice", "cancel", "note"]
    # Nothing changed by the refused presses.
    assert (await f.order(order.number))[0].status == Status.PACKED


async def test_a_repeated_note_is_written_once(seeded_store: Store) -> None:
    store, f = seeded_store, flow(seeded_store)
    order = await placed(store)
    await f.note(order.number, SARI, "telepon dulu <i>sebelum</i> kirim", source=(-1, 55))
    with pytest.raises(AlreadyProcessed):
        await f.note(order.number, SARI, "telepon dulu <i>sebelum</i> kirim", source=(-1, 55))
    await f.note(order.number, SARI, "sudah ditelepon", source=(-1, 56))
    notes = await events(store, order.id, "note")
    assert len(notes) == 2


async def test_payment_stays_consistent_when_the_loser_had_a_note(seeded_store: Store) -> None:
    """An override note by the loser must not write a second payment event."""
    store = seeded_store
    order = await placed(store, receipt=False)
    results = await asyncio.gather(
        flow(store).verify(order.number, SARI, "masuk di m-BCA"),
        flow(store).verify(order.number, DEWI, "sudah cek mutasi"),
        return_exceptions=True,
    )
    assert sum(isinstance(r, AlreadyDone) for r in results) == 1
    payments = await events(store, order.id, "payment")
    assert payments == [(payments[0][0], PaymentStatus.UNPAID, PaymentStatus.PAID)]
