"""The customer's complaint (issue 9, part A) as one persistent ConversationHandler
("complaint"), entered ONLY by its own buttons: "Ajukan komplain / retur" on a delivered
order's view (reason → lines and quantities → evidence → wanted solution → summary → send),
"Kirim bukti tambahan" when staff ask for more evidence, "Kirim resi retur" when the goods are
to come back. Back and Cancel at each step, /back and /cancel typed; the state and the draft
are persisted (SQLite), so a restart resumes the same step.

It takes photos and videos only while one of its steps waits for them: it never sees a
payment receipt sent outside a complaint, nor the checkout's typed text (that conversation
is registered before this one).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from domain.aftersales import complaints
from domain.aftersales import reads as aftersales_reads
from domain.aftersales.models import MAX_EVIDENCE, SOLUTIONS_FOR, ComplaintReason, Solution
from domain.errors import DomainError, InvalidInput, NotFound, StaleAction
from domain.fulfilment.desk import staff_text
from domain.validation import NOTE_MAX
from handlers import callbacks as cb
from handlers.common import Context, Screen
from handlers.customer import complaint_follow as follow
from handlers.customer.complaint_steps import (
    CONFIRM,
    COURIER,
    DRAFT,
    END,
    EVIDENCE,
    LINES,
    MORE,
    MORE_DRAFT,
    REASON,
    RETURN_DRAFT,
    SENT,
    SOLUTION,
    TRACKING,
    State,
    abandoned,
    acknowledge,
    claim_of,
    count,
    draft,
    drop,
    evidence_of,
    evidence_ready,
    files_of,
    give_up,
    keep,
    keep_file,
    mark_waiting,
    offered_reasons,
    order_of,
    pick_lines,
    previous,
    prompt,
    quit_complaint,
    reason_of,
)
from handlers.customer.orders import show_order
from handlers.keyboards import complaint as kb
from handlers.pressed import button as pressed

PRIVATE = filters.ChatType.PRIVATE
TEXT = PRIVATE & filters.TEXT & ~filters.COMMAND
MEDIA = PRIVATE & (filters.PHOTO | filters.VIDEO)
# Anything else a customer may send at a step: a file, a voice note, a sticker…
OTHER = PRIVATE & ~filters.COMMAND & ~filters.TEXT & ~filters.PHOTO & ~filters.VIDEO

Act = Callable[[Screen, str, Any], Awaitable[State]]
Handler = BaseHandler[Update, Context, State]


# ---------------------------------------------------------------- entering


@pressed(cb.ComplaintStart)
async def start_button(update: Update, context: Context, data: cb.ComplaintStart) -> State:
    """"Ajukan komplain / retur". The order is checked again here: the button may be older
    than the window, or forged."""
    screen = await Screen.of(update, context)
    try:
        order = await order_of(screen, data.number)
    except NotFound:
        await screen.fail(StaleAction())
        return END
    if not offered_reasons(screen, order):
        await screen.fail(StaleAction())
        await show_order(screen, order.number)  # the view again, now without the button
        return END
    current = await aftersales_reads.complaint_for_order(screen.deps.store, order.id)
    if current is not None and current.is_open:  # an older view: one is open already
        await screen.fail(InvalidInput("complaint_already_open", number=order.number))
        await show_order(screen, order.number)
        return END
    await screen.answer()
    for key in (DRAFT, MORE_DRAFT, RETURN_DRAFT):
        drop(context, key)
    draft(context).update({"order": order.number, "lines": {}, "evidence": []})
    return await prompt(screen, REASON)


# ---------------------------------------------------------------- pressed at a step


async def chose_reason(screen: Screen, step: str, data: cb.ComplaintReasonPick) -> State:
    d = draft(screen.context)
    try:
        order = await order_of(screen, d["order"])
    except DomainError as exc:
        return await give_up(screen, exc)
    reason = ComplaintReason(data.reason)
    if reason not in offered_reasons(screen, order):
        return await stale(screen, step, data)
    if d.get("reason") != reason:
        d["lines"], d["solution"] = {}, None
    if reason is ComplaintReason.NOT_RECEIVED and not d["lines"]:
        # The whole parcel is missing: every unit is claimed (the customer may change it).
        d["lines"] = {x.sku: x.quantity for x in await pick_lines(screen, order, {})}
    return await keep(screen, step, "reason", str(reason))


async def set_line(screen: Screen, step: str, data: cb.ComplaintLineSet) -> State:
    d = draft(screen.context)
    try:
        order = await order_of(screen, d["order"])
    except DomainError as exc:
        return await give_up(screen, exc)
    items = {x.index: x for x in await pick_lines(screen, order, d.get("lines", {}))}
    line = items.get(data.index)
    if line is None or data.quantity > line.quantity:
        return await stale(screen, step, data)
    lines: dict[str, int] = d.setdefault("lines", {})
    if data.quantity:
        lines[line.sku] = data.quantity
    else:
        lines.pop(line.sku, None)
    return await prompt(screen, LINES, edit=True)


async def pressed_next(screen: Screen, step: str, _: cb.ComplaintStep) -> State:
    d = draft(screen.context)
    if step == LINES:
        if not claim_of(d):
            await screen.send(screen.error_text(InvalidInput("complaint_no_lines")))
            return await prompt(screen, LINES)
        return await prompt(screen, EVIDENCE)
    if step == EVIDENCE:
        if not evidence_ready(d):
            await screen.send(screen.error_text(InvalidInput("evidence_required")))
            return EVIDENCE
        return await prompt(screen, SOLUTION)
    return await stale(screen, step, _)


async def chose_solution(screen: Screen, step: str, data: cb.ComplaintSolutionPick) -> State:
    solution = Solution(data.solution)
    if solution not in SOLUTIONS_FOR[reason_of(draft(screen.context))]:
        return await stale(screen, step, data)
    return await keep(screen, step, "solution", str(solution))


async def send(screen: Screen, step: str, _: cb.ComplaintStep) -> State:
    """Send: the complaint is written once (a second one for the order while this one is
    open is refused by the store), then the summary becomes a short acknowledgement."""
    d = draft(screen.context)
    try:
        await complaints.open_complaint(
            screen.deps.store, screen.deps.returns, screen.who.user_id,
            screen.who.name or screen.who.first_name, d["order"], reason_of(d),
            d["solution"], claim_of(d), files_of(d), d.get("note"),
        )
    except InvalidInput as exc:
        back_to = {
            "complaint_no_lines": "c_lines",
            "complaint_line_unknown": "c_lines",
            "complaint_quantity_invalid": "c_lines",
            "evidence_required": "c_evidence",
            "evidence_too_many": "c_evidence",
            "evidence_invalid": "c_evidence",
            "note_too_long": "c_evidence",
            "complaint_solution_not_allowed": "c_solution",
        }.get(exc.code)
        if back_to is None:  # the window closed meanwhile, one is open already…
            return await give_up(screen, exc)
        await screen.send(screen.error_text(exc))
        return await prompt(screen, back_to)
    except DomainError as exc:
        return await give_up(screen, exc)
    screen.deps.kick()  # the "received" notice and the staff card were queued with it
    screen.context.user_data[SENT] = d["order"]  # type: ignore[index]
    await screen.show(screen.render("aftersales_customer_sent", number=d["order"]))
    drop(screen.context)
    return END


async def pressed_back(screen: Screen, step: str, _: cb.ComplaintStep) -> State:
    return await previous(screen, step)


async def pressed_cancel(screen: Screen, step: str, _: cb.ComplaintStep) -> State:
    return await quit_complaint(screen)


async def stale(screen: Screen, step: str, _: object) -> State:
    """A complaint button from another step (an older message): say so, ask this step."""
    await screen.send(screen.render("aftersales_customer_stale"))
    return await prompt(screen, step)


# ---------------------------------------------------------------- sent at a step


async def media(update: Update, context: Context) -> State:
    """A photo or video at the evidence step (an album's files come one by one)."""
    screen = await Screen.of(update, context)
    if "reason" not in draft(context):
        return await give_up(screen, StaleAction())
    message = update.effective_message
    assert message is not None
    item = evidence_of(message)
    d = draft(context)
    if abandoned(screen, d):
        return await follow.let_go(update, context, DRAFT)
    if item is None:
        return EVIDENCE
    mark_waiting(screen, d)
    added = keep_file(d, item)
    if message.caption and not d.get("note"):  # a caption says what the photo shows
        try:
            d["note"] = staff_text(message.caption, required=False)
        except InvalidInput:
            d["note"] = staff_text(message.caption[:NOTE_MAX], required=False)
    got = count(d.get("evidence", []))
    text = screen.render(
        "aftersales_customer_evidence_ack", count=got, max=MAX_EVIDENCE, full=added is None,
        sent=True,
    )
    keyboard = kb.evidence(screen.deps.messages, screen.lang, ready=evidence_ready(d))
    await acknowledge(screen, d, message.media_group_id, text, keyboard)
    return EVIDENCE


async def description(update: Update, context: Context) -> State:
    """Text at the evidence step: a short description of the problem, kept with it."""
    screen = await Screen.of(update, context)
    text = update.effective_message.text or ""  # type: ignore[union-attr]
    try:
        note = staff_text(text, required=False)
    except InvalidInput as exc:
        await screen.fail(exc)
        return EVIDENCE
    d = draft(context)
    if "reason" not in d:
        return await give_up(screen, StaleAction())
    d["note"] = note
    reply = screen.render(
        "aftersales_customer_evidence_ack", count=count(d.get("evidence", [])), max=MAX_EVIDENCE,
        full=False, sent=False,
    )
    keyboard = kb.evidence(screen.deps.messages, screen.lang, ready=evidence_ready(d))
    sent = await screen.send(reply, keyboard)
    d["ack"], d["group"] = sent.message_id, None
    return EVIDENCE


async def wants_button(update: Update, context: Context, *, step: str) -> State:
    """Text, a file or a sticker where a step wants a button (or, for evidence, a photo or
    video): say what is wanted and ask again."""
    screen = await Screen.of(update, context)
    if update.effective_message is not None and update.effective_message.photo and abandoned(
        screen, draft(context)
    ):  # a complaint left long ago: this photo is not for it
        return await follow.let_go(update, context, DRAFT)
    name = "aftersales_customer_media_only" if step == EVIDENCE else "aftersales_customer_choose"
    await screen.send(screen.render(name))
    return EVIDENCE if step == EVIDENCE else await prompt(screen, step)


async def back_command(update: Update, context: Context, *, step: str) -> State:
    return await previous(await Screen.of(update, context), step)


async def cancel(update: Update, context: Context) -> int:
    return await quit_complaint(await Screen.of(update, context))


# ---------------------------------------------------------------- the script


def on_press(step: str, act: Act, *buttons: cb.Callback | type[cb.Callback]) -> Handler:
    """A press at `step` of one of `buttons` (one exact button, or any of a kind)."""
    kinds = tuple(dict.fromkeys(b if isinstance(b, type) else type(b) for b in buttons))
    pattern = "|".join(
        b.pattern() if isinstance(b, type) else f"^{re.escape(b.pack())}$" for b in buttons
    )

    @pressed(*kinds)
    async def run(update: Update, context: Context, data: Any) -> State:
        screen = await Screen.of(update, context)
        await screen.answer()
        try:
            return await act(screen, step, data)
        except KeyError:  # a draft without what this step needs: start again from the order
            return await give_up(screen, StaleAction())

    return CallbackQueryHandler(run, pattern=pattern)


def at_every_step(step: str) -> list[Handler]:
    """Back, Cancel, /back; any other complaint button is stale; text or files: say what
    the step wants."""
    handlers: list[Handler] = [
        on_press(step, pressed_back, kb.BACK),
        on_press(step, pressed_cancel, kb.CANCEL),
        on_press(step, stale, *cb.complaint.STEP_KINDS),
        CommandHandler("back", functools.partial(back_command, step=step), filters=PRIVATE),
    ]
    if step != EVIDENCE:
        handlers.append(
            MessageHandler(TEXT | MEDIA | OTHER, functools.partial(wants_button, step=step))
        )
    return handlers


def conversation() -> ConversationHandler:  # type: ignore[type-arg]
    return ConversationHandler(
        name="complaint",
        persistent=True,
        allow_reentry=True,
        entry_points=[
            CallbackQueryHandler(start_button, pattern=cb.ComplaintStart.pattern()),
            CallbackQueryHandler(follow.more_button, pattern=cb.ComplaintMoreEvidence.pattern()),
            CallbackQueryHandler(
                follow.return_button, pattern=cb.ComplaintReturnShipment.pattern()
            ),
        ],
        states={
            REASON: [
                on_press(REASON, chose_reason, cb.ComplaintReasonPick),
                *at_every_step(REASON),
            ],
            LINES: [
                on_press(LINES, set_line, cb.ComplaintLineSet),
                on_press(LINES, pressed_next, kb.NEXT),
                *at_every_step(LINES),
            ],
            EVIDENCE: [
                MessageHandler(MEDIA, media),
                MessageHandler(TEXT, description),
                MessageHandler(OTHER, functools.partial(wants_button, step=EVIDENCE)),
                on_press(EVIDENCE, pressed_next, kb.NEXT),
                *at_every_step(EVIDENCE),
            ],
            SOLUTION: [
                on_press(SOLUTION, chose_solution, cb.ComplaintSolutionPick),
                *at_every_step(SOLUTION),
            ],
            CONFIRM: [
                on_press(CONFIRM, send, kb.SEND),
                *at_every_step(CONFIRM),
            ],
            MORE: follow.more_handlers(),
            COURIER: follow.courier_handlers(),
            TRACKING: follow.tracking_handlers(),
        },
        fallbacks=[CommandHandler("cancel", cancel, filters=PRIVATE)],
    )


# ---------------------------------------------------------------- after it ended


@pressed(*cb.complaint.STEP_KINDS)
async def finished_button(update: Update, context: Context, data: Any) -> None:
    """A complaint button pressed when no complaint step is open: Send pressed again after
    sending says the complaint exists; anything else is out of date."""
    screen = await Screen.of(update, context)
    number = context.user_data.get(SENT)  # type: ignore[union-attr]
    if number and data == kb.SEND:
        await screen.fail(InvalidInput("complaint_already_open", number=number))
    else:
        await screen.fail(StaleAction())


def finished() -> CallbackQueryHandler:  # type: ignore[type-arg]
    """Registered right after the conversation: the complaint buttons it did not take."""
    return CallbackQueryHandler(finished_button, pattern=cb.pattern(cb.COMPLAINT))
