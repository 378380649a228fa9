"""The feedback survey after delivery, its answers, and NPS from the store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clock import FrozenClock
from domain.errors import InvalidInput, NotFound
from domain.models import Order, Status
from domain.schedule import surveys
from domain.schedule.surveys import SurveyAnswered, SurveyClosed
from domain.store import Store
from tests.integration.schedule_support import move, not_before, opt_out, outbox, place, run

WINDOW = timedelta(hours=1)


async def delivered(store: Store, user_id: int = 1001) -> Order:
    return await move(store, await place(store, user_id), Status.DELIVERED)


async def surveyed(store: Store, clock: FrozenClock, user_id: int = 1001) -> Order:
    order = await delivered(store, user_id)
    clock.advance(days=2)
    await run(store)
    return order


async def test_survey_goes_out_when_due_not_before_and_once(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await delivered(seeded_store)
    clock.advance(days=2, seconds=-1)
    await run(seeded_store)
    assert await outbox(seeded_store, "survey") == []
    clock.advance(seconds=1)
    await run(seeded_store)
    await run(seeded_store)
    [sent] = await outbox(seeded_store, "survey")
    assert sent["order_id"] == order.id and not_before(sent) == clock()


async def test_after_a_long_outage_a_stale_survey_is_not_started(
    seeded_store: Store, clock: FrozenClock
) -> None:
    await delivered(seeded_store)
    clock.advance(days=5)  # three days late: still asked, once
    await run(seeded_store)
    await run(seeded_store)
    assert len(await outbox(seeded_store, "survey")) == 1
    await delivered(seeded_store, 1002)
    clock.advance(days=10)  # more than a week late: not asked at all
    await run(seeded_store)
    assert len(await outbox(seeded_store, "survey")) == 1


async def test_quiet_hours_hold_the_survey(seeded_store: Store, clock: FrozenClock) -> None:
    clock.advance(hours=14)  # 23:00 WIB
    await delivered(seeded_store)
    clock.advance(days=2)
    await run(seeded_store)
    [sent] = await outbox(seeded_store, "survey")
    assert not_before(sent) == clock() + timedelta(hours=9)  # 08:00 WIB


async def test_opted_out_customers_get_no_survey(seeded_store: Store, clock: FrozenClock) -> None:
    order = await delivered(seeded_store)
    await opt_out(seeded_store, 1001, "surveys_enabled")
    clock.advance(days=2)
    await run(seeded_store)
    assert await outbox(seeded_store, "survey") == []
    with pytest.raises(NotFound):  # there is nothing to answer
        await surveys.record_score(seeded_store, 1001, order.number, 9, window=WINDOW)
    clock.advance(days=1)
    await run(seeded_store)
    assert await outbox(seeded_store, "survey") == []


async def test_score_is_stored_and_classed_once(seeded_store: Store, clock: FrozenClock) -> None:
    order = await surveyed(seeded_store, clock)
    number = f"#{order.number.lower()}"  # as typed: normalised
    survey = await surveys.record_score(seeded_store, 1001, number, "9", window=WINDOW)
    assert (survey.score, survey.category, survey.state) == (9, "promoter", "scored")
    with pytest.raises(SurveyAnswered):
        await surveys.record_score(seeded_store, 1001, order.number, 3, window=WINDOW)
    await surveys.skip_comment(seeded_store, 1001, order.number, window=WINDOW)
    with pytest.raises(SurveyAnswered):
        await surveys.record_score(seeded_store, 1001, order.number, 10, window=WINDOW)
    assert await outbox(seeded_store, "survey_detractor") == []  # promoters are not posted


async def test_someone_elses_survey_is_refused(seeded_store: Store, clock: FrozenClock) -> None:
    order = await surveyed(seeded_store, clock)
    await place(seeded_store, 2002)
    with pytest.raises(NotFound):
        await surveys.record_score(seeded_store, 2002, order.number, 0, window=WINDOW)
    with pytest.raises(NotFound):
        await surveys.record_score(seeded_store, 1001, "ZZZZZZ", 5, window=WINDOW)
    survey = await surveys.get_survey(seeded_store, 1001, order.number)
    assert survey.score is None  # untouched


@pytest.mark.parametrize("bad", ["11", "-1", "x", "", "7.5", "100"])
async def test_a_forged_score_is_refused(seeded_store: Store, clock: FrozenClock, bad: str) -> None:
    order = await surveyed(seeded_store, clock)
    with pytest.raises(InvalidInput):
        await surveys.record_score(seeded_store, 1001, order.number, bad, window=WINDOW)


async def test_answers_after_the_survey_closed_are_refused(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await surveyed(seeded_store, clock)
    clock.advance(days=7)
    with pytest.raises(SurveyClosed):
        await surveys.record_score(seeded_store, 1001, order.number, 8, window=WINDOW)


async def test_detractor_goes_to_the_staff_with_the_comment(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await surveyed(seeded_store, clock)
    await surveys.record_score(seeded_store, 1001, order.number, 4, window=WINDOW)
    [post] = await outbox(seeded_store, "survey_detractor")
    assert post["audience"] == "staff"
    assert not_before(post) == clock() + WINDOW  # waits for the comment...
    clock.advance(minutes=5)
    survey = await surveys.record_comment(
        seeded_store, 1001, order.number, "  Paketnya penyok,\n\nkopinya tumpah.  ", window=WINDOW
    )
    assert survey.comment == "Paketnya penyok,\nkopinya tumpah."
    assert survey.state == "closed"
    [post] = await outbox(seeded_store, "survey_detractor")
    assert not_before(post) == clock()  # ...and goes as soon as it is there
    with pytest.raises(SurveyAnswered):
        await surveys.record_comment(seeded_store, 1001, order.number, "lagi", window=WINDOW)


async def test_a_detractor_without_comment_is_posted_after_the_window(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await surveyed(seeded_store, clock)
    await surveys.record_score(seeded_store, 1001, order.number, 0, window=WINDOW)
    clock.advance(hours=2)
    with pytest.raises(SurveyClosed):  # too late to comment now
        await surveys.record_comment(seeded_store, 1001, order.number, "halo", window=WINDOW)
    [post] = await outbox(seeded_store, "survey_detractor")
    assert not_before(post) < clock()


async def test_a_comment_over_the_bound_is_asked_to_be_shortened(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await surveyed(seeded_store, clock)
    await surveys.record_score(seeded_store, 1001, order.number, 7, window=WINDOW)
    with pytest.raises(InvalidInput) as too_long:
        await surveys.record_comment(seeded_store, 1001, order.number, "a" * 501, window=WINDOW)
    assert too_long.value.code == "comment_too_long"
    assert too_long.value.context == {"max": 500, "length": 501}
    with pytest.raises(InvalidInput) as empty:
        await surveys.record_comment(seeded_store, 1001, order.number, " \n ", window=WINDOW)
    assert empty.value.code == "comment_empty"
    # Still waiting for the comment: a shorter one is taken.
    survey = await surveys.record_comment(
        seeded_store, 1001, order.number, "a" * 500, window=WINDOW
    )
    assert survey.comment == "a" * 500


async def test_a_comment_needs_a_score_first(seeded_store: Store, clock: FrozenClock) -> None:
    order = await surveyed(seeded_store, clock)
    with pytest.raises(SurveyClosed):
        await surveys.record_comment(seeded_store, 1001, order.number, "bagus", window=WINDOW)


async def test_nps_over_a_period(seeded_store: Store, clock: FrozenClock) -> None:
    scores = [10, 9, 9, 8, 7, 6, 0, 3, 10, 5]  # 4 promoters, 2 passives, 4 detractors
    orders = [await delivered(seeded_store, 3000 + i) for i in range(len(scores) + 1)]
    clock.advance(days=2)
    await run(seeded_store)
    since = clock()
    for order, score in zip(orders, scores, strict=False):
        await surveys.record_score(seeded_store, order.user_id, order.number, score, window=WINDOW)
    report = await surveys.nps(seeded_store, since, clock() + timedelta(seconds=1))
    assert (report.promoters, report.passives, report.detractors) == (4, 2, 4)
    assert report.responses == 10 and report.score == 0
    assert report.sent == 11 and report.response_rate == 91
    before = await surveys.nps(seeded_store, None, since)
    assert before.score is None and before.responses == 0
