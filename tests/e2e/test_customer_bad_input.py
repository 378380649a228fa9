"""Bad input, stale buttons and forged callback data in the customer's chat."""

from __future__ import annotations

import pytest

from domain import customers
from domain.catalog import catalog
from domain.catalog.catalog_import import import_catalog
from domain.models import CheckoutDetails, Order, PaymentMethod, ShippingOption
from domain.ordering import cart, order_reads, orders
from tests.e2e.harness import RunningBot, data_starting
from tests.fakebotapi import FakeMessage, FakeUser

SHIPPING = ShippingOption(code="reg", name="JNE REG (2–3 hari)", fee=15_000)


def text_of(message: FakeMessage) -> str:
    return message.text or message.caption or ""


async def fill_cart(shop: RunningBot, user: FakeUser, sku: str, qty: int) -> None:
    await customers.ensure_customer(shop.store, user.id, first_name=user.first_name,
                                    username=None, language_code=user.language_code,
                                    default_language="id")
    await cart.add_to_cart(shop.store, user.id, sku, qty)


async def place(shop: RunningBot, user: FakeUser, sku: str = "KOPI-GAYO-250", qty: int = 1,
                method: PaymentMethod = PaymentMethod.TRANSFER) -> Order:
    """An order placed through the domain, as the checkout would."""
    store = shop.store
    await fill_cart(shop, user, sku, qty)
    details = CheckoutDetails(name=user.first_name, phone="+6281234567890",
                              address="Jl. Kenanga No. 1, Bandung 40111", shipping_code="reg",
                              payment_method=method)
    order = await orders.place_order(store, user.id, details, SHIPPING)
    # Its confirmation comes from the outbox: take it, so the next reply is what follows.
    await shop.tg.wait_bot_message(user, lambda m: f"#{order.number}" in text_of(m))
    return order


async def some_message(shop: RunningBot, user: FakeUser) -> FakeMessage:
    await shop.tg.send_text(user, "/start")
    return await shop.tg.wait_bot_message(user)


async def test_forged_order_number_answers_like_a_missing_one(shop: RunningBot) -> None:
    tg = shop.tg
    owner, intruder = tg.user(8001, "Sari"), tg.user(8002, "Joko")
    order = await place(shop, owner)
    menu = await some_message(shop, intruder)

    answers = []
    for number in (order.number, "ZZZZZZ"):
        query = await tg.press_raw(intruder, intruder.id, menu.message_id, f"o:view:{number}")
        answers.append((await tg.wait_callback_answer(query)).text or "")
    assert "tidak ditemukan" in answers[0]
    assert answers[0].replace(order.number, "N") == answers[1].replace("ZZZZZZ", "N")

    query = await tg.press_raw(intruder, intruder.id, menu.message_id,
                               f"o:cancelyes:{order.number}")
    assert "tidak ditemukan" in ((await tg.wait_callback_answer(query)).text or "")
    still = await order_reads.customer_order(shop.store, owner.id, order.number)
    assert still.status == "placed"

    await tg.send_text(intruder, f"/track {order.number}")
    reply = await tg.wait_bot_message(intruder)
    assert "tidak ditemukan" in text_of(reply)


async def test_stale_and_garbage_buttons_get_an_out_of_date_answer(shop: RunningBot) -> None:
    tg = shop.tg
    ani = tg.user(8101, "Ani")
    menu = await some_message(shop, ani)
    await tg.press(ani, menu, "m:cats")
    cats = await tg.wait_edit(menu)
    for data in ("k:set:NOT-IN-CART:0", "k:set:KOPI-GAYO-250:x", "c:deadbeef:0", "zz:what",
                 "o:list:abc", "co:ok", "a:KOPI-GAYO-250:x"):
        query = await tg.press_raw(ani, ani.id, cats.message_id, data)
        answer = await tg.wait_callback_answer(query)
        assert answer.show_alert, data
        assert answer.text, data

    # A product taken off sale: its old "add" button says so, nothing reaches the cart.
    await import_catalog(shop.store, "sku,name,category,price,stock,active\n"
                                     "KOPI-GAYO-250,Kopi Gayo,Kopi & Teh,85000,40,no\n")
    query = await tg.press_raw(ani, ani.id, cats.message_id, "a:KOPI-GAYO-250:1")
    answer = await tg.wait_callback_answer(query)
    assert "tidak tersedia" in (answer.text or "")
    assert (await cart.get_cart(shop.store, ani.id)).is_empty


async def test_unknown_commands_and_chatter(shop: RunningBot) -> None:
    tg = shop.tg
    ani = tg.user(8201, "Ani")
    await tg.send_text(ani, "/bayar")
    assert "/help" in text_of(await tg.wait_bot_message(ani))
    await tg.send_text(ani, "halo kak, ready?")
    assert "tidak mengerti" in text_of(await tg.wait_bot_message(ani))
    await tg.send_text(ani, "/track")
    assert "/track" in text_of(await tg.wait_bot_message(ani))
    await tg.send_text(ani, "/cancel")
    assert "Tidak ada langkah" in text_of(await tg.wait_bot_message(ani))


