"""The customer's bank details for a refund (issue 9, part C), as one persistent conversation
("refund_details"): bank or e-wallet (a button or typed) → account number → holder's name;
or the details given last time, in one press.

Entered ONLY by the buttons on the refund notice (rf:d / rf:u), never by free text or a
photo, so it cannot take a payment receipt or checkout text. Each answer is checked by
domain/aftersales/bank.py as it comes; the refund itself changes once, at the end
(refunds.give_bank_details), so stopping half-way changes nothing. Its state and the answers
so far are kept by the SQLite persistence: a restart resumes the same step.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from domain.aftersales import bank, refund_reads
from domain.aftersales import refunds as refund_service
from domain.aftersales.models import Refund, RefundStatus
from domain.errors import DomainError, InvalidInput, StaleAction
from handlers.callbacks import refunds as rcb
from handlers.common import Context, Screen
from handlers.keyboards import refunds as kb
from handlers.pressed import button

BANK, NUMBER, HOLDER = "refund_bank", "refund_number", "refund_holder"
END = ConversationHandler.END
State = str | int
PRIVATE = filters.ChatType.PRIVATE
TEXT = PRIVATE & filters.TEXT & ~filters.COMMAND
DRAFT = "refund_details"  # user_data: {"refund": id, "bank": name, "number": digits}
OPEN = (RefundStatus.AWAITING_DETAILS, RefundStatus.READY)


def _draft(context: Context) -> dict[str, Any]:
    return context.user_data.setdefault(DRAFT, {})  # type: ignore[union-attr]


def _name(screen: Screen) -> str:
    """The customer as the timeline names them."""
    return screen.who.name or screen.who.first_name or str(screen.who.user_id)


def _drop(context: Context) -> None:
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]


async def _open_refund(screen: Screen, refund_id: int) -> Refund:
    """The customer's refund, still to be paid; StaleAction (out of date) otherwise: a paid
    or cancelled refund, someone else's, a forged id."""
    try:
        found = await refund_reads.own_refund(screen.deps.store, screen.who.user_id, refund_id)
    except DomainError:
        raise StaleAction() from None
    if found.status not in OPEN:
        raise StaleAction()
    return found


# ---------------------------------------------------------------- entering


@button(rcb.RefundDetails)
async def start(update: Update, context: Context, data: rcb.RefundDetails) -> State:
    screen = await Screen.of(update, context)
    try:
        found = await _open_refund(screen, data.refund_id)
    except DomainError as exc:
        await screen.fail(exc)
        return END
    await screen.answer()
    context.user_data[DRAFT] = {"refund": found.id}  # type: ignore[index]
    return await ask_bank(screen, found)


async def ask_bank(screen: Screen, found: Refund) -> State:
    last = await refund_service.last_bank_details(screen.deps.store, screen.who.user_id)
    await screen.send(
        screen.render("refund_bank_ask", refund=found, last_bank=last),
        kb.bank_choice(screen.deps.messages, screen.lang, found.id, last),
    )
    return BANK


@button(rcb.RefundReuse)
async def reuse(update: Update, context: Context, data: rcb.RefundReuse) -> State:
    """The details given last time, for this refund: done in one press (pressed again: the
    same details, nothing changes)."""
    screen = await Screen.of(update, context)
    try:
        await _open_refund(screen, data.refund_id)
        found = await refund_service.reuse_bank_details(
            screen.deps.store, screen.who.user_id, _name(screen), data.refund_id
        )
    except DomainError as exc:
        await screen.fail(exc)
        return END
    return await _saved(screen, found)


# ---------------------------------------------------------------- the steps


@button(rcb.RefundBank)
async def bank_pressed(update: Update, context: Context, data: rcb.RefundBank) -> State:
    screen = await Screen.of(update, context)
    await screen.answer()
    return await keep_bank(screen, data.bank)


