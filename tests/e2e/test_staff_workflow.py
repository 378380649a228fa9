"""The staff group through the real Application and the strict fake Bot API: an order's whole
life with two staff members (a simultaneous double press included), the customer hearing
every step, the tracking number in /track, the invoice PDF read back, and staff commands
refused outside the staff group."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pypdf
import pytest

from domain.models import PaymentStatus, Status
from domain.ordering import order_reads
from tests.e2e.harness import RunningBot
from tests.fakebotapi import FakeBotApi, FakeMessage, FakeUser
from tests.fakebotapi.state import SentDocument


def text_of(message: FakeMessage) -> str:
    return message.text or message.caption or ""


def has(*parts: str) -> Callable[[FakeMessage], bool]:
    return lambda m: all(p in text_of(m) for p in parts)


async def checkout(
    tg: FakeBotApi, user: FakeUser, sku: str, *, cod: bool = False, qty: int = 1
) -> str:
    """The customer orders `qty` × `sku` through the chat; returns the order number."""
    await tg.send_text(user, f"/start {sku}")
    product = await tg.wait_bot_message(user)
    await tg.press(user, product, f"a:{sku}:{qty}")
    cart = await tg.wait_bot_message(user)
    await tg.press(user, cart, "k:go")
    await tg.wait_bot_message(user, has("Nama penerima"))
    await tg.send_text(user, f"{user.first_name} Santoso")
    await tg.wait_bot_message(user, has("Nomor HP"))
    await tg.send_text(user, "0812-3456-7890")
    await tg.wait_bot_message(user, has("Alamat pengiriman"))
    await tg.send_text(user, "Jl. Melati No. 5 RT 02/RW 03, Kebayoran Baru, Jakarta 12160")
    shipping = await tg.wait_bot_message(user, has("Pengiriman"))
    await tg.press(user, shipping, "co:ship:reg")
    payment = await tg.wait_bot_message(user, has("Pembayaran"))
    await tg.press(user, payment, "co:pay:cod" if cod else "co:pay:transfer")
    note = await tg.wait_bot_message(user, has("Catatan"))
    await tg.press(user, note, "co:skip")
    summary = await tg.wait_bot_message(user, has("Periksa pesanan"))
    await tg.press(user, summary, "co:ok")
    placed = await tg.wait_bot_message(user, has("diterima"))
    return text_of(placed).split("#", 1)[1].split(" ", 1)[0]


def invoice_prefix(shop: RunningBot) -> str:
    now = shop.store.now().astimezone(ZoneInfo("Asia/Jakarta"))
    return f"INV/{now:%Y/%m}/"


async def test_an_orders_whole_life_run_by_two_staff_members(shop: RunningBot) -> None:
    tg, group = shop.tg, shop.staff
    budi = tg.user(7001, "Budi")
    sari, dewi = tg.user(8001, "Sari"), tg.user(8002, "Dewi")

    # The staff group has its own command menu.
    scoped = tg.get_commands({"type": "chat", "chat_id": group.id})
    assert {"queue", "verify", "ship", "restock", "find", "nps"} <= {c["command"] for c in scoped}

    number = await checkout(tg, budi, "KOPI-GAYO-250")
    card = await tg.wait_bot_message(group, has(f"#{number}"))
    assert "Menunggu verifikasi" in text_of(card)
    assert card.callback_data() == [f"st:{c}:{number}" for c in "vrxn"]

    # The receipt arrives; the card says so.
    await tg.send_photo(budi, caption="bukti")
    await tg.wait_bot_message(budi, has(number))
    await tg.wait_edit(card, has("bukti terlampir"))

    # Sari and Dewi press Verify at the same moment: one wins, the other is told who.
    first = await tg.press(sari, card, f"st:v:{number}")
    second = await tg.press(dewi, card, f"st:v:{number}")
    answers = [await tg.wait_callback_answer(q) for q in (first, second)]
    assert "Terverifikasi" in (answers[0].text or "")
    assert answers[1].show_alert and "sudah diverifikasi oleh Sari" in (answers[1].text or "")
    order = await order_reads.order_by_number(shop.store.reader, number)
    assert [e.to_status for e in order.events if e.kind == "status"] == ["placed", "verified"]
    assert order.payment_status == PaymentStatus.PAID
    await tg.wait_edit(card, lambda m: f"st:p:{number}" in m.callback_data())
    await tg.wait_bot_message(budi, has("Terverifikasi", "Pembayaran sudah kami terima"))

    # Dewi packs.
    await tg.press(dewi, card, f"st:p:{number}")
    await tg.wait_edit(card, has("Dikemas", "Dewi"))
    await tg.wait_bot_message(budi, has("Dikemas"))

    # Sari ships: courier buttons, then she answers the prompt by replying in the group.
    await tg.press(sari, card, f"st:s:{number}")
    couriers = await tg.wait_edit(card, lambda m: f"st:c:{number}:jnt" in m.callback_data())
    await tg.press(sari, couriers, f"st:c:{number}:jnt")
    prompt = await tg.wait_bot_message(group, has("nomor resi", "J&T Express", number))
    assert prompt.reply_keyboard and prompt.reply_keyboard.get("force_reply")
    await tg.send_text(sari, "JP12", chat=group, reply_to=prompt)
    await tg.wait_bot_message(group, has("bukan nomor resi J&T Express yang valid"))
    await tg.send_text(sari, "jp 1234 5678 90", chat=group, reply_to=prompt)
    await tg.wait_edit(prompt, has("Dikirim", "JP1234567890"))
    await tg.wait_edit(card, has("Dikirim", "JP1234567890"))
    shipped = await tg.wait_bot_message(budi, has("dikirim", "JP1234567890"))
    assert "cekresi.com/?noresi=JP1234567890" in (shipped.raw_text or "")
    assert f"rcv:{number}" in shipped.callback_data()

    # The invoice (issued at shipment by default) reaches the customer and the group.
    def invoice_for(chat_id: int) -> Callable[[], SentDocument | None]:
        return lambda: next((d for d in tg.sent_documents if d.chat_id == chat_id), None)

    to_customer = await tg.wait_for(invoice_for(budi.id), what="invoice to the customer")
    to_group = await tg.wait_for(invoice_for(group.id), what="invoice in the group")
    assert to_customer.data == to_group.data
    assert to_customer.mime_type == "application/pdf"
    pdf = pypdf.PdfReader(io.BytesIO(to_customer.data))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    invoice_number = f"{invoice_prefix(shop)}0001"
    assert invoice_number in text
    for amount in ("Rp85.000", "Rp15.000", "Rp100.000", "LUNAS", f"#{number}"):
        assert amount in text, amount

    # The customer follows the parcel with /track, then confirms it arrived.
    await tg.send_text(budi, "/track JP1234567890")
    tracked = await tg.wait_bot_message(budi, has("JP1234567890"))
    assert "J&T Express" in text_of(tracked)
    assert "noresi=JP1234567890" in (tracked.raw_text or "")
    await tg.press(budi, shipped, f"rcv:{number}")
    await tg.wait_bot_message(budi, has("Terima kasih", number))
    await tg.wait_edit(card, has("Diterima"))
    final = await order_reads.order_by_number(shop.store.reader, number)
    assert final.status == Status.DELIVERED

    # /order shows the whole timeline with who did what.
    await tg.send_text(sari, f"/order {number}", chat=group)
    detail = await tg.wait_bot_message(group, has("Riwayat lengkap"))
    for who in ("Sari", "Dewi", "Budi Santoso", invoice_number):
        assert who in text_of(detail)

    # Stock went out of the shelf at shipment.
    row = await shop.store.fetchone(
        "SELECT stock, reserved FROM products WHERE sku = 'KOPI-GAYO-250'"
    )
    assert row is not None and row["reserved"] == 0
    assert not tg.unanswered_callback_queries()
    tg.assert_clean()


async def test_staff_commands_typed_in_the_group(shop: RunningBot) -> None:
    tg, group = shop.tg, shop.staff
    budi, sari = tg.user(7001, "Budi"), tg.user(8001, "Sari")
    number = await checkout(tg, budi, "SAMBAL-ROA")
    await tg.wait_bot_message(group, has(f"#{number}"))

    async def say(text: str, *expected: str) -> FakeMessage:
        await tg.send_text(sari, text, chat=group)
        return await tg.wait_bot_message(group, has(*expected))

    await say("/verify", "Cara pakai", "/verify")
    await say("/ship", "Cara pakai", "J&T Express")
    await say("/verify ZZZZZZ", "tidak ditemukan")
    await say(f"/pack {number}", "tidak bisa dikemas", "Verifikasi")
    await say(f"/verify {number}", "belum punya bukti transfer")
    await say(f"/verify {number} sudah masuk di m-BCA", "Terverifikasi", "sudah masuk di m-BCA")
    await say(f"/verify {number}", "sudah diverifikasi oleh", "Sari")
    await say(f"/note {number} telepon dulu <b>sebelum</b> kirim 📞", "Catatan")
    await say(f"/pack {number}", "Dikemas")
    await say(f"/ship {number} dhl 123456789", "tidak dikenal")
    await say(f"/ship {number} sicepat 12345", "bukan nomor resi SiCepat")
    await say(f"/ship {number} sicepat 004123456789", "Dikirim", "004123456789")
    invoice = f"{invoice_prefix(shop)}0001"
    await say(f"/invoice {number}", invoice, "dikirim ulang")
    await say(f"/deliver {number}", "Diterima")
    await say("/queue", "Antrean", "Tidak ada pesanan")
    await say("/queue kemarin", "tidak dikenal")
    await say("/find budi", number)
    await say("/find 0812 3456 7890", number)
    await say("/stock low", "Stok menipis")
    await say("/stock SAMBAL-ROA", "Sambal", "Tersedia")
    await say("/restock SAMBAL-ROA 0", "bilangan bulat")
    await say("/restock SAMBAL-ROA 999999", "Maksimal")
    await say("/restock NOPE 5", "Tidak ada produk")
    await say("/restock SAMBAL-ROA 12", "ditambah", "12", "Sari")

    # Notes are shown escaped, exactly as typed.
    await tg.send_text(sari, f"/order {number}", chat=group)
    detail = await tg.wait_bot_message(group, has("Riwayat lengkap"))
    assert "telepon dulu <b>sebelum</b> kirim 📞" in text_of(detail)
    # The customer heard each step, COD-free transfer: verified, packed, shipped, delivered.
    # The notices go out through the outbox, after the group's answers: wait for them.
    def customer_heard_every_step() -> bool:
        texts = [text_of(m) for m in tg.bot_messages(budi)]
        return all(any(word in t for t in texts)
                   for word in ("Terverifikasi", "Dikemas", "004123456789", "Diterima"))

    await tg.wait_for(customer_heard_every_step, what="the customer's notices")
    customer_texts = [text_of(m) for m in tg.bot_messages(budi)]
    assert not any("m-BCA" in t for t in customer_texts)  # the override note is internal
    tg.assert_clean()


async def test_reject_and_cancel_by_button_with_reasons(shop: RunningBot) -> None:
    tg, group = shop.tg, shop.staff
    budi, sari = tg.user(7001, "Budi"), tg.user(8001, "Sari")
    first = await checkout(tg, budi, "KOPI-GAYO-250")
    card = await tg.wait_bot_message(group, has(f"#{first}"))
    query = await tg.press(sari, card, f"st:r:{first}")
    await tg.wait_callback_answer(query)
    prompt = await tg.wait_bot_message(group, has("alasan menolak", first))
    reason = "Stok <b>rusak</b> & maaf 🙏"
    await tg.send_text(sari, reason, chat=group, reply_to=prompt)
    await tg.wait_edit(card, has("Ditolak"))
    notice = await tg.wait_bot_message(budi, has("Ditolak"))
    assert reason in text_of(notice)  # shown as typed, not as markup
    assert card.callback_data() == [f"st:n:{first}"]
    # A late reply to the closed prompt is told so.
    await tg.send_text(sari, "lagi", chat=group, reply_to=prompt)
    await tg.wait_bot_message(group, has("sudah selesai"))

    second = await checkout(tg, budi, "KOPI-GAYO-250", cod=True)
    card = await tg.wait_bot_message(group, has(f"#{second}"))
    await tg.press(sari, card, f"st:v:{second}")  # COD: no receipt needed
    await tg.wait_edit(card, has("Terverifikasi"))
    await tg.press(sari, card, f"st:x:{second}")
    prompt = await tg.wait_bot_message(group, has("alasan membatalkan", second))
    await tg.send_text(sari, "Pembeli minta batal lewat WA", chat=group, reply_to=prompt)
    await tg.wait_edit(card, has("Dibatalkan"))
    await tg.wait_bot_message(budi, has("Dibatalkan", "Pembeli minta batal lewat WA"))
    row = await shop.store.fetchone("SELECT reserved FROM products WHERE sku = 'KOPI-GAYO-250'")
    assert row is not None and row["reserved"] == 0
    assert not tg.unanswered_callback_queries()
    tg.assert_clean()


async def test_staff_commands_and_buttons_outside_the_group_are_refused(
    shop: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    tg, group = shop.tg, shop.staff
    budi = tg.user(7001, "Budi")
    number = await checkout(tg, budi, "KOPI-GAYO-250")
    card = await tg.wait_bot_message(group, has(f"#{number}"))
    other = tg.group(-1009999999999, "Arisan RT 05")
    caplog.set_level(logging.WARNING, logger="handlers.staff")

    await tg.send_text(budi, f"/verify {number} dibayar kok", chat=None)
    refused = await tg.wait_bot_message(budi, has("hanya bisa dipakai di grup staf"))
    assert refused
    await tg.send_text(budi, "/restock KOPI-GAYO-250 100", chat=other)
    await tg.wait_bot_message(other, has("hanya bisa dipakai di grup staf"))
    # A forged press of the card's button from the customer's own chat.
    menu = tg.last_bot_message(budi)
    assert menu is not None
    query = await tg.press_raw(budi, budi.id, menu.message_id, f"st:v:{number}")
    answer = await tg.wait_callback_answer(query)
    assert answer.show_alert and "grup staf" in (answer.text or "")

    order = await order_reads.order_by_number(shop.store.reader, number)
    assert order.status == Status.PLACED
    stock = await shop.store.fetchone("SELECT stock FROM products WHERE sku = 'KOPI-GAYO-250'")
    assert stock is not None and stock["stock"] == 40
    assert sum("refused staff" in r.getMessage() for r in caplog.records) == 3
    assert card.callback_data() == [f"st:{c}:{number}" for c in "vrxn"]
    tg.assert_clean()


async def test_queue_low_stock_own_courier_and_invoice_resend(shop: RunningBot) -> None:
    tg, group = shop.tg, shop.staff
    budi, sari = tg.user(7001, "Budi"), tg.user(8001, "Sari")

    await tg.send_text(sari, "/help", chat=group)
    await tg.wait_bot_message(group, has("Perintah staf", "/queue", "saat pengiriman"))

    # Two of the last four batik shirts: at the threshold, one alert in the group.
    first = await checkout(tg, budi, "BATIK-TULIS-S", qty=2)
    await tg.wait_bot_message(group, has("Stok menipis", "BATIK-TULIS-S", "/restock"))
    second = await checkout(tg, budi, "SAMBAL-ROA", cod=True)
    card = await tg.wait_bot_message(group, has(f"#{second}"))

    # The queue, oldest first, with a button per order that posts its card and history.
    await tg.send_text(sari, "/queue", chat=group)
    queue = await tg.wait_bot_message(group, has("Antrean", "Menunggu verifikasi: 2"))
    assert text_of(queue).index(first) < text_of(queue).index(second)
    await tg.press(sari, queue, f"st:o:{first}")
    await tg.wait_bot_message(group, has("Riwayat lengkap", first))

    # COD: verified without a receipt; packed; shipped by the shop's own courier.
    for code, status in (("v", "Terverifikasi"), ("p", "Dikemas")):
        await tg.press(sari, card, f"st:{code}:{second}")
        await tg.wait_edit(card, has(status))
    await tg.press(sari, card, f"st:s:{second}")
    couriers = await tg.wait_edit(card, lambda m: f"st:b:{second}" in m.callback_data())
    await tg.press(sari, couriers, f"st:b:{second}")  # changed her mind: back
    card = await tg.wait_edit(card, lambda m: f"st:s:{second}" in m.callback_data())
    await tg.press(sari, card, f"st:s:{second}")
    couriers = await tg.wait_edit(card, lambda m: f"st:c:{second}:toko" in m.callback_data())
    await tg.press(sari, couriers, f"st:c:{second}:toko")
    await tg.wait_edit(card, has("Dikirim", "Kurir toko"))
    await tg.wait_bot_message(budi, has("sudah dikirim", "Kurir toko"))

    # The invoice went out at shipment; the button sends the very same PDF again.
    def documents() -> list[bytes]:
        return [d.data for d in tg.sent_documents if d.chat_id == budi.id]

    await tg.wait_for(lambda: len(documents()) == 1, what="the invoice")
    card = await tg.wait_edit(card, lambda m: f"st:i:{second}" in m.callback_data())
    query = await tg.press(sari, card, f"st:i:{second}")
    assert "dikirim ulang" in ((await tg.wait_callback_answer(query)).text or "")
    await tg.wait_for(lambda: len(documents()) == 2, what="the invoice again")
    first_pdf, again = documents()
    assert first_pdf == again
    text = pypdf.PdfReader(io.BytesIO(again)).pages[0].extract_text()
    assert "BELUM DIBAYAR" in text and "Rp60.000" in text  # COD, 45.000 + 15.000

    await tg.send_text(sari, "/restock batik-tulis-s 6", chat=group)
    await tg.wait_bot_message(group, has("ditambah", "4 → 10"))
    assert not tg.unanswered_callback_queries()
    tg.assert_clean()
