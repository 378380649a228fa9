"""Durations and the scheduled follow-up's settings: formats, validation, clear errors."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from bot.durations import describe, parse_duration
from bot.settings import Settings, describe_error, policy_from

BASE = {"bot_token": "123:abc", "staff_chat_id": -1001}


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **BASE, **values)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("6", timedelta(hours=6)),
        ("0.5", timedelta(minutes=30)),
        (6, timedelta(hours=6)),
        (1.5, timedelta(minutes=90)),
        ("90m", timedelta(minutes=90)),
        ("2d", timedelta(days=2)),
        ("1d12h", timedelta(hours=36)),
        ("1d 12h", timedelta(hours=36)),
        ("45s", timedelta(seconds=45)),
        ("PT6H", timedelta(hours=6)),
        ("P2D", timedelta(days=2)),
        ("P1DT2H30M", timedelta(days=1, hours=2, minutes=30)),
        (timedelta(hours=3), timedelta(hours=3)),
    ],
)
def test_formats(value: object, expected: timedelta) -> None:
    assert parse_duration(value) == expected


@pytest.mark.parametrize("value", ["", "abc", "6x", "-2", "0", "0h", "P", "PT", True, None, "h6"])
def test_refused(value: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(value)


def test_describe() -> None:
    assert describe(timedelta(hours=36)) == "1d12h"
    assert describe(timedelta(minutes=90)) == "1h30m"


def test_defaults_are_the_shop_defaults() -> None:
    s = settings()
    assert s.payment_reminder_after == timedelta(hours=6)
    assert s.payment_expire_after == timedelta(hours=24)
    assert (s.nudge_verification_after, s.nudge_packing_after, s.nudge_shipment_after) == (
        timedelta(hours=2),
        timedelta(hours=24),
        timedelta(hours=48),
    )
    assert s.digest_at == time(8) and s.quiet_hours == "21:00-08:00"
    assert s.survey_after == timedelta(days=2) and s.abandoned_cart_after == timedelta(days=1)
    assert s.rate_limit_chat_per_second == 1


def test_env_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAYMENT_REMINDER_AFTER", "3")
    monkeypatch.setenv("PAYMENT_EXPIRE_AFTER", "2d")
    monkeypatch.setenv("QUIET_HOURS", "22:00-06:30")
    monkeypatch.setenv("DIGEST_AT", "7:30")
    s = settings()
    assert s.payment_reminder_after == timedelta(hours=3)
    assert s.payment_expire_after == timedelta(days=2)
    policy = policy_from(s)
    assert (policy.quiet.start, policy.quiet.end) == (time(22), time(6, 30))
    assert policy.digest_at == time(7, 30)
    assert policy_from(settings(quiet_hours="off")).quiet.enabled is False


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"payment_reminder_after": "soon"}, "Setting PAYMENT_REMINDER_AFTER is invalid"),
        ({"survey_after": "0"}, "Setting SURVEY_AFTER is invalid: must be longer than zero"),
        ({"quiet_hours": "9-8"}, "Setting QUIET_HOURS is invalid"),
        ({"digest_at": "25:00"}, "Setting DIGEST_AT is invalid"),
        ({"payment_reminder_after": "30"}, "PAYMENT_REMINDER_AFTER must be shorter"),
        ({"delivery_check_after": "8d"}, "DELIVERY_CHECK_AFTER must be shorter"),
        ({"rate_limit_chat_per_second": 0}, "RATE_LIMIT_CHAT_PER_SECOND"),
    ],
)
def test_bad_values_name_the_setting(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        settings(**values)
    assert message in describe_error(exc.value)
