"""Staff on complaints in the group (part B): the complaint card's buttons, the bot's questions
about a complaint answered by replying, "returned to sender" on a COD order's card, and the
commands /returns [status] and /return <no>.

Every press is untrusted: the data is parsed strictly (handlers.pressed), the chat checked here,
and every rule again in domain/aftersales, whose compare-and-set makes a repeated or concurrent
press harmless (AlreadyDone names who got there first)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from typing import Any, ClassVar

from telegram import ForceReply, InlineKeyboardMarkup, ReplyParameters, Update
from telegram.constants import ParseMode

from domain.aftersales import cod, complaints, inspection, reads, shipments
from domain.aftersales import staff_prompts as asks
from domain.aftersales.models import Complaint, ComplaintView
from domain.aftersales.timeline import EventKind
from domain.errors import (
    AlreadyDone,
    DomainError,
    InvalidInput,
    NotFound,
    StaleAction,
    TransitionNotAllowed,
)
from domain.ordering.order_reads import order_by_number
from domain.ordering.timeline import Audience
from handlers import callbacks as cb
from handlers.common import Context
from handlers.keyboards import aftersales as kb
from handlers.keyboards import staff as staff_kb
from handlers.keyboards.base import button as make_button
from handlers.pressed import button
from handlers.staff import complaint_card
from handlers.staff.cards import redraw as redraw_order
from handlers.staff.cards import set_markup
from handlers.staff.desk import STAFF_ERRORS, Desk, command_text, show_usage

# Errors after which what is on screen is out of date: redraw it.
OVERTAKEN = (AlreadyDone, StaleAction, TransitionNotAllowed)
Pressed = (
    cb.ComplaintPress
    | cb.ComplaintSolution
    | cb.StaffComplaintCourier
    | cb.ComplaintLine
    | cb.ComplaintInspect
    | cb.OrderRts
)


class ComplaintDesk(Desk):
    """The Desk, with the generic errors told about the complaint rather than the order."""

    error_names: ClassVar[Mapping[str, str]] = {
        **STAFF_ERRORS,
        "not_found": "complaint_not_found",
        "already_done": "complaint_already_done",
        "transition_not_allowed": "complaint_not_allowed",
        "stale": "complaint_stale",
    }

    async def card(self, complaint_id: int) -> complaint_card.Card:
        deps = self.deps
        return await complaint_card.build(deps.store, deps.messages, self.lang, complaint_id)

    def toast(self, kind: str, **ctx: Any) -> str:
        return self.render("aftersales_staff_toast", kind=kind, **ctx)


def overtaken(view: ComplaintView) -> AlreadyDone | StaleAction:
    """What a press the current status no longer allows is told: who moved it there."""
    c = view.complaint
    moves = (e for e in reversed(view.events) if e.kind == EventKind.COMPLAINT)
    last = next((e for e in moves if e.to_status == c.status), None)
    if last is None:
        return StaleAction(number=c.order_number, status=c.status)
    return AlreadyDone(
        number=c.order_number, status=c.status, actor_name=last.actor_name, at=last.at,
        complaint_id=c.id,
    )


def require(card: complaint_card.Card, action: str) -> None:
    if action not in kb.card_actions(card.view):
        raise overtaken(card.view)


async def show(desk: ComplaintDesk, complaint_id: int) -> None:
    """The pressed message shows the complaint as it is now: the living card gets its buttons
    back (its text is redrawn by the outbox), any other copy is redrawn here."""
    query = desk.update.callback_query
    if query is None or query.message is None:
        return
    card = await desk.card(complaint_id)
    if query.message.message_id == card.view.complaint.card_message_id:
        await set_markup(desk, card.markup)
    else:
        await desk.edit(query.message.message_id, card.text, card.markup)


# ---------------------------------------------------------------- card buttons


@button(
    cb.ComplaintPress,
    cb.ComplaintSolution,
    cb.StaffComplaintCourier,
    cb.ComplaintLine,
    cb.ComplaintInspect,
    cb.OrderRts,
)
async def complaint_button(update: Update, context: Context, data: Pressed) -> None:
    if isinstance(data, cb.OrderRts):
        await _returned_to_sender(Desk(update, context), data)
        return
    desk = ComplaintDesk(update, context)
    if not await desk.button_allowed():
        return
    try:
        if isinstance(data, cb.ComplaintPress):
            await _press(desk, data)
        elif isinstance(data, cb.ComplaintSolution):
            require(await desk.card(data.complaint), "approve")  # decided: say by whom
            found = await complaints.approve(
                desk.deps.store, data.complaint, desk.actor, data.solution
            )
            await _done(desk, found)
        elif isinstance(data, cb.StaffComplaintCourier):
            await _courier(desk, data)
        elif isinstance(data, cb.ComplaintLine):
            await _line(desk, data)
        else:
            await _inspect(desk, data)
    except DomainError as exc:
        await desk.fail(exc)
        if isinstance(exc, OVERTAKEN):
            with contextlib.suppress(DomainError):  # the complaint itself is gone
                if isinstance(data, cb.ComplaintInspect):
                    await _after_inspect(desk, data.complaint, data.line)
                else:
                    await show(desk, data.complaint)
    desk.kick()


async def _done(desk: ComplaintDesk, found: Complaint) -> None:
    desk.kick()
    await desk.answer(desk.toast("done", complaint=found))
    await show(desk, found.id)


async def _press(desk: ComplaintDesk, data: cb.ComplaintPress) -> None:
    card = await desk.card(data.complaint)
    c = card.view.complaint
    action = data.action
    if action == "back":
        await desk.answer(desk.toast("back", complaint=c))
        await show(desk, c.id)
        return
    if action == "open":
        await desk.answer(desk.toast("opened", complaint=c))
        await desk.reply(card.text, card.markup)
        return
    require(card, action)
    if action == "approve":
        await desk.answer(desk.toast("solutions", complaint=c))
        proposed = card.proposed or 0
        await set_markup(desk, kb.solutions(desk.deps.messages, desk.lang, card.view, proposed))
    elif action in ("return", "follow_up"):
        await desk.answer(desk.toast("couriers", complaint=c))
        markup = kb.couriers(desk.deps.messages, desk.lang, c.id, action, desk.deps.couriers)
        await set_markup(desk, markup)
    elif action == "inspect":
        await desk.answer(desk.toast("lines", complaint=c))
        await set_markup(desk, kb.inspect_lines(desk.deps.messages, desk.lang, card.view))
    else:  # reject, evidence, note: a question first
        await ask(desk, c, asks.Ask(action))


async def _courier(desk: ComplaintDesk, data: cb.StaffComplaintCourier) -> None:
    courier = desk.deps.couriers.get(data.courier)
    if courier is None:
        raise StaleAction()
    card = await desk.card(data.complaint)
    require(card, data.purpose)
    await set_markup(desk, card.markup)
    if data.purpose == "return" or courier.tracking_required:
        ask_kind = asks.Ask.RETURN if data.purpose == "return" else asks.Ask.FOLLOW_UP
        await ask(desk, card.view.complaint, ask_kind, courier=courier.code)
        return
    await shipments.ship_follow_up(
        desk.deps.store, desk.deps.couriers, data.complaint, courier.code, None, desk.actor
    )
    await _done(desk, await reads.complaint(desk.deps.store, data.complaint))


def _line_of(view: ComplaintView, index: int) -> Any:
    lines = view.complaint.lines
    if index >= len(lines):
        raise StaleAction(number=view.complaint.order_number, status=view.complaint.status)
    return lines[index]


async def _line(desk: ComplaintDesk, data: cb.ComplaintLine) -> None:
    card = await desk.card(data.complaint)
    require(card, "inspect")
    line = _line_of(card.view, data.line)
    if line.uninspected == 0:
        raise _line_done(card.view, line.sku)
    if data.split:
        await set_markup(desk, card.markup)
        await ask(
            desk, card.view.complaint, asks.Ask.INSPECT,
            extra=f"{data.line}.{line.uninspected}", sku=line.sku, left=line.uninspected,
        )
        return
    await desk.answer(desk.toast("lines", complaint=card.view.complaint))
    await set_markup(desk, kb.inspect_line(desk.deps.messages, desk.lang, card.view, data.line))


def _line_done(view: ComplaintView, sku: str) -> AlreadyDone:
    last = next((e for e in reversed(view.events) if e.kind == EventKind.INSPECTION), None)
    return AlreadyDone(
        number=view.complaint.order_number, status="inspected",
        actor_name=last.actor_name if last else "?", at=last.at if last else None, sku=sku,
    )


async def _inspect(desk: ComplaintDesk, data: cb.ComplaintInspect) -> None:
    view = await reads.complaint_view(desk.deps.store, data.complaint, Audience.STAFF)
    line = _line_of(view, data.line)
    found = await inspection.inspect(
        desk.deps.store, data.complaint, line.sku, data.resellable, data.damaged, desk.actor,
        expected_left=data.left,
    )
    desk.kick()
    await desk.answer(
        desk.toast(
            "inspected", complaint=found, sku=line.sku, resellable=data.resellable,
            damaged=data.damaged,
        )
    )
    await _after_inspect(desk, found.id, data.line)


async def _after_inspect(desk: ComplaintDesk, complaint_id: int, index: int) -> None:
    """After a judgement (or a colleague's): the same line while units are left, else the
    lines left, else the card's own buttons."""
    card = await desk.card(complaint_id)
    found = card.view.complaint
    left = _line_of(card.view, index).uninspected
    if left and "inspect" in kb.card_actions(card.view):
        markup = kb.inspect_line(desk.deps.messages, desk.lang, card.view, index)
    elif card.view.complaint.uninspected and "inspect" in kb.card_actions(card.view):
        markup = kb.inspect_lines(desk.deps.messages, desk.lang, card.view)
    else:
        markup = card.markup
    query = desk.update.callback_query
    if query is not None and query.message is not None:
        if query.message.message_id == found.card_message_id:
            await set_markup(desk, markup)
        else:
            await desk.edit(query.message.message_id, card.text, markup)


# ---------------------------------------------------------------- "returned to sender"


async def _returned_to_sender(desk: Desk, data: cb.OrderRts) -> None:
    """On a shipped COD order's card: confirm, then record the refused parcel; its items then
    wait for inspection on the complaint card that appears."""
    if not await desk.button_allowed():
        return
    try:
        order = await desk.flow.precheck(data.number)
        if not data.confirmed:
            if not kb.returned_to_sender_offered(order):
                raise StaleAction(number=order.number, status=order.status)
            toast = desk.render("aftersales_staff_toast", kind="rts_confirm", order=order)
            await desk.answer(toast)
            await set_markup(desk, kb.rts_confirm(desk.deps.messages, desk.lang, order))
            return
        await cod.mark_returned_to_sender(desk.deps.store, data.number, desk.actor)
        desk.kick()
        order = await desk.flow.precheck(data.number)
        await desk.answer(desk.render("aftersales_staff_toast", kind="rts", order=order))
        await set_markup(desk, staff_kb.staff_order_actions(desk.deps.messages, desk.lang, order))
    except DomainError as exc:
        await desk.fail(exc)
        if isinstance(exc, OVERTAKEN):
            await redraw_order(desk, data.number)
    desk.kick()


# ---------------------------------------------------------------- questions


async def ask(
    desk: ComplaintDesk,
    complaint: Complaint,
    what: asks.Ask,
    *,
    courier: str | None = None,
    extra: str | None = None,
    **ctx: Any,
) -> None:
    """Post a question under the pressed message; staff answer by replying to it."""
    query = desk.update.callback_query
    chat_id = desk.chat_id
    assert chat_id is not None
    found = desk.deps.couriers.get(courier) if courier else None
    order = await desk.flow.order_by_id(complaint.order_id)
    text = desk.render(
        "aftersales_staff_prompt",
        ask=what.value,
        order=order,
        complaint=complaint,
        actor_id=desk.actor.id or 0,
        actor_name=desk.actor.name,
        courier=found.name if found else "",
        example=found.example if found else "",
        **ctx,
    )
    reply_to = (
        ReplyParameters(query.message.message_id, allow_sending_without_reply=True)
        if query is not None and query.message is not None
        else None
    )
    sent = await desk.context.bot.send_message(
        chat_id,
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=ForceReply(selective=True),
        reply_parameters=reply_to,
        message_thread_id=desk.thread_id,
    )
    await asks.open_prompt(
        desk.deps.store, chat_id, sent.message_id, complaint.order_id, complaint.id, what,
        extra=courier or extra, created_by=desk.actor.id,
    )
    await desk.answer(desk.toast("prompt", complaint=complaint))


SPLIT = re.compile(r"\s*(\d{1,4})\s*[ ,/+]\s*(\d{1,4})\s*")


async def _answer(desk: ComplaintDesk, question: asks.ComplaintPrompt, text: str) -> str:
    """Do what the reply says; the confirmation that replaces the question."""
    store, actor, cid = desk.deps.store, desk.actor, question.complaint_id
    ctx: dict[str, Any] = {"ask": question.ask.value, "actor_name": actor.name, "text": text}
    if question.ask is asks.Ask.REJECT:
        found = await complaints.reject(store, cid, actor, text)
    elif question.ask is asks.Ask.EVIDENCE:
        found = await complaints.ask_evidence(store, cid, actor, text)
    elif question.ask is asks.Ask.NOTE:
        found = await complaints.note(store, cid, actor, text)
    elif question.ask is asks.Ask.RETURN:
        found = await complaints.record_return_shipment(
            store, desk.deps.couriers, cid, question.extra or "", text, actor
        )
    elif question.ask is asks.Ask.FOLLOW_UP:
        ctx["shipment"] = await shipments.ship_follow_up(
            store, desk.deps.couriers, cid, question.extra or "", text, actor
        )
        found = await reads.complaint(store, cid)
    else:
        index, _, left = (question.extra or "").partition(".")
        found = await reads.complaint(store, cid)
        if not index.isdigit() or int(index) >= len(found.lines) or not left.isdigit():
            raise StaleAction(number=found.order_number, status=found.status)
        line = found.lines[int(index)]
        match = SPLIT.fullmatch(text)
        if match is None:
            raise InvalidInput("inspection_split_invalid", max=line.uninspected)
        resellable, damaged = int(match.group(1)), int(match.group(2))
        found = await inspection.inspect(
            store, cid, line.sku, resellable, damaged, actor, expected_left=int(left)
        )
        ctx.update(sku=line.sku, resellable=resellable, damaged=damaged)
    return desk.render("aftersales_staff_done", complaint=found, **ctx)


async def prompt_reply(
    update: Update, context: Context, question: asks.ComplaintPrompt
) -> None:
    """A reply to one of the bot's questions about a complaint (handlers.staff.orders routes
    it here)."""
    desk = ComplaintDesk(update, context)
    if question.closed:
        await desk.fail(InvalidInput("prompt_closed"))
        return
    message = update.effective_message
    text = (message.text or "") if message else ""
    try:
        done = await _answer(desk, question, text)
    except DomainError as exc:
        if isinstance(exc, OVERTAKEN):  # the question no longer applies
            await asks.close(desk.deps.store, question.chat_id, question.message_id)
            await desk.edit(question.message_id, desk.error_text(exc), None)
        await desk.fail(exc)
        return
    await asks.close(desk.deps.store, question.chat_id, question.message_id)
    desk.kick()
    await desk.edit(question.message_id, done, None)


# ---------------------------------------------------------------- commands


async def returns_command(update: Update, context: Context) -> None:
    """/returns [status]: what waits, the longest waiting first."""
    desk = ComplaintDesk(update, context)
    args = command_text(update, 1)
    if args and len(args[0].split()) != 1:
        await show_usage(desk, "returns")
        return
    try:
        status = reads.parse_status(args[0] if args else None)
        found = await reads.returns(desk.deps.store, status)
    except DomainError as exc:
        await desk.fail(exc)
        return
    now = desk.deps.store.now()
    text = desk.deps.messages.render_list(
        desk.lang,
        "aftersales_staff_returns",
        lambda n: {"complaints": found[:n], "status": status, "now": now, "more": len(found) - n},
        len(found),
    )
    await desk.reply(text, _open_buttons(desk, found))


def _open_buttons(desk: Desk, found: list[Complaint]) -> InlineKeyboardMarkup | None:
    buttons = [
        make_button(
            desk.deps.messages, desk.lang, "open_complaint",
            cb.ComplaintPress(action="open", complaint=c.id), number=c.order_number,
        )
        for c in found[:30]
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    return InlineKeyboardMarkup(rows) if rows else None


async def return_command(update: Update, context: Context) -> None:
    """/return <no>: the order's complaint card (a copy with live buttons) and its whole
    after-sales history."""
    desk = ComplaintDesk(update, context)
    args = command_text(update, 1)
    if len(args) != 1 or len(args[0].split()) != 1:
        await show_usage(desk, "return")
        return
    store = desk.deps.store
    try:
        order = await order_by_number(store.reader, args[0])
        found = await reads.complaint_for_order(store, order.id)
        if found is None:
            raise NotFound(number=order.number)
        card = await desk.card(found.id)
    except DomainError as exc:
        await desk.fail(exc)
        return
    await desk.reply(card.text, card.markup)
    history = await complaint_card.timeline_text(store, desk.deps.messages, desk.lang, order)
    if history is not None:
        await desk.reply(history)
