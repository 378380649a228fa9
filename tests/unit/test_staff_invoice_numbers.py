"""Invoice numbers: `INV/YYYY/MM/NNNN`, the month as the shop's clock shows it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from domain.fulfilment.invoices import format_number, period_of

FORMAT = re.compile(r"^INV/\d{4}/(0[1-9]|1[0-2])/\d{4,}$")


@pytest.mark.parametrize(
    ("period", "seq", "number"),
    [
        ("2026-11", 1, "INV/2026/11/0001"),
        ("2026-11", 42, "INV/2026/11/0042"),
        ("2026-01", 9999, "INV/2026/01/9999"),
        ("2026-12", 10000, "INV/2026/12/10000"),  # wider, never wrapping to 0000
    ],
)
def test_format(period: str, seq: int, number: str) -> None:
    assert format_number(period, seq) == number
    assert FORMAT.match(number)


@pytest.mark.parametrize(
    ("moment", "zone", "period"),
    [
        (datetime(2026, 11, 30, 16, 59, tzinfo=UTC), "Asia/Jakarta", "2026-11"),  # 23:59 WIB
        (datetime(2026, 11, 30, 17, 0, tzinfo=UTC), "Asia/Jakarta", "2026-12"),  # 00:00 WIB
        (datetime(2026, 12, 31, 17, 30, tzinfo=UTC), "Asia/Jakarta", "2027-01"),
        (datetime(2026, 11, 30, 16, 30, tzinfo=UTC), "Asia/Jayapura", "2026-12"),  # WIT
        (datetime(2026, 11, 30, 16, 30, tzinfo=UTC), "Asia/Makassar", "2026-12"),  # WITA
    ],
)
def test_the_month_is_the_shops_month(moment: datetime, zone: str, period: str) -> None:
    assert period_of(moment, zone) == period
