"""Renderers of the after-sales outbox kinds (domain/aftersales): the customer's notices at
every step of a complaint or refund, the staff group's complaint card (with its buttons) and
evidence, and simple staff notices."""

from __future__ import annotations

from telegram import Bot, InputFile, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.notices.registry import (
    NoticeKit,
    is_not_modified,
    renderer,
    send_html,
    send_order_notice,
    thread,
)
from domain import outbox
from domain.aftersales import complaints, credit_notes, reads, refund_reads
from domain.aftersales import refunds as refund_service
from domain.errors import NotFound
from domain.outbox import Kind, OutboxMessage
from handlers.keyboards import complaint as complaint_kb
from handlers.keyboards import refunds as refund_kb
from handlers.staff import complaint_card as complaint_cards
from messages.credit_note_pdf import render_credit_note

# ---------------------------------------------------------------- the customer


@renderer(Kind.COMPLAINT_STATUS)
async def complaint_status(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    p = message.payload
    complaint = await reads.complaint(kit.store, p["complaint_id"])
    order = await kit.order_of(message)
    lang = await kit.language_of(chat_id)
    text = kit.messages.render(
        lang, "aftersales_complaint_status", order=order,
        complaint=complaint, to=p["to"], note=p.get("note"), solution=p.get("solution"),
        courier=p.get("courier"), tracking=p.get("tracking"), rts=p.get("rts", False),
    )
    # The step the customer takes next, while it is still theirs to take (the complaint as it
    # is now: a notice sent late offers no button that is already out of date).
    rows = complaint_kb.notice_rows(kit.messages, lang, complaint) if p["to"] in (
        "needs_evidence", "approved"
    ) else []
    return await send_html(
        bot, chat_id, text, complaint_kb.with_order(kit.messages, lang, rows, order.number)
    )


@renderer(Kind.REFUND_DUE)
async def refund_due(kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage) -> int | None:
    """What is owed, with the button that starts giving bank details (part C)."""
    p = message.payload
    last = await refund_service.last_bank_details(kit.store, chat_id)
    order = await kit.order_of(message)
    lang = await kit.language_of(chat_id)
    found = await refund_reads.refund(kit.store, p["refund_id"])
    text = kit.messages.render(
        lang, "aftersales_refund_due", order=order,
        amount=p["amount"], changed=p.get("changed", False), last_bank=last,
    )
    return await send_html(
        bot, chat_id, text, refund_kb.refund_notice(kit.messages, lang, order, found, last)
    )


@renderer(Kind.REFUND_PAID)
async def refund_paid(kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage) -> int | None:
    """The staff's proof of transfer, to the customer."""
    p = message.payload
    order = await kit.order_of(message)
    lang = await kit.language_of(chat_id)
    caption = kit.messages.render_caption(
        lang, "aftersales_refund_paid", order=order, amount=p["amount"],
        credit_note=p["credit_note"],
    )
    sent = await bot.send_photo(chat_id, p["file_id"], caption=caption, parse_mode=ParseMode.HTML)
    return sent.message_id


@renderer(Kind.CREDIT_NOTE)
async def credit_note(kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage) -> int | None:
    """The credit note's PDF (the same bytes every time it is sent)."""
    note = await credit_notes.by_number(kit.store, message.payload["number"])
    if note is None:
        return None
    order = await kit.order_of(message)
    lang = await kit.language_of(chat_id)
    caption = kit.messages.render_caption(
        lang, "aftersales_credit_note", order=order, number=note.number
    )
    document = InputFile(render_credit_note(note, kit.messages), filename=note.file_name)
    sent = await bot.send_document(chat_id, document, caption=caption, parse_mode=ParseMode.HTML)
    return sent.message_id


@renderer(Kind.FOLLOW_UP_SHIPPED)
async def follow_up_shipped(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    p = message.payload
    return await send_order_notice(
        kit, bot, chat_id, message, "aftersales_follow_up_shipped",
        courier=p["courier"], tracking=p.get("tracking"), corrected=p.get("corrected", False),
        link=kit.couriers.tracking_url(p["courier"], p.get("tracking")),
    )


@renderer(Kind.AFTERSALES_REMINDER)
async def aftersales_reminder(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    p = message.payload
    what = p["what"]
    order = await kit.order_of(message)
    lang = await kit.language_of(chat_id)
    text = kit.messages.render(lang, "aftersales_reminder", order=order, what=what)
    if what == "return_shipment":
        # The return still owed: the reminder carries the button to enter its tracking number.
        found = await reads.complaint_for_order(kit.store, order.id)
        rows = complaint_kb.notice_rows(kit.messages, lang, found) if found else []
        markup = complaint_kb.with_order(kit.messages, lang, rows, order.number)
    elif what == "bank_details" and "refund_id" in p:
        # Bank details owed: the reminder carries the button that gives them.
        try:
            refund = await refund_reads.refund(kit.store, p["refund_id"])
        except NotFound:
            return None
        last = await refund_service.last_bank_details(kit.store, chat_id)
        markup = refund_kb.refund_notice(kit.messages, lang, order, refund, last)
    else:
        return await send_order_notice(kit, bot, chat_id, message, "aftersales_reminder", what=what)
    return await send_html(
        bot, chat_id, text, markup
    )


# ---------------------------------------------------------------- the staff group


@renderer(Kind.COMPLAINT_CARD)
async def complaint_card(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    """The complaint's one card in the staff group: posted once, then edited in place, with
    the buttons its status allows (handlers/staff/complaint_card.py draws it)."""
    found = await reads.complaint(kit.store, message.payload["complaint_id"])
    if found.card_message_id is not None and await outbox.newer_pending(
        kit.store, Kind.COMPLAINT_CARD, found.order_id, message.id
    ):
        return None  # a later redraw is queued
    card = await complaint_cards.build(
        kit.store, kit.messages, kit.settings.default_language, found.id
    )
    if found.card_message_id is not None:
        try:
            await bot.edit_message_text(
                card.text, chat_id=chat_id, message_id=found.card_message_id,
                parse_mode=ParseMode.HTML, reply_markup=card.markup,
            )
        except BadRequest as exc:
            if is_not_modified(exc):
                return found.card_message_id
            if "not found" not in exc.message.lower():
                raise
            # Someone deleted the card: post it afresh rather than lose the complaint.
        else:
            return found.card_message_id
    sent_id = await send_html(bot, chat_id, card.text, card.markup)
    await complaints.set_card_message(kit.store, found.id, sent_id)
    return sent_id


@renderer(Kind.COMPLAINT_EVIDENCE)
async def complaint_evidence(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    """A photo or video the customer sent, under the complaint's card."""
    p = message.payload
    order = await kit.order_of(message)
    found = await reads.complaint(kit.store, p["complaint_id"])
    caption = kit.messages.render_caption(
        kit.settings.default_language, "aftersales_staff_evidence", order=order, kind=p["kind"]
    )
    reply = (
        ReplyParameters(found.card_message_id, allow_sending_without_reply=True)
        if found.card_message_id
        else None
    )
    send = bot.send_video if p["kind"] == "video" else bot.send_photo
    sent = await send(
        chat_id,
        p["file_id"],
        caption=caption,
        parse_mode=ParseMode.HTML,
        reply_parameters=reply,
        message_thread_id=thread(),
    )
    return sent.message_id


@renderer(Kind.REFUND_STAFF)
async def refund_staff(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    """The refund's own message in the group (not the complaint card), with the actions its
    status allows now; the full account number only while staff must transfer (part C)."""
    p = message.payload
    order = await kit.order_of(message)
    lang = kit.settings.default_language
    found = await refund_reads.refund(kit.store, p["refund_id"])
    text = kit.messages.render(
        lang, "aftersales_staff_refund", order=order, refund=found,
        amount=p["amount"], event=p["event"], credit_note=p.get("credit_note"),
    )
    return await send_html(bot, chat_id, text, refund_kb.staff_refund(kit.messages, lang, found))


@renderer(Kind.COMPLAINT_NUDGE)
async def complaint_nudge(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    p = message.payload
    order = await kit.order_of(message)
    text = kit.messages.render(
        kit.settings.default_language, "aftersales_staff_nudge", order=order,
        what=p.get("what", "complaint"), hours=p["hours"],
    )
    return await send_html(bot, chat_id, text)
