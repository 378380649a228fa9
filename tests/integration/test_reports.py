"""The report's figures on a real store, each against its definition: invoices reconcile
with the sales total, net = gross − discounts − returns, an order cancelled in the period
nets to zero, periods cut at midnight in Asia/Jakarta, and the other sections' counts."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from domain.clock import FrozenClock
from domain.errors import InvalidInput
from domain.fulfilment.couriers import DEFAULT_COURIERS, CourierBook
from domain.models import PaymentMethod
from domain.ordering.orders import cancel_by_customer, submit_payment_proof
from domain.reports import cod, exports, periods, sales
from domain.reports.report import ReportPolicy, build, tax_helper
from domain.reports.sales import sales_report
from domain.schedule import digest
from domain.store import Store, migrations
from domain.store import reports as report_rows
from tests.integration.staff_support import DEWI, SARI, flow, placed, shipped

WIB = ZoneInfo("Asia/Jakarta")
NOVEMBER = periods.month(2026, 11, WIB)
PRICES = {"KOPI-GAYO": 85_000, "TEH-MELATI": 18_000, "BATIK-M": 250_000}
SHIPPING = 15_000  # tests/integration/test_checkout.SHIP


def at(clock: FrozenClock, text: str) -> datetime:
    """Move the frozen clock to a WIB wall-clock time ("2026-11-05 10:00")."""
    clock.current = datetime.fromisoformat(text).replace(tzinfo=WIB).astimezone(UTC)
    return clock.current


async def lines_total(store: Store, period: periods.Period) -> int:
    """Σ price × quantity straight from the order lines (the definition of gross)."""
    row = await store.fetchone(
        "SELECT COALESCE(SUM(l.unit_price * l.quantity), 0) AS g FROM order_lines l"
        " JOIN orders o ON o.id = l.order_id WHERE o.created_at >= ? AND o.created_at < ?",
        (period.start.isoformat(timespec="seconds"), period.end.isoformat(timespec="seconds")),
    )
    assert row is not None
    return row["g"]


async def test_invoice_totals_reconcile_with_the_reports_total_for_invoiced_orders(
    seeded_store: Store, clock: FrozenClock
) -> None:
    store = seeded_store
    desk = flow(store)
    at(clock, "2026-11-03 10:00")
    invoiced = []
    for i, items in enumerate(({"KOPI-GAYO": 2}, {"TEH-MELATI": 3, "BATIK-M": 1}, {"BATIK-M": 1})):
        order = await placed(store, 1001 + i, items)
        invoiced.append(await shipped(store, desk, order, f"JP12345678{i:02d}"))
    at(clock, "2026-11-04 09:00")
    await placed(store, 1010, {"KOPI-GAYO": 1})  # placed, not invoiced
    at(clock, "2026-11-25 12:00")

    report = await build(store, NOVEMBER, ReportPolicy())
    contents = [
        json.loads(r["content"])
        for r in await report_rows.invoice_totals(store.reader, NOVEMBER.start, NOVEMBER.end)
    ]
    assert len(contents) == 3
    assert report.invoiced.orders == 3
    assert report.invoiced.total == sum(c["total"] for c in contents)
    assert report.invoiced.goods + report.invoiced.shipping == report.invoiced.total
    # Nothing called off: the sales total is every order's total, the invoiced ones included.
    s = report.sales.sales
    assert s.total == report.invoiced.total + 85_000 + SHIPPING
    assert s.gross == await lines_total(store, NOVEMBER)


async def test_net_is_gross_less_discounts_and_returns_and_a_same_period_cancel_nets_zero(
    seeded_store: Store, clock: FrozenClock
) -> None:
    store = seeded_store
    desk = flow(store)
    at(clock, "2026-10-30 10:00")
    october_kept = await placed(store, 1001, {"KOPI-GAYO": 1})
    october_late = await placed(store, 1002, {"BATIK-M": 1})  # cancelled in November
    at(clock, "2026-11-02 10:00")
    await placed(store, 1003, {"TEH-MELATI": 2})
    same = await placed(store, 1004, {"KOPI-GAYO": 3}, receipt=False)
    at(clock, "2026-11-02 11:00")
    await cancel_by_customer(store, 1004, same.number, "Budi")
    await desk.cancel(october_late.number, SARI, "stok habis")
    at(clock, "2026-11-10 10:00")

    october = await sales_report(store.reader, periods.month(2026, 10, WIB))
    november = await sales_report(store.reader, NOVEMBER)
    o, n = october.sales, november.sales
    assert o.gross == 85_000 + 250_000 and o.returns == 0 and o.orders == 2
    assert n.gross == 2 * 18_000 + 3 * 85_000
    assert n.returns == 3 * 85_000 + 250_000  # the same-period cancel and October's, now
    assert n.discounts == 0
    assert n.net == n.gross - n.discounts - n.returns == 2 * 18_000 - 250_000
    assert n.orders == 2 - 2 and n.placed == 2 and n.called_off == 2
    assert n.shipping == 2 * SHIPPING - 2 * SHIPPING
    assert n.total == n.net + n.shipping
    # Day by day: the cancel on 2 Nov takes back its own order on the same day.
    day2 = november.days[date(2026, 11, 2)]
    assert day2.net == 2 * 18_000 - 250_000 and day2.orders == 0
    assert sum(d.net for d in november.days.values()) == n.net
    assert october_kept.total == 85_000 + SHIPPING


async def test_only_the_same_period_cancel_nets_to_zero(
    seeded_store: Store, clock: FrozenClock
) -> None:
    store = seeded_store
    at(clock, "2026-11-05 10:00")
    order = await placed(store, 1001, {"BATIK-M": 2}, receipt=False)
    at(clock, "2026-11-05 10:30")
    await cancel_by_customer(store, 1001, order.number, "Budi")
    s = (await sales_report(store.reader, NOVEMBER)).sales
    assert (s.gross, s.returns, s.net, s.total, s.orders) == (500_000, 500_000, 0, 0, 0)
    assert s.average is None


async def test_periods_are_cut_at_midnight_in_the_shops_zone(
    seeded_store: Store, clock: FrozenClock
) -> None:
    store = seeded_store
    at(clock, "2026-11-30 23:59:59")  # 16:59:59 UTC: still November in Jakarta
    await placed(store, 1001, {"KOPI-GAYO": 1})
    at(clock, "2026-12-01 00:00:00")  # 17:00 UTC on 30 Nov: December in Jakarta
    await placed(store, 1002, {"TEH-MELATI": 1})
    at(clock, "2026-12-01 06:00:00")  # 23:00 UTC on 30 Nov, still the 1st in Jakarta
    await placed(store, 1003, {"TEH-MELATI": 1})
    at(clock, "2026-12-02 10:00")

    november = await sales_report(store.reader, NOVEMBER)
    december = await sales_report(store.reader, periods.month(2026, 12, WIB))
    assert NOVEMBER.end == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    assert november.sales.gross == 85_000 and november.sales.placed == 1
    assert november.days[date(2026, 11, 30)].gross == 85_000
    assert december.sales.gross == 2 * 18_000
    assert december.days[date(2026, 12, 1)].placed == 2
    today = periods.parse("today", clock.current, WIB)
    assert (today.first, today.start) == (date(2026, 12, 2), datetime(2026, 12, 1, 17, tzinfo=UTC))


async def test_pipeline_payments_speed_cancellations_and_customers(
    seeded_store: Store, clock: FrozenClock
) -> None:
    store = seeded_store
    desk = flow(store)
    at(clock, "2026-11-02 08:00")
    a = await placed(store, 1001, {"KOPI-GAYO": 1}, receipt=False)
    at(clock, "2026-11-02 09:00")
    b = await placed(store, 1002, {"TEH-MELATI": 1}, receipt=False)
    at(clock, "2026-11-02 10:00")
    await submit_payment_proof(store, 1001, "photo-a", "Budi")
    at(clock, "2026-11-02 10:30")
    await placed(store, 1001, {"KOPI-GAYO": 1}, method=PaymentMethod.COD)  # Budi again
    at(clock, "2026-11-02 12:00")  # receipt → verified: 2 h
    await desk.verify(a.number, SARI)
    at(clock, "2026-11-03 12:00")  # verified → packed: 24 h
    await desk.pack(a.number, DEWI)
    at(clock, "2026-11-05 12:00")  # packed → shipped: 48 h; 72 h after verification: late
    await desk.ship(a.number, DEWI, "jnt", "JP1234567890")
    at(clock, "2026-11-06 12:00")
    await desk.deliver(a.number, SARI)
    await desk.reject(b.number, SARI, "bukti palsu")
    c = await placed(store, 1003, {"BATIK-M": 1}, method=PaymentMethod.COD)
    at(clock, "2026-11-10 12:00")

    report = await build(store, NOVEMBER, ReportPolicy(shipment_sla=timedelta(hours=48)))
    stages = {s.stage: s for s in report.pipeline}
    assert stages["placed"].waiting == 2  # the two COD orders
    assert stages["placed"].oldest == timedelta(days=8, hours=1, minutes=30)
    assert stages["payment"].waiting == 0 and stages["payment"].oldest is None

    p = report.payments
    assert (p.transfer_placed, p.transfer_paid, p.conversion) == (2, 1, 50.0)
    assert p.verify.n == 1 and p.verify.median == pytest.approx(2 * 3600)

    f = report.fulfilment
    assert f.steps["verified>packed"].median == pytest.approx(24 * 3600)
    assert f.steps["packed>shipped"].p90 == pytest.approx(48 * 3600)
    assert f.steps["shipped>delivered"].median == pytest.approx(24 * 3600)
    assert (f.shipped, f.late, f.late_rate) == (1, 1, 100.0)
    assert (f.placed, f.delivered, f.fulfilment_rate) == (4, 1, 25.0)

    k = report.cancellations
    assert (k.seller, k.customer, k.expired, k.seller_rate) == (1, 0, 0, 25.0)
    assert (k.returns.returns, k.returns.refunds, k.returns.rate(1)) == (0, 0, 0.0)

    cu = report.customers
    assert (cu.customers, cu.new, cu.returning, cu.repeat) == (3, 3, 0, 1)
    assert report.products.by_qty[0].sku == "KOPI-GAYO"
    assert report.products.by_qty[0].qty == 2
    # TEH-MELATI's only order was rejected in the period: it nets to zero and is left out.
    assert [x.sku for x in report.products.by_net] == ["BATIK-M", "KOPI-GAYO"]
    assert c.number


async def test_cod_outstanding_until_a_remittance_is_recorded(
    seeded_store: Store, clock: FrozenClock
) -> None:
    store = seeded_store
    desk = flow(store)
    couriers = CourierBook(DEFAULT_COURIERS)
    at(clock, "2026-11-02 10:00")
    orders = []
    for i in range(3):
        order = await placed(store, 1001 + i, {"KOPI-GAYO": 1}, method=PaymentMethod.COD)
        await shipped(store, desk, order, f"JP99999999{i:02d}")
        await desk.deliver(order.number, SARI)
        orders.append(order)
    transfer = await placed(store, 1009, {"KOPI-GAYO": 1})
    at(clock, "2026-11-12 10:00")

    before = await cod.cod(store.reader, NOVEMBER, clock.current)
    assert before.orders == 3 and before.amount == 3 * (85_000 + SHIPPING)
    [jnt] = before.couriers
    assert jnt.courier == "J&T Express" and jnt.by_band == (0, 0, 3 * 100_000, 0)
    assert before.delivered == 3 and before.refused == 0 and before.refusal_rate == 0.0

    def remit(*numbers: str, courier: str = "jnt") -> object:
        return cod.record_remittance(
            store, courier_text=courier, remitted_on=date(2026, 11, 12), amount=190_000,
            numbers=numbers, actor=SARI, couriers=couriers,
        )

    with pytest.raises(InvalidInput) as err:
        await remit(orders[0].number, transfer.number)
    assert err.value.code == "cod_order_not_delivered_cod"
    with pytest.raises(InvalidInput) as err:
        await remit(orders[0].number, courier="jne")
    assert err.value.code == "cod_order_other_courier"
    done = await remit(orders[0].number, "#" + orders[1].number.lower())
    assert done.expected == 200_000 and done.difference == -10_000  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput) as err:
        await remit(orders[1].number)
    assert err.value.code == "cod_order_remitted"

    after = await cod.cod(store.reader, NOVEMBER, clock.current)
    assert after.orders == 1 and after.amount == 100_000


async def test_closed_months_are_kept_and_agree_with_a_fresh_count(
    seeded_store: Store, clock: FrozenClock
) -> None:
    store = seeded_store
    at(clock, "2026-10-31 23:30")  # the last half hour of October in Jakarta
    late = await placed(store, 1001, {"KOPI-GAYO": 1}, receipt=False)
    at(clock, "2026-11-01 00:20")  # 20 minutes later: October has ended, but not long enough
    october = periods.month(2026, 10, WIB)
    assert not sales.is_closed(october, clock.current)
    first = await sales.month_totals(store, [october])
    assert await report_rows.cached_months(store.reader, "Asia/Jakarta", ["2026-10"]) == {}
    at(clock, "2026-11-03 10:00")
    await cancel_by_customer(store, 1001, late.number, "Budi")  # counts in November
    kept = await sales.month_totals(store, [october])
    assert kept == first and kept["2026-10"].gross == 85_000
    assert await report_rows.cached_months(store.reader, "Asia/Jakarta", ["2026-10"])
    again = await sales.month_totals(store, [october])  # from the store now
    fresh = (await sales_report(store.reader, october)).sales
    assert again == kept == {"2026-10": fresh}
    helper = await tax_helper(store, NOVEMBER)
    assert dict(helper.months)["2026-10"] == 85_000 and dict(helper.months)["2026-11"] == -85_000


async def test_exports_open_in_a_spreadsheet_with_local_dates_and_numbers(
    seeded_store: Store, clock: FrozenClock, tmp_path: Path
) -> None:
    store = seeded_store
    desk = flow(store)
    at(clock, "2026-11-05 23:30")  # 16:30 UTC
    order = await placed(store, 1001, {"KOPI-GAYO": 2, "TEH-MELATI": 1}, method=PaymentMethod.COD)
    await shipped(store, desk, order, "JP1234567890")
    await desk.deliver(order.number, SARI)
    await placed(store, 1002, {"BATIK-M": 1}, name='Siti "Bos" <b>&</b>\x07 Rahayu')
    at(clock, "2026-11-20 10:00")

    done = await exports.export(store, "orders", NOVEMBER, tmp_path)
    assert done.rows == 2 and done.xlsx.name == "orders_2026-11.xlsx"
    sheet = openpyxl.load_workbook(done.xlsx, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(c.name for c in exports.COLUMNS["orders"])
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["order_number"] == order.number
    assert first["placed_at"] == datetime(2026, 11, 5, 23, 30)  # Jakarta's wall clock
    assert first["total"] == 2 * 85_000 + 18_000 + SHIPPING and isinstance(first["total"], int)
    assert first["courier"] == "J&T Express" and first["cod_remitted_on"] is None
    second = dict(zip(rows[0], rows[2], strict=True))
    assert second["customer_name"] == 'Siti "Bos" <b>&</b> Rahayu'  # the control character dropped

    raw = done.csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads it as UTF-8
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(lines[0]) == rows[0] and len(lines) == 3
    assert lines[1][1] == "2026-11-05 23:30:00" and lines[1][14] == str(first["total"])

    done = await exports.export(store, "lines", NOVEMBER, tmp_path)
    sheet = openpyxl.load_workbook(done.xlsx, read_only=True).active
    lines_rows = list(sheet.iter_rows(values_only=True))[1:]
    assert [(r[3], r[5], r[7]) for r in lines_rows] == [
        ("KOPI-GAYO", 2, 170_000), ("TEH-MELATI", 1, 18_000), ("BATIK-M", 1, 250_000)
    ]
    done = await exports.export(store, "cod", NOVEMBER, tmp_path)
    sheet = openpyxl.load_workbook(done.xlsx, read_only=True).active
    [(_, cod_row)] = enumerate(list(sheet.iter_rows(values_only=True))[1:])
    assert cod_row[0] == order.number and cod_row[-1] == 15  # days waiting for the courier
    done = await exports.export(store, "stock", NOVEMBER, tmp_path)
    assert done.rows == 3


async def test_an_export_of_nothing_still_opens(seeded_store: Store, tmp_path: Path) -> None:
    done = await exports.export(seeded_store, "orders", NOVEMBER, tmp_path)
    assert done.rows == 0
    rows = list(openpyxl.load_workbook(done.xlsx, read_only=True).active.iter_rows())
    assert len(rows) == 1


def test_export_kinds_and_who_may_export() -> None:
    assert exports.parse_kind("Pesanan") == "orders" and exports.parse_kind("lines") == "lines"
    assert exports.parse_kind("returns") == exports.parse_kind("retur") == "returns"
    with pytest.raises(InvalidInput):
        exports.parse_kind("x")
    assert exports.may_export(5, []) and exports.may_export(5, [5, 6])
    assert not exports.may_export(7, [5, 6]) and not exports.may_export(None, [5])


async def test_the_digest_counts_revenue_as_the_report_does(
    seeded_store: Store, clock: FrozenClock
) -> None:
    store = seeded_store
    at(clock, "2026-11-04 10:00")
    earlier = await placed(store, 1001, {"BATIK-M": 1}, receipt=False)
    at(clock, "2026-11-05 10:00")
    kept = await placed(store, 1002, {"KOPI-GAYO": 1})
    await cancel_by_customer(store, 1001, earlier.number, "Budi")  # takes back the 4th's sale
    at(clock, "2026-11-06 09:00")
    figures = await digest.figures(store.reader, date(2026, 11, 5), WIB)
    day = periods.Period("day", date(2026, 11, 5), date(2026, 11, 5), WIB)
    total = (await sales_report(store.reader, day)).sales.total
    assert figures["revenue"] == total == kept.total - earlier.total


def _backfill(dialect: str) -> list[str]:
    """Migration 007's UPDATEs that fill the waits of status changes made before it."""
    [sql] = [s for v, _, s in migrations(dialect) if v == 7]
    statements = ("\n".join(x for x in s.splitlines() if not x.startswith("--")).strip()
                  for s in sql.split(";"))
    return [s for s in statements if s.startswith("UPDATE order_events SET")]


