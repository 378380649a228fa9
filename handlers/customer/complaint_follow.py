"""A sent complaint's customer steps (issue 9, part A), states of the "complaint"
conversation: more evidence when staff ask for it (each file is added as it comes:
complaints.add_evidence), and the return parcel's courier and tracking number
(complaints.record_return_shipment). Both are entered by the button on the complaint's
notice or on the order's view, checked again against the store (an old or forged button is
"out of date")."""

from __future__ import annotations

import functools
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from domain.actors import Actor
from domain.aftersales import complaints, lifecycle, reads
from domain.aftersales.models import MAX_EVIDENCE, Complaint, ComplaintStatus
from domain.errors import DomainError, InvalidInput, StaleAction
from handlers import callbacks as cb
from handlers.common import Context, Screen
from handlers.customer.complaint_steps import (
    COURIER,
    DRAFT,
    END,
    MORE,
    MORE_DRAFT,
    RETURN_DRAFT,
    TRACKING,
    State,
    abandoned,
    acknowledge,
    draft,
    drop,
    evidence_of,
    mark_waiting,
    quit_complaint,
)
from handlers.customer.orders import payment_photo
from handlers.keyboards import complaint as kb
from handlers.pressed import button as pressed

PRIVATE = filters.ChatType.PRIVATE
TEXT = PRIVATE & filters.TEXT & ~filters.COMMAND
MEDIA = PRIVATE & (filters.PHOTO | filters.VIDEO)
OTHER = PRIVATE & ~filters.COMMAND & ~filters.TEXT & ~filters.PHOTO & ~filters.VIDEO
Handler = BaseHandler[Update, Context, State]
# Exactly the step buttons (ComplaintStep's own pattern would take every cp: button).
STEP = rf"^{cb.COMPLAINT}:(next|send|back|x)$"


async def own_complaint(screen: Screen, complaint_id: int) -> Complaint | None:
    """The presser's own complaint; None (and "out of date") for anyone else's or none."""
    try:
        found = await reads.complaint(screen.deps.store, complaint_id)
    except DomainError:
        found = None
    if found is None or found.user_id != screen.who.user_id:
        await screen.fail(StaleAction())
        return None
    return found


async def let_go(update: Update, context: Context, key: str) -> int:
    """A photo long after the step asked for files: the step is over, and the photo is
    handled as outside a complaint (a transfer receipt)."""
    drop(context, key)
    if update.effective_message is not None and update.effective_message.photo:
        await payment_photo(update, context)
    return END


def _fresh(context: Context, key: str, complaint_id: int) -> dict[str, Any]:
    for other in (DRAFT, MORE_DRAFT, RETURN_DRAFT):
        drop(context, other)
    data = draft(context, key)
    data["id"] = complaint_id
    return data


# ---------------------------------------------------------------- more evidence


@pressed(cb.ComplaintMoreEvidence)
async def more_button(update: Update, context: Context, data: cb.ComplaintMoreEvidence) -> State:
    screen = await Screen.of(update, context)
    found = await own_complaint(screen, data.complaint_id)
    if found is None:
        return END
    if found.status not in lifecycle.EVIDENCE_OPEN:
        await screen.fail(StaleAction(number=found.order_number, status=found.status))
        return END
    await screen.answer()
    mark_waiting(screen, _fresh(context, MORE_DRAFT, found.id))
    text = screen.render(
        "aftersales_customer_more_ask", number=found.order_number, note=found.staff_reason,
        asked=found.status == ComplaintStatus.NEEDS_EVIDENCE,
    )
    await screen.send(text, kb.more_evidence(screen.deps.messages, screen.lang))
    return MORE


async def more_media(update: Update, context: Context) -> State:
    """Each file is added as it arrives (an album: one acknowledgement, edited)."""
    screen = await Screen.of(update, context)
    message = update.effective_message
    assert message is not None
    item = evidence_of(message)
    d = draft(context, MORE_DRAFT)
    if abandoned(screen, d):
        return await let_go(update, context, MORE_DRAFT)
    if item is None or "id" not in d:
        return MORE
    mark_waiting(screen, d)
    try:
        found, added = await complaints.add_evidence(
            screen.deps.store, screen.who.user_id, screen.who.name or screen.who.first_name,
            d["id"], item,
        )
    except InvalidInput as exc:
        if exc.code != "evidence_too_many":
            raise
        if not d.get("full"):  # once per burst, not once per photo of the album
            d["full"] = True
            await screen.send(screen.error_text(exc))
        return MORE
    except DomainError as exc:  # decided meanwhile: no more evidence is taken
        drop(context, MORE_DRAFT)
        await screen.send(screen.error_text(exc))
        return END
    screen.deps.kick()
    if added:
        d["added"] = d.get("added", 0) + 1
    text = screen.render(
        "aftersales_customer_more_ack", number=found.order_number, added=d.get("added", 0),
        max=MAX_EVIDENCE, done=False,
    )
    await acknowledge(
        screen, d, message.media_group_id, text,
        kb.more_evidence(screen.deps.messages, screen.lang),
    )
    return MORE


