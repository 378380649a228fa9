"""The complaint card's buttons (part B): exactly the actions its status allows, data within
Telegram's 64 bytes that reads back as itself, and the bot's after-sales questions stored
apart from the order's own."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.aftersales.models import (
    SOLUTIONS_FOR,
    ComplaintReason,
    ComplaintStatus,
    ComplaintView,
    ShipmentStatus,
    Solution,
)
from handlers import callbacks as cb
from handlers.keyboards import aftersales as kb
from messages import Messages
from tests.unit.test_aftersales_templates import complaint, order, shipment

M = Messages()
S = ComplaintStatus


def view(
    status: ComplaintStatus,
    reason: ComplaintReason = ComplaintReason.DAMAGED,
    solution: Solution | None = Solution.RETURN_REFUND,
    parcel: ShipmentStatus | None = None,
    uninspected: bool = True,
    cid: int = 3,
) -> ComplaintView:
    o = order()
    c = complaint(o, status, reason, "x")
    lines = tuple(replace(x, resellable=0 if uninspected else x.quantity) for x in c.lines)
    c = replace(c, id=cid, solution=solution, lines=lines)
    return ComplaintView(
        complaint=c, evidence=(), events=(),
        shipment=shipment(o, parcel) if parcel else None,
    )


@pytest.mark.parametrize(
    ("v", "actions"),
    [
        (view(S.OPEN, solution=None), ("approve", "reject", "evidence", "note")),
        (view(S.NEEDS_EVIDENCE, solution=None), ("approve", "reject", "evidence", "note")),
        (view(S.APPROVED), ("return", "inspect", "note")),
        (view(S.APPROVED, solution=Solution.REFUND_ONLY), ("note",)),
        (view(S.RETURN_IN_TRANSIT), ("return", "inspect", "note")),
        (view(S.RETURN_IN_TRANSIT, uninspected=False), ("return", "note")),
        (view(S.INSPECTED, uninspected=False), ("note",)),
        (view(S.RESOLVED, uninspected=False), ("note",)),
        (view(S.REJECTED, solution=None), ("note",)),
        (
            view(S.APPROVED, ComplaintReason.WRONG_ITEM, Solution.REPLACEMENT,
                 ShipmentStatus.RESERVED),
            ("return", "inspect", "follow_up", "note"),
        ),
        (
            view(S.APPROVED, ComplaintReason.INCOMPLETE, Solution.MISSING_PART,
                 ShipmentStatus.SHIPPED),
            ("follow_up", "note"),
        ),
        (
            view(S.APPROVED, ComplaintReason.NOT_RECEIVED, Solution.REPLACEMENT,
                 ShipmentStatus.RESERVED),
            ("follow_up", "note"),  # nothing to send back when it never came
        ),
        (
            view(S.RETURN_IN_TRANSIT, ComplaintReason.COD_REFUSED, Solution.RETURN_TO_SENDER),
            ("return", "inspect", "note"),
        ),
        (
            view(S.RESOLVED, ComplaintReason.WRONG_ITEM, Solution.REPLACEMENT,
                 ShipmentStatus.DELIVERED, uninspected=False),
            ("note",),
        ),
    ],
)
def test_the_card_offers_only_what_its_status_allows(
    v: ComplaintView, actions: tuple[str, ...]
) -> None:
    assert kb.card_actions(v) == actions
    markup = kb.complaint_actions(M, "id", v)
    data = [b.callback_data for row in markup.inline_keyboard for b in row]
    codes = cb.COMPLAINT_CODES
    assert data == [f"cs:{codes[a]}:{v.complaint.id}" for a in actions]


@pytest.mark.parametrize("reason", list(ComplaintReason))
def test_approval_offers_the_reasons_solutions_with_the_wish_first(
    reason: ComplaintReason,
) -> None:
    v = view(S.OPEN, reason, solution=None)
    wish = SOLUTIONS_FOR[reason][-1]
    v = replace(v, complaint=replace(v.complaint, solution_wanted=wish))
    markup = kb.solutions(M, "en", v, 185_000)
    rows = markup.inline_keyboard
    chosen = [cb.ComplaintSolution.unpack(r[0].callback_data).solution for r in rows[:-1]]
    allowed = [s for s in SOLUTIONS_FOR[reason] if s is not Solution.RETURN_TO_SENDER]
    assert sorted(chosen) == sorted(allowed)
    if allowed:
        assert chosen[0] == wish and rows[0][0].text.startswith("⭐")
    refunds = [r[0].text for r in rows[:-1] if "Refund" in r[0].text or "refund" in r[0].text]
    assert all("Rp185.000" in t for t in refunds)
    assert rows[-1][0].callback_data == f"cs:b:{v.complaint.id}"


def test_every_button_fits_64_bytes_and_reads_back_as_itself() -> None:
    biggest = 999_999_999
    v = view(S.RETURN_IN_TRANSIT, cid=biggest)
    o = order()
    many = tuple(
        replace(v.complaint.lines[0], sku=f"{'S' * 28}-{i:03d}", quantity=9_999)
        for i in range(20)
    )
    v = replace(v, complaint=replace(v.complaint, lines=many))
    couriers = [type("C", (), {"code": "z" * 12, "name": "Z"})()]
    markups = [
        kb.complaint_actions(M, "id", v),
        kb.solutions(M, "id", view(S.OPEN, cid=biggest), 1_000_000_000),
        kb.couriers(M, "id", biggest, "follow_up", couriers),  # type: ignore[arg-type]
        kb.inspect_lines(M, "id", v),
        *(kb.inspect_line(M, "id", v, i) for i in range(20)),
        kb.rts_confirm(M, "id", o),
    ]
    seen = 0
    for markup in markups:
        for row in markup.inline_keyboard:
            for b in row:
                data = b.callback_data
                assert isinstance(data, str) and len(data.encode()) <= cb.MAX_BYTES
                parsed = cb.unpack(data, *cb.ALL)
                assert parsed.pack() == data
                seen += 1
    assert seen > 100


def test_a_line_press_names_the_units_it_saw_left() -> None:
    v = view(S.RETURN_IN_TRANSIT)
    line = replace(v.complaint.lines[0], quantity=3, resellable=1)
    v = replace(v, complaint=replace(v.complaint, lines=(line,)))
    markup = kb.inspect_line(M, "en", v, 0)
    data = [cb.unpack(b.callback_data, *cb.ALL) for row in markup.inline_keyboard for b in row]
    judged = [d for d in data if isinstance(d, cb.ComplaintInspect)]
    assert {(d.resellable, d.damaged) for d in judged} == {(2, 0), (0, 2), (1, 0), (0, 1)}
    assert {d.left for d in judged} == {2}
    assert cb.ComplaintLine(complaint=3, line=0, split=True) in data  # a split is typed


def test_returned_to_sender_only_on_a_shipped_cod_order() -> None:
    from domain.models import PaymentMethod, Status

    o = order()
    assert not kb.returned_to_sender_offered(o)  # delivered transfer order
    shipped_cod = o.model_copy(update={"status": Status.SHIPPED,
                                       "payment_method": PaymentMethod.COD})
    assert kb.returned_to_sender_offered(shipped_cod)
    assert not kb.returned_to_sender_offered(
        shipped_cod.model_copy(update={"payment_method": PaymentMethod.TRANSFER})
    )

