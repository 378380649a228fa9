"""Renderers of the order's outbox kinds: the staff card, receipts, status notices, shipment,
invoices and low stock. One function per kind."""

from __future__ import annotations

import logging

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
from domain.aftersales import cod
from domain.catalog.catalog import get_product
from domain.fulfilment.invoices import invoice_for_order
from domain.ordering.order_reads import load_order
from domain.ordering.orders import set_staff_message
from domain.ordering.timeline import Audience
from domain.outbox import Kind, OutboxMessage
from handlers.keyboards import follow_up as notice_kb
from handlers.keyboards import staff as staff_kb
from messages.invoice_pdf import render_invoice

log = logging.getLogger(__name__)

CARD_RECENT_EVENTS = 8  # the card shows the newest entries; /order <no> shows them all


@renderer(Kind.ORDER_CARD)
async def order_card(kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage) -> int | None:
    """The order's one card in the staff group: posted once, then edited in place."""
    order = await kit.order_of(message)
    if order.staff_message_id is not None and await outbox.newer_pending(
        kit.store, Kind.ORDER_CARD, order.id, message.id
    ):
        return None  # a later redraw is queued: save the group's rate limit for it
    lang = kit.settings.default_language
    # Edited in place for the order's whole life: always within the limit, or edits fail.
    text = kit.messages.render_order(
        lang,
        "staff_order_card",
        order=order,
        audience=Audience.STAFF,
        recent=CARD_RECENT_EVENTS,
        # Refused COD parcels so far: staff think twice before sending another (issue 9).
        cod_refusals=await cod.refusals_of(kit.store, order.user_id),
    )
    markup = staff_kb.staff_order_actions(kit.messages, lang, order)
    if order.staff_message_id is not None:
        try:
            await bot.edit_message_text(
                text,
                chat_id=chat_id,
                message_id=order.staff_message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        except BadRequest as exc:
            if is_not_modified(exc):
                return order.staff_message_id
            if "not found" not in exc.message.lower():
                raise
            # Someone deleted the card: post it afresh rather than lose the order.
        else:
            return order.staff_message_id
    sent = await bot.send_message(
        chat_id,
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
        message_thread_id=thread(),
    )
    await set_staff_message(kit.store, order.id, sent.message_id)
    return sent.message_id


@renderer(Kind.PAYMENT_PROOF)
async def payment_proof(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    """The customer's transfer receipt, posted under the order's card."""
    order = await kit.order_of(message)
    caption = kit.messages.render_caption(
        kit.settings.default_language, "staff_payment_proof", order=order
    )
    reply = (
        ReplyParameters(order.staff_message_id, allow_sending_without_reply=True)
        if order.staff_message_id
        else None
    )
    sent = await bot.send_photo(
        chat_id,
        message.payload["file_id"],
        caption=caption,
        parse_mode=ParseMode.HTML,
        reply_parameters=reply,
        message_thread_id=thread(),
    )
    return sent.message_id


@renderer(Kind.STATUS_CHANGED)
async def status_changed(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    """Tells the customer, in their language, that their order moved on."""
    return await send_order_notice(
        kit,
        bot,
        chat_id,
        message,
        "notice_status",
        to=message.payload["to"],
        note=message.payload.get("note"),
    )


# ---------------------------------------------------------------- the customer's own actions
# Queued in the transaction of the change (placing, cancelling, confirming arrival): the
# handler only acknowledges the press, so a crash in between loses nothing and nothing is
# said twice.


@renderer(Kind.ORDER_PLACED)
async def order_placed(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    """The order confirmation with the payment instructions (bank details as set now)."""
    order = await kit.order_of(message)
    if order.called_off:
        # Held up (the bot was down) until the order was closed: payment instructions for it
        # would mislead; the customer hears about the closing from its own message.
        log.info(
            "outbox %s: order %s is %s, confirmation dropped",
            message.id,
            order.number,
            order.status,
        )
        return None
    return await send_order_notice(
        kit, bot, chat_id, message, "order_placed", bank=kit.settings.bank
    )


@renderer(Kind.ORDER_CANCELLED)
async def order_cancelled(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    """The customer cancelled their own order: done, and what happens to a payment made."""
    return await send_order_notice(kit, bot, chat_id, message, "order_cancelled")


@renderer(Kind.RECEIVED_THANKS)
async def received_thanks(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    """The customer confirmed their parcel arrived: thanks, the order is delivered."""
    return await send_order_notice(kit, bot, chat_id, message, "received_thanks")


# ---------------------------------------------------------------- staff workflow


def _under_card(order_message_id: int | None) -> ReplyParameters | None:
    if order_message_id is None:
        return None
    return ReplyParameters(order_message_id, allow_sending_without_reply=True)


@renderer(Kind.ORDER_SHIPPED)
async def order_shipped(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    """Shipped: courier, tracking number and link, and a button to confirm arrival."""
    order = await kit.order_of(message)
    lang = await kit.language_of(chat_id)
    url = kit.couriers.tracking_url(order.courier, order.tracking_number)
    text = kit.messages.render(
        lang,
        "notice_shipped",
        order=order,
        tracking_url=url,
        corrected=bool(message.payload.get("corrected")),
    )
    return await send_html(
        bot, chat_id, text, notice_kb.shipped_notice(kit.messages, lang, order, url)
    )


async def _send_invoice(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage, *, staff: bool
) -> int | None:
    assert message.order_id is not None
    invoice = await invoice_for_order(kit.store.reader, message.order_id)
    if invoice is None:
        raise LookupError(f"order {message.order_id} has no invoice")
    order = await load_order(kit.store.reader, message.order_id)
    resent = bool(message.payload.get("resent"))
    if staff:
        lang = kit.settings.default_language
        caption = kit.messages.render_caption(
            lang, "staff_invoice", invoice=invoice, order=order, resent=resent
        )
    else:
        lang = await kit.language_of(chat_id)
        caption = kit.messages.render_caption(lang, "notice_invoice", invoice=invoice, order=order)
    document = InputFile(render_invoice(invoice, kit.messages), filename=invoice.file_name)
    sent = await bot.send_document(
        chat_id,
        document,
        caption=caption,
        parse_mode=ParseMode.HTML,
        reply_parameters=_under_card(order.staff_message_id) if staff else None,
        message_thread_id=thread(),
    )
    return sent.message_id


@renderer(Kind.INVOICE)
async def invoice_to_customer(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    """The invoice PDF, to the customer as a document."""
    return await _send_invoice(kit, bot, chat_id, message, staff=False)


@renderer(Kind.INVOICE_STAFF)
async def invoice_to_staff(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    """The same PDF in the staff group, under the order's card."""
    return await _send_invoice(kit, bot, chat_id, message, staff=True)


@renderer(Kind.LOW_STOCK)
async def low_stock(kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage) -> int | None:
    """One alert when a product drops to or below its threshold."""
    product = await get_product(kit.store, message.payload["sku"], active_only=False)
    if product is None:
        return None
    text = kit.messages.render(
        kit.settings.default_language,
        "staff_low_stock",
        product=product,
        available=message.payload["available"],
        threshold=message.payload["threshold"],
    )
    return await send_html(bot, chat_id, text)
