"""Quiet hours: a daily window in the shop's zone when customers are not sent reminders.

The window may cross midnight (21:00–08:00) or not (13:00–14:00); start == end means no quiet
hours. The start minute is quiet, the end minute is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# A last reminder pulled out of the night goes this long before the window opens, so a job
# that runs a little late still sends it before quiet hours.
EVENING_MARGIN = timedelta(minutes=15)

_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")


def parse_clock(text: str) -> time:
    """`08:00` → time(8, 0); raises ValueError on anything else."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"expected a time of day like 08:00, got {text!r}")
    return time(int(match[1]), int(match[2]))


def parse_window(text: str) -> tuple[time, time] | None:
    """`21:00-08:00` → (21:00, 08:00); `off`, `none` or empty → None (no quiet hours)."""
    if text.strip().lower() in ("", "off", "none", "no"):
        return None
    match = _WINDOW.match(text)
    try:
        if not match:
            raise ValueError(text)
        start = parse_clock(f"{match[1]}:{match[2]}")
        end = parse_clock(f"{match[3]}:{match[4]}")
    except ValueError:
        raise ValueError(f"expected a window like 21:00-08:00 (or off), got {text!r}") from None
    return None if start == end else (start, end)


@dataclass(frozen=True, slots=True)
class QuietHours:
    start: time | None
    end: time | None
    zone: ZoneInfo

    @classmethod
    def off(cls, zone: ZoneInfo | None = None) -> QuietHours:
        return cls(None, None, zone or ZoneInfo("Asia/Jakarta"))

    @property
    def enabled(self) -> bool:
        return self.start is not None and self.end is not None and self.start != self.end

    @property
    def crosses_midnight(self) -> bool:
        assert self.start is not None and self.end is not None
        return self.start > self.end

    @property
    def length(self) -> timedelta:
        if not self.enabled:
            return timedelta(0)
        assert self.start is not None and self.end is not None
        day = date(2000, 1, 1)
        span = datetime.combine(day, self.end) - datetime.combine(day, self.start)
        return span if span > timedelta(0) else span + timedelta(days=1)

    def _local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def contains(self, moment: datetime) -> bool:
        if not self.enabled:
            return False
        assert self.start is not None and self.end is not None
        now = self._local(moment).time()
        if self.crosses_midnight:
            return now >= self.start or now < self.end
        return self.start <= now < self.end

    def _at(self, day: date, clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=self.zone).astimezone(UTC)

    def defer(self, moment: datetime) -> datetime:
        """The moment itself, or the end of the quiet window it falls in (the morning)."""
        if not self.contains(moment):
            return moment
        assert self.start is not None and self.end is not None
        local = self._local(moment)
        day = local.date()
        if self.crosses_midnight and local.time() >= self.start:
            day += timedelta(days=1)
        return self._at(day, self.end)

    def advance(self, moment: datetime) -> datetime:
        """The moment itself, or a little before the quiet window it falls in (the evening)."""
        if not self.contains(moment):
            return moment
        assert self.start is not None and self.end is not None
        local = self._local(moment)
        day = local.date()
        if self.crosses_midnight and local.time() < self.end:
            day -= timedelta(days=1)
        return self._at(day, self.start) - EVENING_MARGIN
