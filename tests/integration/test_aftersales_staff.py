"""After-sales staff side (part B) on a real store: a "one unit" inspection press repeated or
made by two staff at once judges one unit (the press names the units it saw left), and the bot's
after-sales questions survive in staff_prompts beside the order's own."""

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
    await prompts.open_prompt(store, -100, 56, order.id, Action.NOTE)
    found = await prompts.find_prompt(store, -100, 55)
    assert found is not None
    question = asks.decode(found)
    assert question is not None
    assert (question.complaint_id, question.ask, question.extra) == (c.id, asks.Ask.RETURN, "jnt")
    own = await prompts.find_prompt(store, -100, 56)
    assert own is not None and asks.decode(own) is None  # the order's own question
    await prompts.close_prompt(store, -100, 55)
    closed = await prompts.find_prompt(store, -100, 55)
    assert closed is not None and asks.decode(closed).closed  # type: ignore[union-attr]
