"""Who sees what on an order's timeline: every kind of entry has one audience, and no staff
note reaches a customer through any template."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import domain
from domain.actors import Actor
from domain.models import (
    STORED_EVENT_KINDS,
    EventKind,
    Order,
    OrderEvent,
    PaymentMethod,
    PaymentStatus,
    Status,
)
from domain.ordering import timeline
from domain.ordering.timeline import AUDIENCE, Audience, customer_timeline, events_for, for_customer
from domain.ordering.transitions import record_event
from domain.store import Store
from messages import Messages
from tests.fakebotapi import parse_html
from tests.unit import test_aftersales_templates as aftersales
from tests.unit import test_messages, test_refund_templates, test_schedule_templates
from tests.unit.test_messages import PLAIN, T0, Texts, order

DOMAIN = Path(domain.__file__).parent
MARK = "ZQX-STAFF-ONLY"  # in every staff-only text below; never in a customer's message

# Templates that go to the staff group, not to a customer.
STAFF_TEMPLATES = (
    "staff_", "nudge_", "digest_", "survey_detractor", "survey_nps", "setup_", "aftersales_staff_",
    "report_",
    "refund_staff_",
)


# ---------------------------------------------------------------- one audience per kind


def test_every_event_kind_has_exactly_one_audience() -> None:
    assert set(AUDIENCE) == set(EventKind), "give every EventKind an audience in AUDIENCE"
    assert all(isinstance(a, Audience) for a in AUDIENCE.values())


def test_the_store_holds_only_kinds_the_table_knows() -> None:
    """order_events.kind's CHECK constraint names exactly the stored kinds."""
    sql = "\n".join(p.read_text("utf-8") for p in sorted((DOMAIN / "migrations").glob("*.sql")))
    table = sql[sql.index("CREATE TABLE order_events") :]
    found = re.search(r"kind TEXT NOT NULL CHECK \(kind IN \(([^)]*)\)\)", table)
    assert found is not None
    allowed = {k.strip().strip("'") for k in found.group(1).split(",")}
    assert allowed == {str(k) for k in STORED_EVENT_KINDS}
    assert set(AUDIENCE) >= STORED_EVENT_KINDS


