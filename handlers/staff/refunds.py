"""Refunds in the staff group (issue 9, part C): the buttons on a refund's own message
(REFUND_STAFF, rendered by bot/notices/aftersales.py) and the answers to the questions they
ask, given by replying: the proof photo of the transfer (refunds.mark_paid: the customer
gets the proof and the credit note PDF through the outbox), a new amount, a reason to call
the refund off.

The open questions are kept in the store (domain/aftersales/staff_prompts.py, beside the
complaints' questions), so a restart loses none. The domain checks every rule again in its
transaction: a second reply, a reply by someone else at the
same moment or a press on an old message can do no more than the first (AlreadyDone).
"""

from __future__ import annotations

from telegram import ForceReply, Message, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from domain.aftersales import refund_reads
from domain.aftersales import refunds as refund_service
from domain.aftersales import staff_prompts as asks
from domain.aftersales.models import Refund
from domain.errors import (
    AlreadyDone,
    DomainError,
    InvalidInput,
    NotFound,
    StaleAction,
    TransitionNotAllowed,
)
from domain.validation import parse_rupiah
from handlers.callbacks import refunds as rcb
from handlers.common import Context
from handlers.keyboards import refunds as kb
from handlers.pressed import button
from handlers.staff.cards import set_markup
from handlers.staff.desk import Desk

# Replies are read in their own handler group: the order prompts' handler (group 0) sees
# every reply in the group and ignores the ones that are not its own.
REPLY_GROUP = 1
# The refund moved on: the question or the pressed message no longer applies.
OVERTAKEN = (AlreadyDone, StaleAction, TransitionNotAllowed, NotFound)


def state_text(desk: Desk, found: Refund) -> str:
    return desk.render("refund_staff_state", refund=found)


# ---------------------------------------------------------------- buttons


@button(rcb.RefundStaffPress)
async def refund_button(update: Update, context: Context, data: rcb.RefundStaffPress) -> None:
    desk = Desk(update, context)
    if not await desk.button_allowed():
        return
    try:
        if data.action == "paid":
            found = await refund_reads.payable(desk.deps.store, data.refund_id)
        else:
            found = await refund_reads.refund(desk.deps.store, data.refund_id)
            if found.status not in kb.OPEN:
                raise StaleAction()
    except NotFound:
        await desk.fail(StaleAction())
        return
    except StaleAction:
        await _overtaken(desk, data.refund_id)
        return
    except DomainError as exc:
        await desk.fail(exc)
        return
    await _ask(desk, found, data.action)


async def _overtaken(desk: Desk, refund_id: int) -> None:
    """Say what became of the refund, and take the buttons off the pressed message."""
    try:
        found = await refund_reads.refund(desk.deps.store, refund_id)
    except NotFound:
        await desk.fail(StaleAction())
        return
    await desk.answer(state_text(desk, found), alert=True)
    await set_markup(desk, kb.staff_refund(desk.deps.messages, desk.lang, found))


async def _ask(desk: Desk, found: Refund, action: str) -> None:
    """Post the question under the pressed message; staff answer by replying to it."""
    query = desk.update.callback_query
    chat_id = desk.chat_id
    assert chat_id is not None
    reply_to = (
        ReplyParameters(query.message.message_id, allow_sending_without_reply=True)
        if query is not None and query.message is not None
        else None
    )
    sent = await desk.context.bot.send_message(
        chat_id,
        desk.render("refund_staff_prompt", refund=found, action=action,
                    actor_name=desk.actor.name),
        parse_mode=ParseMode.HTML,
        reply_markup=ForceReply(
            selective=True,
            input_field_placeholder=desk.render("refund_staff_placeholder", action=action)[:64],
        ),
        reply_parameters=reply_to,
        message_thread_id=desk.thread_id,
    )
    await asks.open_refund_prompt(
        desk.deps.store, chat_id, sent.message_id, found.order_id, found.id,
        asks.RefundAsk(action), created_by=desk.actor.id,
    )
    await desk.answer(desk.render("refund_staff_toast", action=action, refund=found))


# ---------------------------------------------------------------- replies


async def refund_reply(update: Update, context: Context) -> None:
    """A reply in the staff group: if it answers one of the refund questions, do it."""
    message = update.effective_message
    if message is None or message.reply_to_message is None:
        return
    target = message.reply_to_message
    if target.from_user is None or target.from_user.id != context.bot.id:
        return
    desk = Desk(update, context)
    asked = await asks.find(desk.deps.store, message.chat.id, target.message_id)
    if not isinstance(asked, asks.RefundPrompt):
        return  # not a refund question
    if asked.closed:
        await desk.fail(InvalidInput("prompt_closed"))
        return
    refund_id, action = asked.refund_id, str(asked.ask)
    try:
        done = await _answer(desk, message, refund_id, action)
    except OVERTAKEN:
        await asks.close(desk.deps.store, asked.chat_id, asked.message_id)
        found = await refund_reads.refund(desk.deps.store, refund_id)
        await desk.edit(target.message_id, state_text(desk, found), None)
        await desk.reply(state_text(desk, found))
        return
    except DomainError as exc:  # a wrong answer: say why, the question stays open
        await desk.fail(exc)
        return
    await asks.close(desk.deps.store, asked.chat_id, asked.message_id)
    desk.kick()
    await desk.edit(target.message_id, done, None)
    await _close_others(desk, refund_id)


async def _close_others(desk: Desk, refund_id: int) -> None:
    """Other questions still open about this refund (another staff member pressed too) no
    longer apply: they say what became of it, and the account number leaves the group."""
    others = await asks.open_refund_prompts(desk.deps.store, refund_id)
    if not others:
        return
    text = state_text(desk, await refund_reads.refund(desk.deps.store, refund_id))
    for asked in others:
        if await asks.close(desk.deps.store, asked.chat_id, asked.message_id):
            await desk.edit(asked.message_id, text, None)


async def _answer(desk: Desk, message: Message, refund_id: int, action: str) -> str:
    store, actor = desk.deps.store, desk.actor
    if action == "paid":
        if not message.photo:
            raise InvalidInput("refund_proof_photo")
        paid = await refund_service.mark_paid(
            store, refund_id, actor, message.photo[-1].file_id, desk.deps.desk.policy.issuer,
            default_language=desk.deps.settings.default_language,
        )
        return desk.render("refund_staff_done", action=action, refund=paid.refund,
                           actor_name=actor.name, note=None)
    text = (message.text or "").strip()
    if action == "amount":
        try:
            amount = parse_rupiah(text)
        except InvalidInput:
            raise InvalidInput("refund_amount_typed") from None
        found = await refund_service.set_amount(store, refund_id, amount, actor)
    else:
        found = await refund_service.cancel(store, refund_id, actor, text)
    return desk.render("refund_staff_done", action=action, refund=found, actor_name=actor.name,
                       note=text if action == "cancel" else None)


def register(app: Application, staff: filters.BaseFilter) -> None:  # type: ignore[type-arg]
    """Called by handlers.staff.register (before the customer fallbacks)."""
    app.add_handler(CallbackQueryHandler(refund_button, pattern=rcb.RefundStaffPress.pattern()))
    app.add_handler(
        MessageHandler(
            staff & filters.REPLY & (filters.PHOTO | (filters.TEXT & ~filters.COMMAND)),
            refund_reply,
        ),
        group=REPLY_GROUP,
    )
