"""The customer's whole ordering journey through the real Application and a strict fake
Telegram, including a bot restart in the middle of checkout."""

from __future__ import annotations

from domain.catalog import catalog
from tests.e2e.harness import RunningBot, button
from tests.fakebotapi import FakeMessage


def text_of(message: FakeMessage) -> str:
    return message.text or message.caption or ""


async def test_order_from_start_to_staff_card(shop: RunningBot) -> None:
    tg = shop.tg
    budi = tg.user(7001, "Budi", language_code="id")

    # /start → menu → catalog → category → product → add 1
    await tg.send_text(budi, "/start")
    menu = await tg.wait_bot_message(budi)
    await tg.press(budi, menu, "m:cats")
    cats = await tg.wait_edit(menu)
    assert "Pilih kategori" in text_of(cats)
    await tg.press(budi, cats, button(cats, "Kopi & Teh"))
    listing = await tg.wait_edit(cats)
    assert "Kopi &amp; Teh" not in text_of(listing)  # escaped once, shown as typed
    assert "Kopi & Teh" in text_of(listing)
    await tg.press(budi, listing, "p:KOPI-GAYO-250")
    card = await tg.wait_edit(listing)
    assert "Rp85.000" in text_of(card)
    await tg.press(budi, card, "a:KOPI-GAYO-250:1")
    added = await tg.wait_bot_message(budi)
    assert "Kopi Arabika Gayo 250 g" in text_of(added)

    # Deep link to a second product, then a typed quantity with wrong tries first.
    await tg.send_text(budi, "/start SAMBAL-ROA")
    roa = await tg.wait_bot_message(budi)
    await tg.press(budi, roa, "q:SAMBAL-ROA")
    ask = await tg.wait_bot_message(budi)
    assert "Berapa" in text_of(ask)
    for wrong, expected in (("dua", "angka"), ("0", "minimal 1"), ("-3", "minimal 1"),
                            ("100000", "Maksimal"), ("21", "tersedia 20")):
        await tg.send_text(budi, wrong)
        reply = await tg.wait_bot_message(budi)
        assert expected in text_of(reply), (wrong, text_of(reply))
    await tg.send_text(budi, "2")
    added = await tg.wait_bot_message(budi)
    assert "2 × Sambal Roa" in text_of(added)

    # The cart holds both; go to checkout.
    await tg.send_text(budi, "/cart")
    cart = await tg.wait_bot_message(budi)
    assert "Rp175.000" in text_of(cart)  # 85.000 + 2 × 45.000
    await tg.press(budi, cart, "k:go")
    await tg.wait_bot_message(budi, lambda m: "Nama penerima" in text_of(m))

    await tg.send_text(budi, "<b>Budi</b> Santoso 😀")
    await tg.wait_bot_message(budi, lambda m: "Nomor HP" in text_of(m))
    await tg.send_text(budi, "12345")
    await tg.wait_bot_message(budi, lambda m: "tidak valid" in text_of(m))
    await tg.send_text(budi, "0812-3456-7890")
    await tg.wait_bot_message(budi, lambda m: "Alamat pengiriman" in text_of(m))

    # The bot restarts here; the customer carries on where they were.
    await shop.restart()
    await tg.send_text(budi, "Jl. Melati No. 5 RT 02/RW 03, Kebayoran Baru, Jakarta Selatan 12160")
    shipping = await tg.wait_bot_message(budi, lambda m: "Pengiriman" in text_of(m))
    await tg.press(budi, shipping, "co:ship:reg")
    payment = await tg.wait_bot_message(budi, lambda m: "Pembayaran" in text_of(m))
    await tg.send_text(budi, "transfer aja")  # text where a button is expected
    await tg.wait_bot_message(budi, lambda m: "pilih dengan tombol" in text_of(m))
    payment = await tg.wait_bot_message(budi, lambda m: "Pembayaran" in text_of(m))
    await tg.press(budi, payment, "co:pay:transfer")
    note = await tg.wait_bot_message(budi, lambda m: "Catatan" in text_of(m))
    await tg.press(budi, note, "co:skip")
    summary = await tg.wait_bot_message(budi, lambda m: "Periksa pesanan" in text_of(m))
    assert "<b>Budi</b> Santoso 😀" in text_of(summary)
    assert "+62 812-3456-7890" in text_of(summary)
    assert "Rp190.000" in text_of(summary)  # + JNE REG 15.000
    await tg.press(budi, summary, "co:ok")
    placed = await tg.wait_bot_message(budi, lambda m: "diterima" in text_of(m))
    number = text_of(placed).split("#", 1)[1].split(" ", 1)[0]
    assert "1234567890" in text_of(placed)  # the shop's account for the transfer

    # Stock is reserved, the cart is empty.
    gayo = await catalog.get_product(shop.store, "KOPI-GAYO-250")
    roa_product = await catalog.get_product(shop.store, "SAMBAL-ROA")
    assert gayo is not None and gayo.reserved == 1
    assert roa_product is not None and roa_product.reserved == 2

    # The staff group gets the order card.
    staff_card = await tg.wait_bot_message(shop.staff, lambda m: number in text_of(m))
    assert "<b>Budi</b> Santoso 😀" in text_of(staff_card)
    assert "Rp190.000" in text_of(staff_card)

    # /orders lists it; its detail shows the timeline.
    await tg.send_text(budi, "/orders")
    orders = await tg.wait_bot_message(budi)
    await tg.press(budi, orders, f"o:view:{number}")
    detail = await tg.wait_edit(orders)
    assert "Menunggu verifikasi" in text_of(detail)
    assert "Riwayat" in text_of(detail)

    # A transfer receipt goes to the order and to the staff group.
    await tg.send_photo(budi, caption="bukti")
    thanks = await tg.wait_bot_message(budi)
    assert number in text_of(thanks)
    await tg.wait_bot_message(shop.staff, lambda m: m.photo is not None)
    assert not tg.unanswered_callback_queries()
