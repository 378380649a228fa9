"""How each kind of outbox message is rendered and sent. One function per kind."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from telegram import Bot, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest

from domain.customers import language_of
from domain.orders import load_order, set_staff_message
from domain.outbox import OutboxMessage
from handlers import keyboards

if TYPE_CHECKING:
    from bot.deps import Deps

Renderer = Callable[["Deps", Bot, int, OutboxMessage], Awaitable[int | None]]
RENDERERS: dict[str, Renderer] = {}


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    def register(func: Renderer) -> Renderer:
        RENDERERS[kind] = func
        return func

    return register


def is_not_modified(exc: BadRequest) -> bool:
    return "not modified" in exc.message.lower()


@renderer("order_card")
async def order_card(deps: Deps, bot: Bot, chat_id: int, message: OutboxMessage) -> int | None:
    """The order's one card in the staff group: posted once, then edited in place."""
    assert message.order_id is not None
    order = await load_order(deps.store.reader, message.order_id)
    lang = deps.settings.default_language
    text = deps.messages.render(lang, "staff_order_card", order=order)
    markup = keyboards.staff_order_actions(deps.messages, lang, order)
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
            if not is_not_modified(exc):
                raise
        return order.staff_message_id
    sent = await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup)
    await set_staff_message(deps.store, order.id, sent.message_id)
    return sent.message_id


@renderer("payment_proof")
async def payment_proof(deps: Deps, bot: Bot, chat_id: int, message: OutboxMessage) -> int | None:
    """The customer's transfer receipt, posted under the order's card."""
    assert message.order_id is not None
    order = await load_order(deps.store.reader, message.order_id)
    caption = deps.messages.render(
        deps.settings.default_language, "staff_payment_proof", order=order
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
    )
    return sent.message_id


@renderer("status_changed")
async def status_changed(deps: Deps, bot: Bot, chat_id: int, message: OutboxMessage) -> int | None:
    """Tells the customer, in their language, that their order moved on."""
    assert message.order_id is not None
    order = await load_order(deps.store.reader, message.order_id)
    lang = await language_of(deps.store, chat_id, deps.settings.default_language)
    text = deps.messages.render(
        lang,
        "notice_status",
        order=order,
        to=message.payload["to"],
        note=message.payload.get("note"),
    )
    markup = keyboards.order_notice(deps.messages, lang, order)
    sent = await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup)
    return sent.message_id
