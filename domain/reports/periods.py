"""Report periods, cut at midnight in the shop's zone: today, the last 7 days, this month,
last month, or any month (`2026-11`). Each has the period before it of the same kind, for
the comparison."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.errors import InvalidInput

# The period buttons' codes, in the order they are shown.
QUICK = ("today", "7d", "month", "lastmonth")
_WORDS = {
    "today": "today",
    "hariini": "today",
    "7d": "7d",
    "7": "7d",
    "7hari": "7d",
    "week": "7d",
    "month": "month",
    "bulanini": "month",
    "lastmonth": "lastmonth",
    "bulanlalu": "lastmonth",
}


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC moment a local calendar day starts."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass(frozen=True, slots=True)
class Period:
    """[first, last] local days; `start`/`end` are the UTC bounds [start, end)."""

    kind: str  # "day", "days" or "month"
    first: date
    last: date
    zone: ZoneInfo

    @property
    def start(self) -> datetime:
        return local_midnight(self.first, self.zone)

    @property
    def end(self) -> datetime:
        return local_midnight(self.last + timedelta(days=1), self.zone)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def whole_month(self) -> bool:
        return self.kind == "month" and self.last == _next_month(self.first) - timedelta(days=1)

    def day_list(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(self.days)]

    @property
    def code(self) -> str:
        """Short and stable: `2026-11`, `2026-11-05`, `2026-11-05+7`."""
        if self.kind == "month":
            return f"{self.first:%Y-%m}"
        if self.kind == "day":
            return self.first.isoformat()
        return f"{self.first.isoformat()}+{self.days}"

    def previous(self) -> Period:
        """The period before, of the same kind and length (the month before for a month)."""
        if self.kind == "month":
            first = _month_start(self.first - timedelta(days=1))
            whole = month(first.year, first.month, self.zone)
            # A month so far is set against the same days of the month before.
            last = min(whole.last, whole.first + (self.last - self.first))
            return Period("month", whole.first, last, self.zone)
        length = timedelta(days=self.days)
        return Period(self.kind, self.first - length, self.last - length, self.zone)

    def year_start(self) -> Period:
        """From 1 January of the period's last day's year through that day (year to date)."""
        return Period("days", date(self.last.year, 1, 1), self.last, self.zone)


def month(year: int, month_no: int, zone: ZoneInfo) -> Period:
    first = date(year, month_no, 1)
    return Period("month", first, _next_month(first) - timedelta(days=1), zone)


def local_day(hour: str, zone: ZoneInfo) -> date:
    """A UTC hour bucket ("2026-11-05T17") → the shop's local date it falls in."""
    return datetime.fromisoformat(f"{hour}:00:00+00:00").astimezone(zone).date()


def today(now: datetime, zone: ZoneInfo) -> date:
    return now.astimezone(zone).date()


def parse(text: str, now: datetime, zone: ZoneInfo) -> Period:
    """`/laporan` argument → period: empty or `today`/`hari ini`, `7d`/`7 hari`, `month`/
    `bulan ini`, `lastmonth`/`bulan lalu`, or `YYYY-MM`. A period still running ends today."""
    word = re.sub(r"[\s_-]+", "", text.strip().lower())
    day = today(now, zone)
    kind = _WORDS.get(word or "today")
    if kind == "today":
        return Period("day", day, day, zone)
    if kind == "7d":
        return Period("days", day - timedelta(days=6), day, zone)
    if kind == "month":
        whole = month(day.year, day.month, zone)
        return Period("month", whole.first, day, zone)
    if kind == "lastmonth":
        first = _month_start(_month_start(day) - timedelta(days=1))
        return month(first.year, first.month, zone)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip()):
        year, month_no = int(m[1]), int(m[2])
        if 2000 <= year <= 2100 and 1 <= month_no <= 12:
            whole = month(year, month_no, zone)
            if whole.first > day:
                raise InvalidInput("report_period_future")
            return Period("month", whole.first, min(whole.last, day), zone)
    raise InvalidInput("report_period_invalid")
