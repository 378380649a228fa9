"""Several workers share one outbox: each message is claimed by one sender before it goes, a
chat's lane stays with one worker (its order holds), and a dead worker's claims run out so
another sends what it held."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.notices import RENDERERS, NoticeKit
from bot.sender import OutboxSender
from bot.settings import Settings, courier_book, policy_from
from domain import outbox
from domain.clock import FrozenClock, to_db
from domain.outbox import OutboxMessage
from domain.store import Store
from messages import Messages
from tests.integration.test_schedule_outbox_lanes import LANE_TEST, queue


def sender_for(store: Store, worker: str, renew_every: float | None = None) -> OutboxSender:
    settings = Settings(_env_file=None, bot_token="1:a", staff_chat_id=-100)  # type: ignore[call-arg]
    kit = NoticeKit(settings, store, Messages(), courier_book(settings), policy_from(settings))
    return OutboxSender(kit, worker=worker, renew_every=renew_every)


async def pending(store: Store) -> int:
    return (await outbox.counts(store)).get("pending", 0)


async def claims(store: Store) -> dict[int, str | None]:
    rows = await store.fetchall("SELECT id, claimed_by FROM outbox ORDER BY id")
    return {r["id"]: r["claimed_by"] for r in rows}


@pytest.mark.parametrize("rounds", range(3))
async def test_two_workers_send_each_message_once_and_each_chat_in_order(
    db_location: Path | str, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch, rounds: int
) -> None:
    one, two = Store(db_location, clock), Store(db_location, clock)
    await one.open()
    await two.open()
    try:
        sent: list[tuple[str, int, int]] = []  # (worker, chat, n) in the order sent

        async def render(kit: Any, bot: Any, chat_id: int, message: OutboxMessage) -> int:
            await asyncio.sleep(0)  # let the other worker in between
            sent.append((bot, chat_id, message.payload["n"]))
            return len(sent)

        monkeypatch.setitem(RENDERERS, LANE_TEST, render)
        n = 0
        for chat in range(1001, 1009):
            for _ in range(6):
                n += 1
                await queue(one, "customer", n, chat_id=chat)
        for _ in range(12):
            n += 1
            await queue(one, "staff", n)
        a, b = sender_for(one, "worker-a"), sender_for(two, "worker-b")
        for _ in range(20):
            await asyncio.gather(a.run("worker-a"), b.run("worker-b"), a.run("worker-a"))  # type: ignore[arg-type]
            if not await pending(one):
                break
        assert await pending(one) == 0
        numbers = [m for _, _, m in sent]
        assert sorted(numbers) == list(range(1, n + 1))  # every message once
        for chat in {c for _, c, _ in sent}:
            in_chat = [m for _, c, m in sent if c == chat]
            assert in_chat == sorted(in_chat), f"chat {chat} out of order: {in_chat}"
        assert set((await claims(one)).values()) == {None}  # every outcome let its row go
    finally:
        await one.close()
        await two.close()


async def test_a_chat_held_by_another_worker_is_left_whole(store: Store) -> None:
    for n in (1, 2, 3):
        await queue(store, "customer", n, chat_id=1001)
    await queue(store, "customer", 4, chat_id=1002)
    first = await outbox.claim(store, "worker-a", "customer", limit=1)
    assert [m.payload["n"] for m in first] == [1]
    # 2 and 3 are due and unclaimed, but their chat's lane is worker-a's: not worker-b's.
    second = await outbox.claim(store, "worker-b", "customer")
    assert [m.payload["n"] for m in second] == [4]
    assert await outbox.claim(store, "worker-c", "customer") == []
    # worker-a finishes its row: the rest of the lane is anyone's.
    await outbox.mark_sent(store, first[0].id, 99)
    third = await outbox.claim(store, "worker-c", "customer")
    assert [m.payload["n"] for m in third] == [2, 3]


async def test_the_staff_group_is_one_lane(store: Store) -> None:
    for n in (1, 2):
        await queue(store, "staff", n)
    assert len(await outbox.claim(store, "worker-a", "staff", limit=1)) == 1
    assert await outbox.claim(store, "worker-b", "staff") == []


async def test_a_dead_workers_claims_run_out_and_another_sends_them(
    store: Store, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[int] = []

    async def render(kit: Any, bot: Any, chat_id: int, message: OutboxMessage) -> int:
        sent.append(message.payload["n"])
        return len(sent)

    monkeypatch.setitem(RENDERERS, LANE_TEST, render)
    for n in (1, 2):
        await queue(store, "customer", n, chat_id=1001)
    await queue(store, "staff", 3)
    held = await outbox.claim(store, "dead", "customer") + await outbox.claim(
        store, "dead", "staff"
    )
    assert len(held) == 3  # ...and the worker dies before sending any
    alive = sender_for(store, "alive")
    assert await alive.run(None) == 0  # type: ignore[arg-type]
    assert sent == []
    clock.advance(seconds=outbox.LEASE.total_seconds() - 1)
    assert await alive.run(None) == 0  # type: ignore[arg-type]
    clock.advance(seconds=1)
    assert await alive.run(None) == 3  # type: ignore[arg-type]
    assert sorted(sent) == [1, 2, 3]
    assert await pending(store) == 0


async def test_a_worker_restarted_under_its_name_takes_its_claims_back(store: Store) -> None:
    await queue(store, "customer", 1, chat_id=1001)
    assert len(await outbox.claim(store, "worker-1", "customer")) == 1
    assert await outbox.claim(store, "worker-2", "customer") == []
    assert len(await outbox.claim(store, "worker-1", "customer")) == 1


async def test_what_a_stopped_lane_left_is_let_go(store: Store) -> None:
    await queue(store, "staff", 1)
    held = await outbox.claim(store, "worker-a", "staff")
    await outbox.release(store, "worker-b", [m.id for m in held])  # not worker-b's to let go
    assert await outbox.claim(store, "worker-b", "staff") == []
    await outbox.release(store, "worker-a", [m.id for m in held])
    assert [m.id for m in await outbox.claim(store, "worker-b", "staff")] == [held[0].id]


async def test_every_outcome_lets_the_row_go(store: Store, clock: FrozenClock) -> None:
    for n in range(4):
        await queue(store, "customer", n, chat_id=1001 + n)
    ids = [m.id for m in await outbox.claim(store, "worker-a", "customer")]
    await outbox.mark_sent(store, ids[0], 1)
    await outbox.mark_retry(store, ids[1], "timeout", clock())
    await outbox.postpone(store, ids[2], clock(), "429")
    await outbox.mark_failed(store, ids[3], "bad request")
    assert set((await claims(store)).values()) == {None}
    # the retried and postponed rows are due again, for anyone
    assert len(await outbox.claim(store, "worker-b", "customer")) == 2


async def test_a_long_lane_keeps_its_claim(
    store: Store, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sender renews its claim while a lane runs longer than the lease."""
    renewed = asyncio.Event()
    stolen: list[list[OutboxMessage]] = []

    async def render(kit: Any, bot: Any, chat_id: int, message: OutboxMessage) -> int:
        clock.advance(seconds=50)  # a slow send: past the lease, which is renewed meanwhile
        for _ in range(200):
            row = await store.fetchone(
                "SELECT claim_until FROM outbox WHERE id = ?", (message.id,)
            )
            if row and row["claim_until"] > to_db(clock()):
                renewed.set()
                break
            await asyncio.sleep(0.01)
        # Renewed past the advanced clock: another worker still finds the lane held.
        stolen.append(await outbox.claim(store, "worker-b", "customer"))
        return 1

    monkeypatch.setitem(RENDERERS, LANE_TEST, render)
    await queue(store, "customer", 1, chat_id=1001)
    await queue(store, "customer", 2, chat_id=1001)
    sender = sender_for(store, "worker-a", renew_every=0.01)
    assert await sender.run(None) == 2  # type: ignore[arg-type]
    assert renewed.is_set()
    assert stolen == [[], []]
