"""Every after-sales template renders in both languages for every status, reason and
solution, as Telegram-valid HTML; the credit note PDF draws and names its invoice.
`contexts` is also used by test_length_budget with the largest order the rules allow."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pypdf
import pytest

from domain.aftersales.credit_notes import CreditLine, CreditNote, CreditNoteContent
from domain.aftersales.models import (
    AftersalesEvent,
    BankDetails,
    Complaint,
    ComplaintLine,
    ComplaintReason,
    ComplaintStatus,
    FollowUpShipment,
    Refund,
    RefundStatus,
    ShipmentStatus,
    Solution,
)
from domain.aftersales.staff_prompts import Ask
from domain.aftersales.timeline import EventKind
from domain.models import Order, OrderLine, PaymentMethod, PaymentStatus, Status
from messages import Messages
from messages.credit_note_pdf import render_credit_note
from tests.unit import test_complaint_flow_templates as complaint_flow
from tests.unit.test_messages import check_telegram_text

T0 = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
M = Messages()
LANGS = ("id", "en")
CAPTIONS = ("aftersales_refund_paid", "aftersales_credit_note", "aftersales_staff_evidence")


def order() -> Order:
    return Order(
        id=1, number="K7Q3MX", user_id=7, status=Status.DELIVERED,
        payment_status=PaymentStatus.PAID, payment_method=PaymentMethod.TRANSFER,
        customer_name="Sari <b>", phone="+6281234567890", address="Jl. Melati 12, Bandung",
        shipping_code="jne", shipping_name="JNE REG", shipping_fee=15_000, note=None,
        subtotal=100_000, total=115_000, created_at=T0, updated_at=T0,
        lines=(OrderLine(sku="KOPI-1", name="Kopi Gayo", unit_price=50_000, quantity=2),),
    )


def complaint(o: Order, status: ComplaintStatus, reason: ComplaintReason, text: str) -> Complaint:
    line = o.lines[0]
    return Complaint(
        id=3, order_id=o.id, order_number=o.number, user_id=o.user_id, reason=reason,
        solution_wanted=Solution.RETURN_REFUND, solution=Solution.RETURN_REFUND, status=status,
        description=text, staff_reason=text, delivered_at=T0, window_ends_at=T0,
        return_courier="J&T Express", return_tracking="JP1234567890", return_shipped_at=T0,
        card_message_id=None, created_at=T0, status_changed_at=T0, closed_at=None,
        lines=tuple(
            ComplaintLine(x.sku, x.name, x.unit_price, x.quantity, 1, 0) for x in o.lines
        ) or (ComplaintLine(line.sku, line.name, line.unit_price, 1),),
    )


def refund(o: Order, status: RefundStatus) -> Refund:
    return Refund(
        id=4, order_id=o.id, order_number=o.number, complaint_id=3, user_id=o.user_id,
        amount_proposed=115_000, amount=115_000, status=status,
        bank=BankDetails("BCA", "1234567890", "Sari"), proof_file_id=None, paid_by_name=None,
        paid_at=None, credit_note_number=None, created_at=T0, status_changed_at=T0,
    )


def shipment(o: Order, status: ShipmentStatus) -> FollowUpShipment:
    shipped = status is not ShipmentStatus.RESERVED
    return FollowUpShipment(
        id=5, order_id=o.id, complaint_id=3, status=status,
        courier="J&T Express" if shipped else None,
        tracking_number="JP1234567890" if shipped else None, created_at=T0,
        shipped_at=T0 if shipped else None,
    )


# A status each kind of entry may record (the rest record none).
EVENT_STATUS = {
    EventKind.COMPLAINT: "approved", EventKind.SOLUTION: "return_refund",
    EventKind.REFUND: "paid", EventKind.FOLLOW_UP: "shipped", EventKind.REASON: "rejected",
}


def events(text: str, rounds: int = 1) -> tuple[AftersalesEvent, ...]:
    """Every kind of after-sales entry, `rounds` times, by someone with a long name."""
    return tuple(
        AftersalesEvent(
            at=T0, actor_id=1, actor_name=f"{text} {i}", kind=str(k), from_status=None,
            to_status=EVENT_STATUS.get(k), note=f"{text} #{i}", complaint_id=3,
        )
        for i in range(rounds)
        for k in EventKind
    )


def contexts(o: Order, text: str) -> dict[str, list[dict[str, Any]]]:
    """Template name → the contexts the renderers give it (bot/notices/aftersales.py)."""
    bank = BankDetails("B" * 40, "1" * 20, "H" * 60)
    return {
        "aftersales_complaint_status": [
            {"order": o, "complaint": complaint(o, s, r, text), "to": str(s), "note": text,
             "solution": str(sol), "courier": "J&T Express", "tracking": "JP1234567890",
             "rts": rts}
            for s in ComplaintStatus
            for r in ComplaintReason
            for sol in (Solution.RETURN_REFUND, Solution.REFUND_ONLY)
            for rts in (False, True)
        ],
        "aftersales_refund_due": [
            {"order": o, "amount": 115_000, "changed": changed, "last_bank": last}
            for changed in (False, True)
            for last in (None, bank)
        ],
        "aftersales_refund_paid": [
            {"order": o, "amount": 115_000, "credit_note": "CN/2026/11/0001"}
        ],
        "aftersales_credit_note": [{"order": o, "number": "CN/2026/11/0001"}],
        "aftersales_follow_up_shipped": [
            {"order": o, "courier": "J&T Express", "tracking": t, "corrected": c,
             "link": "https://cekresi.com/?noresi=JP1"}
            for t in ("JP1234567890", None)
            for c in (False, True)
        ],
        "aftersales_reminder": [
            {"order": o, "what": w} for w in ("return_shipment", "bank_details")
        ],
        "aftersales_staff_complaint_card": [
            {"order": o, "complaint": complaint(o, s, r, text),
             "refund": refund(o, rs) if rs else None,
             "shipment": shipment(o, ss) if ss else None, "evidence_count": 3,
             "proposed": None if rs else 115_000, "refusals": 2 if ss else 0,
             "events": events(text)[:8], "hidden": 5 if rs else 0}
            for s in ComplaintStatus
            for r in ComplaintReason
            for rs in (None, *RefundStatus)
            for ss in (None, ShipmentStatus.RESERVED, ShipmentStatus.SHIPPED)
        ],
        # handlers/staff/complaints.py (part B)
        "aftersales_staff_prompt": [
            {"ask": a.value, "order": o, "complaint": complaint(o, ComplaintStatus.OPEN,
             ComplaintReason.DAMAGED, text), "actor_id": 1, "actor_name": text,
             "courier": "J&T Express", "example": "JP1234567890", "sku": "KOPI-1", "left": 2}
            for a in Ask
        ],
        "aftersales_staff_done": [
            {"ask": a.value, "complaint": complaint(o, ComplaintStatus.APPROVED,
             ComplaintReason.DAMAGED, text), "actor_name": text, "text": text,
             "shipment": shipment(o, ShipmentStatus.SHIPPED), "sku": "KOPI-1",
             "resellable": 1, "damaged": 1}
            for a in Ask
        ],
        "aftersales_staff_returns": [
            {"complaints": [complaint(o, s, r, text) for s in ComplaintStatus
                            for r in ComplaintReason][:n],
             "status": status, "now": T0, "more": more}
            for n, status, more in ((1, None, 0), (30, ComplaintStatus.OPEN, 4))
        ],
        "aftersales_staff_toast": [
            {"kind": k, "complaint": complaint(o, ComplaintStatus.APPROVED,
             ComplaintReason.DAMAGED, text), "order": o, "sku": "KOPI-1", "resellable": 1,
             "damaged": 0}
            for k in ("done", "solutions", "couriers", "lines", "inspected", "prompt", "opened",
                      "rts_confirm", "rts", "noted", "back")
        ],
        "aftersales_staff_timeline": [
            {"order": o, "events": events(text, 2), "hidden": h} for h in (0, 7)
        ],
        "aftersales_staff_evidence": [{"order": o, "kind": k} for k in ("photo", "video")],
        "aftersales_staff_refund": [
            {"order": o, "amount": 115_000, "event": e, "credit_note": "CN/2026/11/0001",
             "refund": refund(o, rs)}
            for e in ("due", "details", "amount", "paid", "cancelled")
            for rs in RefundStatus
        ],
        "aftersales_staff_nudge": [
            {"order": o, "what": w, "hours": 24} for w in ("complaint", "refund")
        ],
        **complaint_flow.contexts(o, text),  # issue 9, part A: the customer's complaint
    }


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(contexts(order(), "x")))
def test_every_aftersales_template_renders(lang: str, name: str) -> None:
    seen = set()
    for ctx in contexts(order(), "Barang <rusak> & penyok")[name]:
        if name in CAPTIONS:
            text = M.render_caption(lang, name, **ctx)
            check_telegram_text(text, f"{lang}/{name}", 1024)
        else:
            text = M.render(lang, name, **ctx)
            check_telegram_text(text, f"{lang}/{name}")
        assert "K7Q3MX" in text
        assert "<rusak>" not in text  # typed text is escaped
        seen.add(text)
    assert seen


def test_statuses_and_solutions_read_differently() -> None:
    o = order()
    texts = {
        M.render("id", "aftersales_complaint_status", order=o,
                 complaint=complaint(o, s, ComplaintReason.DAMAGED, "x"), to=str(s), note=None,
                 solution="replacement", courier=None, tracking=None, rts=False)
        for s in ComplaintStatus
    }
    assert len(texts) == len(ComplaintStatus)
    approved = M.render("id", "aftersales_complaint_status", order=o,
                        complaint=complaint(o, ComplaintStatus.APPROVED,
                                            ComplaintReason.DAMAGED, "x"),
                        to="approved", note=None, solution="replacement", courier=None,
                        tracking=None, rts=False)
    assert "Tukar barang" in approved and "nomor resi retur" in approved


def test_the_credit_note_pdf_names_its_invoice() -> None:
    content = CreditNoteContent(
        number="CN/2026/11/0001", issued_at=T0, language="id", timezone="Asia/Jakarta",
        shop_name="Toko Sari", shop_address="Jl. Braga 1", tax_id="", bank_name="BCA",
        bank_number="123", bank_holder="Toko", order_number="K7Q3MX", order_date=T0,
        invoice_number="INV/2026/11/0007", customer_name="Sari", phone="+6281234567890",
        address="Jl. Melati", reason="damaged",
        lines=(CreditLine(sku="KOPI-1", name="Kopi Gayo", quantity=1, unit_price=50_000,
                          amount=50_000),),
        shipping_fee=15_000, amount=65_000, refund_bank="BCA ••••7890",
    )
    note = CreditNote("CN/2026/11/0001", 4, 1, T0, content)
    first = render_credit_note(note, M)
    assert first.startswith(b"%PDF") and first == render_credit_note(note, M)
    text = pypdf.PdfReader(io.BytesIO(first)).pages[0].extract_text()
    assert "INV/2026/11/0007" in text and "CN/2026/11/0001" in text
    assert "NOTA KREDIT" in text and "Rp65.000" in text and "Barang rusak" in text
    english = render_credit_note(
        CreditNote(note.number, 4, 1, T0, content.model_copy(update={"language": "en"})), M
    )
    assert english != first
    assert note.file_name == "CN-2026-11-0001.pdf"