async def more_done(screen: Screen, data: dict[str, Any]) -> int:
    found = await reads.complaint(screen.deps.store, data["id"])
    drop(screen.context, MORE_DRAFT)
    await screen.send(
        screen.render(
            "aftersales_customer_more_ack", number=found.order_number,
            added=data.get("added", 0), max=MAX_EVIDENCE, done=True,
        )
    )
    return END


@pressed(cb.ComplaintStep)
async def more_pressed(update: Update, context: Context, data: cb.ComplaintStep) -> State:
    screen = await Screen.of(update, context)
    await screen.answer()
    if data == kb.NEXT:
        return await more_done(screen, draft(context, MORE_DRAFT))
    if data == kb.CANCEL:
        return await quit_complaint(screen)
    await screen.send(screen.render("aftersales_customer_stale"))
    return MORE


async def more_other(update: Update, context: Context) -> State:
    screen = await Screen.of(update, context)
    if abandoned(screen, draft(context, MORE_DRAFT)):
        return await let_go(update, context, MORE_DRAFT)
    await screen.send(screen.render("aftersales_customer_media_only"))
    return MORE


def more_handlers() -> list[Handler]:
    return [
        MessageHandler(MEDIA, more_media),
        CallbackQueryHandler(more_pressed, pattern=STEP),
        CallbackQueryHandler(stale_press(MORE), pattern=cb.pattern(cb.COMPLAINT)),
        MessageHandler(TEXT | OTHER, more_other),
    ]


# ---------------------------------------------------------------- the return parcel


@pressed(cb.ComplaintReturnShipment)
async def return_button(
    update: Update, context: Context, data: cb.ComplaintReturnShipment
) -> State:
    screen = await Screen.of(update, context)
    found = await own_complaint(screen, data.complaint_id)
    if found is None:
        return END
    if not found.expects_return or found.status not in (
        ComplaintStatus.APPROVED,
        ComplaintStatus.RETURN_IN_TRANSIT,  # a correction
    ):
        await screen.fail(StaleAction(number=found.order_number, status=found.status))
        return END
    await screen.answer()
    mark_waiting(screen, _fresh(context, RETURN_DRAFT, found.id))
    return await ask_courier(screen, found.order_number)


async def ask_courier(screen: Screen, number: str) -> State:
    text = screen.render("aftersales_customer_courier", number=number)
    couriers = [c for c in screen.deps.couriers if c.tracking_required]
    await screen.send(text, kb.couriers(screen.deps.messages, screen.lang, couriers))
    return COURIER


async def ask_tracking(screen: Screen, number: str, courier_code: str) -> State:
    courier = screen.deps.couriers.get(courier_code)
    if courier is None:  # the shop changed its couriers meanwhile
        return await ask_courier(screen, number)
    text = screen.render(
        "aftersales_customer_tracking", number=number, courier=courier.name,
        example=courier.example,
    )
    await screen.send(text, kb.tracking(screen.deps.messages, screen.lang))
    return TRACKING


async def _number(screen: Screen) -> str | None:
    d = draft(screen.context, RETURN_DRAFT)
    try:
        return (await reads.complaint(screen.deps.store, d["id"])).order_number
    except (DomainError, KeyError):
        return None


@pressed(cb.ComplaintCourier)
async def chose_courier(update: Update, context: Context, data: cb.ComplaintCourier) -> State:
    screen = await Screen.of(update, context)
    await screen.answer()
    number = await _number(screen)
    courier = screen.deps.couriers.get(data.courier)
    if number is None:
        return await quit_complaint(screen)
    if courier is None:
        await screen.send(screen.render("aftersales_customer_stale"))
        return await ask_courier(screen, number)
    draft(context, RETURN_DRAFT)["courier"] = courier.code
    return await ask_tracking(screen, number, courier.code)


