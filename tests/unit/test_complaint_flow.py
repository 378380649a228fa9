"""The customer's complaint flow (issue 9, part A), piece by piece: the RETURN_* settings and
the policy built from them, the keyboards within Telegram's limits for the largest order, the
buttons offered for each complaint status, and the fake Bot API's photo/video messages
within its Bot API table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.settings import Settings, return_policy
from domain.aftersales.models import (
    CUSTOMER_REASONS,
    SOLUTIONS_FOR,
    Complaint,
    ComplaintReason,
    ComplaintStatus,
    Solution,
)
from domain.ordering.cart import MAX_LINES
from domain.validation import MAX_QUANTITY
from handlers import callbacks as cb
from handlers.keyboards import complaint as kb
from handlers.keyboards.complaint import PickLine
from messages import Messages
from tests import largest_order as big
from tests.fakebotapi import FakeChat, FakeMessage
from tests.fakebotapi.table import load_table
from tests.unit.test_settings import GROUP, TOKEN, error_line

M = Messages()
T0 = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
MAX_BUTTONS = 100  # Telegram's limit per inline keyboard


# ---------------------------------------------------------------- settings


def test_return_settings_default_and_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("STAFF_CHAT_ID", GROUP)
    policy = return_policy(Settings(_env_file=None))  # type: ignore[call-arg]
    assert policy.return_window == timedelta(hours=48)
    assert policy.change_of_mind is False
    assert ComplaintReason.CHANGE_OF_MIND not in policy.reasons_open(T0, T0)
    monkeypatch.setenv("RETURN_WINDOW", "3d")
    monkeypatch.setenv("RETURN_CHANGE_OF_MIND", "true")
    monkeypatch.setenv("RETURN_CHANGE_OF_MIND_WINDOW", "14d")
    policy = return_policy(Settings(_env_file=None))  # type: ignore[call-arg]
    assert policy.return_window == timedelta(days=3)
    assert policy.reasons_open(T0, T0 + timedelta(days=10)) == [ComplaintReason.CHANGE_OF_MIND]


def test_a_bad_return_window_stops_start_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    line = error_line(monkeypatch, BOT_TOKEN=TOKEN, STAFF_CHAT_ID=GROUP, RETURN_WINDOW="soon")
    assert line.startswith("Setting RETURN_WINDOW is invalid")


# ---------------------------------------------------------------- keyboards


def count(markup: object) -> int:
    return sum(len(row) for row in markup.inline_keyboard)  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("alphabet", big.ALPHABETS, ids=lambda a: a.name)
def test_the_line_picker_fits_the_largest_order(lang: str, alphabet: big.Alphabet) -> None:
    order = big.order(alphabet)
    assert len(order.lines) == MAX_LINES
    for chosen in (0, 1, MAX_QUANTITY):
        items = [PickLine(i, x.sku, x.name, MAX_QUANTITY, chosen) for i, x in
                 enumerate(order.lines)]
        markup = kb.lines(M, lang, items)  # every button packs within 64 bytes or raises
        assert count(markup) <= MAX_BUTTONS
        for row in markup.inline_keyboard:
            for button in row:
                assert len(button.callback_data.encode()) <= cb.MAX_BYTES
                assert 1 <= len(button.text) <= 64


def test_the_picker_sets_quantities_so_a_repeated_press_is_harmless() -> None:
    items = [PickLine(0, "KOPI", "Kopi", 3, 1), PickLine(1, "TEH", "Teh", 1, 0)]
    data = [b.callback_data for row in kb.lines(M, "id", items).inline_keyboard for b in row]
    assert data[:3] == ["cp:l:0:0", "cp:l:0:0", "cp:l:0:2"]  # ➖ to 0, the line off, ➕ to 2
    assert data[3] == "cp:l:1:1"  # one unit only: a single toggle, no ➖/➕
    assert "cp:next" in data and "cp:x" in data


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_reason_and_solution_has_a_button(lang: str) -> None:
    reasons = kb.reasons(M, lang, CUSTOMER_REASONS)
    assert count(reasons) == len(CUSTOMER_REASONS) + 1  # + cancel
    labels = {b.text for row in reasons.inline_keyboard for b in row}
    assert len(labels) == count(reasons)
    for reason in CUSTOMER_REASONS:
        markup = kb.solutions(M, lang, SOLUTIONS_FOR[reason])
        assert count(markup) == len(SOLUTIONS_FOR[reason]) + 2  # + back, cancel


def complaint(status: ComplaintStatus, solution: Solution | None, tracking: str | None = None,
              reason: ComplaintReason = ComplaintReason.DAMAGED) -> Complaint:
    return Complaint(
        id=7, order_id=1, order_number="K7Q3MX", user_id=1, reason=reason,
        solution_wanted=Solution.RETURN_REFUND, solution=solution, status=status,
        description=None, staff_reason=None, delivered_at=T0, window_ends_at=T0,
        return_courier="JNE" if tracking else None, return_tracking=tracking,
        return_shipped_at=None, card_message_id=None, created_at=T0, status_changed_at=T0,
        closed_at=None,
    )


def datas(rows: list) -> list[str]:  # type: ignore[type-arg]
    return [b.callback_data for row in rows for b in row]


def test_the_order_view_offers_the_step_the_customer_owes() -> None:
    rows = kb.order_rows(M, "id", "K7Q3MX", None, may_open=True)
    assert datas(rows) == ["cp:new:K7Q3MX"]
    assert kb.order_rows(M, "id", "K7Q3MX", None, may_open=False) == []
    asked = complaint(ComplaintStatus.NEEDS_EVIDENCE, None)
    assert datas(kb.order_rows(M, "id", "K7Q3MX", asked, may_open=True)) == ["cp:ev:7"]
    back = complaint(ComplaintStatus.APPROVED, Solution.RETURN_REFUND)
    assert datas(kb.notice_rows(M, "id", back)) == ["cp:rt:7"]
    # Nothing owed: refund only, a return already tracked, a parcel never received.
    for done in (
        complaint(ComplaintStatus.APPROVED, Solution.REFUND_ONLY),
        complaint(ComplaintStatus.APPROVED, Solution.RETURN_REFUND, tracking="JP1"),
        complaint(ComplaintStatus.APPROVED, Solution.REPLACEMENT,
                  reason=ComplaintReason.NOT_RECEIVED),
        complaint(ComplaintStatus.OPEN, None),
    ):
        assert kb.notice_rows(M, "id", done) == []
    # A closed complaint: a new one may be filed (for the units left) while the window is open.
    closed = complaint(ComplaintStatus.REJECTED, None)
    assert datas(kb.order_rows(M, "id", "K7Q3MX", closed, may_open=True)) == ["cp:new:K7Q3MX"]


# ---------------------------------------------------------------- the fake Bot API


def test_fake_media_messages_use_only_fields_of_the_table() -> None:
    table = load_table()
    chat = FakeChat(id=5, type="private")
    video = {"file_id": "V", "file_unique_id": "U", "width": 1, "height": 1, "duration": 3}
    message = FakeMessage(chat=chat, message_id=1, date=0, sender={"id": 5}, from_bot=False,
                          video=video, media_group_id="1234", caption="x")
    out = message.to_api()
    assert {"video", "media_group_id"} <= set(out)
    assert set(out) <= table.types["Message"].fields
    assert table.types["Video"].required <= set(video)
