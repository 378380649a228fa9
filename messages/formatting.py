"""Formatting for Indonesian shops: rupiah, dates in the shop's zone, phone numbers."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_timedelta
from babel.numbers import format_currency

from domain.validation import format_phone

BABEL_LOCALES = {"id": "id_ID", "en": "en_GB"}


def rupiah(amount: int) -> str:
    """`Rp150.000`: the market's own way, whatever the reader's language."""
    return format_currency(amount, "IDR", locale="id_ID", format="¤#,##0", currency_digits=False)


def when(moment: datetime, zone: ZoneInfo, language: str) -> str:
    """`22 Nov 2026 09:03 WIB` (zone abbreviation as the shop's clock shows it)."""
    local = moment.astimezone(zone)
    text = format_datetime(local, "d MMM yyyy HH:mm", locale=BABEL_LOCALES.get(language, "id_ID"))
    return f"{text} {local.tzname()}"


def span(delta: timedelta, language: str) -> str:
    """A length of time as people say it: "24 jam", "90 menit", "3 hari" (a unit up only from
    two of it)."""
    return format_timedelta(delta, threshold=2, locale=language)


def clock_time(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%H:%M} {local.tzname()}"


def phone(e164: str) -> str:
    return format_phone(e164)


def shorten(text: str, width: int) -> str:
    """At most `width` characters, cut in the middle so the end (size, colour) stays:
    `Kemeja Batik Parang Lengan Panj…misima ukuran XL` (48)."""
    if len(text) <= width:
        return text
    tail = width // 3
    return f"{text[: width - tail - 1].rstrip()}…{text[-tail:].lstrip()}"


def period_label(first: date, last: date, whole_month: bool, language: str) -> str:
    """`November 2026`, `5 Nov 2026`, `1 Nov – 20 Nov 2026` in the reader's language."""
    locale = BABEL_LOCALES.get(language, "id_ID")
    if whole_month:
        return format_date(first, "MMMM yyyy", locale=locale)
    if first == last:
        return format_date(first, "d MMM yyyy", locale=locale)
    start = format_date(first, "d MMM", locale=locale)
    return f"{start} – {format_date(last, 'd MMM yyyy', locale=locale)}"


def percent(value: float | None, language: str, signed: bool = False) -> str:
    """`12,5%` (id) / `12.5%` (en); `–` for no value; `+3,0%` when signed."""
    if value is None:
        return "–"
    text = f"{value:+.1f}" if signed else f"{value:.1f}"
    return (text.replace(".", ",") if language == "id" else text) + "%"
