"""Staff actions on orders: typed commands, card buttons and answers to the bot's prompts.

Every path ends in one OrderDesk call; the card itself is redrawn by the outbox.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import ForceReply, InlineKeyboardMarkup, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from domain import prompts
from domain.errors import (
    AlreadyDone,
    DomainError,
    InvalidInput,
    NotFound,
    StaleAction,
    TransitionNotAllowed,
)
from domain.fulfilment import Result
from domain.invoices import Invoice
from domain.models import Order, Status
from domain.staff_actions import Action
from handlers import callbacks as cb
from handlers import keyboards as kb
from handlers.common import Context
from handlers.pressed import button
from handlers.staff_common import Desk, log

# Errors after which the card on screen is out of date: redraw it.
OVERTAKEN = (AlreadyDone, StaleAction, TransitionNotAllowed)


def command_text(update: Update, parts: int) -> list[str]:
    """The command's words after `/cmd`: `parts - 1` words, then the rest verbatim (a reason
    keeps its line breaks and anything else typed)."""
    message = update.effective_message
    text = (message.text or "") if message else ""
    return text.split(None, parts)[1:]


async def show_usage(desk: Desk, command: str) -> None:
    await desk.reply(
        desk.render(
            "staff_usage", command=command, couriers=desk.deps.couriers.names()
        )
    )


async def report(desk: Desk, action: Action, result: Result, note: str | None = None) -> None:
    await desk.reply(
        desk.render(
            "staff_done",
            action=action,
            order=result.order,
            invoice=result.invoice,
            resent=result.resent,
            note=note,
            actor_name=desk.actor.name,
        )
    )


async def run(
    desk: Desk,
    action: Action,
    call: Callable[[], Awaitable[Result]],
    note: str | None = None,
) -> Result | None:
    """A typed command: do it, then confirm or explain in a reply."""
    try:
        result = await call()
    except DomainError as exc:
        await desk.fail(exc)
        return None
    desk.kick()
    await report(desk, action, result, note)
    return result


# ---------------------------------------------------------------- typed commands


async def verify_command(update: Update, context: Context) -> None:
    desk = Desk(update, context)
    args = command_text(update, 2)
    if not args:
        await show_usage(desk, "verify")
        return
    note = args[1] if len(args) > 1 else None
    await run(desk, Action.VERIFY, lambda: desk.flow.verify(args[0], desk.actor, note), note)


async def reject_command(update: Update, context: Context) -> None:
    await _with_reason(update, context, "reject", Action.REJECT)


async def cancel_command(update: Update, context: Context) -> None:
    await _with_reason(update, context, "cancelorder", Action.CANCEL)


async def _with_reason(update: Update, context: Context, command: str, action: Action) -> None:
    desk = Desk(update, context)
    args = command_text(update, 2)
    if len(args) < 2:
        await show_usage(desk, command)
        return
    number, reason = args
    call = desk.flow.reject if action is Action.REJECT else desk.flow.cancel
    await run(desk, action, lambda: call(number, desk.actor, reason), reason)


async def pack_command(update: Update, context: Context) -> None:
    desk = Desk(update, context)
    args = command_text(update, 1)
    if not args or len(args[0].split()) != 1:
        await show_usage(desk, "pack")
        return
    await run(desk, Action.PACK, lambda: desk.flow.pack(args[0], desk.actor))


async def deliver_command(update: Update, context: Context) -> None:
    desk = Desk(update, context)
    args = command_text(update, 1)
    if not args or len(args[0].split()) != 1:
        await show_usage(desk, "deliver")
        return
    await run(desk, Action.DELIVER, lambda: desk.flow.deliver(args[0], desk.actor))


async def ship_command(update: Update, context: Context) -> None:
    """/ship <no> <courier, may be several words> <tracking number> (or /ship <no> toko)."""
    desk = Desk(update, context)
    words = command_text(update, 99)
    book = desk.deps.couriers
    if len(words) == 2 and book.get(words[1]) is not None:
        number, courier, tracking = words[0], words[1], None
    elif len(words) >= 3:
        number, courier, tracking = words[0], " ".join(words[1:-1]), words[-1]
    else:
        await show_usage(desk, "ship")
        return
    await run(desk, Action.SHIP, lambda: desk.flow.ship(number, desk.actor, courier, tracking))


async def invoice_command(update: Update, context: Context) -> None:
    desk = Desk(update, context)
    args = command_text(update, 1)
    if not args or len(args[0].split()) != 1:
        await show_usage(desk, "invoice")
        return
    await run(
        desk,
        Action.INVOICE,
        lambda: desk.flow.invoice(args[0], desk.actor, source=desk.message_key),
    )


async def note_command(update: Update, context: Context) -> None:
    desk = Desk(update, context)
    args = command_text(update, 2)
    if len(args) < 2:
        await show_usage(desk, "note")
        return
    number, text = args
    await run(
        desk,
        Action.NOTE,
        lambda: desk.flow.note(number, desk.actor, text, source=desk.message_key),
    )


async def order_command(update: Update, context: Context) -> None:
    """/order <no> [page]: the card and the newest history; page 2 on, the earlier history."""
    desk = Desk(update, context)
    args = command_text(update, 99)
    page = parse_page(args[1]) if len(args) == 2 else 1
    if not 1 <= len(args) <= 2 or page is None:
        await show_usage(desk, "order")
        return
    try:
        await post_detail(desk, args[0], page)
    except DomainError as exc:
        await desk.fail(exc)


def parse_page(word: str) -> int | None:
    """A page number as typed: ASCII digits only, 1 to 9999."""
    if not (word.isascii() and word.isdigit()) or len(word) > 4 or int(word) == 0:
        return None
    return int(word)


def detail_text(desk: Desk, order: Order, invoice: Invoice | None, page: int = 1) -> str:
    """The card and a page of the full history, within Telegram's limit."""
    return desk.deps.messages.order_history(desk.lang, order, page, invoice=invoice).text


