"""Staff on orders in the group: /order (the detail), presses on a card's buttons and
replies to the bot's questions. What each action does is in handlers.staff.actions; every
path ends in one OrderDesk call, and the card itself is redrawn by the outbox.
"""

from __future__ import annotations

from telegram import Update

from domain.aftersales import staff_prompts
from domain.errors import AlreadyDone, DomainError, InvalidInput, StaleAction, TransitionNotAllowed
from domain.fulfilment import prompts
from domain.ordering.staff_actions import Action
from handlers import callbacks as cb
from handlers.common import Context
from handlers.pressed import button
from handlers.staff import complaints
from handlers.staff.actions import ACTIONS, answer_prompt, press, press_courier
from handlers.staff.cards import order_actions, parse_page, post_detail, redraw, set_markup
from handlers.staff.desk import Desk, command_text, show_usage

# Errors after which the card on screen is out of date: redraw it.
OVERTAKEN = (AlreadyDone, StaleAction, TransitionNotAllowed)


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


# ---------------------------------------------------------------- card buttons


@button(cb.StaffPress, cb.StaffCourier)
async def staff_button(
    update: Update, context: Context, data: cb.StaffPress | cb.StaffCourier
) -> None:
    """A button pressed on a card (or a detail) in the staff group.

    The data is client-supplied: the chat is checked here and every rule again in the
    domain, so a forged or stale press can do no more than a correct one.
    """
    desk = Desk(update, context)
    if not await desk.button_allowed():
        return
    try:
        if isinstance(data, cb.StaffCourier):
            await press_courier(desk, data.number, data.courier)
        elif data.action in ACTIONS:
            await press(desk, Action(data.action), data.number)
        else:
            await _browse(desk, data.action, data.number)
    except DomainError as exc:
        await desk.fail(exc)
        if isinstance(exc, OVERTAKEN):
            await redraw(desk, data.number)
    desk.kick()


async def _browse(desk: Desk, press: str, number: str) -> None:
    """Presses that change nothing: back from the courier choice, open an order's detail."""
    order = await desk.flow.precheck(number)
    if press == "back":
        await desk.answer(desk.render("staff_toast", kind="back", order=order))
        await set_markup(desk, order_actions(desk, order))
    elif press == "open":
        await desk.answer(desk.render("staff_toast", kind="opened", order=order))
        await post_detail(desk, number)


# ---------------------------------------------------------------- prompts


async def prompt_reply(update: Update, context: Context) -> None:
    """A reply in the staff group to one of the bot's questions."""
    message = update.effective_message
    if message is None or message.reply_to_message is None:
        return
    target = message.reply_to_message
    if target.from_user is None or target.from_user.id != context.bot.id:
        return  # staff talking among themselves
    desk = Desk(update, context)
    question = await staff_prompts.find(desk.deps.store, message.chat.id, target.message_id)
    if isinstance(question, staff_prompts.ComplaintPrompt):  # after-sales, part B
        await complaints.prompt_reply(update, context, question)
        return
    if question is not None:
        return  # a refund's question: handlers/staff/refunds.py answers it
    prompt = await prompts.find_prompt(desk.deps.store, message.chat.id, target.message_id)
    if prompt is None:
        return
    if prompt.closed:
        await desk.fail(InvalidInput("prompt_closed"))
        return
    text = message.text or ""
    try:
        order = await desk.flow.order_by_id(prompt.order_id)
        done = await answer_prompt(desk, prompt, order.number, text)
    except DomainError as exc:
        if isinstance(exc, OVERTAKEN):  # the question no longer applies
            await prompts.close_prompt(desk.deps.store, prompt.chat_id, prompt.message_id)
            await desk.edit(prompt.message_id, desk.error_text(exc), None)
        await desk.fail(exc)
        return
    await prompts.close_prompt(desk.deps.store, prompt.chat_id, prompt.message_id)
    desk.kick()
    await desk.edit(prompt.message_id, done, None)
