"""The daily digest at DIGEST_AT in the shop's zone: once a day, yesterday's figures."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from domain.clock import FrozenClock
from domain.models import PaymentMethod, Status
from domain.ordering.orders import cancel_by_customer
from domain.store import Store
from tests.integration.schedule_support import move, not_before, outbox, place, run

WIB = timedelta(hours=7)


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - WIB


async def test_digest_at_eight_once_a_day_with_yesterdays_figures(
    seeded_store: Store, clock: FrozenClock
) -> None:
    clock.current = wib(22, 7, 0)
    await run(seeded_store)
    assert await outbox(seeded_store, "daily_digest") == []
    clock.current = wib(22, 8, 0)
    await run(seeded_store)  # none: the shop was set up today (09:00), 21 Nov is not its own
    clock.current = wib(22, 10, 0)
    a = await place(seeded_store, 1001, items={"KOPI-GAYO": 2})  # Rp170.000 + 15.000
    b = await place(seeded_store, 1002, method=PaymentMethod.COD, items={"TEH-MELATI": 1})
    c = await place(seeded_store, 1003, items={"BATIK-M": 1})
    await cancel_by_customer(seeded_store, 1003, c.number, "Sari")
    await move(seeded_store, b, Status.VERIFIED)
    clock.current = wib(23, 7, 59)
    await run(seeded_store)
    assert await outbox(seeded_store, "daily_digest") == []
    clock.current = wib(23, 8, 0)
    await run(seeded_store)
    await run(seeded_store)
    digests = await outbox(seeded_store, "daily_digest")
    assert len(digests) == 1
    latest = digests[-1]
    assert latest["audience"] == "staff" and not_before(latest) == clock()
    figures = json.loads(latest["payload"])
    assert figures["day"] == "2026-11-22"
    assert figures["orders"] == 3 and figures["kept"] == 2
    assert figures["revenue"] == a.total + b.total
    assert figures["cancelled"] == 1
    assert figures["waiting"] == {"payment": 1, "verified": 1}
    assert [p["sku"] for p in figures["low_stock"]] == ["BATIK-M"]


async def test_after_an_outage_only_todays_digest_goes_once(
    seeded_store: Store, clock: FrozenClock
) -> None:
    clock.current = wib(22, 9, 0)
    await run(seeded_store)
    clock.current = wib(26, 15, 0)  # down for four days
    await run(seeded_store)
    await run(seeded_store)
    days = [json.loads(r["payload"])["day"] for r in await outbox(seeded_store, "daily_digest")]
    assert days == ["2026-11-25"]  # none about 21 Nov: the shop was set up on the 22nd


async def test_a_shop_set_up_before_yesterday_gets_yesterdays_digest(
    new_location: Callable[[datetime], Path | str]
) -> None:
    clock = FrozenClock(wib(20, 15, 0))
    async with Store(new_location(clock()), clock) as store:  # set up on 20 Nov
        clock.current = wib(22, 8, 5)
        await run(store)
        days = [json.loads(r["payload"])["day"] for r in await outbox(store, "daily_digest")]
        assert days == ["2026-11-21"]