async def test_checkout_rejects_overlong_and_keeps_html_as_typed(shop: RunningBot) -> None:
    tg = shop.tg
    ani = tg.user(8301, "Ani")
    await fill_cart(shop, ani, "TEH-MELATI-100", 1)
    await tg.send_text(ani, "/checkout")
    await tg.wait_bot_message(ani, lambda m: "Nama penerima" in text_of(m))
    await tg.send_text(ani, "A" * 4000)
    await tg.wait_bot_message(ani, lambda m: "Nama harus" in text_of(m))
    await tg.send_text(ani, "Ani & <i>Rudi</i>")
    await tg.wait_bot_message(ani, lambda m: "Nomor HP" in text_of(m))
    await tg.send_contact(ani, "6281298765432")
    await tg.wait_bot_message(ani, lambda m: "Alamat" in text_of(m))
    await tg.send_text(ani, "x" * 4000)
    await tg.wait_bot_message(ani, lambda m: "terlalu panjang" in text_of(m))
    await tg.send_text(ani, "/back")  # one step back: the phone again
    await tg.wait_bot_message(ani, lambda m: "Nomor HP" in text_of(m))
    await tg.send_text(ani, "/cancel")
    await tg.wait_bot_message(ani, lambda m: "dibatalkan" in text_of(m))
    assert not (await cart.get_cart(shop.store, ani.id)).is_empty  # the cart stays


async def test_last_units_go_to_the_first_confirm(shop: RunningBot) -> None:
    tg = shop.tg
    first, second = tg.user(8401, "Dewi"), tg.user(8402, "Eko")
    await place(shop, first, "BATIK-TULIS-S", 3)  # 4 in stock → 1 left
    # Eko put 1 in his cart while it was there, then Dewi buys it first.
    await fill_cart(shop, second, "BATIK-TULIS-S", 1)
    await place(shop, first, "BATIK-TULIS-S", 1)
    await tg.send_text(second, "/checkout")
    await tg.wait_bot_message(second, lambda m: "Nama penerima" in text_of(m))
    await tg.send_text(second, "Eko Prasetyo")
    await tg.wait_bot_message(second, lambda m: "Nomor HP" in text_of(m))
    await tg.send_text(second, "+62 812 3456 7890")
    await tg.wait_bot_message(second, lambda m: "Alamat" in text_of(m))
    await tg.send_text(second, "Jl. Diponegoro 12, Semarang 50241")
    ship = await tg.wait_bot_message(second, lambda m: "Pengiriman" in text_of(m))
    await tg.press(second, ship, "co:ship:reg")
    pay = await tg.wait_bot_message(second, lambda m: "Pembayaran" in text_of(m))
    await tg.press(second, pay, "co:pay:cod")
    await tg.wait_bot_message(second, lambda m: "Catatan" in text_of(m))
    await tg.send_text(second, "Warna biru ya 💙")
    summary = await tg.wait_bot_message(second, lambda m: "Periksa" in text_of(m))
    await tg.press(second, summary, "co:ok")
    refusal = await tg.wait_bot_message(second, lambda m: "tidak cukup" in text_of(m))
    assert "Kemeja Batik Tulis Pekalongan (S)" in text_of(refusal)
    assert "tersisa 0" in text_of(refusal)
    product = await catalog.get_product(shop.store, "BATIK-TULIS-S")
    assert product is not None and product.reserved == 4 and product.stock == 4
    _, count = await order_reads.customer_orders(shop.store, second.id)
    assert count == 0


async def test_english_customer_cancels_and_stock_returns(shop: RunningBot) -> None:
    tg = shop.tg
    tom = tg.user(8501, "Tom", language_code="en")
    await tg.send_text(tom, "/start")
    assert "Welcome" in text_of(await tg.wait_bot_message(tom))
    order = await place(shop, tom, "MADU-HUTAN-500", 2)
    await tg.send_text(tom, "/orders")
    listing = await tg.wait_bot_message(tom)
    await tg.press(tom, listing, f"o:view:{order.number}")
    detail = await tg.wait_edit(listing)
    await tg.press(tom, detail, f"o:cancel:{order.number}")
    confirm = await tg.wait_edit(detail)
    assert "really want to cancel" in text_of(confirm)
    await tg.press(tom, confirm, f"o:cancelyes:{order.number}")
    # The question turns back into the order's view, now cancelled; "cancelled" itself comes
    # once, from the outbox.
    done = await tg.wait_edit(confirm, lambda m: "Cancelled" in text_of(m))
    assert "Cancel order" not in " ".join(done.button_texts())
    await tg.wait_bot_message(tom, lambda m: "is cancelled" in text_of(m))
    madu = await catalog.get_product(shop.store, "MADU-HUTAN-500")
    assert madu is not None and madu.reserved == 0
    # Pressing "yes" again is harmless.
    query = await tg.press_raw(tom, tom.id, done.message_id, f"o:cancelyes:{order.number}")
    assert "can no longer be cancelled" in ((await tg.wait_callback_answer(query)).text or "")
    # The staff card shows the cancellation.
    card = await tg.wait_bot_message(shop.staff, lambda m: order.number in text_of(m))
    await tg.wait_for(lambda: "Dibatalkan" in text_of(card), what="card edited to cancelled")

    await tg.send_text(tom, "/language")
    choose = await tg.wait_bot_message(tom)
    await tg.press(tom, choose, "lang:id")
    assert "Bahasa Indonesia" in text_of(await tg.wait_edit(choose))
    await tg.send_text(tom, f"/track {order.number.lower()}")
    assert "Dibatalkan" in text_of(await tg.wait_bot_message(tom))