def _record_event_kinds() -> list[tuple[str, ast.expr]]:
    calls = []
    for path in sorted(DOMAIN.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record_event":
                kind = next((k.value for k in node.keywords if k.arg == "kind"), None)
                calls.append((f"{path.name}:{node.lineno}", kind or node.args[4]))
    return calls


def test_every_kind_the_code_writes_is_an_event_kind_with_an_audience() -> None:
    calls = _record_event_kinds()
    assert len(calls) >= 5  # placing, status, payment, note, shipment correction
    for where, kind in calls:
        assert isinstance(kind, ast.Attribute) and getattr(kind.value, "id", None) == "EventKind"
        member = EventKind[kind.attr]
        assert member in STORED_EVENT_KINDS and member in AUDIENCE, where


async def test_record_event_refuses_a_kind_the_store_does_not_keep(store: Store) -> None:
    with pytest.raises(ValueError, match="not a stored event kind"):
        async with store.transaction() as db:
            await record_event(db, 1, T0, Actor(1, "x"), EventKind.REASON, None, None, "x")


def test_every_text_on_an_event_has_a_kind_with_an_audience() -> None:
    for kind in STORED_EVENT_KINDS:
        for to in (None, *Status, *PaymentStatus):
            assert timeline.note_kind(kind, to) in AUDIENCE, (kind, to)
    # The reasons a customer is told; the note given with /verify is internal.
    assert timeline.note_kind(EventKind.STATUS, Status.REJECTED) == EventKind.REASON
    assert timeline.note_kind(EventKind.STATUS, Status.CANCELLED) == EventKind.REASON
    assert not timeline.sees(Audience.CUSTOMER, timeline.note_kind(EventKind.STATUS, "verified"))
    assert not timeline.sees(Audience.CUSTOMER, EventKind.PAYMENT_NOTE)
    assert timeline.sees(Audience.STAFF, EventKind.PAYMENT_NOTE)
    assert not timeline.sees(Audience.CUSTOMER, "someday"), "an unknown kind is staff only"  # type: ignore[arg-type]


# ---------------------------------------------------------------- the views


def marked_events(t: Texts, status: Status) -> tuple[OrderEvent, ...]:
    """An order's timeline with every kind of staff-only text carrying MARK."""
    minute = iter(range(1000))

    def ev(kind: str, frm: str | None, to: str | None, note: str | None = None) -> OrderEvent:
        return OrderEvent(
            at=T0 + timedelta(minutes=next(minute)), actor_id=777, actor_name=t.staff,
            kind=kind, from_status=frm, to_status=to, note=note,
        )

    out = [
        ev("status", None, Status.PLACED),
        ev("note", None, None, f"{MARK} /note: call before shipping"),
        ev("payment", "unpaid", "paid", f"{MARK} seen in the BCA app"),
    ]
    if status in (Status.CANCELLED, Status.REJECTED):
        return (*out, ev("status", Status.PLACED, status, t.reason))
    out.append(ev("status", Status.PLACED, Status.VERIFIED, f"{MARK} seen in the BCA app"))
    for step in (Status.PACKED, Status.SHIPPED, Status.DELIVERED):
        if status in (Status.PLACED, Status.VERIFIED):
            break
        out.append(ev("status", out[-1].to_status, step))
        if step == Status.SHIPPED:
            out.append(ev("note", None, None, f"{MARK} JNE 1 → SiCepat 004123456789"))
        if step == status:
            break
    out.append(ev("payment", "paid", "paid", f"{MARK} COD"))
    out.append(ev("note", None, None, f"{MARK} customer is a reseller"))
    return tuple(out)


def marked(o: Order) -> Order:
    return o.model_copy(update={"events": marked_events(PLAIN, o.status)})


def test_the_customer_sees_what_happened_and_the_reasons_only() -> None:
    rejected = marked(order(PLAIN, Status.REJECTED))
    seen = customer_timeline(rejected)
    assert [(e.kind, e.to_status) for e in seen] == [
        ("status", "placed"),
        ("payment", "paid"),
        ("status", "rejected"),
    ]
    assert seen[-1].note == PLAIN.reason  # the reason is told
    assert all(MARK not in (e.note or "") for e in seen)
    delivered = marked(order(PLAIN, Status.DELIVERED))
    kinds = [(e.kind, e.to_status, e.note) for e in customer_timeline(delivered)]
    assert ("status", "verified", None) in kinds  # the change, without its internal note
    assert ("status", "shipped", None) in kinds
    assert all(kind != "note" for kind, _, _ in kinds)
    # Staff see it all, and the customer's order holds only the customer's events.
    assert events_for(delivered, Audience.STAFF) == delivered.events
    assert for_customer(delivered).events == customer_timeline(delivered)
    unmarked = order(PLAIN, Status.PLACED).model_copy(update={"events": ()})
    assert for_customer(unmarked) is unmarked


def _customer_contexts() -> dict[str, Callable[[Texts], list[dict[str, Any]]]]:
    found: dict[str, Callable[[Texts], list[dict[str, Any]]]] = {}
    for source in (test_messages.CONTEXTS, test_schedule_templates.CONTEXTS):
        found.update({k: v for k, v in source.items() if not k.startswith(STAFF_TEMPLATES)})
    # Customer notices rendered in test_staff_messages.py with their own contexts.
    found["notice_shipped"] = lambda t: [
        {"order": order(t, Status.SHIPPED), "tracking_url": None, "corrected": c}
        for c in (False, True)
    ]
    found["received_thanks"] = lambda t: [{"order": order(t, Status.DELIVERED)}]
    # After-sales notices (tests/unit/test_aftersales_templates.py), on a delivered order.
    for name in aftersales.contexts(order(PLAIN, Status.DELIVERED), "x"):
        if not name.startswith(STAFF_TEMPLATES):
            found[name] = lambda t, n=name: aftersales.contexts(
                order(t, Status.DELIVERED), t.reason
            )[n]
    # The refund's bank details steps (tests/unit/test_refund_templates.py).
    for name, ctxs in test_refund_templates.contexts().items():
        if not name.startswith(STAFF_TEMPLATES):
            found[name] = lambda t, c=ctxs: c
    return found


CUSTOMER_CONTEXTS = _customer_contexts()


def _with_marks(value: Any) -> Any:
    if isinstance(value, Order):
        return marked(value)
    if isinstance(value, list | tuple):
        return type(value)(_with_marks(v) for v in value)
    return value


def test_the_customer_templates_are_all_checked() -> None:
    names = {n for lang in test_messages.LANGS for n in test_messages.message_templates(lang)}
    customer = {n for n in names if not n.startswith(STAFF_TEMPLATES)}
    # Templates that show no order (or invoice) at all need no marked context.
    orderless = {n for n in customer - set(CUSTOMER_CONTEXTS) if "order" in _source(n)}
    assert orderless <= {"notice_invoice"}, f"add a context for {sorted(orderless)}"
    assert {"order_detail", "track", "notice_status", "order_placed"} <= set(CUSTOMER_CONTEXTS)


def _source(name: str) -> str:
    return (test_messages.TEMPLATES / "id" / f"{name}.html").read_text("utf-8")


@pytest.mark.parametrize("lang", test_messages.LANGS)
@pytest.mark.parametrize("name", sorted(CUSTOMER_CONTEXTS))
def test_no_staff_note_in_any_customer_message(lang: str, name: str) -> None:
    msgs = Messages()
    for ctx in CUSTOMER_CONTEXTS[name](PLAIN):
        if name == "order_detail":  # the order view, as handlers/customer/orders.py renders it
            o = marked(ctx.pop("order"))
            ctx.pop("events"), ctx.pop("hidden")
            text = msgs.render_order(lang, name, order=o, audience=Audience.CUSTOMER, **ctx)
            assert "📝" not in text.rsplit("</b>", 1)[-1]  # no note entries in the history
        else:
            text = msgs.render(lang, name, **{k: _with_marks(v) for k, v in ctx.items()})
        assert MARK not in text and MARK not in parse_html(text).text, f"{lang}/{name}"


def test_the_marks_are_really_there_for_staff() -> None:
    """Guard for the test above: the same order shows every mark on the staff card."""
    o = marked(order(PLAIN, Status.DELIVERED))
    card = Messages().render_order("en", "staff_order_card", order=o, audience=Audience.STAFF)
    assert card.count(MARK) == sum(MARK in (e.note or "") for e in o.events) >= 5
    cod = o.model_copy(update={"payment_method": PaymentMethod.COD})
    assert MARK in Messages().render_order("id", "staff_order_card", order=cod,
                                           audience=Audience.STAFF)
