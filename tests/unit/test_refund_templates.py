"""Part C of issue 9 (refunds): its templates render in both languages as Telegram-valid
HTML; a customer never sees more than the last 4 digits of an account, staff see the whole
number only in the question that asks them to transfer (edited away once answered); every
bank button is a bank the domain knows; every refund button fits in 64 bytes and follows the
refund's status; bank details sent in one message are split as people write them."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from domain.aftersales import bank
from domain.aftersales.models import BankDetails, RefundStatus
from handlers.callbacks import refunds as rcb
from handlers.keyboards import refunds as kb
from messages import Messages
from tests.unit.test_aftersales_templates import order, refund
from tests.unit.test_messages import check_telegram_text

M = Messages()
LANGS = ("id", "en")
NUMBER = "1234567890"


def contexts() -> dict[str, list[dict[str, Any]]]:
    o = order()
    long_bank = BankDetails("B" * 40, "1" * 20, "H" * 60)
    refunds = [refund(o, s) for s in RefundStatus]
    paid = dataclasses.replace(
        refund(o, RefundStatus.PAID), credit_note_number="CN/2026/11/0001", paid_by_name="Sari"
    )
    return {
        "refund_bank_ask": [
            {"refund": r, "last_bank": last} for r in refunds for last in (None, long_bank)
        ],
        "refund_number_ask": [
            {"bank": b, "wallet": w, "lengths": n}
            for b, w, n in (("BCA", False, "10"), ("DANA", True, ""), ("BPD <Jateng>", False, ""))
        ],
        "refund_holder_ask": [{"bank": "CIMB Niaga"}],
        "refund_details_saved": [{"refund": r} for r in refunds],
        "refund_details_quit": [{}],
        "refund_staff_state": [{"refund": r} for r in refunds],
        "refund_staff_prompt": [
            {"refund": r, "action": a, "actor_name": "Sari <b>"}
            for r in refunds for a in ("paid", "amount", "cancel")
        ],
        "refund_staff_placeholder": [{"action": a} for a in ("paid", "amount", "cancel")],
        "refund_staff_toast": [
            {"action": a, "refund": refunds[0]} for a in ("paid", "amount", "cancel")
        ],
        "refund_staff_done": [
            {"refund": paid, "action": "paid", "actor_name": "Sari", "note": None},
            *({"refund": r, "action": a, "actor_name": "Sari", "note": "sudah <b>COD</b>"}
              for r in refunds for a in ("amount", "cancel")),
        ],
    }


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(contexts()))
def test_every_refund_template_renders(lang: str, name: str) -> None:
    for ctx in contexts()[name]:
        text = M.render(lang, name, **ctx)
        check_telegram_text(text, f"{lang}/{name}")
        assert "<b>COD</b>" not in text and "<Jateng>" not in text  # typed text escaped


@pytest.mark.parametrize("lang", LANGS)
def test_customers_see_only_the_last_four_digits(lang: str) -> None:
    o = order()
    for status in RefundStatus:
        r = refund(o, status)
        texts = [
            M.render(lang, "refund_details_saved", refund=r),
            M.render(lang, "refund_bank_ask", refund=r, last_bank=r.bank),
            M.render(lang, "aftersales_refund_due", order=o, amount=1, changed=False,
                     last_bank=r.bank),
        ]
        for text in texts:
            assert NUMBER not in text and "7890" in text


@pytest.mark.parametrize("lang", LANGS)
def test_staff_see_the_whole_number_only_in_the_question_to_transfer(lang: str) -> None:
    o = order()
    for status in RefundStatus:
        r = refund(o, status)
        card = M.render(lang, "aftersales_staff_refund", order=o, refund=r, amount=r.amount,
                        event="details", credit_note=None)
        assert NUMBER not in card and "7890" in card  # it stays in the group's history
    ready = refund(o, RefundStatus.READY)
    prompt = M.render(lang, "refund_staff_prompt", refund=ready, action="paid", actor_name="S")
    assert NUMBER in prompt and "Sari" in prompt


def test_every_bank_button_is_a_bank_the_domain_knows() -> None:
    assert len(kb.COMMON_BANKS) >= 13
    for name in kb.COMMON_BANKS:
        known = bank.find_bank(name)
        assert known is not None and known.name == name
        data = rcb.RefundBank(bank=name).pack()
        assert rcb.RefundBank.unpack(data).bank == name
    # As customers type them.
    for typed, name in (("bca", "BCA"), ("Bank Mandiri", "Mandiri"), ("cimb", "CIMB Niaga"),
                        ("shopee pay", "ShopeePay"), ("Bank Jago", "Jago"), ("gopay", "GoPay")):
        assert bank.bank_name(typed) == name


def test_refund_keyboards_follow_the_status() -> None:
    o = order()
    last = BankDetails("BCA", "0987654321", "Sari")
    for status in RefundStatus:
        r = refund(o, status)
        staff = kb.staff_refund(M, "id", r)
        notice = kb.refund_notice(M, "id", o, r, last)
        data = [b.callback_data for row in notice.inline_keyboard for b in row]
        if status in (RefundStatus.PAID, RefundStatus.CANCELLED):
            assert staff is None
            assert data == [f"o:view:{o.number}"]
            continue
        assert staff is not None
        actions = [b.callback_data for row in staff.inline_keyboard for b in row]
        assert (f"rs:p:{r.id}" in actions) is (status == RefundStatus.READY)
        assert {f"rs:a:{r.id}", f"rs:x:{r.id}"} <= set(actions)
        assert data[:2] == [f"rf:d:{r.id}", f"rf:u:{r.id}"]
        labels = [b.text for row in notice.inline_keyboard for b in row]
        assert "4321" in labels[1] and "0987654321" not in labels[1]
    choice = kb.bank_choice(M, "en", 999_999_999, last)
    for row in choice.inline_keyboard:
        for b in row:
            assert isinstance(b.callback_data, str) and len(b.callback_data.encode()) <= 64


@pytest.mark.parametrize(("text", "parts"), [
    ("BCA 1234567890 a.n. Budi Santoso", ("BCA", "1234567890", "Budi Santoso")),
    ("Mandiri: 123-00-1234567-8 an Sari", ("Mandiri", "123-00-1234567-8", "Sari")),
    ("bank jago 1000 2000 3000, atas nama Dewi Lestari",
     ("bank jago", "1000 2000 3000", "Dewi Lestari")),
    ("DANA 0812 3456 7890", ("DANA", "0812 3456 7890", None)),
    ("GoPay +62 812-3456-7890 Eko", ("GoPay", "+62 812-3456-7890", "Eko")),
    ("BRI\n0123 01 001234 56 7\nSiti Aminah", ("BRI", "0123 01 001234 56 7", "Siti Aminah")),
    ("BCA", None),
    ("CIMB Niaga", None),
    ("1234567890", None),
])
def test_bank_details_sent_in_one_message(text: str, parts: tuple[str, str, str] | None) -> None:
    assert bank.split_details(text) == parts


def test_one_message_details_are_checked_like_the_steps() -> None:
    bank_name, number, holder = bank.split_details("mandiri 123 0000 12345 6 an Sari") or ("",) * 3
    assert bank.validate(bank_name, number, holder or "") == BankDetails(
        "Mandiri", "1230000123456", "Sari"
    )
    wrong = bank.split_details("BCA 12345678 an Sari")
    assert wrong is not None
    with pytest.raises(bank.InvalidInput) as exc:
        bank.account_number(wrong[1], bank.bank_name(wrong[0]))
    assert exc.value.code == "account_number_length"