async def test_a_bug_becomes_an_apology_not_a_traceback(
    shop: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    tg = shop.tg
    ani = tg.user(8601, "Ani")

    async def broken(*_: object) -> list[str]:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(catalog, "categories", broken)
    await tg.send_text(ani, "/catalog")
    reply = await tg.wait_bot_message(ani)
    assert "terjadi kesalahan" in text_of(reply)
    assert "disk on fire" not in text_of(reply)


async def test_product_with_photo_and_navigation_back_from_it(shop: RunningBot) -> None:
    tg = shop.tg
    ani = tg.user(8701, "Ani")
    await import_catalog(shop.store, "sku,name,category,price,stock,photo\n"
                                     "KAIN-IKAT,Kain Tenun Ikat <Sumba>,Fashion,1250000,2,"
                                     "https://toko.example/ikat.jpg\n")
    await tg.send_text(ani, "/start KAIN-IKAT")
    card = await tg.wait_bot_message(ani)
    assert card.photo is not None
    assert "Kain Tenun Ikat <Sumba>" in text_of(card)
    assert "Rp1.250.000" in text_of(card)
    await tg.press(ani, card, data_starting(card, "c:"))  # back to the category
    listing = await tg.wait_bot_message(ani)  # a photo can't become text: a new message
    assert "Fashion" in text_of(listing)


async def test_phone_step_keyboard_goes_back_and_reuses_the_last_number(shop: RunningBot) -> None:
    tg = shop.tg
    rina = tg.user(8801, "Rina")
    await place(shop, rina, "TEH-MELATI-100", 1)  # saves +6281234567890 as her number
    await fill_cart(shop, rina, "TEH-MELATI-100", 1)
    await tg.send_text(rina, "/checkout")
    await tg.wait_bot_message(rina, lambda m: "Nama penerima" in text_of(m))
    await tg.send_text(rina, "Rina")
    ask = await tg.wait_bot_message(rina, lambda m: "Nomor HP" in text_of(m))
    keys = [b["text"] for row in (ask.reply_keyboard or {}).get("keyboard", []) for b in row]
    assert keys == ["📱 Kirim nomor HP saya", "+62 812-3456-7890", "⬅️ Kembali", "✖️ Batal"]
    await tg.send_text(rina, "⬅️ Kembali")
    await tg.wait_bot_message(rina, lambda m: "Nama penerima" in text_of(m))
    await tg.send_text(rina, "Rina Wati")
    await tg.wait_bot_message(rina, lambda m: "Nomor HP" in text_of(m))
    await tg.send_text(rina, "+62 812-3456-7890")  # the saved-number button
    await tg.wait_bot_message(rina, lambda m: "Alamat" in text_of(m))
    await tg.send_text(rina, "✖️ Batal")
    await tg.wait_bot_message(rina, lambda m: "Checkout dibatalkan" in text_of(m))


async def test_cart_buttons_set_quantities_so_a_repeated_press_is_harmless(
    shop: RunningBot,
) -> None:
    tg = shop.tg
    ani = tg.user(8901, "Ani")
    await fill_cart(shop, ani, "TEH-MELATI-100", 1)
    await tg.send_text(ani, "/cart")
    view = await tg.wait_bot_message(ani)
    plus = "k:set:TEH-MELATI-100:2"
    assert plus in view.callback_data()
    for _ in range(2):  # the same press, delivered twice
        query = await tg.press_raw(ani, ani.id, view.message_id, plus)
        await tg.wait_callback_answer(query)
    assert [x.quantity for x in (await cart.get_cart(shop.store, ani.id)).lines] == [2]
    # The message shows the new quantity (the second edit may be "not modified": no event).
    await tg.wait_for(lambda: "k:set:TEH-MELATI-100:3" in view.callback_data(), what="qty 2")
    await tg.press(ani, view, "k:set:TEH-MELATI-100:0")
    await tg.wait_edit(view, lambda m: "kosong" in text_of(m))
    assert (await cart.get_cart(shop.store, ani.id)).is_empty
