"""A checkout left at one step longer than CONVERSATION_TIMEOUT (24 h) ends before the
customer's next message: they are told once, the message is not taken as the old step's
answer, the cart is kept and /checkout starts again (coming back with /checkout: no word about
the old one). Within the timeout the step goes on."""

from __future__ import annotations

import pytest

from domain.aftersales import reads as aftersales_reads
from domain.aftersales.models import RefundStatus
from domain.clock import FrozenClock
from domain.store import conversations
from handlers.customer.checkout_steps import NAME
from tests.e2e.harness import RunningBot
from tests.e2e.test_interrupted import settled
from tests.e2e.test_refunds import refund_due
from tests.e2e.test_staff_workflow import has, text_of
from tests.fakebotapi import FakeUser
from tests.fakebotapi.fixtures import fake_tg  # noqa: F401 - the server fixture

ENDED = "sudah ditutup karena tidak dilanjutkan lebih dari 24 jam"


@pytest.fixture
def shop(frozen_shop: RunningBot) -> RunningBot:
    return frozen_shop


async def to_name_step(shop: RunningBot, user: FakeUser) -> None:
    tg = shop.tg
    await tg.send_text(user, "/start KOPI-GAYO-250")
    product = await tg.wait_bot_message(user, has("Kopi Arabika Gayo"))
    await tg.press(user, product, "a:KOPI-GAYO-250:1")
    cart = await tg.wait_bot_message(user, has("masuk keranjang"))
    await tg.press(user, cart, "k:go")
    step = await tg.wait_bot_message(user, has("Nama penerima"))
    await settled(tg, user, user.id, step.message_id)  # the step is stored before time moves




async def test_a_checkout_left_a_day_ends_and_the_next_text_is_no_answer(
    shop: RunningBot,
) -> None:
    tg, clock = shop.tg, shop.clock
    assert isinstance(clock, FrozenClock)
    ani = tg.user(7201, "Ani")
    await to_name_step(shop, ani)

    clock.advance(hours=25)
    before = len(tg.bot_messages(ani))
    await tg.send_text(ani, "Ani Lestari")
    await tg.wait_bot_message(ani, has("tidak mengerti"))
    ended, answer = tg.bot_messages(ani)[before:]
    assert ENDED in text_of(ended) and "/checkout" in text_of(ended)
    assert "Nomor HP" not in text_of(answer)
    key = (ani.id, ani.id)
    assert await conversations.state_of(shop.store.reader, "shopping", key) is None

    # Told once; the cart is kept; /checkout starts again from the first step.
    await tg.send_text(ani, "/cart")
    cart = await tg.wait_bot_message(ani, has("Keranjang"))
    assert "Kopi Arabika Gayo 250 g × 1" in text_of(cart)
    await tg.send_text(ani, "/checkout")
    step = await tg.wait_bot_message(ani, has("Nama penerima"))
    await settled(tg, ani, ani.id, step.message_id)
    assert all(ENDED not in text_of(m) for m in tg.bot_messages(ani)[before + 2:])
    assert await conversations.state_of(shop.store.reader, "shopping", key) == NAME


async def test_coming_back_with_checkout_starts_anew_without_a_word(shop: RunningBot) -> None:
    tg, clock = shop.tg, shop.clock
    assert isinstance(clock, FrozenClock)
    citra = tg.user(7203, "Citra")
    await to_name_step(shop, citra)
    clock.advance(days=3)
    before = len(tg.bot_messages(citra))
    await tg.send_text(citra, "/checkout")
    step = await tg.wait_bot_message(citra, has("Nama penerima"))
    await settled(tg, citra, citra.id, step.message_id)
    assert tg.bot_messages(citra)[before:] == [step]  # no "was closed" before the step
    await tg.send_text(citra, "Citra Dewi")
    await tg.wait_bot_message(citra, has("Nomor HP"))


async def test_a_step_answered_within_the_day_goes_on(shop: RunningBot) -> None:
    tg, clock = shop.tg, shop.clock
    assert isinstance(clock, FrozenClock)
    budi = tg.user(7202, "Budi")
    await to_name_step(shop, budi)
    clock.advance(hours=23)
    await tg.send_text(budi, "Budi Santoso")
    phone = await tg.wait_bot_message(budi, has("Nomor HP"))
    await settled(tg, budi, budi.id, phone.message_id)
    clock.advance(hours=23)  # counted from the last step taken, not from the start
    await tg.send_text(budi, "0812-3456-7890")
    await tg.wait_bot_message(budi, has("Alamat pengiriman"))
    assert all(ENDED not in text_of(m) for m in tg.bot_messages(budi))


async def test_a_text_answers_the_question_asked_last(shop: RunningBot) -> None:
    """Checkout open at the name; then the refund's bank-details form: the account number
    typed goes to the form (not to checkout as a name), and once the form is done the next
    text goes to checkout again."""
    tg, clock = shop.tg, shop.clock
    assert isinstance(clock, FrozenClock)
    siti, sari = tg.user(7204, "Siti"), tg.user(8001, "Sari")
    due, refund, order = await refund_due(shop, siti, sari, "receipt-5")
    await to_name_step(shop, siti)

    clock.advance(minutes=5)
    await tg.press(siti, due, f"rf:d:{refund.id}")
    banks = await tg.wait_bot_message(siti, has("Pilih bank"))
    await tg.press(siti, banks, "rf:b:bca")
    asked = await tg.wait_bot_message(siti, has("Nomor rekening", "BCA"))
    await settled(tg, siti, siti.id, asked.message_id)
    await tg.send_text(siti, "123-456-7890")
    holder = await tg.wait_bot_message(siti, has("Nama pemilik rekening"))
    await settled(tg, siti, siti.id, holder.message_id)
    await tg.send_text(siti, "Siti Aminah")
    await tg.wait_bot_message(siti, has("Terima kasih", "7890"))

    # The form is done: checkout is the one open, still at the name.
    await tg.send_text(siti, "Siti Aminah")
    await tg.wait_bot_message(siti, has("Nomor HP"))
    [now] = await aftersales_reads.refunds_of_order(shop.store, order.id)
    assert now.status == RefundStatus.READY
