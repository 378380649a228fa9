"""The feedback survey after delivery: "would you recommend us?" 0–10, an optional comment,
one survey per order; and the Net Promoter Score over a period.

Scores 9–10 are promoters, 7–8 passives, 0–6 detractors; NPS = %promoters − %detractors.
A detractor is posted to the staff group for follow-up, with the comment when one comes: the
post is queued at the score and held for a short while, and released as soon as the customer
comments or skips.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import aiosqlite

from domain.clock import from_db, to_db
from domain.errors import DomainError, InvalidInput, NotFound
from domain.order_reads import normalize_number
from domain.outbox import Kind
from domain.schedule_policy import Policy, enqueue_customer, enqueue_staff
from domain.store import Store, fetchall, fetchone
from domain.validation import clean_text

Category = Literal["promoter", "passive", "detractor"]
MAX_COMMENT = 500


class SurveyClosed(DomainError):
    code = "survey_closed"  # context: number


class SurveyAnswered(DomainError):
    code = "survey_answered"  # context: number


@dataclass(frozen=True, slots=True)
class Survey:
    order_id: int
    number: str
    user_id: int
    state: str
    sent_at: datetime
    closes_at: datetime
    score: int | None
    category: Category | None
    comment: str | None
    answered_at: datetime | None


def classify(score: int) -> Category:
    if not 0 <= score <= 10:
        raise ValueError(f"score out of range: {score}")
    if score >= 9:
        return "promoter"
    return "passive" if score >= 7 else "detractor"


# ---------------------------------------------------------------- the scheduled pass


async def start_surveys(store: Store, policy: Policy) -> int:
    """Orders delivered SURVEY_AFTER ago get their one survey (opted-out customers get a
    'skipped' row instead, so they are not considered again)."""
    now = store.now()
    async with store.transaction() as db:
        rows = await fetchall(
            db,
            "SELECT o.id, o.user_id, c.surveys_enabled, c.reachable FROM orders o"
            " JOIN customers c ON c.user_id = o.user_id"
            " WHERE o.status = 'delivered' AND o.status_changed_at <= ?"
            " AND o.status_changed_at > ?"
            " AND NOT EXISTS (SELECT 1 FROM surveys s WHERE s.order_id = o.id)"
            " ORDER BY o.status_changed_at LIMIT ?",
            (
                to_db(now - policy.survey_after),
                to_db(now - policy.survey_after - policy.survey_late_limit),
                policy.batch,
            ),
        )
        for row in rows:
            state, sent_at = "skipped", now
            if row["reachable"] and row["surveys_enabled"]:
                state = "open"
                sent_at = await enqueue_customer(
                    db,
                    policy,
                    now,
                    chat_id=row["user_id"],
                    kind=Kind.SURVEY,
                    order_id=row["id"],
                    dedupe_key=f"survey:{row['id']}",
                )
            await db.execute(
                "INSERT INTO surveys (order_id, user_id, state, sent_at, closes_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    row["id"],
                    row["user_id"],
                    state,
                    to_db(sent_at),
                    to_db(sent_at + policy.survey_open_for),
                ),
            )
    return len(rows)


def is_open(survey: Survey, now: datetime) -> bool:
    """Still asking for a score (asked again when the question is sent, after quiet hours)."""
    return survey.state == "open" and now < survey.closes_at


# ---------------------------------------------------------------- answers


def _survey(row: aiosqlite.Row) -> Survey:
    return Survey(
        order_id=row["order_id"],
        number=row["number"],
        user_id=row["user_id"],
        state=row["state"],
        sent_at=from_db(row["sent_at"]),
        closes_at=from_db(row["closes_at"]),
        score=row["score"],
        category=row["category"],
        comment=row["comment"],
        answered_at=from_db(row["answered_at"]) if row["answered_at"] else None,
    )


async def _load(db: aiosqlite.Connection, user_id: int, number: str) -> Survey:
    """The survey of one of this customer's orders; anyone else's answers as missing."""
    row = await fetchone(
        db,
        "SELECT s.*, o.number FROM surveys s JOIN orders o ON o.id = s.order_id"
        " WHERE o.number = ? AND s.user_id = ? AND o.user_id = ? AND s.state <> 'skipped'",
        (normalize_number(number), user_id, user_id),
    )
    if row is None:
        raise NotFound(number=normalize_number(number)[:12])
    return _survey(row)


async def get_survey(store: Store, user_id: int, number: str) -> Survey:
    return await _load(store.reader, user_id, number)


async def record_score(
    store: Store, user_id: int, number: str, score: int | str, *, window: timedelta
) -> Survey:
    """The 0–10 answer. Once per survey, while it is open. A detractor's staff post waits
    up to `window` (the time allowed for the comment) so it can carry the comment."""
    value = _score(score)
    now = store.now()
    async with store.transaction() as db:
        survey = await _load(db, user_id, number)
        if survey.state != "open":
            raise SurveyAnswered(number=survey.number)
        if now >= survey.closes_at:
            raise SurveyClosed(number=survey.number)
        category = classify(value)
        await db.execute(
            "UPDATE surveys SET state = 'scored', score = ?, category = ?, answered_at = ?"
            " WHERE order_id = ? AND state = 'open'",
            (value, category, to_db(now), survey.order_id),
        )
        if category == "detractor":
            # Held for the comment; released by record_comment / skip_comment.
            await enqueue_staff(
                db,
                now,
                kind=Kind.SURVEY_DETRACTOR,
                order_id=survey.order_id,
                dedupe_key=_detractor_key(survey.order_id),
                not_before=now + window,
            )
        return await _load(db, user_id, number)


def _score(score: int | str) -> int:
    text = str(score).strip()
    if not re.fullmatch(r"\d{1,2}", text) or int(text) > 10:
        raise InvalidInput("survey_score_invalid")
    return int(text)


def _detractor_key(order_id: int) -> str:
    return f"survey_detractor:{order_id}"


async def _scored(
    db: aiosqlite.Connection, user_id: int, number: str, now: datetime, window: timedelta
) -> Survey:
    survey = await _load(db, user_id, number)
    if survey.state == "open":
        raise SurveyClosed(number=survey.number)  # no score yet: nothing to comment on
    if survey.state != "scored":
        raise SurveyAnswered(number=survey.number)
    assert survey.answered_at is not None
    if now >= survey.closes_at or now >= survey.answered_at + window:
        raise SurveyClosed(number=survey.number)
    return survey


async def record_comment(
    store: Store, user_id: int, number: str, text: str, *, window: timedelta
) -> Survey:
    """The optional comment after the score; over MAX_COMMENT characters → asked to shorten."""
    comment = clean_text(text)
    if not comment:
        raise InvalidInput("comment_empty", max=MAX_COMMENT)
    if len(comment) > MAX_COMMENT:
        raise InvalidInput("comment_too_long", max=MAX_COMMENT, length=len(comment))
    now = store.now()
    async with store.transaction() as db:
        survey = await _scored(db, user_id, number, now, window)
        await db.execute(
            "UPDATE surveys SET state = 'closed', comment = ?, commented_at = ?"
            " WHERE order_id = ? AND state = 'scored'",
            (comment, to_db(now), survey.order_id),
        )
        await _release_detractor(db, survey.order_id, now)
        return await _load(db, user_id, number)


async def skip_comment(store: Store, user_id: int, number: str, *, window: timedelta) -> Survey:
    now = store.now()
    async with store.transaction() as db:
        survey = await _scored(db, user_id, number, now, window)
        await db.execute(
            "UPDATE surveys SET state = 'closed' WHERE order_id = ? AND state = 'scored'",
            (survey.order_id,),
        )
        await _release_detractor(db, survey.order_id, now)
        return await _load(db, user_id, number)


async def _release_detractor(db: aiosqlite.Connection, order_id: int, now: datetime) -> None:
    await db.execute(
        "UPDATE outbox SET not_before = ? WHERE dedupe_key = ? AND state = 'pending'"
        " AND not_before > ?",
        (to_db(now), _detractor_key(order_id), to_db(now)),
    )


async def survey_of_order(store: Store, order_id: int) -> Survey | None:
    """For the staff post about a detractor (and for renderers)."""
    row = await store.fetchone(
        "SELECT s.*, o.number FROM surveys s JOIN orders o ON o.id = s.order_id"
        " WHERE s.order_id = ?",
        (order_id,),
    )
    return _survey(row) if row else None


# ---------------------------------------------------------------- Net Promoter Score


@dataclass(frozen=True, slots=True)
class NpsReport:
    promoters: int
    passives: int
    detractors: int
    sent: int

    @property
    def responses(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> int | None:
        """−100…100, rounded half away from zero; None without answers."""
        if not self.responses:
            return None
        exact = 100 * (self.promoters - self.detractors) / self.responses
        return int(exact + 0.5) if exact >= 0 else -int(-exact + 0.5)

    def share(self, count: int) -> int:
        return round(100 * count / self.responses) if self.responses else 0

    @property
    def response_rate(self) -> int:
        return round(100 * self.responses / self.sent) if self.sent else 0


def nps_of(scores: list[int]) -> NpsReport:
    """NPS of known answers (no store): for tests and quick arithmetic."""
    cats = [classify(s) for s in scores]
    return NpsReport(
        cats.count("promoter"),
        cats.count("passive"),
        cats.count("detractor"),
        len(scores),
    )


async def nps(store: Store, since: datetime | None, until: datetime) -> NpsReport:
    """Answers given in [since, until), and surveys sent in the same span."""
    low = to_db(since) if since else ""
    high = to_db(until)
    counts = await store.fetchall(
        "SELECT category, COUNT(*) AS n FROM surveys WHERE score IS NOT NULL"
        " AND answered_at >= ? AND answered_at < ? GROUP BY category",
        (low, high),
    )
    by = {r["category"]: r["n"] for r in counts}
    sent = await store.fetchone(
        "SELECT COUNT(*) AS n FROM surveys WHERE state <> 'skipped'"
        " AND sent_at >= ? AND sent_at < ?",
        (low, high),
    )
    return NpsReport(
        by.get("promoter", 0),
        by.get("passive", 0),
        by.get("detractor", 0),
        sent["n"] if sent else 0,
    )


def parse_period(text: str, now: datetime, zone: ZoneInfo) -> tuple[datetime | None, datetime]:
    """`/nps` argument → [since, until): empty = the last 30 days; `7d` (or `7`, `7 hari`)
    = the last 7 days; `2026-05` = that calendar month in the shop's zone; `all`."""
    arg = text.strip().lower()
    if not arg:
        return now - timedelta(days=30), now
    if arg in ("all", "semua"):
        return None, now
    if m := re.fullmatch(r"(\d{1,4})\s*(d|hari)?", arg):
        days = int(m[1])
        if 1 <= days <= 3660:
            return now - timedelta(days=days), now
    elif m := re.fullmatch(r"(\d{4})-(\d{1,2})", arg):
        year, month = int(m[1]), int(m[2])
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            start = datetime(year, month, 1, tzinfo=zone)
            return start, datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    raise InvalidInput("nps_period_invalid")
