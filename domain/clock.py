"""Time source. Everything reads time through a Clock so tests can freeze or move it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_db(moment: datetime) -> str:
    """UTC ISO text with fixed width, so SQLite compares times as strings correctly."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_db(text: str) -> datetime:
    return datetime.fromisoformat(text)


class FrozenClock:
    """A clock that moves only when told to (tests and benchmarks)."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        from datetime import timedelta

        self.current += timedelta(**delta)
        return self.current
