"""The customer's complaint as screens (issue 9, part A): the draft that holds the answers,
asking each step, and the evidence received so far. Which handlers a step takes is in
handlers.customer.complaint.

The draft lives in user_data (persisted like the checkout's): a restart resumes the same step
with the same answers. Files are kept as Telegram file ids only; the complaint is written to
the store once, when the customer presses Send (complaints.open_complaint).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telegram import Message
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ConversationHandler

from domain.aftersales import reads
from domain.aftersales.complaints import delivered_at
from domain.aftersales.models import (
    EVIDENCE_OPTIONAL,
    MAX_EVIDENCE,
    SOLUTIONS_FOR,
    ClaimLine,
    ComplaintReason,
    EvidenceKind,
    NewEvidence,
)
from domain.errors import DomainError, InvalidInput, StaleAction
from domain.models import Order, Status
from domain.ordering import order_reads
from handlers.common import Context, Screen
from handlers.keyboards import complaint as kb
from handlers.keyboards.complaint import PickLine

REASON, LINES, EVIDENCE, SOLUTION, CONFIRM = (
    "c_reason",
    "c_lines",
    "c_evidence",
    "c_solution",
    "c_confirm",
)
STEPS = [REASON, LINES, EVIDENCE, SOLUTION, CONFIRM]
MORE = "c_more"  # more evidence for a sent complaint
COURIER, TRACKING = "c_courier", "c_tracking"  # the return parcel
END = ConversationHandler.END
State = str | int

DRAFT = "complaint"  # user_data: the complaint being written
MORE_DRAFT = "complaint_more"  # user_data: {"id": complaint id, ...} while adding evidence
RETURN_DRAFT = "complaint_return"  # user_data: {"id": complaint id, "courier": code}
SENT = "complaint_sent"  # user_data: the order number of the complaint last sent
SINCE = "since"  # in each draft: when the step taking files was last asked (ISO, UTC)
# A step left waiting for files this long is abandoned: a photo sent after that is not
# evidence (most likely a transfer receipt) and goes where photos go outside a complaint.
ABANDONED_AFTER = timedelta(hours=6)


def draft(context: Context, key: str = DRAFT) -> dict[str, Any]:
    return context.user_data.setdefault(key, {})  # type: ignore[union-attr]


def drop(context: Context, key: str = DRAFT) -> None:
    context.user_data.pop(key, None)  # type: ignore[union-attr]


# ---------------------------------------------------------------- evidence in the draft


def evidence_of(update_message: Message) -> NewEvidence | None:
    """The photo (largest size) or video of a message; None for anything else. A video's
    size is not checked: Telegram delivers any video a client may send, and the file id is
    all that is kept and passed on (never downloaded)."""
    if update_message.photo:
        best = update_message.photo[-1]
        return NewEvidence(best.file_id, best.file_unique_id, EvidenceKind.PHOTO)
    if update_message.video:
        video = update_message.video
        return NewEvidence(video.file_id, video.file_unique_id, EvidenceKind.VIDEO)
    return None


@dataclass(frozen=True, slots=True)
class Count:
    photos: int
    videos: int

    @property
    def total(self) -> int:
        return self.photos + self.videos


def count(files: list[list[str]]) -> Count:
    videos = sum(1 for f in files if f[2] == EvidenceKind.VIDEO)
    return Count(len(files) - videos, videos)


def files_of(data: dict[str, Any]) -> list[NewEvidence]:
    return [NewEvidence(f[0], f[1], EvidenceKind(f[2])) for f in data.get("evidence", [])]


def keep_file(data: dict[str, Any], item: NewEvidence) -> bool | None:
    """Add a file to the draft: True added, False already there, None full."""
    files: list[list[str]] = data.setdefault("evidence", [])
    if any(f[1] == item.file_unique_id for f in files):
        return False
    if len(files) >= MAX_EVIDENCE:
        return None
    files.append([item.file_id, item.file_unique_id, str(item.kind)])
    return True


async def acknowledge(
    screen: Screen, holder: dict[str, Any], group: str | None, text: str, markup: Any
) -> None:
    """Say what was received. The photos of an album arrive as separate updates with one
    media_group_id: the first gets a message, the others edit it (one answer per album)."""
    ack = holder.get("ack")
    if group is not None and holder.get("group") == group and ack:
        chat = screen.update.effective_chat
        assert chat is not None
        try:
            await screen.context.bot.edit_message_text(
                text, chat_id=chat.id, message_id=ack, parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
            return
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return
    sent = await screen.send(text, markup)
    holder["ack"], holder["group"] = sent.message_id, group


def mark_waiting(screen: Screen, holder: dict[str, Any]) -> None:
    holder[SINCE] = screen.deps.store.now().isoformat()


def abandoned(screen: Screen, holder: dict[str, Any]) -> bool:
    since = holder.get(SINCE)
    if not since:
        return False
    return screen.deps.store.now() - datetime.fromisoformat(since) > ABANDONED_AFTER


# ---------------------------------------------------------------- what the steps read


async def order_of(screen: Screen, number: str) -> Order:
    """The customer's own order (NotFound for anyone else's)."""
    return await order_reads.customer_order(screen.deps.store, screen.who.user_id, number)


def offered_reasons(screen: Screen, order: Order) -> list[ComplaintReason]:
    """The reasons open now (empty: not delivered, or the window has closed)."""
    if order.status != Status.DELIVERED:
        return []
    return screen.deps.returns.reasons_open(delivered_at(order), screen.deps.store.now())


async def pick_lines(screen: Screen, order: Order, chosen: dict[str, int]) -> list[PickLine]:
    left = await reads.claimable(screen.deps.store, order)
    return [
        PickLine(i, x.sku, x.name, left[x.sku], min(chosen.get(x.sku, 0), left[x.sku]))
        for i, x in enumerate(order.lines)
        if left[x.sku] > 0
    ]


def reason_of(data: dict[str, Any]) -> ComplaintReason:
    return ComplaintReason(data["reason"])


def claim_of(data: dict[str, Any]) -> list[ClaimLine]:
    return [ClaimLine(sku, n) for sku, n in data.get("lines", {}).items() if n > 0]


def evidence_ready(data: dict[str, Any]) -> bool:
    return bool(data.get("evidence")) or reason_of(data) in EVIDENCE_OPTIONAL


# ---------------------------------------------------------------- asking


async def ask_reason(screen: Screen, data: dict[str, Any], order: Order) -> State:
    offered = offered_reasons(screen, order)
    if not offered:
        return await give_up(screen, InvalidInput("complaint_window_closed"))
    arrived = delivered_at(order)
    ends = screen.deps.returns.window_ends(offered[0], arrived) if arrived else None
    keyboard = kb.reasons(screen.deps.messages, screen.lang, offered)
    await screen.send(screen.render("aftersales_customer_reason", order=order, ends=ends), keyboard)
    return REASON


async def ask_lines(
    screen: Screen, data: dict[str, Any], order: Order, *, edit: bool = False
) -> State:
    items = await pick_lines(screen, order, data.get("lines", {}))
    if not items:
        return await give_up(screen, InvalidInput("complaint_nothing_left", number=order.number))
    text = screen.render(
        "aftersales_customer_lines", order=order, reason=data["reason"], lines=items
    )
    keyboard = kb.lines(screen.deps.messages, screen.lang, items)
    if edit:
        await screen.show(text, keyboard)  # ➖/➕ change the picker in place
    else:
        await screen.send(text, keyboard)
    return LINES


async def ask_evidence(screen: Screen, data: dict[str, Any], order: Order) -> State:
    reason = reason_of(data)
    text = screen.render(
        "aftersales_customer_evidence", order=order, reason=str(reason),
        required=reason not in EVIDENCE_OPTIONAL, count=count(data.get("evidence", [])),
        max=MAX_EVIDENCE, note=data.get("note"),
    )
    keyboard = kb.evidence(screen.deps.messages, screen.lang, ready=evidence_ready(data))
    sent = await screen.send(text, keyboard)
    data["ack"], data["group"] = sent.message_id, None
    return EVIDENCE


async def ask_solution(screen: Screen, data: dict[str, Any], order: Order) -> State:
    offered = SOLUTIONS_FOR[reason_of(data)]
    text = screen.render("aftersales_customer_solution", order=order, reason=data["reason"])
    await screen.send(text, kb.solutions(screen.deps.messages, screen.lang, offered))
    return SOLUTION


async def ask_confirm(screen: Screen, data: dict[str, Any], order: Order) -> State:
    chosen = data.get("lines", {})
    lines = [x for x in order.lines if chosen.get(x.sku)]
    text = screen.render(
        "aftersales_customer_summary", order=order, reason=data["reason"],
        solution=data["solution"], lines=lines, chosen=chosen,
        count=count(data.get("evidence", [])), note=data.get("note"),
    )
    await screen.send(text, kb.summary(screen.deps.messages, screen.lang))
    return CONFIRM


ASK: dict[str, Callable[[Screen, dict[str, Any], Order], Awaitable[State]]] = {
    REASON: ask_reason,
    LINES: ask_lines,
    EVIDENCE: ask_evidence,
    SOLUTION: ask_solution,
    CONFIRM: ask_confirm,
}


async def prompt(screen: Screen, step: str, *, edit: bool = False) -> State:
    """Ask `step` again, from the order as it is now (it may have changed meanwhile);
    `edit`: the line picker changes the pressed message in place."""
    data = draft(screen.context)
    number = data.get("order")
    if not number:
        return await give_up(screen, StaleAction())
    try:
        order = await order_of(screen, number)
    except DomainError as exc:
        return await give_up(screen, exc)
    mark_waiting(screen, data)
    if step == LINES:
        return await ask_lines(screen, data, order, edit=edit)
    return await ASK[step](screen, data, order)


async def keep(screen: Screen, step: str, key: str, value: Any) -> State:
    draft(screen.context)[key] = value
    return await prompt(screen, STEPS[STEPS.index(step) + 1])


async def previous(screen: Screen, step: str) -> State:
    if step == REASON:
        return await quit_complaint(screen)
    return await prompt(screen, STEPS[STEPS.index(step) - 1])


# ---------------------------------------------------------------- leaving


async def give_up(screen: Screen, error: DomainError) -> int:
    """The complaint cannot go on (window closed, nothing left to claim, not theirs…)."""
    drop(screen.context)
    await screen.send(screen.error_text(error))
    return END


async def quit_complaint(screen: Screen) -> int:
    for key in (DRAFT, MORE_DRAFT, RETURN_DRAFT):
        drop(screen.context, key)
    await screen.send(screen.render("aftersales_customer_cancelled"))
    return END
