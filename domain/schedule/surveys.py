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
from zoneinfo import ZoneInfo

from domain.errors import DomainError, InvalidInput, NotFound
from domain.ordering.order_reads import normalize_number
from domain.outbox import Kind
from domain.schedule.policy import Policy, enqueue_customer, enqueue_staff
from domain.store import Connection, Store
from domain.store import outbox as outbox_rows
from domain.store import surveys as survey_rows
from domain.store.surveys import Category, Survey
from domain.validation import clean_text

MAX_COMMENT = 500


class SurveyClosed(DomainError):
    code = "survey_closed"  # context: number


class SurveyAnswered(DomainError):
    code = "survey_answered"  # context: number


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
        newest = now - policy.survey_after
        rows = await survey_rows.delivered_unsurveyed(
            db, newest, newest - policy.survey_late_limit, policy.batch
        )
        for row in rows:
            asked = bool(row["reachable"] and row["surveys_enabled"])
            # Sent after quiet hours (as enqueue_customer holds it).
            state, sent_at = ("open", policy.quiet.defer(now)) if asked else ("skipped", now)
            closes_at = sent_at + policy.survey_open_for
            # Taken first (compare-and-set): a second run at the same moment finds it started.
            started = await survey_rows.add(
                db, row["id"], row["user_id"], state, sent_at, closes_at
            )
            if started and asked:
                await enqueue_customer(
                    db, policy, now, chat_id=row["user_id"], kind=Kind.SURVEY, order_id=row["id"]
                )
    return len(rows)


def is_open(survey: Survey, now: datetime) -> bool:
    """Still asking for a score (asked again when the question is sent, after quiet hours)."""
    return survey.state == "open" and now < survey.closes_at


# ---------------------------------------------------------------- answers


async def _load(db: Connection, user_id: int, number: str) -> Survey:
    """The survey of one of this customer's orders; anyone else's answers as missing."""
    survey = await survey_rows.customer_survey(db, user_id, normalize_number(number))
    if survey is None:
        raise NotFound(number=normalize_number(number)[:12])
    return survey


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
        await survey_rows.score(db, survey.order_id, value, category, now)
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
    db: Connection, user_id: int, number: str, now: datetime, window: timedelta
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
    return await _close(store, user_id, number, comment, window)


async def skip_comment(store: Store, user_id: int, number: str, *, window: timedelta) -> Survey:
    return await _close(store, user_id, number, None, window)


async def _close(
    store: Store, user_id: int, number: str, comment: str | None, window: timedelta
) -> Survey:
    """Close the scored survey with its comment (None: skipped); a held detractor alert goes."""
    now = store.now()
    async with store.transaction() as db:
        survey = await _scored(db, user_id, number, now, window)
        await survey_rows.close(db, survey.order_id, comment, now)
        await _release_detractor(db, survey.order_id, now)
        return await _load(db, user_id, number)


async def _release_detractor(db: Connection, order_id: int, now: datetime) -> None:
    await outbox_rows.release_held(db, _detractor_key(order_id), now)


async def survey_of_order(store: Store, order_id: int) -> Survey | None:
    """For the staff post about a detractor (and for renderers)."""
    return await survey_rows.of_order(store.reader, order_id)


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
    by = await survey_rows.answers_by_category(store.reader, since, until)
    sent = await survey_rows.sent_between(store.reader, since, until)
    return NpsReport(by.get("promoter", 0), by.get("passive", 0), by.get("detractor", 0), sent)


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
