"""The checkout's current step is the persisted conversation state, and only that: a
conversation saved by an older version (whose draft also held a "step") resumes where it
was, and the draft no longer records the step."""

from __future__ import annotations

import json

from domain.ordering import orders
from domain.store import Store
from tests.e2e.harness import RunningBot
from tests.e2e.test_customer_bad_input import fill_cart, text_of


async def test_a_draft_saved_with_a_step_resumes_at_the_saved_state(shop: RunningBot) -> None:
    tg = shop.tg
    sari = tg.user(8501, "Sari")
    await fill_cart(shop, sari, "TEH-MELATI-100", 2)
    await shop.stop()
    # What the older checkout left at the payment step: the state, and the step in the draft.
    old_draft = {
        "key": orders.new_checkout_key(),
        "step": "payment",
        "name": "Sari Dewi",
        "phone": "+6281298765432",
        "address": "Jl. Kenanga No. 1, Bandung 40111",
        "shipping": "reg",
    }
    async with Store(shop.settings.database, shop.clock) as store, store.transaction() as db:
        await db.execute(
            "INSERT INTO ptb_conversations (name, key, state) VALUES (?, ?, ?)",
            ("shopping", json.dumps([sari.id, sari.id]), json.dumps("payment")),
        )
        await db.execute(
            "INSERT INTO ptb_data (scope, id, data) VALUES ('user', ?, ?)",
            (sari.id, json.dumps({"checkout": old_draft})),
        )
    await shop.start()

    await tg.send_text(sari, "/back")  # one step back from payment: shipping
    shipping = await tg.wait_bot_message(sari, lambda m: "Pengiriman" in text_of(m))
    await tg.press(sari, shipping, "co:ship:reg")
    payment = await tg.wait_bot_message(sari, lambda m: "Pembayaran" in text_of(m))
    await tg.press(sari, payment, "co:pay:transfer")
    note = await tg.wait_bot_message(sari, lambda m: "Catatan" in text_of(m))
    assert shop.app is not None
    draft = shop.app.user_data[sari.id]["checkout"]
    assert draft["payment"] == "transfer"
    assert draft.get("step") == "payment"  # the old entry is left alone: nothing reads it
    await tg.press(sari, note, "co:skip")
    summary = await tg.wait_bot_message(sari, lambda m: "Periksa pesanan" in text_of(m))
    assert "Sari Dewi" in text_of(summary)
    await tg.press(sari, summary, "co:ok")
    await tg.wait_edit(summary, lambda m: "Periksa pesanan" not in text_of(m))
    rows = await shop.store.fetchall("SELECT number FROM orders WHERE user_id = ?", (sari.id,))
    assert len(rows) == 1
    # The draft is dropped last, after the acknowledgement above has gone out.
    app = shop.app
    await tg.wait_for(lambda: "checkout" not in app.user_data[sari.id], what="the draft dropped")


async def test_the_draft_holds_answers_only(shop: RunningBot) -> None:
    tg = shop.tg
    sari = tg.user(8502, "Sari")
    await fill_cart(shop, sari, "TEH-MELATI-100", 1)
    await tg.send_text(sari, "/checkout")
    await tg.wait_bot_message(sari, lambda m: "Nama penerima" in text_of(m))
    await tg.send_text(sari, "Sari Dewi")
    await tg.wait_bot_message(sari, lambda m: "Nomor HP" in text_of(m))
    assert shop.app is not None
    assert set(shop.app.user_data[sari.id]["checkout"]) == {"key", "name"}
