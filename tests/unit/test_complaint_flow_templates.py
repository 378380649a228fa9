"""The customer's complaint flow (issue 9, part A): every template in both languages as valid
Telegram HTML, and the order view with its complaint within Telegram's limit for the largest
order the rules allow, without the last-resort cut. `contexts` joins the after-sales
templates' table (test_aftersales_templates), so the length budget test renders them with the
largest order too."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest

from domain.aftersales.models import (
    MAX_EVIDENCE,
    AftersalesEvent,
    Complaint,
    ComplaintLine,
    ComplaintReason,
    ComplaintStatus,
    ComplaintView,
    Evidence,
    EvidenceKind,
    FollowUpShipment,
    Refund,
    RefundStatus,
    ShipmentStatus,
    Solution,
)
from domain.aftersales.timeline import EventKind
from domain.models import Order, Status
from domain.ordering.timeline import Audience
from handlers.customer.complaint_steps import Count
from handlers.customer.orders import CUSTOMER_RECENT_EVENTS
from handlers.keyboards.complaint import PickLine
from messages import Messages
from messages.budget import TEXT_LIMIT, visible_length
from tests import largest_order as big
from tests.fakebotapi import parse_html
from tests.unit.test_messages import check_telegram_text

M = Messages()
LANGS = ("id", "en")
T0 = big.T0


def pick(o: Order) -> list[PickLine]:
    return [PickLine(i, x.sku, x.name, x.quantity, x.quantity) for i, x in enumerate(o.lines)]


def contexts(o: Order, text: str) -> dict[str, list[dict[str, Any]]]:
    """Template name → the contexts the complaint handlers give it."""
    number = o.number
    chosen = {x.sku: x.quantity for x in o.lines}
    most = Count(MAX_EVIDENCE - 3, 3)
    return {
        "aftersales_customer_reason": [{"order": o, "ends": e} for e in (T0, None)],
        "aftersales_customer_lines": [
            {"order": o, "reason": str(r), "lines": pick(o)} for r in ComplaintReason
        ],
        "aftersales_customer_evidence": [
            {"order": o, "reason": str(r), "required": req, "count": c, "max": MAX_EVIDENCE,
             "note": n}
            for r in ComplaintReason
            for req in (True, False)
            for c, n in ((Count(0, 0), None), (most, text))
        ],
        "aftersales_customer_solution": [
            {"order": o, "reason": str(r)} for r in ComplaintReason
        ],
        "aftersales_customer_summary": [
            {"order": o, "reason": str(r), "solution": str(s), "lines": list(o.lines),
             "chosen": chosen, "count": most, "note": n}
            for r in ComplaintReason
            for s in Solution
            for n in (text, None)
        ],
        "aftersales_customer_sent": [{"number": number}],
        "aftersales_customer_more_ask": [
            {"number": number, "note": text, "asked": a} for a in (True, False)
        ],
        "aftersales_customer_more_ack": [
            {"number": number, "added": n, "max": MAX_EVIDENCE, "done": d}
            for n in (0, 3)
            for d in (True, False)
        ],
        "aftersales_customer_courier": [{"number": number}],
        "aftersales_customer_tracking": [
            {"number": number, "courier": "J&T Express", "example": e}
            for e in ("JP1234567890", None)
        ],
        "aftersales_customer_return_ok": [
            {"number": number, "courier": "J&T Express", "tracking": "JP1234567890", "link": k}
            for k in ("https://cekresi.com/?noresi=JP1234567890", None)
        ],
    }


# Texts without an order number (the other table's test looks for one in each).
GENERIC = (
    "aftersales_customer_cancelled",
    "aftersales_customer_stale",
    "aftersales_customer_choose",
    "aftersales_customer_media_only",
    "aftersales_customer_evidence_ack",
    "aftersales_customer_view",  # inside the order's view, below the order's number
)


def generic(name: str) -> list[dict[str, Any]]:
    o = big.order(big.ASCII)
    ack = [
        {"count": Count(MAX_EVIDENCE - 3, 3), "max": MAX_EVIDENCE, "full": f, "sent": s}
        for f in (True, False)
        for s in (True, False)
    ]
    views = [{"order": o, "aftersales": view(o, s, "<x> & y")} for s in ComplaintStatus]
    return {"aftersales_customer_evidence_ack": ack, "aftersales_customer_view": views}.get(
        name, [{}]
    )


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", GENERIC)
def test_the_generic_complaint_texts_render(lang: str, name: str) -> None:
    texts = {M.render(lang, name, **ctx) for ctx in generic(name)}
    for text in texts:
        check_telegram_text(text, f"{lang}/{name}")
        assert "<x>" not in text
    assert len(texts) == len(generic(name))  # each variant reads differently


def view(o: Order, status: ComplaintStatus, text: str, steps: int = 40) -> ComplaintView:
    """A complaint on every line of `o`, every text at its longest, a long timeline."""
    complaint = Complaint(
        id=3, order_id=o.id, order_number=o.number, user_id=o.user_id,
        reason=ComplaintReason.DAMAGED, solution_wanted=Solution.RETURN_REFUND,
        solution=Solution.RETURN_REFUND, status=status, description=text, staff_reason=text,
        delivered_at=T0, window_ends_at=T0, return_courier="J" * big.COURIER_NAME_MAX,
        return_tracking="2" * big.TRACKING_MAX, return_shipped_at=T0, card_message_id=None,
        created_at=T0, status_changed_at=T0, closed_at=None,
        lines=tuple(ComplaintLine(x.sku, x.name, x.unit_price, x.quantity) for x in o.lines),
    )
    kinds = [k for k in EventKind if k not in (EventKind.STAFF_NOTE, EventKind.SHOP_COST)]
    events = tuple(
        AftersalesEvent(
            at=T0 + timedelta(minutes=i), actor_id=1, actor_name="S" * 64,
            kind=str(kinds[i % len(kinds)]), from_status="open",
            to_status={"solution": "replacement", "refund": "paid", "follow_up": "shipped"}.get(
                str(kinds[i % len(kinds)]), "approved"
            ),
            note=text, complaint_id=3,
        )
        for i in range(steps)
    )
    return ComplaintView(
        complaint=complaint,
        evidence=tuple(
            Evidence(i, f"F{i}", f"U{i}", EvidenceKind.PHOTO, T0) for i in range(MAX_EVIDENCE)
        ),
        events=events,
        refund=Refund(
            id=4, order_id=o.id, order_number=o.number, complaint_id=3, user_id=o.user_id,
            amount_proposed=o.total, amount=o.total, status=RefundStatus.AWAITING_DETAILS,
            bank=None, proof_file_id=None, paid_by_name=None, paid_at=None,
            credit_note_number=None, created_at=T0, status_changed_at=T0,
        ),
        shipment=FollowUpShipment(
            id=5, order_id=o.id, complaint_id=3, status=ShipmentStatus.SHIPPED,
            courier="J" * big.COURIER_NAME_MAX, tracking_number="2" * big.TRACKING_MAX,
            created_at=T0, shipped_at=T0,
        ),
    )


@pytest.mark.parametrize("alphabet", big.ALPHABETS, ids=lambda a: a.name)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("status", list(ComplaintStatus))
def test_the_largest_order_view_with_its_complaint_fits(
    lang: str, alphabet: big.Alphabet, status: ComplaintStatus, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="messages.budget")
    order = big.order(alphabet, Status.DELIVERED)
    text = M.render_order(
        lang, "order_detail", order=order, audience=Audience.CUSTOMER,
        recent=CUSTOMER_RECENT_EVENTS, tracking_url=None,
        aftersales=view(order, status, alphabet.text(big.NOTE_MAX)),
    )
    assert visible_length(text) <= TEXT_LIMIT
    parse_html(text)
    assert ("Komplain" if lang == "id" else "Complaint") in text
    assert "S" * 64 not in text  # who did a step is not shown to the customer
    assert not caplog.records, caplog.text  # fitted by leaving events out, never cut


def test_the_order_view_without_a_complaint_is_unchanged() -> None:
    order = big.order(big.ASCII, Status.DELIVERED)
    args: dict[str, Any] = {"order": order, "audience": Audience.CUSTOMER, "recent": 3,
                            "tracking_url": None}
    assert M.render_order("id", "order_detail", **args) == M.render_order(
        "id", "order_detail", aftersales=None, **args
    )


def test_the_next_step_is_pointed_out() -> None:
    o = big.order(big.ASCII, Status.DELIVERED)
    asked = view(o, ComplaintStatus.NEEDS_EVIDENCE, "foto bagian bawah kardus")
    text = M.render("id", "aftersales_customer_view", order=o, aftersales=asked)
    assert "Kirim bukti tambahan" in text and "foto bagian bawah kardus" in text
    plain = view(o, ComplaintStatus.APPROVED, "x")
    untracked = ComplaintView(
        complaint=Complaint(**{**{f: getattr(plain.complaint, f) for f in
                                  plain.complaint.__dataclass_fields__},
                               "return_tracking": None, "return_courier": None}),
        evidence=(), events=(),
    )
    text = M.render("en", "aftersales_customer_view", order=o, aftersales=untracked)
    assert "return tracking number with the button below" in text