async def test_the_migrations_backfill_gives_the_triggers_waits(
    seeded_store: Store, clock: FrozenClock
) -> None:
    store = seeded_store
    desk = flow(store)
    at(clock, "2026-11-02 08:00")
    a = await placed(store, 1001, {"KOPI-GAYO": 1}, receipt=False)
    at(clock, "2026-11-02 10:00")
    await submit_payment_proof(store, 1001, "photo-a", "Budi")
    at(clock, "2026-11-02 12:00")
    await desk.verify(a.number, SARI)
    at(clock, "2026-11-03 12:30")
    await desk.pack(a.number, DEWI)
    at(clock, "2026-11-05 12:00")
    await desk.ship(a.number, DEWI, "jnt", "JP1234567890")
    query = (
        "SELECT to_status, waited, waited_dispatch, waited_receipt FROM order_events"
        " WHERE kind = 'status' ORDER BY id"
    )

    async def waits() -> list[tuple[object, ...]]:
        return [
            tuple(round(x) if isinstance(x, float) else x for x in r)
            for r in await store.fetchall(query)
        ]

    by_trigger = await waits()
    assert by_trigger == [
        ("placed", None, None, None),
        ("verified", 4 * 3600, None, 2 * 3600),
        ("packed", 24 * 3600 + 1800, None, None),
        ("shipped", 47 * 3600 + 1800, 72 * 3600, None),
    ]
    async with store.transaction() as db:
        await db.execute(
            "UPDATE order_events SET waited = NULL, waited_dispatch = NULL,"
            " waited_receipt = NULL"
        )
        statements = _backfill(store.dialect)
        assert len(statements) == 3
        for statement in statements:
            await db.execute(statement)
    assert await waits() == by_trigger
