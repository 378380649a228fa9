"""What the customer is promised after their own actions is queued with the change and sent
by the outbox: the order confirmation, their cancellation, the thanks for "received"."""

from __future__ import annotations

from domain.models import PaymentMethod, Status
from domain.ordering.cart import add_to_cart
from domain.ordering.orders import cancel_by_customer, place_order
from domain.store import Store
from tests.integration.staff_support import DEWI, flow, placed, shipped
from tests.integration.test_checkout import SHIP, SITI, details, fill_cart
from tests.integration.test_staff_outbox import FakeBot, make_sender


def customer_texts(bot: FakeBot, chat_id: int) -> list[str]:
    return [kw["text"] for chat, kw in bot.sent("send_message") if chat == chat_id]


async def test_the_confirmation_carries_the_payment_details(seeded_store: Store) -> None:
    await fill_cart(seeded_store, SITI, {"KOPI-GAYO": 1})
    order = await place_order(seeded_store, SITI, details(), SHIP)
    bot = FakeBot()
    await make_sender(seeded_store).run(bot)  # type: ignore[arg-type]
    [text] = customer_texts(bot, SITI)
    assert f"#{order.number} diterima" in text
    assert "1234567890" in text  # the shop's account, as set when it is sent
    [(_, kw)] = [(c, kw) for c, kw in bot.sent("send_message") if c == SITI]
    assert kw["reply_markup"].inline_keyboard[0][0].callback_data == f"o:view:{order.number}"


async def test_cash_on_delivery_has_no_bank_details(seeded_store: Store) -> None:
    await fill_cart(seeded_store, SITI, {"KOPI-GAYO": 1})
    await place_order(seeded_store, SITI, details(method=PaymentMethod.COD), SHIP)
    bot = FakeBot()
    await make_sender(seeded_store).run(bot)  # type: ignore[arg-type]
    [text] = customer_texts(bot, SITI)
    assert "COD" in text and "1234567890" not in text


async def test_a_confirmation_held_until_the_order_closed_is_dropped(seeded_store: Store) -> None:
    """The bot was down; meanwhile the customer cancelled: no payment instructions for it."""
    await fill_cart(seeded_store, SITI, {"KOPI-GAYO": 1})
    order = await place_order(seeded_store, SITI, details(), SHIP)
    await cancel_by_customer(seeded_store, SITI, order.number, "Siti")
    bot = FakeBot()
    await make_sender(seeded_store).run(bot)  # type: ignore[arg-type]
    [text] = customer_texts(bot, SITI)
    assert f"#{order.number}" in text and "dibatalkan" in text
    confirmation = await seeded_store.fetchone(
        "SELECT state, message_id FROM outbox WHERE kind = 'order_placed'"
    )
    assert confirmation is not None and tuple(confirmation) == ("sent", None)


async def test_received_is_thanked_once_and_only_for_the_customers_own_press(
    seeded_store: Store,
) -> None:
    store, f = seeded_store, flow(seeded_store)
    own = await shipped(store, f, await placed(store, 1001), "JP1234567890")
    by_staff = await shipped(store, f, await placed(store, 1002), "JP1234567891")
    await f.confirm_received(1001, own.number, "Budi")
    await f.deliver(by_staff.number, DEWI)
    kinds = {
        r["order_id"]: r["kind"]
        for r in await store.fetchall(
            "SELECT order_id, kind FROM outbox WHERE audience = 'customer'"
            " AND kind IN ('received_thanks', 'status_changed') ORDER BY id"
        )
    }
    assert kinds[own.id] == "received_thanks"
    assert kinds[by_staff.id] == "status_changed"  # staff delivered it: the status notice
    bot = FakeBot()
    await make_sender(store).run(bot)  # type: ignore[arg-type]
    assert any("Terima kasih" in t and own.number in t for t in customer_texts(bot, 1001))


async def test_a_second_order_gets_its_own_confirmation(seeded_store: Store) -> None:
    await fill_cart(seeded_store, SITI, {"KOPI-GAYO": 1})
    one = await place_order(seeded_store, SITI, details(), SHIP)
    await add_to_cart(seeded_store, SITI, "TEH-MELATI", 1)
    two = await place_order(seeded_store, SITI, details(), SHIP)
    bot = FakeBot()
    await make_sender(seeded_store).run(bot)  # type: ignore[arg-type]
    texts = customer_texts(bot, SITI)
    assert [one.number in t for t in texts] == [True, False]
    assert [two.number in t for t in texts] == [False, True]
    assert one.status == two.status == Status.PLACED