async def bank_typed(update: Update, context: Context) -> State:
    """The bank's name; or bank and number (and holder) in one message, as people often
    send them: each part checked, the steps it answers skipped."""
    screen = await Screen.of(update, context)
    text = update.effective_message.text or ""  # type: ignore[union-attr]
    draft = _draft(context)
    parts = bank.split_details(text)
    try:
        if parts is None:
            return await keep_bank(screen, bank.bank_name(text))
        name = bank.bank_name(parts[0])
        number = bank.account_number(parts[1], name)
    except InvalidInput as exc:
        await screen.fail(exc)
        return BANK
    if "refund" not in draft:
        return await keep_bank(screen, name)  # says it is out of date
    draft.update(bank=name, number=number)
    if parts[2] is None:
        return await ask_holder(screen, draft)
    return await _give(screen, parts[2])


async def keep_bank(screen: Screen, name: str) -> State:
    draft = _draft(screen.context)
    if "refund" not in draft:  # a bank button from an old, finished conversation
        await screen.fail(StaleAction())
        return END
    draft["bank"] = name
    draft.pop("number", None)
    known = bank.find_bank(name)
    await screen.send(
        screen.render(
            "refund_number_ask",
            bank=name,
            wallet=bool(known and known.wallet),
            lengths="/".join(str(n) for n in known.lengths) if known else "",
        ),
        kb.quit_only(screen.deps.messages, screen.lang, draft["refund"]),
    )
    return NUMBER


async def number_typed(update: Update, context: Context) -> State:
    screen = await Screen.of(update, context)
    draft = _draft(context)
    text = update.effective_message.text or ""  # type: ignore[union-attr]
    try:
        draft["number"] = bank.account_number(text, draft["bank"])
    except InvalidInput as exc:
        await screen.fail(exc)
        return NUMBER
    return await ask_holder(screen, draft)


async def ask_holder(screen: Screen, draft: dict[str, Any]) -> State:
    await screen.send(
        screen.render("refund_holder_ask", bank=draft["bank"]),
        kb.quit_only(screen.deps.messages, screen.lang, draft["refund"]),
    )
    return HOLDER


async def holder_typed(update: Update, context: Context) -> State:
    screen = await Screen.of(update, context)
    return await _give(screen, update.effective_message.text or "")  # type: ignore[union-attr]


async def _give(screen: Screen, text: str) -> State:
    """The holder's name completes the details: the refund gets them (one transaction)."""
    context = screen.context
    draft = _draft(context)
    try:
        found = await refund_service.give_bank_details(
            screen.deps.store, screen.who.user_id, _name(screen), draft["refund"],
            draft["bank"], draft["number"], text,
        )
    except InvalidInput as exc:
        await screen.fail(exc)
        return HOLDER
    except DomainError as exc:  # paid or cancelled meanwhile
        _drop(context)
        await screen.fail(exc)
        return END
    return await _saved(screen, found)


async def _saved(screen: Screen, found: Refund) -> int:
    _drop(screen.context)
    screen.deps.kick()  # the staff group hears it
    await screen.answer()
    await screen.send(screen.render("refund_details_saved", refund=found))
    return END


# ---------------------------------------------------------------- leaving


@button(rcb.RefundQuit)
async def quit_button(update: Update, context: Context, _: rcb.RefundQuit) -> int:
    screen = await Screen.of(update, context)
    await screen.answer()
    return await _quit(screen)


async def cancel_command(update: Update, context: Context) -> int:
    return await _quit(await Screen.of(update, context))


async def _quit(screen: Screen) -> int:
    _drop(screen.context)
    await screen.send(screen.render("refund_details_quit"))
    return END


def conversation() -> ConversationHandler:  # type: ignore[type-arg]
    return ConversationHandler(
        name="refund_details",
        persistent=True,
        allow_reentry=True,
        entry_points=[
            CallbackQueryHandler(start, pattern=rcb.RefundDetails.pattern()),
            CallbackQueryHandler(reuse, pattern=rcb.RefundReuse.pattern()),
        ],
        states={
            BANK: [MessageHandler(TEXT, bank_typed)],
            NUMBER: [MessageHandler(TEXT, number_typed)],
            HOLDER: [MessageHandler(TEXT, holder_typed)],
        },
        fallbacks=[
            # Another bank pressed at a later step: that bank, and its number again.
            CallbackQueryHandler(bank_pressed, pattern=rcb.RefundBank.pattern()),
            CallbackQueryHandler(quit_button, pattern=rcb.RefundQuit.pattern()),
            CommandHandler("cancel", cancel_command, filters=PRIVATE),
        ],
    )