async def post_detail(desk: Desk, number: str, page: int = 1) -> None:
    order, invoice = await desk.flow.order(number)
    markup = kb.staff_order_actions(desk.deps.messages, desk.lang, order)
    await desk.reply(detail_text(desk, order, invoice, page), markup)


# ---------------------------------------------------------------- card buttons


@button(cb.StaffPress, cb.StaffCourier)
async def staff_button(
    update: Update, context: Context, data: cb.StaffPress | cb.StaffCourier
) -> None:
    """An action pressed on a card (or a detail) in the staff group.

    The data is client-supplied: the chat is checked here and every rule again in the
    domain, so a forged or stale press can do no more than a correct one.
    """
    desk = Desk(update, context)
    if not await desk.button_allowed():
        return
    if isinstance(data, cb.StaffCourier):
        action, number, arg = "courier", data.number, data.courier
    else:
        action, number, arg = data.action, data.number, ""
    try:
        await _press(desk, action, number, arg)
    except DomainError as exc:
        await desk.fail(exc)
        if isinstance(exc, OVERTAKEN):
            await _redraw(desk, number)
    desk.kick()


async def _press(desk: Desk, action: str, number: str, arg: str) -> None:
    flow, actor = desk.flow, desk.actor
    if action == "verify":
        try:
            result = await flow.verify(number, actor)
        except InvalidInput as exc:
            if exc.code != "receipt_missing":
                raise
            await ask(desk, await flow.precheck(number, Status.VERIFIED), Action.VERIFY)
            return
        await _done(desk, result, "done")
    elif action in ("pack", "deliver"):
        call = flow.pack if action == "pack" else flow.deliver
        await _done(desk, await call(number, actor), "done")
    elif action in ("reject", "cancel"):
        target = Status.REJECTED if action == "reject" else Status.CANCELLED
        await ask(desk, await flow.precheck(number, target), Action(action))
    elif action == "note":
        await ask(desk, await flow.precheck(number), Action.NOTE)
    elif action == "ship":
        order = await flow.precheck(number, Status.SHIPPED)
        await desk.answer(desk.render("staff_toast", kind="couriers", order=order))
        couriers = desk.deps.couriers
        await _set_markup(desk, kb.staff_couriers(desk.deps.messages, desk.lang, order, couriers))
    elif action == "courier":
        courier = desk.deps.couriers.get(arg)
        if courier is None:
            raise StaleAction()
        order = await flow.precheck(number, Status.SHIPPED)
        await _set_markup(desk, kb.staff_order_actions(desk.deps.messages, desk.lang, order))
        if courier.tracking_required:
            await ask(desk, order, Action.SHIP, courier=courier.code)
        else:
            await _done(desk, await flow.ship(number, actor, courier.code, None), "done")
    elif action == "back":
        order = await flow.precheck(number)
        await desk.answer(desk.render("staff_toast", kind="back", order=order))
        await _set_markup(desk, kb.staff_order_actions(desk.deps.messages, desk.lang, order))
    elif action == "invoice":
        await _done(desk, await flow.invoice(number, actor), "invoice")
    elif action == "open":
        order = await flow.precheck(number)
        await desk.answer(desk.render("staff_toast", kind="opened", order=order))
        await post_detail(desk, number)


