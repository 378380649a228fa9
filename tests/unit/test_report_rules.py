"""The reports' pure rules: periods cut at midnight in the shop's zone, the comparisons'
previous periods, VAT split out of prices for a registered seller (and on the invoice only
then), the income-tax estimate, percentiles, and the settings behind them."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.settings import Settings, describe_error, issuer, report_policy
from domain.errors import InvalidInput
from domain.fulfilment.invoices import Invoice
from domain.reports import periods
from domain.reports.cod import parse_remittance
from domain.reports.operations import Spread, percentile
from domain.reports.report import TaxHelper
from domain.reports.sales import Sales, local_day
from domain.reports.tax import PPH_FREE_PER_YEAR, pph_final_estimate, split_vat
from messages.invoice_pdf import render_invoice
from tests.unit.test_staff_messages import NOW, M, content, pdf_text

WIB = ZoneInfo("Asia/Jakarta")
# 09:00 WIB on Sunday 22 November 2026.
T = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


def test_quick_periods_end_today_and_start_at_local_midnight() -> None:
    today = periods.parse("", T, WIB)
    assert (today.first, today.last, today.kind) == (date(2026, 11, 22),) * 2 + ("day",)
    assert today.start == datetime(2026, 11, 21, 17, 0, tzinfo=UTC)
    assert today.end == datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
    week = periods.parse("7 hari", T, WIB)
    assert (week.first, week.last, week.days) == (date(2026, 11, 16), date(2026, 11, 22), 7)
    month = periods.parse("bulan ini", T, WIB)
    assert (month.first, month.last, month.whole_month) == (
        date(2026, 11, 1), date(2026, 11, 22), False
    )
    last = periods.parse("lastmonth", T, WIB)
    assert (last.first, last.last, last.whole_month, last.code) == (
        date(2026, 10, 1), date(2026, 10, 31), True, "2026-10"
    )
    assert periods.parse("2026-02", T, WIB).last == date(2026, 2, 28)
    # 23:30 UTC on the 21st is already the 22nd in Jakarta.
    late = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)
    assert periods.parse("today", late, WIB).first == date(2026, 11, 22)


def test_previous_periods_for_the_comparison() -> None:
    assert periods.parse("today", T, WIB).previous().first == date(2026, 11, 21)
    week = periods.parse("7d", T, WIB).previous()
    assert (week.first, week.last) == (date(2026, 11, 9), date(2026, 11, 15))
    so_far = periods.parse("month", T, WIB).previous()  # the same 22 days of October
    assert (so_far.first, so_far.last) == (date(2026, 10, 1), date(2026, 10, 22))
    march = periods.month(2026, 3, WIB).previous()
    assert (march.first, march.last, march.whole_month) == (
        date(2026, 2, 1), date(2026, 2, 28), True
    )
    assert periods.month(2026, 1, WIB).previous().code == "2025-12"


@pytest.mark.parametrize("text", ["2027-01", "kemarin", "2026-13", "1999-05"])
def test_bad_or_future_periods_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        periods.parse(text, T, WIB)
    assert err.value.code in ("report_period_invalid", "report_period_future")


def test_an_hour_bucket_belongs_to_its_local_day() -> None:
    assert local_day("2026-11-05T16", WIB) == date(2026, 11, 5)  # 23:00 WIB
    assert local_day("2026-11-05T17", WIB) == date(2026, 11, 6)  # 00:00 WIB


def test_sales_arithmetic() -> None:
    s = Sales(gross=1_000_000, discounts=50_000, cancelled=200_000, refunds=100_000,
              shipping=30_000, placed=10, called_off=2)
    assert s.returns == 300_000
    assert s.net == 1_000_000 - 50_000 - 300_000
    assert s.total == s.net + 30_000
    assert s.orders == 8 and s.average == round(650_000 / 8)
    assert (s + s).net == 2 * s.net


def test_vat_is_split_out_of_prices_that_include_it() -> None:
    split = split_vat(111_000, Decimal(11))
    assert (split.base, split.vat, split.total) == (100_000, 11_000, 111_000)
    assert split_vat(190_000, 11).vat == 190_000 - 171_171  # rounded half up
    assert split_vat(190_000, 0).vat == 0


def test_income_tax_estimate_counts_only_what_is_past_the_free_500_million() -> None:
    assert pph_final_estimate(400_000_000) == 0
    assert pph_final_estimate(600_000_000) == 500_000  # 0.5 % of 100 M
    assert pph_final_estimate(50_000_000, earlier_in_year=480_000_000) == 150_000
    assert pph_final_estimate(50_000_000, earlier_in_year=700_000_000) == 250_000
    helper = TaxHelper(2026, [("2026-01", 300_000_000), ("2026-02", 300_000_000)])
    assert helper.ytd == 600_000_000 and helper.left_free == 0
    assert helper.estimate_ytd == 500_000 and helper.estimate_month() == 500_000
    assert helper.threshold == PPH_FREE_PER_YEAR and helper.threshold_used == 120.0


def test_nearest_rank_percentiles() -> None:
    values = [float(v) for v in range(1, 11)]
    assert percentile(values, 50) == 5 and percentile(values, 90) == 9
    assert percentile([7.0], 90) == 7 and percentile([], 50) is None
    spread = Spread.of(values, limit=8)
    assert (spread.n, spread.median, spread.p90, spread.over) == (10, 5, 9, 2)


def test_a_remittance_command_reads_courier_amount_date_and_orders() -> None:
    today = date(2026, 11, 22)
    r = parse_remittance(["jne", "Rp1.250.000", "A1B2C3", "2026-11-20", "#D4E5F6"], today)
    assert r is not None
    assert (r.courier, r.amount, r.day, r.numbers) == (
        "jne", 1_250_000, date(2026, 11, 20), ["A1B2C3", "#D4E5F6"]
    )
    assert parse_remittance(["jne", "1000"], today) is None
    with pytest.raises(InvalidInput):
        parse_remittance(["jne", "seribu", "A1B2C3"], today)


# ---------------------------------------------------------------- the invoice and settings


def test_the_invoice_shows_vat_only_for_a_registered_seller() -> None:
    plain = render_invoice(Invoice("INV/2026/11/0007", 1, NOW, "Sari", content()), M)
    assert "PPN" not in pdf_text(plain) and "DPP" not in pdf_text(plain)
    registered = content(vat_rate=Decimal(11))
    text = pdf_text(render_invoice(Invoice("INV/2026/11/0008", 1, NOW, "Sari", registered), M))
    assert "TOTAL (termasuk PPN)" in text and "Rp190.000" in text
    assert "PPN 11%" in text and "Rp18.829" in text and "Rp171.171" in text
    assert "01.234.567.8-012.000" in text  # the seller's NPWP
    english = content(vat_rate=Decimal("12"), language="en")
    text = pdf_text(render_invoice(Invoice("INV/2026/11/0009", 1, NOW, "Sari", english), M))
    assert "VAT (PPN) 12%" in text and "Tax base (DPP)" in text
    # An invoice frozen before VAT support reads as before.
    legacy = content().model_dump(mode="json")
    legacy.pop("vat_rate")
    assert type(registered).model_validate(legacy).vat is None


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    names = {name.upper() for name in Settings.model_fields}
    for key in list(os.environ):
        if key.upper() in names or key.upper().split("__")[0] in names:
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_TOKEN", "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")
    monkeypatch.setenv("STAFF_CHAT_ID", "-1001234567890")
    return monkeypatch


def test_report_settings_and_their_defaults(env: pytest.MonkeyPatch) -> None:
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (s.shop_vat_registered, s.vat_rate, s.digest_chart) == (False, Decimal(11), True)
    assert s.shipment_sla == timedelta(hours=48)
    assert issuer(s).vat_rate == 0  # not registered: no VAT on invoices, whatever VAT_RATE
    env.setenv("SHOP_VAT_REGISTERED", "true")
    env.setenv("SHOP_TAX_ID", "01.234.567.8-012.000")
    env.setenv("VAT_RATE", "12")
    env.setenv("SHIPMENT_SLA", "1d")
    env.setenv("DIGEST_CHART", "off")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert issuer(s).vat_rate == Decimal(12) and not s.digest_chart
    policy = report_policy(s)
    assert policy.vat_registered and policy.shipment_sla == timedelta(days=1)


def test_a_vat_registered_seller_needs_a_tax_id(env: pytest.MonkeyPatch) -> None:
    env.setenv("SHOP_VAT_REGISTERED", "yes")
    with pytest.raises(ValidationError) as err:
        Settings(_env_file=None)  # type: ignore[call-arg]
    assert "SHOP_TAX_ID" in describe_error(err.value)
    env.setenv("SHOP_VAT_REGISTERED", "no")
    env.setenv("VAT_RATE", "0")
    with pytest.raises(ValidationError) as err:
        Settings(_env_file=None)  # type: ignore[call-arg]
    assert describe_error(err.value).startswith("Setting VAT_RATE is invalid")
