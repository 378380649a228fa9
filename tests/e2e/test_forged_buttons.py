"""Forged and malformed button data through the real Application: the presser hears "out of
date", one INFO line is logged, nothing changes, and nothing is logged as an error."""

from __future__ import annotations

import logging

import pytest

from domain import customers
from domain.catalog.catalog_import import import_catalog
from domain.models import CheckoutDetails, Order, PaymentMethod, ShippingOption, Status
from domain.ordering import cart, order_reads, orders
from tests.e2e.harness import RunningBot
from tests.fakebotapi import FakeMessage, FakeUser

SHIPPING = ShippingOption(code="reg", name="JNE REG (2–3 hari)", fee=15_000)
BUTTONS_LOG = "handlers.buttons"


def text_of(message: FakeMessage) -> str:
    return message.text or message.caption or ""


async def place(shop: RunningBot, user: FakeUser, sku: str = "KOPI-GAYO-250") -> Order:
    await customers.ensure_customer(shop.store, user.id, first_name=user.first_name,
                                    username=None, language_code="id", default_language="id")
    await cart.add_to_cart(shop.store, user.id, sku, 1)
    details = CheckoutDetails(name=user.first_name, phone="+6281234567890",
                              address="Jl. Kenanga No. 1, Bandung 40111", shipping_code="reg",
                              payment_method=PaymentMethod.TRANSFER)
    return await orders.place_order(shop.store, user.id, details, SHIPPING)


def button_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == BUTTONS_LOG]


def no_errors(caplog: pytest.LogCaptureFixture) -> None:
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not bad, [r.getMessage() for r in bad]


