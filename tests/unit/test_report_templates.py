"""The /laporan, /ekspor and /setor texts in both languages, from a full report with plain
and hostile product names: Telegram's HTML accepts them, each fits one message, names show
as typed, and the figures read as the domain computed them. Also the charts (PNG, both
languages, an empty period) and the number formats on their axes."""

from __future__ import annotations

import struct
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from markupsafe import escape

from domain.reports import periods
from domain.reports.cod import Cod, CourierOutstanding, Remittance
from domain.reports.customers import Customers
from domain.reports.operations import Cancellations, Fulfilment, Payments, Spread, Stage
from domain.reports.products import Products, ProductSales, Stock, StockLine
from domain.reports.report import Report, ReportPolicy, TaxHelper, change
from domain.reports.returns import ProductLine, ReasonLine, Refusals, ReturnsSummary
from domain.reports.sales import Invoiced, Sales, SalesReport
from domain.schedule.surveys import nps_of
from messages import Messages, charts
from tests.fakebotapi import parse_html
from tests.unit.test_messages import HOSTILE, LANGS, PLAIN, Texts, check_telegram_text

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
NOVEMBER = periods.month(2026, 11, WIB)


def sample_report(
    t: Texts, *, vat: bool = False, returns: bool = False, period: periods.Period = NOVEMBER
) -> Report:
    days = {
        d: Sales(gross=1_000_000 + 10_000 * i, cancelled=50_000 if i % 5 == 0 else 0,
                 shipping=45_000, placed=8 + i % 4, called_off=1 if i % 5 == 0 else 0)
        for i, d in enumerate(period.day_list())
    }
    total = sum(days.values(), Sales())
    sold = [
        ProductSales(f"SKU-{i:02d}", f"{t.product} {i}", 100 - i * 7, 9_000_000 - i * 650_000)
        for i in range(10)
    ]
    line = StockLine(f"SKU-{0:02d}", t.product, 3, 5, 5, 45)
    returned = ReturnsSummary(
        returns=4, rejected=1, refunds=3, refunded=420_000, cancel_refunds=1,
        cancel_refunded=100_000,
        by_reason={"damaged": ReasonLine("damaged", 2, 2, 300_000),
                   "wrong_item": ReasonLine("wrong_item", 2, 1, 120_000)},
        by_product=[ProductLine(f"SKU-{i:02d}", f"{t.product} {i}", 3 - i % 3, 1, 40)
                    for i in range(5)],
        resellable=2, damaged=2,
    ) if returns else ReturnsSummary()
    return Report(
        period=period,
        previous=period.previous(),
        now=NOW,
        policy=ReportPolicy(vat_registered=vat, vat_rate=Decimal(11)),
        sales=SalesReport(period, total, days),
        previous_sales=Sales(gross=25_000_000, placed=250, shipping=1_000_000),
        invoiced=Invoiced(240, 24_000_000, 1_000_000, 25_000_000),
        pipeline=[Stage("payment", 3, timedelta(hours=5)), Stage("placed", 0, None),
                  Stage("verified", 2, timedelta(days=3, hours=2)),
                  Stage("packed", 1, timedelta(minutes=20)),
                  Stage("shipped", 9, timedelta(days=2))],
        products=Products(sold, sorted(sold, key=lambda p: -p.net), [line] * 12),
        payments=Payments(200, 180, 12, Spread(180, 5400.0, 20_000.0)),
        fulfilment=Fulfilment(
            steps={k: Spread(100, 3600.0 * (i + 1), 7200.0 * (i + 1)) for i, k in
                   enumerate(("placed>verified", "verified>packed", "packed>shipped",
                              "shipped>delivered"))},
            shipped=150, late=6, sla=timedelta(hours=48), placed=300, delivered=240,
            customer_cancelled=10,
        ),
        cancellations=Cancellations(4, 9, 12, 300, returned, 240),
        cod=Cod([CourierOutstanding("J&T Express", 14, 2_100_000, (500_000, 600_000, 0, 1_000_000),
                                    NOW - timedelta(days=20))], 80,
                Refusals(3, 90, 90_000) if returns else Refusals()),
        stock=Stock([line] * 14, 900, 4_000, [line]),
        customers=Customers(180, 120, 25, nps_of([10, 9, 7, 3, 10]),
                            [("2026-06", None), ("2026-07", 20), ("2026-11", -5)]),
        tax=TaxHelper(2026, [(f"2026-{m:02d}", 31_000_000 + m * 1_000_000) for m in range(1, 12)]),
    )


