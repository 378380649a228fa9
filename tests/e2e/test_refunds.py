"""Refunds end to end (issue 9, part C) through the real Application and the strict fake Bot
API: a damaged item refunded with the staff's proof photo and a credit note PDF; a cancelled
paid order refunded to an e-wallet (the conversation surviving a restart); COD no longer
offered past COD_MAX_REFUSALS, the refusals shown on the next order's card. Repeated,
overtaken and forged presses answer "out of date" or say what became of the refund."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdf
import pytest_asyncio

from domain.actors import Actor
from domain.aftersales import cod, complaints, reads
from domain.aftersales.models import (
    ClaimLine,
    ComplaintReason,
    EvidenceKind,
    NewEvidence,
    Refund,
    RefundStatus,
    Solution,
)
from domain.aftersales.windows import ReturnPolicy
from domain.fulfilment.desk import OrderDesk
from domain.models import Order, PaymentStatus
from domain.ordering import order_reads
from tests.e2e.harness import RunningBot, make_settings
from tests.e2e.test_staff_workflow import checkout, has, text_of
from tests.fakebotapi import FakeBotApi, FakeMessage, FakeUser
from tests.fakebotapi.fixtures import fake_tg  # noqa: F401 - the server fixture

SARI = Actor(8001, "Sari")
SKU = "KOPI-GAYO-250"


def desk(shop: RunningBot) -> OrderDesk:
    assert shop.app is not None
    return shop.app.bot_data.shop.desk


def cn_prefix(shop: RunningBot) -> str:
    return f"CN/{shop.store.now().astimezone(ZoneInfo('Asia/Jakarta')):%Y/%m}/"


async def paid_order(shop: RunningBot, user: FakeUser, receipt: str) -> str:
    """A transfer order whose receipt photo the customer sent; verified by staff."""
    number = await checkout(shop.tg, user, SKU)
    await shop.tg.send_photo(user, file_id=receipt, caption="bukti")
    await shop.tg.wait_bot_message(user, has(number))
    await desk(shop).verify(number, SARI)
    return number


async def refund_due(
    shop: RunningBot, user: FakeUser, staff: FakeUser, receipt: str
) -> tuple[FakeMessage, Refund, Order]:
    """A paid order that staff cancel (/cancelorder): the customer's "refund due" message (its
    button opens the bank-details form), the refund, and the order."""
    tg = shop.tg
    number = await paid_order(shop, user, receipt)
    await tg.send_text(staff, f"/cancelorder {number} Stok habis", chat=shop.staff)
    due = await tg.wait_bot_message(user, has("💸 Pengembalian dana pesanan", number))
    order = await order_reads.order_by_number(shop.store.reader, number)
    [refund] = await reads.refunds_of_order(shop.store, order.id)
    return due, refund, order


async def record_transfer(
    shop: RunningBot, staff_message: FakeMessage, refund_id: int, who: FakeUser, proof: str,
    account: str,
) -> FakeMessage:
    """Staff press Record transfer: the question shows the whole account number; a text
    reply is refused; the photo reply does it, and the number leaves the group."""
    tg, group = shop.tg, shop.staff
    query = await tg.press(who, staff_message, f"rs:p:{refund_id}")
    prompt = await tg.wait_bot_message(group, has("foto bukti transfer", account))
    assert prompt.reply_keyboard and prompt.reply_keyboard.get("force_reply")
    assert "foto" in ((await tg.wait_callback_answer(query)).text or "")
    await tg.send_text(who, "sudah saya transfer", chat=group, reply_to=prompt)
    await tg.wait_bot_message(group, has("foto", "bukan teks"))
    await tg.send_photo(who, file_id=proof, chat=group, reply_to=prompt)
    await tg.wait_edit(prompt, has("sudah ditransfer", "CN/"))
    await tg.wait_for(
        lambda: all(account not in text_of(m) for m in tg.bot_messages(group)) or None,
        what="the account number gone from the group",
    )
    return prompt


async def proof_and_credit_note(shop: RunningBot, user: FakeUser, number: str, proof: str) -> str:
    """The customer got the proof photo and the credit note PDF; the credit note's number."""
    tg = shop.tg
    photo = await tg.wait_bot_message(user, lambda m: bool(m.photo) and number in text_of(m))
    assert photo.photo is not None and photo.photo[-1]["file_id"] == proof
    assert "sudah ditransfer" in text_of(photo)
    doc = await tg.wait_for(
        lambda: next((d for d in tg.sent_documents
                      if d.chat_id == user.id and (d.file_name or "").startswith("CN")), None),
        what="the credit note PDF",
    )
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(doc.data)).pages)
    credit_note = f"{cn_prefix(shop)}0001"
    assert credit_note in text and f"#{number}" in text
    return credit_note


