"""The send-time rules: a message queued earlier (held by quiet hours, or behind a backlog) is
sent only if what it says is still true. The domain module that queued it answers; the
renderers in bot/notices only ask."""

from __future__ import annotations

import json

from domain import outbox
from domain.clock import FrozenClock
from domain.models import PaymentMethod, Status
from domain.ordering.order_reads import load_order
from domain.ordering.orders import submit_payment_proof
from domain.ordering.transitions import apply_transition
from domain.outbox import Kind
from domain.schedule import delivery_checks, nudges, payment_reminders, surveys
from domain.schedule.delivery_checks import answer_check
from domain.store import Store
from tests.integration.schedule_support import STAFF, move, place, policy, run
from tests.integration.schedule_support import outbox as queued


async def test_a_payment_reminder_is_due_while_the_transfer_is_unpaid(
    seeded_store: Store,
) -> None:
    order = await place(seeded_store, 1001)
    assert payment_reminders.still_awaiting(order)
    cod = await place(seeded_store, 1002, method=PaymentMethod.COD)
    assert not payment_reminders.still_awaiting(cod)
    await submit_payment_proof(seeded_store, 1001, "photo-1", "Budi")
    assert not payment_reminders.still_awaiting(await load_order(seeded_store.reader, order.id))


async def test_a_delivery_check_is_open_until_answered_or_moved_on(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await move(seeded_store, await place(seeded_store, 1001), Status.SHIPPED)
    assert await delivery_checks.open_check(seeded_store, order) is None  # never asked
    clock.advance(days=3)
    await run(seeded_store)
    assert await delivery_checks.open_check(seeded_store, order) == 1
    await answer_check(seeded_store, 1001, order.number, "not_yet", "Budi")
    assert await delivery_checks.open_check(seeded_store, order) is None


async def test_a_delivered_order_closes_its_check(seeded_store: Store, clock: FrozenClock) -> None:
    order = await move(seeded_store, await place(seeded_store, 1001), Status.SHIPPED)
    clock.advance(days=3)
    await run(seeded_store)
    delivered = await move(seeded_store, order, Status.DELIVERED)
    assert await delivery_checks.open_check(seeded_store, delivered) is None


async def test_a_nudge_lists_only_orders_still_at_their_stage(
    seeded_store: Store, clock: FrozenClock
) -> None:
    first = await place(seeded_store, 1001, method=PaymentMethod.COD)
    second = await place(seeded_store, 1002, method=PaymentMethod.COD)
    clock.advance(hours=3)
    await run(seeded_store)
    [nudge] = await queued(seeded_store, "staff_nudge")
    items = json.loads(str(nudge["payload"]))["items"]
    await move(seeded_store, first, Status.VERIFIED)
    clock.advance(hours=1)
    groups = await nudges.still_waiting(seeded_store, items, policy())
    waiting = [{"number": second.number, "hours": 4}]
    assert groups == [{"stage": "verification", "limit_hours": 2, "orders": waiting}]
    await move(seeded_store, second, Status.VERIFIED)
    assert await nudges.still_waiting(seeded_store, items, policy()) == []


async def test_a_survey_is_open_until_scored_or_closed(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await move(seeded_store, await place(seeded_store, 1001), Status.DELIVERED)
    clock.advance(days=2)
    await run(seeded_store)
    survey = await surveys.survey_of_order(seeded_store, order.id)
    assert survey is not None
    assert surveys.is_open(survey, seeded_store.now())
    assert not surveys.is_open(survey, survey.closes_at)
    await surveys.record_score(
        seeded_store, 1001, order.number, 9, window=policy().comment_window
    )
    scored = await surveys.survey_of_order(seeded_store, order.id)
    assert scored is not None and not surveys.is_open(scored, seeded_store.now())


async def test_an_order_knows_when_it_shipped_and_whether_it_was_called_off(
    seeded_store: Store, clock: FrozenClock
) -> None:
    order = await place(seeded_store, 1001, method=PaymentMethod.COD)
    assert order.shipped_at is None and not order.called_off
    clock.advance(hours=1)
    shipped = await move(seeded_store, order, Status.SHIPPED)
    assert shipped.shipped_at == seeded_store.now()
    other = await place(seeded_store, 1002)
    async with seeded_store.transaction() as db:
        current = await load_order(db, other.id)
        await apply_transition(db, current, Status.CANCELLED, STAFF, seeded_store.now())
    assert (await load_order(seeded_store.reader, other.id)).called_off


async def test_a_newer_card_redraw_waiting_makes_an_older_one_unneeded(
    seeded_store: Store,
) -> None:
    order = await place(seeded_store, 1001)
    [card] = [r for r in await queued(seeded_store, "order_card") if r["order_id"] == order.id]
    assert not await outbox.newer_pending(seeded_store, Kind.ORDER_CARD, order.id, card["id"])
    async with seeded_store.transaction() as db:  # a later redraw of the same card
        await outbox.enqueue(
            db, audience="staff", kind=Kind.ORDER_CARD, order_id=order.id, now=seeded_store.now()
        )
    assert await outbox.newer_pending(seeded_store, Kind.ORDER_CARD, order.id, card["id"])
    assert not await outbox.newer_pending(seeded_store, Kind.STATUS_CHANGED, order.id, card["id"])
