"""NPS arithmetic on known answers, the classes, and the /nps period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.errors import InvalidInput
from domain.schedule.surveys import classify, nps_of, parse_period

JKT = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("score", "category"),
    [
        (0, "detractor"),
        (6, "detractor"),
        (7, "passive"),
        (8, "passive"),
        (9, "promoter"),
        (10, "promoter"),
    ],
)
def test_classes(score: int, category: str) -> None:
    assert classify(score) == category


def test_classify_refuses_out_of_range() -> None:
    with pytest.raises(ValueError):
        classify(11)


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([10, 9, 9, 8, 7, 6, 0, 3, 10, 5], 0),  # 4 P, 2 Pa, 4 D
        ([10, 10, 10], 100),
        ([0, 6, 5], -100),
        ([9, 9, 7, 3], 25),  # (2 − 1) / 4
        ([9, 7, 7], 33),  # 33.3…
        ([9, 9, 7], 67),  # 66.7… rounds up
        ([9, 3, 3, 7, 7, 7], -17),  # −16.7… rounds away from zero
        ([10, 0], 0),
        ([8], 0),
    ],
)
def test_score(scores: list[int], expected: int) -> None:
    assert nps_of(scores).score == expected


def test_counts_and_shares() -> None:
    report = nps_of([10, 9, 9, 8, 7, 6, 0, 3, 10, 5])
    assert (report.promoters, report.passives, report.detractors) == (4, 2, 4)
    assert report.responses == 10
    assert [report.share(n) for n in (4, 2)] == [40, 20]
    assert report.response_rate == 100


def test_no_answers_no_score() -> None:
    assert nps_of([]).score is None


def test_periods() -> None:
    assert parse_period("", NOW, JKT) == (NOW - timedelta(days=30), NOW)
    assert parse_period("7d", NOW, JKT) == (NOW - timedelta(days=7), NOW)
    assert parse_period("90", NOW, JKT) == (NOW - timedelta(days=90), NOW)
    assert parse_period("14 hari", NOW, JKT) == (NOW - timedelta(days=14), NOW)
    assert parse_period("all", NOW, JKT) == (None, NOW)
    since, until = parse_period("2026-02", NOW, JKT)
    assert since == datetime(2026, 2, 1, tzinfo=JKT)
    assert until == datetime(2026, 3, 1, tzinfo=JKT)
    since, until = parse_period("2026-12", NOW, JKT)
    assert until == datetime(2027, 1, 1, tzinfo=JKT)


@pytest.mark.parametrize("text", ["0d", "kemarin", "2026-13", "1999-01", "99999", "-7d"])
def test_bad_periods(text: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_period(text, NOW, JKT)
    assert exc.value.code == "nps_period_invalid"
