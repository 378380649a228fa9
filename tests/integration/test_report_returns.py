"""The after-sales figures of the report on a seeded month (complaints, inspections, refunds,
a cancelled paid order refunded, a refused COD parcel), each against its definition
(domain/reports/returns.py), and the `returns` export agreeing with them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

from domain.aftersales import cod, complaints, inspection, refunds
from domain.aftersales.models import ComplaintReason, Solution
from domain.clock import FrozenClock
from domain.models import Order, PaymentMethod
from domain.reports import exports, periods
from domain.reports.report import ReportPolicy, build
from domain.reports.sales import sales_report
from domain.store import Store
from tests.integration.aftersales_support import complain, delivered
from tests.integration.staff_support import DEWI, ISSUER, SARI, flow, placed, shipped
from tests.integration.test_reports import NOVEMBER, SHIPPING, WIB, at

DECEMBER = periods.month(2026, 12, WIB)


async def pay_refund(store: Store, order: Order, refund_id: int, proof: str) -> None:
    await refunds.give_bank_details(
        store, order.user_id, "Siti", refund_id, "bca", "123-456-7890", "Siti Rahayu"
    )
    await refunds.mark_paid(store, refund_id, SARI, proof, ISSUER)


async def refund_of(store: Store, complaint_id: int | None, order_id: int) -> int:
    row = await store.fetchone(
        "SELECT id FROM refunds WHERE order_id = ?"
        " AND COALESCE(complaint_id, 0) = COALESCE(?, 0)",  # `IS ?`: SQLite only
        (order_id, complaint_id),
    )
    assert row is not None
    return row["id"]


async def cancelled_paid_and_refunded(store: Store, user_id: int) -> Order:
    """Placed, paid (verified), cancelled by staff and its refund transferred."""
    order = await placed(store, user_id, {"TEH-MELATI": 2})
    await flow(store).verify(order.number, SARI)
    await flow(store).cancel(order.number, SARI, "Stok habis")
    await pay_refund(store, order, await refund_of(store, None, order.id), f"proof-{user_id}")
    return order


async def test_a_paid_order_cancelled_and_refunded_in_the_period_nets_to_zero_once(
    seeded_store: Store, clock: FrozenClock
) -> None:
    store = seeded_store
    at(clock, "2026-11-10 09:00")
    order = await cancelled_paid_and_refunded(store, 1001)
    s = (await sales_report(store.reader, NOVEMBER)).sales
    # The cancellation reverses the order; its refund is money, not a second reversal.
    assert (s.gross, s.cancelled, s.refunds) == (36_000, 36_000, 0)
    assert (s.net, s.shipping, s.total, s.orders) == (0, 0, 0, 0)
    assert s.net == s.gross - s.discounts - s.returns
    report = await build(store, NOVEMBER, ReportPolicy())
    ret = report.cancellations.returns
    assert (ret.cancel_refunds, ret.cancel_refunded) == (1, order.total)
    assert (ret.refunds, ret.refunded, ret.returns) == (0, 0, 0)


async def seed_month(store: Store, clock: FrozenClock) -> dict[str, Order]:
    """November 2026 (WIB): a damaged return refunded, a cancelled paid order refunded, a
    rejected complaint, a refused COD parcel, a COD order delivered, a complaint whose
    refund is paid in December."""
    f = flow(store)
    at(clock, "2026-11-03 10:00")
    damaged = await delivered(store, 1001, {"KOPI-GAYO": 2})
    rejected = await delivered(store, 1002, {"BATIK-M": 1})
    late = await delivered(store, 1003, {"TEH-MELATI": 3})
    cod_kept = await placed(store, 1004, {"KOPI-GAYO": 1}, method=PaymentMethod.COD)
    await shipped(store, f, cod_kept, "JP0000000004")
    await f.deliver(cod_kept.number, DEWI)
    refused = await placed(store, 1005, {"BATIK-M": 1, "TEH-MELATI": 1},
                           method=PaymentMethod.COD)
    await shipped(store, f, refused, "JP0000000005")

    at(clock, "2026-11-04 09:00")
    c = await complain(store, damaged, ComplaintReason.DAMAGED, Solution.RETURN_REFUND,
                       {"KOPI-GAYO": 2})
    await complaints.approve(store, c.id, SARI, Solution.RETURN_REFUND)
    no = await complain(store, rejected, ComplaintReason.NOT_AS_DESCRIBED,
                        Solution.REFUND_ONLY, {"BATIK-M": 1})
    await complaints.reject(store, no.id, SARI, "Sesuai foto katalog")
    slow = await complain(store, late, ComplaintReason.WRONG_ITEM, Solution.REFUND_ONLY,
                          {"TEH-MELATI": 1})
    await complaints.approve(store, slow.id, SARI, Solution.REFUND_ONLY)
    rts = await cod.mark_returned_to_sender(store, refused.number, SARI, return_cost=20_000)

    at(clock, "2026-11-12 14:00")
    await inspection.inspect(store, c.id, "KOPI-GAYO", 1, 1, DEWI)
    await inspection.inspect(store, rts.id, "BATIK-M", 1, 0, DEWI)
    await inspection.inspect(store, rts.id, "TEH-MELATI", 0, 1, DEWI)
    at(clock, "2026-11-20 23:30")  # WIB: still the 20th
    await pay_refund(store, damaged, await refund_of(store, c.id, damaged.id), "proof-1")
    cancelled = await cancelled_paid_and_refunded(store, 1006)

    at(clock, "2026-12-01 00:30")  # December in WIB, still 30 Nov in UTC
    await pay_refund(store, late, await refund_of(store, slow.id, late.id), "proof-3")
    at(clock, "2026-12-02 10:00")
    return {"damaged": damaged, "rejected": rejected, "late": late, "cod_kept": cod_kept,
            "refused": refused, "cancelled": cancelled}


async def test_the_months_returns_refunds_and_refusals_each_by_its_definition(
    seeded_store: Store, clock: FrozenClock
) -> None:
    store = seeded_store
    o = await seed_month(store, clock)
    report = await build(store, NOVEMBER, ReportPolicy())
    s = report.sales.sales

    # 1. Sales: the damaged return's refund (185,000 = both units + the shipping, the shop's
    # fault) counts on the day it was paid: 170,000 goods against net sales, 15,000 against
    # shipping. The refused parcel and the cancelled order leave as cancellations, once.
    gross = 2 * 85_000 + 250_000 + 3 * 18_000 + 85_000 + (250_000 + 18_000) + 2 * 18_000
    assert s.gross == gross
    assert s.cancelled == (250_000 + 18_000) + 2 * 18_000
    assert s.refunds == 2 * 85_000
    assert s.returns == s.cancelled + s.refunds
    assert s.net == s.gross - s.discounts - s.returns
    assert s.shipping == 6 * SHIPPING - 2 * SHIPPING - SHIPPING
    kept = [o["damaged"], o["rejected"], o["late"], o["cod_kept"]]
    assert s.total == sum(x.total for x in kept) - 185_000  # money refunded in November
    day20 = report.sales.days[NOVEMBER.first.replace(day=20)]
    assert (day20.refunds, day20.cancelled) == (2 * 85_000, 2 * 18_000)
    # The late refund (a wrong item: the unit and the shipping, 33,000) was paid on
    # 1 December WIB (30 November UTC): December's.
    dec = (await sales_report(store.reader, DECEMBER)).sales
    assert (dec.refunds, dec.shipping, dec.gross, dec.total) == (18_000, -SHIPPING, 0, -33_000)

    # 6. Returns: customers' complaints opened in November and not rejected, per 100
    # delivered orders placed in the period; refunds paid in November.
    ret = report.cancellations.returns
    assert (ret.returns, ret.rejected) == (2, 1)
    assert report.cancellations.delivered == 4
    assert ret.rate(report.cancellations.delivered) == 50.0
    assert (ret.refunds, ret.refunded) == (1, 185_000)
    assert ret.refund_rate(4) == 25.0
    assert (ret.cancel_refunds, ret.cancel_refunded) == (1, o["cancelled"].total)
    assert list(ret.by_reason) == ["damaged", "wrong_item"]
    assert (ret.by_reason["damaged"].returns, ret.by_reason["damaged"].refunds,
            ret.by_reason["damaged"].refunded) == (1, 1, 185_000)
    assert (ret.by_reason["wrong_item"].returns, ret.by_reason["wrong_item"].refunds) == (1, 0)
    by_sku = {x.sku: x for x in ret.by_product}
    assert set(by_sku) == {"KOPI-GAYO", "TEH-MELATI"}  # not BATIK-M: rejected / refused
    assert (by_sku["KOPI-GAYO"].claimed, by_sku["KOPI-GAYO"].refunded) == (2, 2)
    assert by_sku["KOPI-GAYO"].sold == 3 and by_sku["KOPI-GAYO"].rate == 66.7
    # Units judged in November, the refused parcel's included.
    assert (ret.resellable, ret.damaged) == (1 + 1, 1 + 1)

    # 7. COD: refused ÷ COD shipped in the period, and both legs of the refused parcel.
    assert (report.cod.refused, report.cod.refusals.shipped) == (1, 2)
    assert report.cod.refusal_rate == 50.0
    assert report.cod.refusal_cost == SHIPPING + 20_000

    # December: the late refund, nothing opened.
    later = await build(store, DECEMBER, ReportPolicy())
    assert (later.cancellations.returns.refunds, later.cancellations.returns.refunded) == (
        1, 18_000 + SHIPPING
    )
    assert later.cancellations.returns.returns == 0 and later.cod.refused == 0


async def test_the_returns_export_has_a_row_per_complaint_line(
    seeded_store: Store, clock: FrozenClock, tmp_path: Path
) -> None:
    store = seeded_store
    o = await seed_month(store, clock)
    done = await exports.export(store, "returns", NOVEMBER, tmp_path)
    sheet = openpyxl.load_workbook(done.xlsx, read_only=True).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header == tuple(c.name for c in exports.COLUMNS["returns"])
    assert done.rows == len(rows) == 5  # damaged 1, rejected 1, wrong item 1, refused 2
    col = {name: i for i, name in enumerate(header)}
    by = {(r[col["order_number"]], r[col["sku"]]): r for r in rows}
    first = by[(o["damaged"].number, "KOPI-GAYO")]
    assert (first[col["reason"]], first[col["status"]], first[col["quantity"]]) == (
        "damaged", "resolved", 2
    )
    assert (first[col["resellable"]], first[col["damaged"]]) == (1, 1)
    assert (first[col["refund_amount"]], first[col["refund_status"]]) == (185_000, "paid")
    assert str(first[col["refund_paid_at"]]) == "2026-11-20 23:30:00"  # the shop's clock
    assert first[col["credit_note_number"]] == "CN/2026/11/0001"
    assert first[col["customer_name"]]
    refused = [r for r in rows if r[col["order_number"]] == o["refused"].number]
    assert [r[col["reason"]] for r in refused] == ["cod_refused", "cod_refused"]
    assert [(r[col["sku"]], r[col["resellable"]], r[col["damaged"]]) for r in refused] == [
        ("BATIK-M", 1, 0), ("TEH-MELATI", 0, 1)
    ]
    late = by[(o["late"].number, "TEH-MELATI")]
    assert (late[col["refund_amount"]], late[col["refund_status"]]) == (33_000, "paid")
    # The refund amount once per complaint: the column sums to the money refunded.
    assert sum(r[col["refund_amount"]] or 0 for r in rows) == 185_000 + 33_000
    report = await build(store, NOVEMBER, ReportPolicy())
    paid_in_november = sum(
        r[col["refund_amount"]] or 0 for r in rows
        if r[col["refund_paid_at"]] is not None and r[col["refund_paid_at"]].month == 11
    )
    assert paid_in_november == report.cancellations.returns.refunded
    raw = done.csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(lines[0]) == header and len(lines) == 6
    assert "2026-11-20 23:30:00" in lines[1 + rows.index(first)]
    assert exports.parse_kind("retur") == "returns" == exports.parse_kind("Returns")
