"""Quiet hours in the shop's zone: inside or not, the next morning, the evening before."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.schedule.quiet_hours import EVENING_MARGIN, QuietHours, parse_clock, parse_window

JKT = ZoneInfo("Asia/Jakarta")
NIGHT = QuietHours(time(21), time(8), JKT)
LUNCH = QuietHours(time(12), time(13), JKT)


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=JKT).astimezone(UTC)


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        (wib(22, 20, 59), False),
        (wib(22, 21, 0), True),  # the start minute is quiet
        (wib(22, 23, 30), True),
        (wib(23, 0, 0), True),
        (wib(23, 7, 59), True),
        (wib(23, 8, 0), False),  # the end minute is not
        (wib(23, 12, 0), False),
    ],
)
def test_contains_across_midnight(moment: datetime, quiet: bool) -> None:
    assert NIGHT.contains(moment) is quiet


def test_defer_moves_to_the_end_of_the_window() -> None:
    assert NIGHT.defer(wib(22, 22, 0)) == wib(23, 8, 0)  # evening → next morning
    assert NIGHT.defer(wib(23, 3, 0)) == wib(23, 8, 0)  # after midnight → same morning
    assert NIGHT.defer(wib(23, 9, 0)) == wib(23, 9, 0)  # not quiet: unchanged
    assert LUNCH.defer(wib(23, 12, 30)) == wib(23, 13, 0)


def test_advance_moves_before_the_start_of_the_window() -> None:
    evening = wib(22, 21, 0) - EVENING_MARGIN
    assert NIGHT.advance(wib(22, 23, 0)) == evening
    assert NIGHT.advance(wib(23, 7, 0)) == evening  # after midnight → the evening before
    assert NIGHT.advance(wib(23, 10, 0)) == wib(23, 10, 0)
    assert LUNCH.advance(wib(23, 12, 30)) == wib(23, 12, 0) - EVENING_MARGIN


def test_length_and_off() -> None:
    assert NIGHT.length == timedelta(hours=11)
    assert LUNCH.length == timedelta(hours=1)
    off = QuietHours.off(JKT)
    assert not off.enabled and off.length == timedelta(0)
    assert off.defer(wib(22, 23, 0)) == wib(22, 23, 0)
    assert not off.contains(wib(22, 23, 0))


def test_the_shop_zone_counts() -> None:
    makassar = QuietHours(time(21), time(8), ZoneInfo("Asia/Makassar"))  # WITA, UTC+8
    assert makassar.contains(wib(22, 20, 30))  # 21:30 WITA
    assert makassar.defer(wib(22, 20, 30)) == wib(23, 7, 0)  # 08:00 WITA


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("21:00-08:00", (time(21), time(8))),
        ("22:30 – 7:15", (time(22, 30), time(7, 15))),
        ("off", None),
        ("", None),
        ("08:00-08:00", None),
    ],
)
def test_parse_window(text: str, window: tuple[time, time] | None) -> None:
    assert parse_window(text) == window


@pytest.mark.parametrize("text", ["21-08", "25:00-08:00", "21:00", "21:60-08:00", "malam"])
def test_parse_window_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="21:00-08:00"):
        parse_window(text)


def test_parse_clock() -> None:
    assert parse_clock(" 7:05 ") == time(7, 5)
    with pytest.raises(ValueError):
        parse_clock("24:00")