async def test_forged_customer_buttons_answer_out_of_date(
    shop: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    tg = shop.tg
    ani = tg.user(9101, "Ani")
    order = await place(shop, ani)
    await tg.send_text(ani, "/start")
    menu = await tg.wait_bot_message(ani)
    forged = [
        "o:list:99999999999999999999",  # reached SQLite's OFFSET: OverflowError
        "o:list:²",  # isdigit() said yes, int() said no
        "o:list:٣",
        "o:list:-1",
        "o:view:" + order.number.lower(),
        f"o:cancelyes:{order.number}:x",
        "k:set:KOPI-GAYO-250:²",
        "k:set:KOPI-GAYO-250:100",
        "a:KOPI-GAYO-250:0",
        "a:KOPI GAYO:1",
        "c:deadbeef:99999999999",
        "q:",
        f"sv:{order.number}:٣",
        f"sv:{order.number}:11",
        f"dc:maybe:{order.number}",
        "pref:rem:2",
        "lang:xx",
        f"rcv:{order.number}0",
        "zz:what",  # no such prefix
        "",
        "é" * 32,
        f"st:v:{order.number}²",  # staff data, malformed, from a private chat
        f"st:zz:{order.number}",
        "sq:open:²",
    ]
    for data in forged:
        query = await tg.press_raw(ani, ani.id, menu.message_id, data)
        answer = await tg.wait_callback_answer(query)
        assert answer.show_alert, data
        assert "kedaluwarsa" in (answer.text or ""), data

    lines = button_lines(caplog)
    assert len(lines) == len(forged)  # one line per press
    assert all(r.levelno == logging.INFO and r.exc_info is None for r in lines)
    assert "OverflowError" not in caplog.text and "Traceback" not in caplog.text
    no_errors(caplog)
    # Nothing changed: the order is still placed, the cart still empty.
    still = await order_reads.customer_order(shop.store, ani.id, order.number)
    assert still.status == Status.PLACED
    assert (await cart.get_cart(shop.store, ani.id)).is_empty
    tg.assert_clean()


async def test_forged_staff_buttons_answer_out_of_date_in_the_group(
    shop: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    tg, group = shop.tg, shop.staff
    budi, sari = tg.user(9201, "Budi"), tg.user(9202, "Sari")
    order = await place(shop, budi)
    card = await tg.wait_bot_message(group, lambda m: f"#{order.number}" in text_of(m))
    forged = [
        "st:v:²²²²²²",
        f"st:v:{order.number}:extra",
        f"st:c:{order.number}:JNT",  # courier codes are lower case
        f"st:c:{order.number}",
        f"st:q:{order.number}",
        "sq:open:99999999999999999999",
        "sq:lost:0",
    ]
    for data in forged:
        query = await tg.press_raw(sari, group.id, card.message_id, data)
        answer = await tg.wait_callback_answer(query)
        assert answer.show_alert, data
        assert "kedaluwarsa" in (answer.text or ""), data
        assert "None" not in (answer.text or ""), data

    # A well-formed staff button from the customer's chat is still refused as before.
    query = await tg.press_raw(budi, budi.id, card.message_id, f"st:v:{order.number}")
    assert "grup staf" in ((await tg.wait_callback_answer(query)).text or "")

    assert len(button_lines(caplog)) == len(forged)
    no_errors(caplog)
    still = await order_reads.order_by_number(shop.store.reader, order.number)
    assert still.status == Status.PLACED
    assert card.callback_data() == [f"st:{c}:{order.number}" for c in "vrxn"]
    tg.assert_clean()


async def test_an_off_sale_line_in_the_cart_can_only_be_removed(shop: RunningBot) -> None:
    tg = shop.tg
    ani = tg.user(9301, "Ani")
    await customers.ensure_customer(shop.store, ani.id, first_name="Ani", username=None,
                                    language_code="en", default_language="id")
    await cart.add_to_cart(shop.store, ani.id, "TEH-MELATI-100", 2)
    await tg.send_text(ani, "/cart")
    view = await tg.wait_bot_message(ani)
    plus = "k:set:TEH-MELATI-100:3"
    assert plus in view.callback_data()
    await import_catalog(shop.store, "sku,name,category,price,stock,active\n"
                                     "TEH-MELATI-100,Teh Melati,Kopi & Teh,18000,25,no\n")

    query = await tg.press_raw(ani, ani.id, view.message_id, plus)  # the old "+" button
    answer = await tg.wait_callback_answer(query)
    assert answer.show_alert and "no longer sold" in (answer.text or "")
    assert [x.quantity for x in (await cart.get_cart(shop.store, ani.id)).lines] == [2]

    await tg.send_text(ani, "/cart")
    fresh = await tg.wait_bot_message(ani)
    assert "no longer sold" in text_of(fresh)
    assert fresh.callback_data()[0] == "k:set:TEH-MELATI-100:0"  # only "remove" on that line
    assert plus not in fresh.callback_data()
    await tg.press(ani, fresh, "k:set:TEH-MELATI-100:0")
    await tg.wait_edit(fresh, lambda m: "empty" in text_of(m))
    assert (await cart.get_cart(shop.store, ani.id)).is_empty


async def test_a_typed_quantity_for_a_product_taken_off_sale_meanwhile(shop: RunningBot) -> None:
    tg = shop.tg
    ani = tg.user(9302, "Ani")
    await customers.ensure_customer(shop.store, ani.id, first_name="Ani", username=None,
                                    language_code="en", default_language="id")
    await tg.send_text(ani, "/start TEH-MELATI-100")
    product = await tg.wait_bot_message(ani)
    await tg.press(ani, product, "q:TEH-MELATI-100")
    await tg.wait_bot_message(ani, lambda m: "How many" in text_of(m))
    await import_catalog(shop.store, "sku,name,category,price,stock,active\n"
                                     "TEH-MELATI-100,Teh Melati,Kopi & Teh,18000,25,no\n")
    await tg.send_text(ani, "2")
    reply = await tg.wait_bot_message(ani, lambda m: "Teh Melati" in text_of(m))
    assert "no longer sold" in text_of(reply)
    assert (await cart.get_cart(shop.store, ani.id)).is_empty
    tg.assert_clean()