async def test_damaged_item_refunded_with_proof_and_credit_note(shop: RunningBot) -> None:
    tg, group, store = shop.tg, shop.staff, shop.store
    budi, sari, dewi = tg.user(7001, "Budi"), tg.user(8001, "Sari"), tg.user(8002, "Dewi")
    number = await paid_order(shop, budi, "receipt-1")
    await desk(shop).pack(number, SARI)
    await desk(shop).ship(number, SARI, "jnt", "JP5555500000")
    await desk(shop).deliver(number, SARI)
    # The customer's complaint and the staff's approval (parts A and B) through the domain.
    complaint = await complaints.open_complaint(
        store, ReturnPolicy(), budi.id, "Budi", number, ComplaintReason.DAMAGED,
        Solution.REFUND_ONLY, [ClaimLine(SKU, 1)],
        [NewEvidence("receipt-1", "uniq-evidence-1", EvidenceKind.PHOTO)],
    )
    await complaints.approve(store, complaint.id, SARI, Solution.REFUND_ONLY)
    refund = (await reads.complaint_view(store, complaint.id, reads.Audience.STAFF)).refund
    assert refund is not None and refund.status == RefundStatus.AWAITING_DETAILS

    # The notice asks for bank details with a button; the conversation takes them.
    due = await tg.wait_bot_message(budi, has("💸 Pengembalian dana pesanan", number))
    assert f"rf:d:{refund.id}" in due.callback_data()
    assert not any(d.startswith("rf:u:") for d in due.callback_data())  # none given before
    await tg.press(budi, due, f"rf:d:{refund.id}")
    banks = await tg.wait_bot_message(budi, has("Pilih bank"))
    assert {"rf:b:bca", "rf:b:mandiri", "rf:b:bri", "rf:b:cimbniaga", "rf:b:dana",
            "rf:b:shopeepay"} <= set(banks.callback_data())
    await tg.press(budi, banks, "rf:b:bca")
    await tg.wait_bot_message(budi, has("Nomor rekening", "BCA", "10 digit"))
    await tg.send_text(budi, "123 456 78")
    await tg.wait_bot_message(budi, has("BCA terdiri dari 10 digit"))
    await tg.send_text(budi, "123-456-7890")
    await tg.wait_bot_message(budi, has("Nama pemilik rekening"))
    await tg.send_text(budi, "Budi Santoso")
    saved = await tg.wait_bot_message(budi, has("Terima kasih", "7890"))
    assert "1234567890" not in text_of(saved)

    # Staff: the refund's own message, the full number to transfer to, its own buttons.
    ready = await tg.wait_bot_message(group, has("siap ditransfer", "7890", number))
    assert f"rs:p:{refund.id}" in ready.callback_data() and "1234567890" not in text_of(ready)
    # Dewi presses too, but Sari answers first: Dewi's question then says it is done.
    await tg.press(dewi, ready, f"rs:p:{refund.id}")
    dewis = await tg.wait_bot_message(group, has("foto bukti transfer", "1234567890"))
    prompt = await record_transfer(shop, ready, refund.id, sari, "proof-1", "1234567890")
    credit_note = await proof_and_credit_note(shop, budi, number, "proof-1")
    assert "sudah ditransfer oleh Sari" in text_of(await tg.wait_edit(dewis))
    paid = await reads.complaint_view(store, complaint.id, reads.Audience.STAFF)
    assert paid.refund is not None and paid.refund.status == RefundStatus.PAID
    assert paid.refund.credit_note_number == credit_note
    assert paid.refund.proof_file_id == "proof-1"

    # Pressed again, answered again, forged, or the customer's old button: nothing changes.
    again = await tg.press(dewi, ready, f"rs:p:{refund.id}")
    answer = await tg.wait_callback_answer(again)
    assert answer.show_alert and "sudah ditransfer oleh Sari" in (answer.text or "")
    await tg.send_photo(dewi, file_id="proof-1", chat=group, reply_to=prompt)
    await tg.wait_bot_message(group, has("sudah selesai"))
    forged = await tg.press_raw(sari, group.id, ready.message_id, "rs:p:99999")
    assert "kedaluwarsa" in ((await tg.wait_callback_answer(forged)).text or "")
    old = await tg.press(budi, due, f"rf:d:{refund.id}")
    assert "kedaluwarsa" in ((await tg.wait_callback_answer(old)).text or "")
    notes = await store.fetchall("SELECT number FROM credit_notes")
    assert [r["number"] for r in notes] == [credit_note]
    assert not tg.unanswered_callback_queries()
    tg.assert_clean()


