"""Who sees what of an order's timeline: one audience per kind of entry, and the views.

Staff notes stay internal: a customer's view (their order, a notice about it) is built from
`for_customer`, which keeps only what AUDIENCE lets a customer read. An entry kind missing from
AUDIENCE is a failing unit test, and anything unforeseen defaults to staff only.
"""

from __future__ import annotations

from enum import StrEnum

from domain.models import EventKind, Order, OrderEvent, Status


class Audience(StrEnum):
    CUSTOMER = "customer"  # the customer only
    STAFF = "staff"  # the staff group only
    BOTH = "both"


# Every kind of entry, exactly one audience.
AUDIENCE: dict[EventKind, Audience] = {
    EventKind.STATUS: Audience.BOTH,  # what happened to their order, whoever did it
    EventKind.PAYMENT: Audience.BOTH,  # receipt sent, paid, refunded
    EventKind.REASON: Audience.BOTH,  # why it was rejected or cancelled: the notice says so too
    EventKind.NOTE: Audience.STAFF,  # /note, a corrected shipment (the customer gets a notice)
    EventKind.STATUS_NOTE: Audience.STAFF,  # the note given with /verify: how staff know
    EventKind.PAYMENT_NOTE: Audience.STAFF,  # the same note on the payment, or "COD"
}

# A status change whose text is a reason the customer is given.
_WITH_REASON = frozenset({Status.REJECTED, Status.CANCELLED})


def sees(audience: Audience, kind: EventKind) -> bool:
    """Whether `audience` may read entries of `kind`; an unknown kind is staff only."""
    allowed = AUDIENCE.get(kind, Audience.STAFF)
    return allowed is Audience.BOTH or allowed is audience


def note_kind(kind: EventKind, to_status: str | None) -> EventKind:
    """The kind of the text written with an event of `kind` moving to `to_status`."""
    if kind == EventKind.STATUS:
        return EventKind.REASON if to_status in _WITH_REASON else EventKind.STATUS_NOTE
    if kind == EventKind.PAYMENT:
        return EventKind.PAYMENT_NOTE
    return EventKind.NOTE


def note_for(
    audience: Audience, kind: EventKind, to_status: str | None, note: str | None
) -> str | None:
    """The text of such an event as `audience` may read it (None when they may not)."""
    if note is None or not sees(audience, note_kind(kind, to_status)):
        return None
    return note


def event_for(audience: Audience, event: OrderEvent) -> OrderEvent | None:
    """The event as `audience` sees it: None when hidden, its text dropped when internal."""
    if not sees(audience, event.kind):
        return None
    note = note_for(audience, event.kind, event.to_status, event.note)
    return event if note == event.note else event.model_copy(update={"note": note})


def events_for(order: Order, audience: Audience) -> tuple[OrderEvent, ...]:
    """The timeline `audience` may read, oldest first."""
    seen = (event_for(audience, e) for e in order.events)
    return tuple(e for e in seen if e is not None)


def customer_timeline(order: Order) -> tuple[OrderEvent, ...]:
    return events_for(order, Audience.CUSTOMER)


def for_audience(order: Order, audience: Audience) -> Order:
    """The order with only the timeline `audience` may read: what their templates are given,
    so not even a template's mistake can show them more."""
    events = events_for(order, audience)
    return order if events == order.events else order.model_copy(update={"events": events})


def for_customer(order: Order) -> Order:
    return for_audience(order, Audience.CUSTOMER)
