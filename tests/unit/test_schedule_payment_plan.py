"""When to remind about an unpaid transfer: the plan around quiet hours."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.schedule.payment_reminders import payment_plan
from domain.schedule.policy import Policy
from domain.schedule.quiet_hours import EVENING_MARGIN, QuietHours

JKT = ZoneInfo("Asia/Jakarta")
POLICY = Policy()


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=JKT).astimezone(UTC)


def test_daytime_order() -> None:
    plan = payment_plan(wib(22, 10), POLICY)
    assert plan.first == wib(22, 16)
    assert plan.last == wib(23, 8)  # 22 h after: 08:00, just out of quiet hours
    assert plan.expires == wib(23, 10)


def test_first_reminder_waits_for_the_morning_last_one_comes_the_evening_before() -> None:
    plan = payment_plan(wib(22, 17), POLICY)
    assert plan.first == wib(23, 8)  # 23:00 → 08:00
    assert plan.last == wib(23, 15)
    plan = payment_plan(wib(22, 8, 30), POLICY)
    assert plan.first == wib(22, 14, 30)
    assert plan.last == wib(22, 21) - EVENING_MARGIN  # 06:30 would be quiet: the evening
    assert plan.expires == wib(23, 8, 30)


def test_one_reminder_when_both_would_come_together() -> None:
    short = dataclasses.replace(
        POLICY,
        payment_reminder_after=timedelta(hours=6),
        payment_expire_after=timedelta(hours=12),
    )
    plan = payment_plan(wib(22, 15), short)  # first 21:00 → 08:00; last 01:00 → 20:45
    assert plan.first is None
    assert plan.last == wib(22, 21) - EVENING_MARGIN


def test_no_quiet_hours() -> None:
    loud = dataclasses.replace(POLICY, quiet=QuietHours.off(JKT))
    plan = payment_plan(wib(22, 17), loud)
    assert (plan.first, plan.last) == (wib(22, 23), wib(23, 15))


def test_a_last_reminder_before_the_order_is_dropped() -> None:
    tight = dataclasses.replace(
        POLICY, payment_reminder_after=timedelta(hours=1), payment_expire_after=timedelta(hours=3)
    )
    plan = payment_plan(wib(22, 20, 50), tight)  # last 21:50 → 20:45, before the order
    assert plan.last is None
    assert plan.first is None  # 21:50 → 08:00, after expiry at 23:50
