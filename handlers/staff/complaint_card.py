"""A complaint as staff see it (part B): the card's text and buttons, drawn the same way by the
outbox renderer (the living card, edited in place) and by the handlers (a copy posted by
/return, a pressed message redrawn), and the order's after-sales history for /order.

Every text fits Telegram's limit whatever the complaint holds: free text is shortened in the
templates, the oldest history entries give way first (Messages.render_list)."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from domain.aftersales import amounts, cod, reads
from domain.aftersales.lifecycle import UNDECIDED
from domain.aftersales.models import REFUNDED, SOLUTIONS_FOR, ComplaintView, RefundStatus
from domain.models import Order
from domain.ordering.order_reads import load_order
from domain.ordering.timeline import Audience
from domain.store import Store
from handlers.keyboards import aftersales as kb
from messages import Messages

CARD_RECENT_EVENTS = 8  # the card shows the newest entries; /return <no> shows them all


@dataclass(frozen=True, slots=True)
class Card:
    view: ComplaintView
    order: Order
    proposed: int | None  # the refund an approval would open (undecided, refund possible)
    text: str
    markup: InlineKeyboardMarkup


async def proposed_refund(store: Store, view: ComplaintView, order: Order) -> int | None:
    """What approving with a refund would propose now (the domain's own rule)."""
    c = view.complaint
    if c.status not in UNDECIDED or not REFUNDED & set(SOLUTIONS_FOR[c.reason]):
        return None
    before = sum(
        r.amount
        for r in await reads.refunds_of_order(store, order.id)
        if r.status is not RefundStatus.CANCELLED
    )
    return amounts.proposed_refund(c.lines, c.reason, order.shipping_fee, order.total, before)


async def build(store: Store, messages: Messages, lang: str, complaint_id: int) -> Card:
    """The complaint's card now (NotFound when there is no such complaint)."""
    view = await reads.complaint_view(store, complaint_id, Audience.STAFF)
    c = view.complaint
    order = await load_order(store.reader, c.order_id)
    proposed = await proposed_refund(store, view, order)
    refusals = await cod.refusals_of(store, c.user_id)
    text = card_text(messages, lang, order, view, proposed, refusals)
    return Card(view, order, proposed, text, kb.complaint_actions(messages, lang, view))


def card_text(
    messages: Messages,
    lang: str,
    order: Order,
    view: ComplaintView,
    proposed: int | None,
    refusals: int,
    recent: int = CARD_RECENT_EVENTS,
) -> str:
    """The card's text: the newest `recent` history entries at most, and as many as fit."""
    events = view.events

    def context(n: int) -> dict[str, object]:
        start = len(events) - n
        return {
            "order": order,
            "complaint": view.complaint,
            "refund": view.refund,
            "shipment": view.shipment,
            "evidence_count": len(view.evidence),
            "proposed": proposed,
            "refusals": refusals,
            "events": events[start:],
            "hidden": start,
        }

    count = min(recent, len(events))
    return messages.render_list(lang, "aftersales_staff_complaint_card", context, count, keep=0)


async def timeline_text(store: Store, messages: Messages, lang: str, order: Order) -> str | None:
    """The order's whole after-sales history for staff (newest kept when it is long); None
    when the order has none."""
    events = await reads.order_timeline(store, order.id, Audience.STAFF)
    if not events:
        return None

    def context(n: int) -> dict[str, object]:
        start = len(events) - n
        return {"order": order, "events": events[start:], "hidden": start}

    return messages.render_list(lang, "aftersales_staff_timeline", context, len(events))