async def test_cancelled_paid_order_refunded_to_an_e_wallet(shop: RunningBot) -> None:
    tg, group = shop.tg, shop.staff
    siti, sari = tg.user(7002, "Siti"), tg.user(8001, "Sari")
    due, refund, order = await refund_due(shop, siti, sari, "receipt-2")
    number = order.number
    assert refund.amount == order.total and refund.complaint_id is None

    # She starts, stops at the number, starts again and types the e-wallet's name.
    await tg.press(siti, due, f"rf:d:{refund.id}")
    banks = await tg.wait_bot_message(siti, has("Pilih bank"))
    await tg.send_text(siti, "bank antah berantah ###")
    await tg.wait_bot_message(siti, has("Nama bank tidak dikenali"))
    await tg.send_text(siti, "dana")
    asked = await tg.wait_bot_message(siti, has("Nomor HP", "DANA"))
    await tg.press(siti, asked, f"rf:x:{refund.id}")
    await tg.wait_bot_message(siti, has("belum dikirim"))
    await tg.press(siti, due, f"rf:d:{refund.id}")
    banks = await tg.wait_bot_message(siti, has("Pilih bank"))
    await tg.press(siti, banks, "rf:b:dana")
    await tg.wait_bot_message(siti, has("Nomor HP", "DANA"))
    await tg.send_text(siti, "+62 812-3456-7890")
    await tg.wait_bot_message(siti, has("Nama pemilik"))
    # The bot restarts here: the conversation resumes at the same step.
    await shop.restart()
    await tg.send_text(siti, "Siti Aminah")
    saved = await tg.wait_bot_message(siti, has("Terima kasih", "DANA", "7890"))
    assert "081234567890" not in text_of(saved)

    ready = await tg.wait_bot_message(group, has("siap ditransfer", "7890", number))
    # Staff lower the amount first (a reply to the question, typed as people write rupiah).
    await tg.press(sari, ready, f"rs:a:{refund.id}")
    ask = await tg.wait_bot_message(group, has("Jumlah baru", number))
    await tg.send_text(sari, "lima puluh ribu", chat=group, reply_to=ask)
    await tg.wait_bot_message(group, has("dalam rupiah"))
    await tg.send_text(sari, "Rp 50.000", chat=group, reply_to=ask)
    await tg.wait_edit(ask, has("diubah menjadi", "Rp50.000"))
    await tg.wait_bot_message(siti, has("diperbarui", "Rp50.000"))
    ready = await tg.wait_bot_message(group, has("jumlah diubah", "7890"))
    await record_transfer(shop, ready, refund.id, sari, "proof-2", "081234567890")
    await proof_and_credit_note(shop, siti, number, "proof-2")
    final = await order_reads.order_by_number(shop.store.reader, number)  # after the restart
    assert final.payment_status == PaymentStatus.REFUNDED
    [paid] = await reads.refunds_of_order(shop.store, final.id)
    assert (paid.amount, paid.amount_proposed) == (50_000, final.total)

    # Her next refund: the account from last time, in one press (twice: nothing more).
    second = await paid_order(shop, siti, "receipt-4")
    await desk(shop).cancel(second, SARI, "Stok habis")
    due = await tg.wait_bot_message(siti, has("💸 Pengembalian dana pesanan", second))
    order = await order_reads.order_by_number(shop.store.reader, second)
    [refund] = await reads.refunds_of_order(shop.store, order.id)
    reuse = f"rf:u:{refund.id}"
    assert reuse in due.callback_data()
    assert any("DANA" in t and "7890" in t and "0812" not in t for t in due.button_texts())
    for _ in range(2):
        await tg.press(siti, due, reuse)
        await tg.wait_bot_message(siti, has("Terima kasih", "DANA", second))
    await tg.wait_bot_message(group, has("siap ditransfer", "7890", second))
    [ready] = await reads.refunds_of_order(shop.store, order.id)
    assert ready.status == RefundStatus.READY and ready.bank is not None
    assert ready.bank.account_holder == "Siti Aminah"
    assert not tg.unanswered_callback_queries()
    tg.assert_clean()


