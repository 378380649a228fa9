"""The customer's complaint notices carry the button for the step the customer owes
(issue 9, part A), read from the complaint as it is when the notice goes out: more evidence
when staff ask, the return's tracking number when the goods are to come back (also on the
scheduled reminder), nothing otherwise."""

from __future__ import annotations

from domain import outbox
from domain.aftersales import complaints
from domain.aftersales.models import ComplaintReason, Solution
from domain.outbox import Kind
from domain.store import Store
from tests.integration.aftersales_support import complain, delivered
from tests.integration.staff_support import SARI
from tests.integration.test_aftersales import COURIERS
from tests.integration.test_aftersales_outbox import VideoBot
from tests.integration.test_staff_outbox import make_sender


def buttons(kw: dict) -> list[str]:  # type: ignore[type-arg]
    markup = kw.get("reply_markup")
    if not markup:
        return []
    return [b.callback_data for row in markup.inline_keyboard for b in row if b.callback_data]


async def test_each_notice_offers_what_the_customer_owes_now(seeded_store: Store) -> None:
    store = seeded_store
    bot, sender = VideoBot(), make_sender(store)
    order = await delivered(store, 1001)
    c = await complain(store, order)
    await sender.run(bot)  # type: ignore[arg-type]
    opened = [kw for chat, kw in bot.sent("send_message") if chat == 1001][-1]
    assert buttons(opened) == [f"o:view:{order.number}"]  # nothing owed while staff look

    await complaints.ask_evidence(store, c.id, SARI, "Foto kardusnya")
    await sender.run(bot)  # type: ignore[arg-type]
    asked = [kw for chat, kw in bot.sent("send_message") if chat == 1001][-1]
    assert buttons(asked) == [f"cp:ev:{c.id}", f"o:view:{order.number}"]

    await complaints.approve(store, c.id, SARI, Solution.RETURN_REFUND)
    async with store.transaction() as db:
        await outbox.enqueue(db, audience="customer", chat_id=1001, kind=Kind.AFTERSALES_REMINDER,
                             order_id=order.id, now=store.now(),
                             payload={"what": "return_shipment"})
    await sender.run(bot)  # type: ignore[arg-type]
    to_customer = [kw for chat, kw in bot.sent("send_message") if chat == 1001]
    approved = next(kw for kw in to_customer if "Disetujui" in kw["text"])
    reminder = next(kw for kw in to_customer if "Pengingat" in kw["text"])
    assert f"cp:rt:{c.id}" in buttons(approved) and f"cp:rt:{c.id}" in buttons(reminder)

    # Once the tracking number is in, a late notice offers it no more.
    await complaints.record_return_shipment(store, COURIERS, c.id, "jnt", "JP5555555555", SARI)
    await sender.run(bot)  # type: ignore[arg-type]
    last = [kw for chat, kw in bot.sent("send_message") if chat == 1001][-1]
    assert not any(d.startswith("cp:") for d in buttons(last))


async def test_a_refund_only_approval_asks_for_no_return(seeded_store: Store) -> None:
    store = seeded_store
    bot, sender = VideoBot(), make_sender(store)
    order = await delivered(store, 1001)
    c = await complain(store, order, ComplaintReason.DAMAGED, Solution.REFUND_ONLY)
    await complaints.approve(store, c.id, SARI, Solution.REFUND_ONLY)
    await sender.run(bot)  # type: ignore[arg-type]
    texts = [kw for chat, kw in bot.sent("send_message") if chat == 1001]
    assert texts and all(not any(d.startswith("cp:") for d in buttons(kw)) for kw in texts)
