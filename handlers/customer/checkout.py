"""Typed input in the private chat, as one persistent ConversationHandler ("shopping"):
an "other amount" quantity, and the six checkout steps with Back and /cancel.

One conversation, not two, so a customer is in at most one prompt at a time. Its state and
the draft (user_data) are kept by the SQLite persistence: a restart resumes the same step.

The state is the current step, and the only record of it (PTB's model): each state lists
its own step's handlers, which are told their step when the conversation is built. The
draft holds the answers (handlers.customer.checkout_steps); the screens asking each step are
there too.
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

from domain.errors import InvalidInput
from domain.ordering import cart as carts
from domain.ordering import orders as order_service
from domain.validation import normalize_phone, validate_address, validate_name, validate_note
from handlers import callbacks as cb
from handlers.common import Context, Screen
from handlers.customer.checkout_place import place
from handlers.customer.checkout_steps import (
    ADDRESS,
    CONFIRM,
    DRAFT,
    END,
    KEY,
    NAME,
    NOTE,
    PAYMENT,
    PHONE,
    SHIPPING,
    State,
    draft,
    drop_draft,
    keep,
    payment_methods,
    previous,
    prompt,
    quit_checkout,
    quit_empty,
)
from handlers.customer.quantity import QTY, ask_quantity, typed_quantity
from handlers.keyboards import customer as kb
from handlers.pressed import button as pressed

PRIVATE = filters.ChatType.PRIVATE
TEXT = PRIVATE & filters.TEXT & ~filters.COMMAND
NOT_TEXT = PRIVATE & (filters.Sticker.ALL | filters.VOICE | filters.LOCATION | filters.CONTACT)

# The checkout's own buttons (handlers.keyboards.customer builds them from the same classes).
USE_SAVED = cb.CheckoutStep(step="use")
SKIP = cb.CheckoutStep(step="skip")
BACK = cb.CheckoutStep(step="back")
CANCEL = cb.CheckoutStep(step="x")
OK = cb.CheckoutStep(step="ok")
ANY_BUTTON = (cb.CheckoutStep, cb.CheckoutShipping, cb.CheckoutPayment)

# What a press does at a step: (screen, that step, the parsed button) → the next state.
Act = Callable[[Screen, str, Any], Awaitable[State]]
Handler = BaseHandler[Update, Context, State]


# ---------------------------------------------------------------- entering


async def start_checkout(update: Update, context: Context) -> State:
    screen = await Screen.of(update, context)
    await screen.answer()
    content = await carts.get_cart(screen.deps.store, screen.who.user_id)
    if content.is_empty:
        return await quit_empty(screen)
    context.user_data[DRAFT] = {KEY: order_service.new_checkout_key()}  # type: ignore[index]
    return await prompt(screen, NAME)


@pressed(cb.CartCheckout)
async def checkout_button(update: Update, context: Context, _: cb.CartCheckout) -> State:
    """The cart's Checkout button. Parsed like any other: PTB hands a press without data to
    every pattern, so even an exact pattern lets forged data through."""
    return await start_checkout(update, context)


# ---------------------------------------------------------------- typed at a step


async def typed(
    update: Update, context: Context, *, step: str, read: Callable[[str], Any] | None
) -> State:
    """Text at `step`: `read` checks it; at a step that wants a button, say so, ask again."""
    screen = await Screen.of(update, context)
    text = update.effective_message.text or ""  # type: ignore[union-attr]
    # The phone step's reply keyboard sends its Back and Cancel buttons as text.
    if text == screen.deps.messages.button(screen.lang, "back"):
        return await step_back(screen, step)
    if text == screen.deps.messages.button(screen.lang, "cancel_checkout"):
        return await quit_checkout(screen)
    if read is None:
        await screen.send(screen.render("checkout_choose"))
        return await prompt(screen, step)
    try:
        value = read(text)
    except InvalidInput as exc:
        await screen.fail(exc)
        return step
    return await keep(screen, step, value)


async def shared_contact(update: Update, context: Context) -> State:
    screen = await Screen.of(update, context)
    contact = update.effective_message.contact  # type: ignore[union-attr]
    try:
        phone = normalize_phone(contact.phone_number)  # type: ignore[union-attr]
    except InvalidInput as exc:
        await screen.fail(exc)
        return PHONE
    return await keep(screen, PHONE, phone)


async def step_back(screen: Screen, step: str) -> State:
    """/back, or Back typed: the step before; before the first one, checkout ends."""
    return await quit_checkout(screen) if step == NAME else await previous(screen, step)


async def back_command(update: Update, context: Context, *, step: str) -> State:
    return await step_back(await Screen.of(update, context), step)


async def cancel(update: Update, context: Context) -> int:
    return await quit_checkout(await Screen.of(update, context))


async def not_text(update: Update, context: Context, *, step: str) -> State:
    """A sticker, photo or the like where a step wants text or a button."""
    screen = await Screen.of(update, context)
    await screen.send(screen.render("checkout_choose"))
    return QTY if step == QTY else await prompt(screen, step)


# ---------------------------------------------------------------- pressed at a step


async def use_saved(screen: Screen, step: str, data: cb.CheckoutStep) -> State:
    saved = draft(screen.context).get(step) or getattr(screen.who, step)
    return await keep(screen, step, saved) if saved else await stale(screen, step, data)


async def chose_shipping(screen: Screen, step: str, data: cb.CheckoutShipping) -> State:
    if not screen.deps.settings.shipping(data.code):
        return await stale(screen, step, data)
    return await keep(screen, step, data.code)


async def chose_payment(screen: Screen, step: str, data: cb.CheckoutPayment) -> State:
    if data.method not in await payment_methods(screen):
        return await stale(screen, step, data)
    return await keep(screen, step, data.method)


async def skipped_note(screen: Screen, step: str, _: cb.CheckoutStep) -> State:
    return await keep(screen, step, None)


async def confirmed(screen: Screen, step: str, _: cb.CheckoutStep) -> State:
    return await place(screen)


async def pressed_back(screen: Screen, step: str, _: cb.CheckoutStep) -> State:
    """Back: the step before; at the first step, the cart again."""
    if step != NAME:
        return await previous(screen, step)
    drop_draft(screen.context)
    content = await carts.get_cart(screen.deps.store, screen.who.user_id)
    keyboard = kb.cart(screen.deps.messages, screen.lang, content)
    await screen.send(screen.render("cart", cart=content), keyboard)
    return END


async def pressed_cancel(screen: Screen, step: str, _: cb.CheckoutStep) -> State:
    return await quit_checkout(screen)


async def stale(screen: Screen, step: str, _: object) -> State:
    """A button that does not belong to this step is from an older message (or asks for
    what is no longer offered): say so and ask the current step again."""
    await screen.send(screen.render("checkout_stale"))
    return await prompt(screen, step)


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
        return await act(screen, step, data)

    return CallbackQueryHandler(run, pattern=pattern)


def on_text(step: str, read: Callable[[str], Any] | None = None) -> Handler:
    """Text typed at `step`, checked by `read` (None: the step wants a button)."""
    return MessageHandler(TEXT, functools.partial(typed, step=step, read=read))


def at_every_step(step: str) -> list[Handler]:
    """Back, Cancel and /back; any other checkout button is stale; a sticker is not text."""
    return [
        on_press(step, pressed_back, BACK),
        on_press(step, pressed_cancel, CANCEL),
        on_press(step, stale, *ANY_BUTTON),
        CommandHandler("back", functools.partial(back_command, step=step), filters=PRIVATE),
        MessageHandler(NOT_TEXT, functools.partial(not_text, step=step)),
    ]


def conversation() -> ConversationHandler:  # type: ignore[type-arg]
    return ConversationHandler(
        name="shopping",
        persistent=True,
        allow_reentry=True,
        entry_points=[
            CallbackQueryHandler(checkout_button, pattern=rf"^{cb.CART}:go$"),
            CommandHandler("checkout", start_checkout, filters=PRIVATE),
            CallbackQueryHandler(ask_quantity, pattern=cb.pattern(cb.ASK_QTY)),
        ],
        states={
            QTY: [MessageHandler(TEXT, typed_quantity)],
            NAME: [
                on_text(NAME, validate_name),
                on_press(NAME, use_saved, USE_SAVED),
                *at_every_step(NAME),
            ],
            PHONE: [
                MessageHandler(PRIVATE & filters.CONTACT, shared_contact),
                on_text(PHONE, normalize_phone),
                on_press(PHONE, use_saved, USE_SAVED),
                *at_every_step(PHONE),
            ],
            ADDRESS: [
                on_text(ADDRESS, validate_address),
                on_press(ADDRESS, use_saved, USE_SAVED),
                *at_every_step(ADDRESS),
            ],
            SHIPPING: [
                on_press(SHIPPING, chose_shipping, cb.CheckoutShipping),
                on_text(SHIPPING),
                *at_every_step(SHIPPING),
            ],
            PAYMENT: [
                on_press(PAYMENT, chose_payment, cb.CheckoutPayment),
                on_text(PAYMENT),
                *at_every_step(PAYMENT),
            ],
            NOTE: [
                on_text(NOTE, validate_note),
                on_press(NOTE, skipped_note, SKIP),
                *at_every_step(NOTE),
            ],
            CONFIRM: [
                on_press(CONFIRM, confirmed, OK),
                on_text(CONFIRM),
                *at_every_step(CONFIRM),
            ],
        },
        fallbacks=[
            CommandHandler("cancel", cancel, filters=PRIVATE),
            # Only the quantity prompt gets here: every step lists its own.
            MessageHandler(NOT_TEXT, functools.partial(not_text, step=QTY)),
        ],
    )