@pytest_asyncio.fixture
async def strict_cod(
    fake_tg: FakeBotApi, db_location: Path | str  # noqa: F811
) -> AsyncIterator[RunningBot]:
    bot = RunningBot(fake_tg, make_settings(fake_tg, db_location, cod_max_refusals=1))
    async with bot.running():
        yield bot


async def test_cod_is_no_longer_offered_past_the_refusal_limit(strict_cod: RunningBot) -> None:
    shop = strict_cod
    tg, group = shop.tg, shop.staff
    budi = tg.user(7001, "Budi")
    refused = await checkout(tg, budi, SKU, cod=True)
    await desk(shop).verify(refused, SARI)
    await desk(shop).pack(refused, SARI)
    await desk(shop).ship(refused, SARI, "jnt", "JP1234567890")
    await cod.mark_returned_to_sender(shop.store, refused, SARI)
    assert await cod.refusals_of(shop.store, budi.id) == 1

    # The next checkout offers transfer only; a forged COD press is out of date.
    # (The notices about the refused order arrive meanwhile: wait for the screens by their
    # buttons.)
    await tg.send_text(budi, f"/start {SKU}")
    product = await tg.wait_bot_message(budi, lambda m: f"a:{SKU}:1" in m.callback_data())
    await tg.press(budi, product, f"a:{SKU}:1")
    cart = await tg.wait_bot_message(budi, lambda m: "k:go" in m.callback_data())
    await tg.press(budi, cart, "k:go")
    await tg.wait_bot_message(budi, has("Nama penerima"))
    await tg.send_text(budi, "Budi Santoso")
    await tg.wait_bot_message(budi, has("Nomor HP"))
    await tg.send_text(budi, "0812-3456-7890")
    await tg.wait_bot_message(budi, has("Alamat pengiriman"))
    await tg.send_text(budi, "Jl. Melati No. 5 RT 02/RW 03, Kebayoran Baru, Jakarta 12160")
    shipping = await tg.wait_bot_message(budi, has("Pengiriman"))
    await tg.press(budi, shipping, "co:ship:reg")
    payment = await tg.wait_bot_message(budi, has("Pembayaran"))
    assert "co:pay:transfer" in payment.callback_data()
    assert "co:pay:cod" not in payment.callback_data()
    await tg.press_raw(budi, budi.id, payment.message_id, "co:pay:cod")
    await tg.wait_bot_message(budi, has("sudah lewat"))
    payment = await tg.wait_bot_message(budi, has("Pembayaran"))
    await tg.press(budi, payment, "co:pay:transfer")
    note = await tg.wait_bot_message(budi, has("Catatan"))
    await tg.press(budi, note, "co:skip")
    summary = await tg.wait_bot_message(budi, has("Periksa pesanan"))
    await tg.press(budi, summary, "co:ok")
    placed = await tg.wait_bot_message(budi, has("diterima"))
    number = text_of(placed).split("#", 1)[1].split(" ", 1)[0]
    # The staff card of the new order shows the refused parcel.
    await tg.wait_bot_message(group, has(f"#{number}", "menolak paket COD"))
    assert not tg.unanswered_callback_queries()