def render_all(msgs: Messages, lang: str, report: Report) -> list[str]:
    label = charts.period_label(report.period, lang)
    ctx: dict[str, Any] = dict(r=report, label=label, label_last="22 Nov 2026",
                               prev_label="Oktober 2026", shop_name="Toko <Kopi> & Co",
                               change_of=change)
    return [msgs.render(lang, n, **ctx) for n in ("report_sales", "report_products", "report_more")]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("texts", [PLAIN, HOSTILE], ids=["plain", "hostile"])
@pytest.mark.parametrize("vat", [False, True], ids=["no-vat", "vat"])
@pytest.mark.parametrize("returns", [False, True], ids=["no-returns", "returns"])
def test_report_texts_render_and_fit(lang: str, texts: Texts, vat: bool, returns: bool) -> None:
    msgs = Messages()
    report = sample_report(texts, vat=vat, returns=returns)
    sales_text, products_text, more_text = render_all(msgs, lang, report)
    for i, text in enumerate((sales_text, products_text, more_text)):
        check_telegram_text(text, f"{lang} report part {i}")
    assert str(escape(texts.product)) in products_text
    assert texts.product in parse_html(products_text).text
    net = msgs.env.filters["rupiah"](report.sales.sales.net)
    assert net in sales_text
    assert ("PPN" in sales_text or "VAT" in sales_text) is vat
    tracked = "4 (1.7%" in more_text or "4 (1,7%" in more_text  # 4 returns of 240 delivered
    assert tracked is returns
    assert ("Barang rusak" in more_text or "Damaged or defective" in more_text) is returns
    assert ("3 dari 90" in more_text or "3 of 90" in more_text) is returns
    assert str(escape(f"{texts.product} 0")) in more_text or not returns
    assert "PP 55/2022" in more_text


@pytest.mark.parametrize("lang", LANGS)
def test_export_and_remittance_texts(lang: str) -> None:
    msgs = Messages()
    text = msgs.render(lang, "report_export", kind="orders", label="November 2026", rows=1234)
    check_telegram_text(text, "export")
    assert "1234" in text
    r = Remittance(7, "J&T Express", date(2026, 11, 30), 1_190_000, ["A1", "B2"], 1_200_000)
    text = msgs.render(lang, "report_remitted", r=r)
    check_telegram_text(text, "remitted")
    assert "J&amp;T Express" in text and "Rp1.190.000" in text and "-Rp10.000" in text


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


@pytest.mark.parametrize("lang", LANGS)
def test_charts_are_pngs_for_a_phone(lang: str) -> None:
    msgs = Messages()
    report = sample_report(HOSTILE)
    pngs = charts.report_charts(report, msgs, lang)
    assert len(pngs) == 2
    for png in pngs:
        width, height = _png_size(png)
        assert (width, height) == (800, 450)
    empty = sample_report(PLAIN, period=periods.Period("day", date(2026, 11, 22),
                                                       date(2026, 11, 22), WIB))
    nothing = Products([], [], [])
    assert charts.products_chart(nothing, empty.period, msgs, lang) is None
    assert _png_size(charts.sales_chart(empty.sales, msgs, lang)) == (800, 450)


def test_rupiah_axes_and_period_labels_follow_the_language() -> None:
    assert charts.rupiah_axis(1_500_000, "id") == "Rp1,5 jt"
    assert charts.rupiah_axis(1_500_000, "en").startswith("IDR1.5")
    assert charts.period_label(NOVEMBER, "id") == "November 2026"
    week = periods.Period("days", date(2026, 11, 16), date(2026, 11, 22), WIB)
    assert charts.period_label(week, "en") == "16 Nov – 22 Nov 2026"
    assert change(110, 100) == 10.0 and change(5, 0) is None
