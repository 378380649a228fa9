"""The inbox on the real store, both engines: updates stored once, claimed per lane by one
worker at a time in update_id order, a dead worker's lease taken over, "worked" written in the
same commit as the work, crashes at each step, pruning."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta
from pathlib import Path

import pytest

from domain.clock import FrozenClock
from domain.store import Store
from domain.store import inbox as rows
from domain.store.inbox import HANDLING, TakenOver, Ticket

LEASE = timedelta(seconds=30)


def update(update_id: int, lane: int) -> tuple[int, int, str]:
    return (update_id, lane, f'{{"update_id": {update_id}}}')


async def record(store: Store, *updates: tuple[int, int, str]) -> int:
    async with store.transaction() as db:
        return await rows.record(db, list(updates), store.now())


async def claim(store: Store, worker: str, lanes: int = 10) -> list[rows.Claimed]:
    now = store.now()
    async with store.transaction() as db:
        return await rows.claim(db, worker, now, now + LEASE, lanes)


async def done(store: Store, update_id: int, worker: str) -> bool:
    async with store.transaction() as db:
        return await rows.mark_done(db, update_id, worker, "handled", store.now())


async def work(store: Store, ticket: Ticket, fail: bool = False) -> None:
    """A handler's write transaction (a counter kept as user data), under the update's
    ticket: not idempotent, so doing it twice shows."""
    token = HANDLING.set(ticket)
    try:
        async with store.transaction() as db:
            await db.execute(
                "INSERT INTO ptb_data (scope, id, data) VALUES ('user', 7001, '1')"
                " ON CONFLICT (scope, id) DO UPDATE"
                " SET data = CAST(CAST(ptb_data.data AS INTEGER) + 1 AS TEXT)"
            )
            if fail:
                raise RuntimeError("the process dies before the commit")
    finally:
        HANDLING.reset(token)


async def times_worked(store: Store) -> int:
    row = await store.fetchone("SELECT data FROM ptb_data WHERE scope = 'user' AND id = 7001")
    return 0 if row is None else int(row["data"])


async def test_a_repeated_update_is_stored_once(store: Store) -> None:
    assert await record(store, update(1, 10), update(2, 10)) == 2
    assert await record(store, update(2, 10), update(3, 11)) == 1
    assert await rows.counts(store.reader, store.now()) == {"waiting": 3, "running": 0, "done": 0}


async def test_a_lane_is_claimed_whole_in_order_and_by_one_worker(store: Store) -> None:
    await record(store, update(5, 10), update(3, 10), update(4, 11), update(9, 10))
    first = await claim(store, "a", lanes=1)
    # The lane waiting longest (update 3), every update of it, in update_id order.
    assert [(c.lane, c.update_id) for c in first] == [(10, 3), (10, 5), (10, 9)]
    second = await claim(store, "b")
    assert [(c.lane, c.update_id) for c in second] == [(11, 4)]
    await record(store, update(12, 10))  # arrives while worker a holds lane 10
    assert await claim(store, "b") == []
    for c in first:
        assert await done(store, c.update_id, "a")
    again = await claim(store, "b")
    assert [(c.lane, c.update_id, c.attempts) for c in again] == [(10, 12, 1)]


async def test_a_dead_workers_lease_runs_out_and_another_takes_over(
    store: Store, clock: FrozenClock
) -> None:
    await record(store, update(1, 10), update(2, 10))
    [one, _] = await claim(store, "a")
    assert await done(store, one.update_id, "a")
    clock.advance(seconds=LEASE.total_seconds() - 1)
    assert await claim(store, "b") == []  # a is alive as far as anyone knows
    clock.advance(seconds=2)
    taken = await claim(store, "b")
    assert [(c.update_id, c.attempts) for c in taken] == [(2, 2)]
    # a wakes up late: its write is refused and rolled back, the work is b's to do.
    with pytest.raises(TakenOver):
        await work(store, Ticket(2, "a"))
    assert await times_worked(store) == 0
    assert not await done(store, 2, "a")
    await work(store, Ticket(2, "b"))
    assert await done(store, 2, "b")
    assert await times_worked(store) == 1
    assert await rows.counts(store.reader, store.now()) == {"waiting": 0, "running": 0, "done": 2}


async def test_renewing_keeps_a_long_update_from_being_taken(
    store: Store, clock: FrozenClock
) -> None:
    await record(store, update(1, 10))
    await claim(store, "a")
    for _ in range(5):
        clock.advance(seconds=20)
        async with store.transaction() as db:
            assert await rows.renew(db, "a", store.now() + LEASE) == 1
        assert await claim(store, "b") == []


async def worked_and_done(store: Store, update_id: int) -> tuple[bool, bool]:
    row = await store.fetchone(
        "SELECT worked_at, done_at FROM inbox WHERE update_id = ?", (update_id,)
    )
    assert row is not None
    return row["worked_at"] is not None, row["done_at"] is not None


async def test_worked_is_written_in_the_same_commit_as_the_work(store: Store) -> None:
    await record(store, update(1, 10))
    await claim(store, "a")
    # Crash inside the work's transaction: neither the work nor "worked" remains.
    with pytest.raises(RuntimeError):
        await work(store, Ticket(1, "a"), fail=True)
    assert await times_worked(store) == 0
    assert await worked_and_done(store, 1) == (False, False)
    # The work commits: "worked" with it; a second transaction does not mark again. Done
    # comes only with the answer.
    ticket = Ticket(1, "a")
    await work(store, ticket)
    await work(store, ticket)
    assert ticket.worked and await times_worked(store) == 2
    assert await worked_and_done(store, 1) == (True, False)
    assert await done(store, 1, "a")
    assert await worked_and_done(store, 1) == (True, True)


async def test_crashes_at_each_step_lose_nothing_and_repeat_no_work(
    db_location: Path | str, clock: FrozenClock
) -> None:
    """Three updates: the first handled and answered; the second's work committed, then the
    process died before its answer; the third stored, never handled. After the restart the
    second comes back marked worked (answered from the current state, not run again), the
    third is run: each update's work happened exactly once."""
    first = await Store(db_location, clock).open()
    await record(first, update(1, 10), update(2, 10), update(3, 10))
    [u1, u2, _] = await claim(first, "a")
    await work(first, Ticket(u1.update_id, "a"))
    assert await done(first, u1.update_id, "a")
    await work(first, Ticket(u2.update_id, "a"))  # died right after this commit
    await first.close()

    second = await Store(db_location, clock).open()
    try:
        async with second.transaction() as db:  # the only process, starting again
            assert await rows.release(db, None) == 2
        again = await claim(second, "a2")
        assert [(c.update_id, c.worked) for c in again] == [(2, True), (3, False)]
        await work(second, Ticket(3, "a2"))  # 2 is not run again: only 3 works
        for c in again:
            assert await done(second, c.update_id, "a2")
        assert await times_worked(second) == 3
        assert await rows.counts(second.reader, second.now()) == {
            "waiting": 0,
            "running": 0,
            "done": 3,
        }
    finally:
        await second.close()