async def _done(desk: Desk, result: Result, kind: str) -> None:
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
    await _refresh_pressed(desk, result.order)


async def _refresh_pressed(desk: Desk, order: Order) -> None:
    query = desk.update.callback_query
    if query is None or query.message is None:
        return
    if query.message.message_id != order.staff_message_id:
        _, invoice = await desk.flow.order(order.number)
        await desk.edit(
            query.message.message_id,
            detail_text(desk, order, invoice),
            kb.staff_order_actions(desk.deps.messages, desk.lang, order),
        )


async def _redraw(desk: Desk, number: str) -> None:
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
            await _refresh_pressed(desk, order)


async def _set_markup(desk: Desk, markup: InlineKeyboardMarkup | None) -> None:
    query = desk.update.callback_query
    if query is None or query.message is None:
        return
    try:
        await query.edit_message_reply_markup(reply_markup=markup)
    except TelegramError as exc:  # an unchanged or vanished message: the press still counts
        log.info("could not change the buttons: %s", exc)


# ---------------------------------------------------------------- prompts


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


async def prompt_reply(update: Update, context: Context) -> None:
    """A reply in the staff group to one of the bot's questions."""
    message = update.effective_message
    if message is None or message.reply_to_message is None:
        return
    target = message.reply_to_message
    if target.from_user is None or target.from_user.id != context.bot.id:
        return  # staff talking among themselves
    desk = Desk(update, context)
    prompt = await prompts.find_prompt(desk.deps.store, message.chat.id, target.message_id)
    if prompt is None:
        return
    if prompt.closed:
        await desk.fail(InvalidInput("prompt_closed"))
        return
    text = message.text or ""
    try:
        order = await desk.flow.order_by_id(prompt.order_id)
        result = await _answer(desk, prompt, order.number, text)
    except DomainError as exc:
        if isinstance(exc, OVERTAKEN):  # the question no longer applies
            await prompts.close_prompt(desk.deps.store, prompt.chat_id, prompt.message_id)
            await desk.edit(prompt.message_id, desk.error_text(exc), None)
        await desk.fail(exc)
        return
    await prompts.close_prompt(desk.deps.store, prompt.chat_id, prompt.message_id)
    desk.kick()
    done = desk.render(
        "staff_done",
        action=prompt.action,
        order=result.order,
        invoice=result.invoice,
        resent=result.resent,
        note=text if prompt.action is not Action.SHIP else None,
        actor_name=desk.actor.name,
    )
    await desk.edit(prompt.message_id, done, None)


async def _answer(desk: Desk, prompt: prompts.Prompt, number: str, text: str) -> Result:
    flow, actor = desk.flow, desk.actor
    if prompt.action is Action.SHIP:
        return await flow.ship(number, actor, prompt.courier or "", text)
    if prompt.action is Action.REJECT:
        return await flow.reject(number, actor, text)
    if prompt.action is Action.CANCEL:
        return await flow.cancel(number, actor, text)
    if prompt.action is Action.VERIFY:
        return await flow.verify(number, actor, text)
    return await flow.note(number, actor, text, source=desk.message_key)
