"""Durations in settings: a bare number is hours (`6`, `0.5`); units may be spelled out
(`90m`, `6h`, `2d`, `1d12h`, `45s`); ISO 8601 works too (`PT6H`, `P2D`)."""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}
_PART = re.compile(r"(\d+(?:\.\d+)?)([dhms])")
_ISO = re.compile(
    r"^P(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def parse_duration(value: object) -> timedelta:
    """A positive duration from a setting's value; raises ValueError naming the formats."""
    if isinstance(value, timedelta):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        result = timedelta(hours=value)
    elif isinstance(value, str):
        result = _parse_text(value.strip().lower())
    else:
        raise ValueError(f"expected a duration, got {value!r}")
    if result <= timedelta(0):
        raise ValueError("must be longer than zero")
    return result


def _parse_text(text: str) -> timedelta:
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return timedelta(hours=float(text))
    compact = text.replace(" ", "")
    if compact and _PART.sub("", compact) == "" and _PART.search(compact):
        seconds = sum(float(n) * _UNITS[unit] for n, unit in _PART.findall(compact))
        return timedelta(seconds=seconds)
    iso = _ISO.match(compact.upper())
    if iso and compact.upper() not in ("P", "PT") and any(iso.groupdict().values()):
        return timedelta(
            days=float(iso["d"] or 0),
            hours=float(iso["h"] or 0),
            minutes=float(iso["m"] or 0),
            seconds=float(iso["s"] or 0),
        )
    raise ValueError(
        f"expected hours (6, 0.5), units (90m, 6h, 2d, 1d12h) or ISO 8601 (PT6H), got {text!r}"
    )


def describe(delta: timedelta) -> str:
    """`1d12h`, `6h`, `90m`: the short form, for logs and messages to the shop owner."""
    seconds = int(delta.total_seconds())
    parts = []
    for unit, size in _UNITS.items():
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return "".join(parts) or "0s"