async def test_forged_and_foreign_refund_buttons_answer_out_of_date(shop: RunningBot) -> None:
    tg, group, store = shop.tg, shop.staff, shop.store
    siti, eko, sari = tg.user(7002, "Siti"), tg.user(7003, "Eko"), tg.user(8001, "Sari")
    number = await paid_order(shop, siti, "receipt-3")
    await desk(shop).cancel(number, SARI, "Stok habis")
    order = await order_reads.order_by_number(store.reader, number)
    [refund] = await reads.refunds_of_order(store, order.id)
    await tg.send_text(eko, "/start")
    menu = await tg.wait_bot_message(eko)
    # Someone else's refund, malformed ids, unknown banks, steps with no conversation open.
    for data in (f"rf:d:{refund.id}", f"rf:u:{refund.id}", "rf:d:²", "rf:d:0",
                 "rf:b:hsbc", "rf:b:bca", f"rf:x:{refund.id}", "rf:zz:1", "rs:p:²"):
        query = await tg.press_raw(eko, eko.id, menu.message_id, data)
        answer = await tg.wait_callback_answer(query)
        assert answer.show_alert and "kedaluwarsa" in (answer.text or ""), data
    # A well-formed staff refund button outside the staff group is refused.
    query = await tg.press_raw(eko, eko.id, menu.message_id, f"rs:p:{refund.id}")
    assert "grup staf" in ((await tg.wait_callback_answer(query)).text or "")
    # Staff: details not given yet; a forged action; an unknown refund.
    due = await tg.wait_bot_message(group, has("menunggu data rekening", number))
    assert f"rs:p:{refund.id}" not in due.callback_data()
    query = await tg.press_raw(sari, group.id, due.message_id, f"rs:p:{refund.id}")
    assert "belum mengirim data rekening" in ((await tg.wait_callback_answer(query)).text or "")
    for data in (f"rs:q:{refund.id}", "rs:a:999999"):
        query = await tg.press_raw(sari, group.id, due.message_id, data)
        assert "kedaluwarsa" in ((await tg.wait_callback_answer(query)).text or ""), data
    still = (await reads.refunds_of_order(store, order.id))[0]
    assert still.status == RefundStatus.AWAITING_DETAILS and still.bank is None

    # Siti herself sends all three in one message, as people do: taken in one go.
    mine = await tg.wait_bot_message(siti, has("💸 Pengembalian dana pesanan", number))
    await tg.press(siti, mine, f"rf:d:{refund.id}")
    await tg.wait_bot_message(siti, has("Pilih bank"))
    await tg.send_text(siti, "BRI 0123 01 001234 56 7 a.n. Siti Aminah")
    saved = await tg.wait_bot_message(siti, has("Terima kasih", "BRI", "4567", "Siti Aminah"))
    assert "012301001234567" not in text_of(saved)
    await tg.wait_bot_message(group, has("siap ditransfer", "4567", number))
    assert not tg.unanswered_callback_queries()
    tg.assert_clean()
