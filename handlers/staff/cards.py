"""An order as staff see it in the group: its detail (card and history), the buttons under
a pressed message, the toast that confirms a press, and the questions the bot asks (a
prompt, answered by replying to it)."""

from __future__ import annotations

from telegram import ForceReply, InlineKeyboardMarkup, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import TelegramError

from domain.errors import NotFound
from domain.fulfilment import prompts
from domain.fulfilment.desk import Result
from domain.fulfilment.invoices import Invoice
from domain.models import Order
from domain.ordering.staff_actions import Action
from handlers.keyboards import staff as kb
from handlers.staff import complaint_card
from handlers.staff.desk import Desk, log


def parse_page(word: str) -> int | None:
    """A page number as typed: ASCII digits only, 1 to 9999."""
    if not (word.isascii() and word.isdigit()) or len(word) > 4 or int(word) == 0:
        return None
    return int(word)


def detail_text(desk: Desk, order: Order, invoice: Invoice | None, page: int = 1) -> str:
    """The card and a page of the full history, within Telegram's limit."""
    return desk.deps.messages.order_history(desk.lang, order, page, invoice=invoice).text


def order_actions(desk: Desk, order: Order) -> InlineKeyboardMarkup | None:
    return kb.staff_order_actions(desk.deps.messages, desk.lang, order)


async def post_detail(desk: Desk, number: str, page: int = 1) -> None:
    order, invoice = await desk.flow.order(number)
    await desk.reply(detail_text(desk, order, invoice, page), order_actions(desk, order))
    if page == 1:  # after-sales (part B): its history under the detail, when there is one
        deps = desk.deps
        history = await complaint_card.timeline_text(deps.store, deps.messages, desk.lang, order)
        if history is not None:
            await desk.reply(history)


async def toast_done(desk: Desk, result: Result, kind: str) -> None:
    """Confirm the press; the living card is redrawn by the outbox, any other copy here."""
    await desk.answer(
        desk.render(
            "staff_toast",
            kind=kind,
            order=result.order,
            invoice=result.invoice,
            resent=result.resent,
        )
    )
    await refresh_pressed(desk, result.order)


async def refresh_pressed(desk: Desk, order: Order) -> None:
    query = desk.update.callback_query
    if query is None or query.message is None:
        return
    if query.message.message_id != order.staff_message_id:
        _, invoice = await desk.flow.order(order.number)
        await desk.edit(
            query.message.message_id, detail_text(desk, order, invoice), order_actions(desk, order)
        )


async def redraw(desk: Desk, number: str) -> None:
    """Someone else moved the order: show its current state where it was pressed."""
    try:
        order = await desk.flow.precheck(number)
    except NotFound:
        return
    query = desk.update.callback_query
    if query is not None and query.message is not None:
        if query.message.message_id == order.staff_message_id:
            await desk.flow.refresh_card(order.id)
        else:
            await refresh_pressed(desk, order)


async def set_markup(desk: Desk, markup: InlineKeyboardMarkup | None) -> None:
    query = desk.update.callback_query
    if query is None or query.message is None:
        return
    try:
        await query.edit_message_reply_markup(reply_markup=markup)
    except TelegramError as exc:  # an unchanged or vanished message: the press still counts
        log.info("could not change the buttons: %s", exc)


async def ask(desk: Desk, order: Order, action: Action, *, courier: str | None = None) -> None:
    """Post a question under the pressed message; staff answer by replying to it."""
    query = desk.update.callback_query
    chat_id = desk.chat_id
    assert chat_id is not None
    found = desk.deps.couriers.get(courier) if courier else None
    text = desk.render(
        "staff_prompt",
        action=action,
        order=order,
        actor_id=desk.actor.id or 0,
        actor_name=desk.actor.name,
        courier=found.name if found else "",
        example=found.example if found else "",
    )
    placeholder = desk.render("staff_prompt_placeholder", action=action)
    reply_to = (
        ReplyParameters(query.message.message_id, allow_sending_without_reply=True)
        if query is not None and query.message is not None
        else None
    )
    sent = await desk.context.bot.send_message(
        chat_id,
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=ForceReply(selective=True, input_field_placeholder=placeholder[:64]),
        reply_parameters=reply_to,
        message_thread_id=desk.thread_id,
    )
    await prompts.open_prompt(
        desk.deps.store,
        chat_id,
        sent.message_id,
        order.id,
        action,
        courier=courier,
        created_by=desk.actor.id,
    )
    await desk.answer(desk.render("staff_toast", kind="prompt", order=order))