async def test_prune_forgets_done_updates_past_retention_only(
    store: Store, clock: FrozenClock
) -> None:
    await record(store, update(1, 10), update(2, 11), update(3, 12))
    await claim(store, "a")
    assert await done(store, 1, "a")
    clock.advance(days=8)
    assert await done(store, 2, "a")
    async with store.transaction() as db:
        assert await rows.prune(db, store.now() - timedelta(days=7)) == 1
    left = await store.fetchall("SELECT update_id FROM inbox ORDER BY update_id")
    assert [r["update_id"] for r in left] == [2, 3]


async def test_three_workers_share_lanes_each_update_once_each_lane_in_order(
    db_location: Path | str, clock: FrozenClock
) -> None:
    """1,000 updates from 100 chats, each delivered twice to random workers, handled by three
    workers at once: every update worked exactly once, a lane never on two workers at the
    same moment, each lane in update_id order."""
    stores = [await Store(db_location, clock).open() for _ in range(3)]
    rng = random.Random(11)
    worked: list[int] = []
    busy: dict[int, str] = {}
    order: dict[int, list[int]] = {}
    stop = asyncio.Event()

    async def chat(lane: int) -> None:
        # As Telegram sends a chat's updates: one after another, each here twice, to any
        # worker; different chats at once.
        for i in range(lane - 999, 1001, 100):
            for _ in range(2):
                await record(rng.choice(stores), update(i, lane))
                await asyncio.sleep(rng.random() / 1000)

    async def worker(k: int) -> None:
        name = f"w{k}"
        while not stop.is_set():
            claimed = await claim(stores[k], name, lanes=5)
            if not claimed:
                await asyncio.sleep(0.001)
                continue
            last = {c.lane: c.update_id for c in claimed}
            for c in claimed:
                assert busy.setdefault(c.lane, name) == name, "lane on two workers"
                worked.append(c.update_id)
                order.setdefault(c.lane, []).append(c.update_id)
                await asyncio.sleep(0)
                if last[c.lane] == c.update_id:  # its "done" frees the lane for anyone
                    del busy[c.lane]
                assert await done(stores[k], c.update_id, name)

    try:
        workers = [asyncio.create_task(worker(k)) for k in range(3)]
        await asyncio.gather(*(chat(lane) for lane in range(1000, 1100)))
        for _ in range(2000):
            if (await rows.counts(stores[0].reader, clock()))["done"] == 1000:
                break
            await asyncio.sleep(0.005)
        stop.set()
        await asyncio.gather(*workers)
        assert sorted(worked) == list(range(1, 1001))
        for lane, ids in order.items():
            assert ids == sorted(ids), lane
    finally:
        for s in stores:
            await s.close()


async def test_a_rows_keys_are_its_columns_in_order(store: Store) -> None:
    """dict(zip(row.keys(), row)) is the row on both engines (PostgreSQL's once came reversed)."""
    await record(store, update(1, 10))
    row = await store.fetchone("SELECT update_id, lane, attempts FROM inbox")
    assert row is not None
    assert dict(zip(row.keys(), row, strict=True)) == {"update_id": 1, "lane": 10, "attempts": 0}


async def test_a_task_started_while_handling_does_not_stand_for_the_update(store: Store) -> None:
    """A job a handler schedules (the outbox kicked) copies the context: its writes are not
    the update's work, and must not fail when the update is done."""
    await record(store, update(1, 10))
    await claim(store, "a")

    async def sender_write() -> None:
        async with store.transaction() as db:
            await db.execute("DELETE FROM ptb_data WHERE scope = 'chat' AND id = 1")

    def spawn() -> asyncio.Task[None]:
        token = HANDLING.set(Ticket(1, "a"))
        try:
            return asyncio.create_task(sender_write())  # context copied, ticket and all
        finally:
            HANDLING.reset(token)

    await spawn()
    assert await worked_and_done(store, 1) == (False, False)
    assert await done(store, 1, "a")
    await spawn()  # after the update is done: no TakenOver in the job
    assert await worked_and_done(store, 1) == (False, True)
