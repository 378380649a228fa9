"""After-sales follow-up on a real store (issue 9, part C): staff are nudged once about a
complaint waiting 24 h and a refund due 48 h (again only after it waits anew), customers are
reminded once of bank details or a return shipment they owe, held until morning in quiet
hours, and refunds due over 48 h are listed in the daily digest. The clock is moved by hand."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from domain.aftersales import complaints, reads, refunds
from domain.aftersales.models import ComplaintReason, RefundStatus, Solution
from domain.clock import FrozenClock
from domain.models import PaymentMethod
from domain.store import Store
from tests.conftest import seed_catalog
from tests.integration.aftersales_support import VIDEO, complain, delivered
from tests.integration.schedule_support import not_before, outbox, run
from tests.integration.staff_support import ISSUER, SARI, flow, placed

Location = Callable[[datetime], Path | str]


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


def payloads(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    return [json.loads(str(r["payload"])) for r in rows]


async def test_a_waiting_complaint_is_nudged_once_per_wait(new_location: Location) -> None:
    clock = FrozenClock(wib(23, 10))
    async with Store(new_location(clock()), clock) as store:
        await seed_catalog(store)
        order = await delivered(store, 1001)
        c = await complain(store, order)
        clock.current += timedelta(hours=23)
        await run(store)
        assert await outbox(store, "complaint_nudge") == []
        clock.current += timedelta(hours=2)
        await run(store)
        await run(store)
        [nudge] = await outbox(store, "complaint_nudge")
        assert (nudge["audience"], nudge["order_id"]) == ("staff", order.id)
        assert payloads([nudge]) == [{"what": "complaint", "hours": 24, "complaint_id": c.id}]
        # Staff ask for more evidence; it comes: the complaint waits anew, a day later again.
        await complaints.ask_evidence(store, c.id, SARI, "Video unboxing?")
        await complaints.add_evidence(store, 1001, "Siti", c.id, VIDEO)
        clock.current += timedelta(hours=12)
        await run(store)
        assert len(await outbox(store, "complaint_nudge")) == 1
        clock.current += timedelta(hours=13)
        await run(store)
        assert len(await outbox(store, "complaint_nudge")) == 2
        # Decided: no more nudges about it.
        await complaints.reject(store, c.id, SARI, "Kemasan utuh di foto")
        clock.current += timedelta(days=3)
        await run(store)
        assert len(await outbox(store, "complaint_nudge")) == 2


async def test_bank_details_owed_remind_the_customer_once_in_the_morning(
    new_location: Location,
) -> None:
    clock = FrozenClock(wib(23, 22))  # at night
    async with Store(new_location(clock()), clock) as store:
        await seed_catalog(store)
        order = await placed(store, 1001)
        await flow(store).verify(order.number, SARI)
        await flow(store).cancel(order.number, SARI, "Stok habis")
        [refund] = await reads.refunds_of_order(store, order.id)
        clock.current = wib(24, 22, 30)  # a day later, at night again
        await run(store)
        await run(store)
        [reminder] = await outbox(store, "aftersales_reminder")
        assert reminder["chat_id"] == 1001 and reminder["audience"] == "customer"
        assert payloads([reminder]) == [{"what": "bank_details", "refund_id": refund.id}]
        assert not_before(reminder) == wib(25, 8)  # quiet hours 21:00–08:00 WIB
        assert await outbox(store, "complaint_nudge") == []  # 24 h: not yet for staff
        clock.current = wib(25, 23)  # 48 h after it fell due: staff hear of it, once
        await run(store)
        await run(store)
        [nudge] = await outbox(store, "complaint_nudge")
        assert payloads([nudge]) == [{"what": "refund", "hours": 48, "refund_id": refund.id}]
        assert len(await outbox(store, "aftersales_reminder")) == 1
        # The details come: the refund is ready (a new wait, for staff only).
        await refunds.give_bank_details(store, 1001, "Siti", refund.id, "bri",
                                        "0123 0100 1234 567", "Siti Aminah")
        clock.current += timedelta(days=3)
        await run(store)
        assert len(await outbox(store, "aftersales_reminder")) == 1
        assert len(await outbox(store, "complaint_nudge")) == 2
        paid = await refunds.mark_paid(store, refund.id, SARI, "proof", ISSUER)
        assert paid.refund.status == RefundStatus.PAID
        clock.current += timedelta(days=3)
        await run(store)
        assert len(await outbox(store, "complaint_nudge")) == 2


async def test_a_return_shipment_owed_is_reminded_once(new_location: Location) -> None:
    clock = FrozenClock(wib(23, 10))
    async with Store(new_location(clock()), clock) as store:
        await seed_catalog(store)
        order = await delivered(store, 1001)
        c = await complain(store, order, ComplaintReason.WRONG_ITEM, Solution.RETURN_REFUND)
        await complaints.approve(store, c.id, SARI, Solution.RETURN_REFUND)
        clock.current += timedelta(hours=25)
        await run(store)
        await run(store)
        rows = await outbox(store, "aftersales_reminder")
        whats = sorted(str(p["what"]) for p in payloads(rows))
        assert whats == ["bank_details", "return_shipment"]
        assert all(not_before(r) == clock.current for r in rows)  # daytime: at once


async def test_refunds_due_over_48_hours_are_in_the_digest(new_location: Location) -> None:
    clock = FrozenClock(wib(20, 7))
    async with Store(new_location(clock()), clock) as store:
        await seed_catalog(store)
        old = await placed(store, 1001)
        await flow(store).verify(old.number, SARI)
        await flow(store).cancel(old.number, SARI, "Stok habis")
        clock.current = wib(22, 7)
        fresh = await placed(store, 1002, method=PaymentMethod.TRANSFER)
        await flow(store).verify(fresh.number, SARI)
        await flow(store).cancel(fresh.number, SARI, "Alamat di luar jangkauan")
        clock.current = wib(22, 8, 5)
        await run(store)
        [digest] = payloads(await outbox(store, "daily_digest"))
        listed = digest["refunds_overdue"]
        assert isinstance(listed, list) and len(listed) == 1
        assert listed[0]["number"] == old.number and listed[0]["status"] == "awaiting_details"
        assert listed[0]["hours"] >= 48 and listed[0]["amount"] == old.total

