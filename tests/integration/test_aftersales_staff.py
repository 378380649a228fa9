"""After-sales staff side (part B) on a real store: a "one unit" inspection press repeated or
made by two staff at once judges one unit (the press names the units it saw left), and the bot's
after-sales questions survive in the store (aftersales_prompts, migration 010) apart from the
order's own."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from domain.aftersales import complaints, inspection, reads
from domain.aftersales import staff_prompts as asks
from domain.aftersales.models import ComplaintStatus, Solution
from domain.clock import FrozenClock
from domain.errors import AlreadyDone
from domain.fulfilment import prompts
from domain.ordering.staff_actions import Action
from domain.store import Store
from tests.conftest import seed_catalog
from tests.integration.aftersales_support import complain, delivered, movements, stock_row
from tests.integration.staff_support import DEWI, SARI


@pytest.mark.parametrize("rounds", range(3))
async def test_one_unit_pressed_twice_at_once_is_judged_once(
    db_location: Path | str, clock: FrozenClock, rounds: int
) -> None:
    path = db_location
    one, two = Store(path, clock), Store(path, clock)
    await one.open()
    await two.open()
    try:
        await seed_catalog(one)
        order = await delivered(one)
        c = await complain(one, order)  # 2 × KOPI-GAYO
        await complaints.approve(one, c.id, SARI, Solution.RETURN_REFUND)
        before = await stock_row(one, "KOPI-GAYO")
        results = await asyncio.gather(
            inspection.inspect(one, c.id, "KOPI-GAYO", 1, 0, SARI, expected_left=2),
            inspection.inspect(two, c.id, "KOPI-GAYO", 1, 0, DEWI, expected_left=2),
            inspection.inspect(one, c.id, "KOPI-GAYO", 1, 0, SARI, expected_left=2),
            return_exceptions=True,
        )
        wins = [r for r in results if not isinstance(r, BaseException)]
        losses = [r for r in results if isinstance(r, BaseException)]
        assert len(wins) == 1 and all(isinstance(x, AlreadyDone) for x in losses), results
        assert await stock_row(one, "KOPI-GAYO") == (before[0] + 1, before[1])
        assert [m for m in await movements(one, "KOPI-GAYO") if m[0] == "return"] == [
            ("return", 1, 1)
        ]
        # The next press names what is left now (1): it counts.
        await inspection.inspect(two, c.id, "KOPI-GAYO", 0, 1, DEWI, expected_left=1)
        found = await reads.complaint(one, c.id)
        assert found.status == ComplaintStatus.INSPECTED
        assert (found.lines[0].resellable, found.lines[0].damaged) == (1, 1)
    finally:
        await one.close()
        await two.close()


async def test_after_sales_questions_are_kept_and_read_back(seeded_store: Store) -> None:
    store = seeded_store
    order = await delivered(store)
    c = await complain(store, order)
    await asks.open_prompt(store, -100, 55, order.id, c.id, asks.Ask.RETURN, extra="jnt",
                           created_by=8001)
    await asks.open_refund_prompt(store, -100, 57, order.id, 9, asks.RefundAsk.PAID)
    await prompts.open_prompt(store, -100, 56, order.id, Action.NOTE)
    question = await asks.find(store, -100, 55)
    assert isinstance(question, asks.ComplaintPrompt)
    assert (question.complaint_id, question.ask, question.extra) == (c.id, asks.Ask.RETURN, "jnt")
    refund = await asks.find(store, -100, 57)
    assert refund == asks.RefundPrompt(-100, 57, 9, asks.RefundAsk.PAID)
    assert await asks.open_refund_prompts(store, 9) == [refund]
    assert await asks.find(store, -100, 56) is None  # the order's own question
    assert await prompts.find_prompt(store, -100, 55) is None  # not stored as an order's
    assert await asks.close(store, -100, 55)
    assert not await asks.close(store, -100, 55)  # closed once
    closed = await asks.find(store, -100, 55)
    assert closed is not None and closed.closed
    assert await asks.close(store, -100, 57)
    assert await asks.open_refund_prompts(store, 9) == []


async def test_migration_010_moves_the_complaint_questions_out_of_staff_prompts(
    tmp_path: Path, clock: FrozenClock
) -> None:
    """Questions stored before migration 010 (in staff_prompts, the question in `courier`)
    are read back from aftersales_prompts afterwards; the orders' own stay where they are."""
    path = tmp_path / "shop.db"
    store = Store(path, clock)
    await store.open()
    try:
        await seed_catalog(store)
        order = await delivered(store)
        c = await complain(store, order)
        async with store.transaction() as db:
            await db.execute("DELETE FROM schema_migrations WHERE version = 10")
            await db.execute("DROP TABLE aftersales_prompts")
            for message_id, courier, closed in (
                (61, f"cs:return:{c.id}:jnt", None),
                (62, f"cs:inspect:{c.id}:0.2", None),
                (63, f"cs:reject:{c.id}", "2026-11-22T02:00:00+00:00"),
                (64, "jnt", None),  # an order's shipping question
            ):
                await db.execute(
                    "INSERT INTO staff_prompts (chat_id, message_id, order_id, action, courier,"
                    " created_at, closed_at) VALUES (-100, ?, ?, 'ship', ?, 'x', ?)",
                    (message_id, order.id, courier, closed),
                )
    finally:
        await store.close()
    again = Store(path, clock)
    await again.open()  # migrates
    try:
        found = [await asks.find(again, -100, m) for m in (61, 62, 63, 64)]
        assert found[0] == asks.ComplaintPrompt(-100, 61, c.id, asks.Ask.RETURN, "jnt")
        assert found[1] == asks.ComplaintPrompt(-100, 62, c.id, asks.Ask.INSPECT, "0.2")
        assert found[2] == asks.ComplaintPrompt(-100, 63, c.id, asks.Ask.REJECT, None, True)
        assert found[3] is None
        own = await prompts.find_prompt(again, -100, 64)
        assert own is not None and own.courier == "jnt"
        assert await prompts.find_prompt(again, -100, 61) is None
    finally:
        await again.close()