async def typed_courier(update: Update, context: Context) -> State:
    """A courier's name typed instead of pressed (`jnt`, `J&T`)."""
    screen = await Screen.of(update, context)
    number = await _number(screen)
    if number is None:
        return await quit_complaint(screen)
    typed = update.effective_message.text if update.effective_message else None
    try:
        courier = screen.deps.couriers.find(typed or "")
    except InvalidInput as exc:
        await screen.fail(exc)
        return COURIER
    draft(context, RETURN_DRAFT)["courier"] = courier.code
    return await ask_tracking(screen, number, courier.code)


async def typed_tracking(update: Update, context: Context) -> State:
    screen = await Screen.of(update, context)
    d = draft(context, RETURN_DRAFT)
    courier = screen.deps.couriers.get(d.get("courier"))
    number = await _number(screen)
    if number is None:
        return await quit_complaint(screen)
    if courier is None:
        return await ask_courier(screen, number)
    try:
        found = await complaints.record_return_shipment(
            screen.deps.store, screen.deps.couriers, d["id"], courier.name,
            update.effective_message.text or "",  # type: ignore[union-attr]
            Actor(screen.who.user_id, screen.who.name or screen.who.first_name),
            user_id=screen.who.user_id,
        )
    except InvalidInput as exc:  # not this courier's format: say which, ask again
        await screen.fail(exc)
        return TRACKING
    except DomainError as exc:
        drop(context, RETURN_DRAFT)
        await screen.fail(exc)
        return END
    screen.deps.kick()
    drop(context, RETURN_DRAFT)
    await screen.send(
        screen.render(
            "aftersales_customer_return_ok", number=found.order_number,
            courier=found.return_courier, tracking=found.return_tracking,
            link=screen.deps.couriers.tracking_url(found.return_courier, found.return_tracking),
        ),
        kb.with_order(screen.deps.messages, screen.lang, [], found.order_number),
    )
    return END


@pressed(cb.ComplaintStep)
async def return_pressed(update: Update, context: Context, data: cb.ComplaintStep) -> State:
    """Back (tracking → courier; courier: leave) and Cancel."""
    screen = await Screen.of(update, context)
    await screen.answer()
    number = await _number(screen)
    if data == kb.CANCEL or number is None:
        return await quit_complaint(screen)
    at_tracking = "courier" in draft(context, RETURN_DRAFT)
    if data == kb.BACK and at_tracking:
        draft(context, RETURN_DRAFT).pop("courier", None)
        return await ask_courier(screen, number)
    if data == kb.BACK:
        return await quit_complaint(screen)
    await screen.send(screen.render("aftersales_customer_stale"))
    if at_tracking:
        return await ask_tracking(screen, number, draft(context, RETURN_DRAFT)["courier"])
    return await ask_courier(screen, number)


async def return_back_command(update: Update, context: Context) -> State:
    screen = await Screen.of(update, context)
    number = await _number(screen)
    d = draft(context, RETURN_DRAFT)
    if number is None or "courier" not in d:
        return await quit_complaint(screen)
    d.pop("courier", None)
    return await ask_courier(screen, number)


async def return_other(update: Update, context: Context, *, step: str) -> State:
    screen = await Screen.of(update, context)
    if abandoned(screen, draft(context, RETURN_DRAFT)):
        return await let_go(update, context, RETURN_DRAFT)
    await screen.send(screen.render("aftersales_customer_choose"))
    return step


def stale_press(step: str) -> Any:
    @pressed(*cb.complaint.STEP_KINDS)
    async def run(update: Update, context: Context, data: Any) -> State:
        screen = await Screen.of(update, context)
        await screen.answer()
        await screen.send(screen.render("aftersales_customer_stale"))
        return step

    return run


def courier_handlers() -> list[Handler]:
    return [
        CallbackQueryHandler(chose_courier, pattern=cb.ComplaintCourier.pattern()),
        CallbackQueryHandler(return_pressed, pattern=STEP),
        CallbackQueryHandler(stale_press(COURIER), pattern=cb.pattern(cb.COMPLAINT)),
        CommandHandler("back", return_back_command, filters=PRIVATE),
        MessageHandler(TEXT, typed_courier),
        MessageHandler(MEDIA | OTHER, functools.partial(return_other, step=COURIER)),
    ]


def tracking_handlers() -> list[Handler]:
    return [
        CallbackQueryHandler(return_pressed, pattern=STEP),
        CallbackQueryHandler(stale_press(TRACKING), pattern=cb.pattern(cb.COMPLAINT)),
        CommandHandler("back", return_back_command, filters=PRIVATE),
        MessageHandler(TEXT, typed_tracking),
        MessageHandler(MEDIA | OTHER, functools.partial(return_other, step=TRACKING)),
    ]
