"""Updates too old to replay (the bot was down; bot/inbox.py hands them over): the person is
told the action was not carried out and sees where things stand now, and the action itself
does not happen. Each update is built as the fake Bot API builds it, but held back from the
bot and given to `answer_interrupted` directly, on the running Application."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from telegram import Update

from domain.actors import Actor
from domain.aftersales import reads as aftersales_reads
from domain.aftersales import refunds as refund_service
from domain.aftersales.models import ComplaintReason, ComplaintStatus, RefundStatus, Solution
from domain.models import PaymentMethod, Status
from domain.ordering import order_reads
from domain.ordering.timeline import Audience
from domain.store import Store, conversations
from domain.store import inbox as inbox_rows
from handlers.context import ShopContext
from handlers.customer.checkout_steps import ADDRESS, DRAFT
from handlers.interrupted import answer_interrupted
from tests.e2e.harness import RunningBot
from tests.e2e.test_aftersales_staff import complaint_card
from tests.e2e.test_complaint_flow import order_view
from tests.e2e.test_crash_at_confirm import to_summary
from tests.e2e.test_refunds import refund_due
from tests.e2e.test_staff_workflow import checkout, has, text_of
from tests.fakebotapi import FakeBotApi, FakeMessage, FakeUser
from tests.fakebotapi.fixtures import fake_tg  # noqa: F401 - the server fixture
from tests.fakebotapi.server import QUERY_TOO_OLD
from tests.integration.aftersales_support import delivered

NOT_DONE = "tidak dijalankan"


async def interrupted(shop: RunningBot, raw: dict[str, Any]) -> None:
    """Hand the held update to answer_interrupted, with the context PTB builds for it."""
    app = shop.app
    assert app is not None
    update = Update.de_json(raw, app.bot)
    await answer_interrupted(update, ShopContext.from_update(update, app))


async def settled(tg: FakeBotApi, user: FakeUser, chat_id: int, message_id: int) -> None:
    """A round trip through the chat's lane: the updates before it have run to the end
    (their conversation state and user data are in the store), as they have when the inbox
    hands over an interrupted one."""
    await tg.wait_callback_answer(await tg.press_raw(user, chat_id, message_id, "zz"))


def refused_as_too_old(tg: FakeBotApi, raw: dict[str, Any]) -> bool:
    query_id = raw["callback_query"]["id"]
    return any(
        e.method == "answerCallbackQuery" and QUERY_TOO_OLD in e.description
        and str(e.params.get("callback_query_id")) == query_id
        for e in tg.soft_errors
    )


def new_since(tg: FakeBotApi, chat: Any, before: int) -> list[FakeMessage]:
    return tg.bot_messages(chat)[before:]


def questions_since(tg: FakeBotApi, chat: Any, before: int) -> list[FakeMessage]:
    """The bot's questions (answered by replying) since: the staff group's other messages
    (evidence, notices from the outbox) may still be arriving meanwhile."""
    return [m for m in new_since(tg, chat, before)
            if m.reply_keyboard and m.reply_keyboard.get("force_reply")]


async def test_a_staff_press_on_a_card_that_moved_on_shows_the_card_as_it_is(
    shop: RunningBot,
) -> None:
    tg, group = shop.tg, shop.staff
    budi, sari = tg.user(7001, "Budi"), tg.user(8001, "Sari")
    number = await checkout(tg, budi, "KOPI-GAYO-250")
    card = await tg.wait_bot_message(group, has(f"#{number}"))
    await tg.send_photo(budi, caption="bukti")  # the transfer receipt: Verify needs no question
    await tg.wait_edit(card, has("bukti terlampir"))
    await tg.send_text(sari, f"/order {number}", chat=group)
    copy = await tg.wait_bot_message(group, lambda m: f"st:x:{number}" in m.callback_data())
    # Sari pressed Cancel on the copy while the bot was down …
    old = tg.held_press(sari, group.id, copy.message_id, f"st:x:{number}")
    # … and meanwhile the order was verified on its card.
    await tg.press(sari, card, f"st:v:{number}")
    await tg.wait_edit(card, lambda m: f"st:p:{number}" in m.callback_data())

    await interrupted(shop, old)

    now = await tg.wait_edit(copy, lambda m: f"st:p:{number}" in m.callback_data())
    assert "Terverifikasi" in text_of(now) and f"st:x:{number}" in now.callback_data()
    order = await order_reads.order_by_number(shop.store.reader, number)
    assert order.status == Status.VERIFIED  # the old Cancel did not happen
    assert refused_as_too_old(tg, old)  # the toast was tried; Telegram forgot the query

    # On the living card: packed, Ship pressed (the courier choice shows), then the courier
    # pressed while the bot was down. The card is redrawn with its own buttons; no question.
    await tg.press(sari, card, f"st:p:{number}")
    await tg.wait_edit(card, lambda m: f"st:s:{number}" in m.callback_data())
    await tg.press(sari, card, f"st:s:{number}")
    await tg.wait_edit(card, lambda m: f"st:c:{number}:jnt" in m.callback_data())
    before = len(tg.bot_messages(group))
    await interrupted(shop, tg.held_press(sari, group.id, card.message_id, f"st:c:{number}:jnt"))
    await tg.wait_edit(card, lambda m: f"st:s:{number}" in m.callback_data())
    assert new_since(tg, group, before) == []  # no "type the tracking number" question
    order = await order_reads.order_by_number(shop.store.reader, number)
    assert order.status == Status.PACKED


async def test_a_message_in_the_middle_of_checkout_asks_the_step_again(
    shop: RunningBot,
) -> None:
    tg = shop.tg
    ani = tg.user(7002, "Ani")
    await tg.send_text(ani, "/start KOPI-GAYO-250")
    product = await tg.wait_bot_message(ani)
    await tg.press(ani, product, "a:KOPI-GAYO-250:1")
    cart = await tg.wait_bot_message(ani)
    await tg.press(ani, cart, "k:go")
    await tg.wait_bot_message(ani, has("Nama penerima"))
    await tg.send_text(ani, "Ani Lestari")
    await tg.wait_bot_message(ani, has("Nomor HP"))
    await tg.send_text(ani, "0812-3456-7890")
    address = await tg.wait_bot_message(ani, has("Alamat pengiriman"))
    await settled(tg, ani, ani.id, address.message_id)
    before = len(tg.bot_messages(ani))

    await interrupted(shop, tg.held_text(ani, "Jl. Melati No. 5, Jakarta Selatan 12160"))

    note, step = new_since(tg, ani, before)
    assert NOT_DONE in text_of(note) and "langkah Anda sekarang" in text_of(note)
    assert "Alamat pengiriman" in text_of(step)
    # Still at the address step, and the address typed then was not taken.
    state = await conversations.state_of(shop.store.reader, "shopping", (ani.id, ani.id))
    assert state == ADDRESS
    assert "address" not in shop.app.user_data[ani.id][DRAFT]  # type: ignore[union-attr]


async def test_an_old_confirm_press_places_nothing_and_shows_where_things_stand(
    shop: RunningBot,
) -> None:
    tg = shop.tg
    budi = tg.user(7101, "Budi", language_code="id")
    summary = await to_summary(tg, budi, shop)
    await settled(tg, budi, budi.id, summary.message_id)
    before = len(tg.bot_messages(budi))

    # "Buat pesanan" pressed while the bot was down: not placed; the summary again.
    await interrupted(shop, tg.held_press(budi, budi.id, summary.message_id, "co:ok"))

    note, again = new_since(tg, budi, before)
    assert NOT_DONE in text_of(note)
    assert "Periksa pesanan" in text_of(again) and "co:ok" in again.callback_data()
    orders = await shop.store.fetchall("SELECT number FROM orders WHERE user_id = ?", (budi.id,))
    assert orders == []

    # Pressed again for real: placed once. An even older press arriving late after that
    # is told the order exists (its view), and places nothing.
    await tg.press(budi, again, "co:ok")
    placed = await tg.wait_bot_message(budi, has("diterima"))
    number = text_of(placed).split("#", 1)[1].split(" ", 1)[0]
    await settled(tg, budi, budi.id, summary.message_id)
    before = len(tg.bot_messages(budi))
    await interrupted(shop, tg.held_press(budi, budi.id, summary.message_id, "co:ok"))
    note, view = new_since(tg, budi, before)
    assert NOT_DONE in text_of(note) and "keadaannya sekarang" in text_of(note)
    assert f"Pesanan #{number}" in text_of(view)
    rows = await shop.store.fetchall("SELECT number FROM orders WHERE user_id = ?", (budi.id,))
    assert [r["number"] for r in rows] == [number]


async def test_a_forged_press_gets_the_note_only(shop: RunningBot) -> None:
    tg, group = shop.tg, shop.staff
    ani, sari = tg.user(7003, "Ani"), tg.user(8001, "Sari")
    await tg.send_text(ani, "/start")
    menu = await tg.wait_bot_message(ani)
    await tg.send_text(sari, "/queue", chat=group)
    answer = await tg.wait_bot_message(group)
    customer_before, group_before = len(tg.bot_messages(ani)), len(tg.bot_messages(group))
    forged = [
        tg.held_press(ani, ani.id, menu.message_id, "o:view:<script>", expired=False),
        tg.held_press(ani, ani.id, menu.message_id, "zz:" + "9" * 40, expired=False),
        tg.held_press(sari, group.id, answer.message_id, "st:v:ZZZZZZ", expired=False),
        tg.held_press(sari, group.id, answer.message_id, "st:q:K7Q3MX", expired=False),
    ]
    for raw in forged:
        await interrupted(shop, raw)
        toast = tg.callback_answer(raw["callback_query"]["id"])
        assert toast is not None and NOT_DONE in (toast.text or "")
    assert len(tg.bot_messages(ani)) == customer_before
    assert len(tg.bot_messages(group)) == group_before
    assert [m for m in tg.messages(group) if m.edit_count] == []


async def test_a_staff_command_gets_the_note_in_its_topic_and_chatter_nothing(
    shop: RunningBot,
) -> None:
    tg, group = shop.tg, shop.staff
    sari = tg.user(8001, "Sari")
    tg.enable_topics(group)
    topic = tg.create_topic(group, "Obrolan", by=sari)
    before = len(tg.bot_messages(group))
    await interrupted(shop, tg.held_text(sari, "halo semua", chat=group, thread=topic))
    assert len(tg.bot_messages(group)) == before
    await interrupted(shop, tg.held_text(sari, "/verify K7Q3MX", chat=group, thread=topic))
    [note] = new_since(tg, group, before)
    assert NOT_DONE in text_of(note) and "Kirim lagi" in text_of(note)
    assert note.message_thread_id == topic


async def test_a_customer_message_outside_any_step_gets_the_pointer(shop: RunningBot) -> None:
    tg = shop.tg
    ani = tg.user(7004, "Ani", language_code="en")
    await tg.send_text(ani, "/start")
    await tg.wait_bot_message(ani)
    before = len(tg.bot_messages(ani))
    await interrupted(shop, tg.held_text(ani, "/cart"))
    [note] = new_since(tg, ani, before)
    assert "not carried out" in text_of(note) and "/orders" in text_of(note)
    # An edited message or a membership change: nothing.
    edited = tg.held_text(ani, "edited")
    edited["edited_message"] = edited.pop("message")
    await interrupted(shop, edited)
    assert len(tg.bot_messages(ani)) == before + 1


async def test_a_staff_press_on_a_complaint_card_gets_its_own_buttons_back(
    shop: RunningBot,
) -> None:
    tg, group = shop.tg, shop.staff
    budi, sari = tg.user(7106, "Budi"), tg.user(8001, "Sari")
    _, cid, card = await complaint_card(
        shop, budi, 1, ComplaintReason.DAMAGED, Solution.RETURN_REFUND, "JP1100000009"
    )
    await tg.press(sari, card, f"cs:a:{cid}")  # Approve opens the solutions in place
    menu = await tg.wait_edit(card, lambda m: f"cs:ok:{cid}:rr" in m.callback_data())
    before = len(tg.bot_messages(group))

    # Reject pressed on the card while the bot was down: the card's own buttons come back,
    # no reason is asked, the complaint is as it was.
    await interrupted(shop, tg.held_press(sari, group.id, card.message_id, f"cs:r:{cid}"))
    back = await tg.wait_edit(menu, lambda m: f"cs:r:{cid}" in m.callback_data())
    assert f"cs:ok:{cid}:rr" not in back.callback_data()
    assert questions_since(tg, group, before) == []
    view = await aftersales_reads.complaint_view(shop.store, cid, Audience.STAFF)
    assert view.complaint.status == ComplaintStatus.OPEN
    # A forged complaint id: the toast only.
    forged = tg.held_press(sari, group.id, card.message_id, "cs:r:99999", expired=False)
    await interrupted(shop, forged)
    toast = tg.callback_answer(forged["callback_query"]["id"])
    assert toast is not None and NOT_DONE in (toast.text or "")
    assert questions_since(tg, group, before) == []


async def test_a_staff_press_on_a_refund_shows_its_buttons_now_and_asks_nothing(
    shop: RunningBot,
) -> None:
    tg, group = shop.tg, shop.staff
    siti, sari = tg.user(7107, "Siti"), tg.user(8001, "Sari")
    _, refund, order = await refund_due(shop, siti, sari, "receipt-7")
    await refund_service.give_bank_details(
        shop.store, siti.id, "Siti", refund.id, "BCA", "1234567890", "Siti"
    )
    shop.app.bot_data.shop.kick()  # type: ignore[union-attr]
    ready = await tg.wait_bot_message(group, has("siap ditransfer", order.number))
    assert f"rs:p:{refund.id}" in ready.callback_data()
    before = len(tg.bot_messages(group))
    # Called off meanwhile (refund messages are not edited in place: its buttons stay) …
    await refund_service.cancel(shop.store, refund.id, Actor(8002, "Dewi"), "Sudah tunai")

    # … and "Record transfer" pressed on it while the bot was down: the buttons go, since
    # nothing is open any more; no question is asked.
    raw = tg.held_press(sari, group.id, ready.message_id, f"rs:p:{refund.id}", expired=False)
    await interrupted(shop, raw)
    toast = tg.callback_answer(raw["callback_query"]["id"])
    assert toast is not None and NOT_DONE in (toast.text or "")
    await tg.wait_edit(ready, lambda m: m.callback_data() == [])
    assert questions_since(tg, group, before) == []  # no "send the proof" question
    [now] = await aftersales_reads.refunds_of_order(shop.store, order.id)
    assert now.status == RefundStatus.CANCELLED


# ---------------------------------------------------------------- a complaint's step


async def test_a_complaint_step_is_asked_again_and_the_old_answer_not_taken(
    frozen_shop: RunningBot,
) -> None:
    shop = frozen_shop
    tg = shop.tg
    sari = tg.user(8601, "Sari")
    order = await delivered(shop.store, sari.id, {"KOPI-GAYO-250": 2}, method=PaymentMethod.COD)
    view = await order_view(shop, sari, order)
    await tg.press(sari, view, f"cp:new:{order.number}")
    reasons = await tg.wait_bot_message(sari, has("Langkah 1 dari 5"))
    await tg.press(sari, reasons, "cp:r:dm")
    lines = await tg.wait_bot_message(sari, has("Langkah 2 dari 5"))
    await settled(tg, sari, sari.id, lines.message_id)

    # Another reason pressed on the old message, and a text, both while the bot was down.
    for raw in (
        tg.held_press(sari, sari.id, reasons.message_id, "cp:r:wi"),
        tg.held_text(sari, "barangnya pecah"),
    ):
        before = len(tg.bot_messages(sari))
        await interrupted(shop, raw)
        # (The order's own notices from setting it up may still be arriving: not ours.)
        note, step = [
            m for m in new_since(tg, sari, before)
            if NOT_DONE in text_of(m) or "Langkah" in text_of(m)
        ]
        assert NOT_DONE in text_of(note) and "langkah Anda sekarang" in text_of(note)
        assert "Langkah 2 dari 5" in text_of(step) and step.callback_data()
    draft = shop.app.user_data[sari.id]["complaint"]  # type: ignore[union-attr]
    assert draft["reason"] == "damaged" and "note" not in draft


async def test_a_refund_details_step_is_asked_again(shop: RunningBot) -> None:
    tg = shop.tg
    siti, sari = tg.user(7005, "Siti"), tg.user(8001, "Sari")
    due, refund, _ = await refund_due(shop, siti, sari, "receipt-9")
    await tg.press(siti, due, f"rf:d:{refund.id}")
    banks = await tg.wait_bot_message(siti, has("Pilih bank"))
    await tg.press(siti, banks, "rf:b:dana")
    asked = await tg.wait_bot_message(siti, has("Nomor HP", "DANA"))
    await settled(tg, siti, siti.id, asked.message_id)
    before = len(tg.bot_messages(siti))

    await interrupted(shop, tg.held_text(siti, "+62 812-3456-7890"))

    note, again = new_since(tg, siti, before)
    assert NOT_DONE in text_of(note)
    assert "Nomor HP" in text_of(again) and "DANA" in text_of(again)
    draft = shop.app.user_data[siti.id]["refund_details"]  # type: ignore[union-attr]
    assert draft == {"refund": refund.id, "bank": "DANA"}  # the number typed then: not taken


# ---------------------------------------------------------------- through the inbox


async def test_an_old_press_left_in_the_inbox_is_answered_as_interrupted_at_start(
    shop: RunningBot,
) -> None:
    """The real path: "Buat pesanan" pressed 20 minutes ago, stored, never handled (the bot
    was down). At start it is answered as interrupted; no order is placed."""
    tg = shop.tg
    budi = tg.user(7102, "Budi", language_code="id")
    summary = await to_summary(tg, budi, shop)
    await settled(tg, budi, budi.id, summary.message_id)
    await shop.stop()
    raw = tg.held_press(budi, budi.id, summary.message_id, "co:ok")
    async with Store(shop.settings.database) as store:
        received = store.now() - timedelta(minutes=20)
        async with store.transaction() as db:
            await inbox_rows.record(db, [(raw["update_id"], budi.id, json.dumps(raw))], received)

    await shop.start()

    note = await tg.wait_bot_message(budi, has(NOT_DONE))
    again = await tg.wait_bot_message(budi, has("Periksa pesanan"))
    assert note.message_id < again.message_id and "co:ok" in again.callback_data()
    orders = await shop.store.fetchall("SELECT number FROM orders WHERE user_id = ?", (budi.id,))
    assert orders == []
    await settled(tg, budi, budi.id, again.message_id)  # the lane's next update: done before
    row = await shop.store.fetchone(
        "SELECT outcome, done_at FROM inbox WHERE update_id = ?", (raw["update_id"],)
    )
    assert row is not None and row["outcome"] == "interrupted" and row["done_at"]
