"""The checkout's steps as screens: the draft that holds the answers, asking each step, and
keeping an answer to move on. Which handlers a step takes is in handlers.customer.checkout."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import ReplyKeyboardRemove
from telegram.ext import ConversationHandler

from domain.aftersales import cod
from domain.errors import AlreadyPlaced, EmptyCart
from domain.models import CheckoutDetails, PaymentMethod
from domain.ordering import cart as carts
from domain.ordering import orders as order_service
from handlers.common import Context, Screen
from handlers.customer.quantity import SKU
from handlers.keyboards import customer as kb

NAME, PHONE, ADDRESS, SHIPPING, PAYMENT, NOTE, CONFIRM = (
    "name",
    "phone",
    "address",
    "shipping",
    "payment",
    "note",
    "confirm",
)
STEPS = [NAME, PHONE, ADDRESS, SHIPPING, PAYMENT, NOTE, CONFIRM]
END = ConversationHandler.END
State = str | int

DRAFT = "checkout"
# The draft's idempotency key, made when checkout starts and persisted with the draft: the
# order it places carries it, so Confirm pressed again (after a crash) finds that order.
KEY = "key"


def draft(context: Context) -> dict[str, Any]:
    """The answers so far. (A draft saved by older versions may also hold a "step" entry:
    the conversation's state is the step now, so it is ignored.)"""
    return context.user_data.setdefault(DRAFT, {})  # type: ignore[union-attr]


def drop_draft(context: Context) -> None:
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]


async def payment_methods(screen: Screen) -> list[PaymentMethod]:
    """Transfer always; COD when the shop takes it and this customer has not refused more
    COD parcels than COD_MAX_REFUSALS allows (domain/aftersales/cod.py)."""
    methods = [PaymentMethod.TRANSFER]
    settings = screen.deps.settings
    if settings.cod_enabled and await cod.cod_allowed(
        screen.deps.store, screen.who.user_id, settings.cod_max_refusals
    ):
        methods.append(PaymentMethod.COD)
    return methods


def details_of(data: dict[str, Any]) -> CheckoutDetails:
    return CheckoutDetails(
        name=data[NAME],
        phone=data[PHONE],
        address=data[ADDRESS],
        shipping_code=data[SHIPPING],
        payment_method=PaymentMethod(data[PAYMENT]),
        note=data.get(NOTE) or None,
    )


# ---------------------------------------------------------------- asking


def _nav(screen: Screen, **options: Any) -> Any:
    return kb.checkout_nav(screen.deps.messages, screen.lang, **options)


async def ask_name(screen: Screen, data: dict[str, Any]) -> State:
    saved = data.get(NAME) or screen.who.name
    await screen.send(screen.render("checkout_name"), _nav(screen, use_saved=saved))
    return NAME


async def ask_phone(screen: Screen, data: dict[str, Any]) -> State:
    saved = data.get(PHONE) or screen.who.phone
    keyboard = kb.share_phone(screen.deps.messages, screen.lang, saved)
    await screen.send(screen.render("checkout_phone"), keyboard)
    return PHONE


async def ask_address(screen: Screen, data: dict[str, Any]) -> State:
    saved = data.get(ADDRESS) or screen.who.address
    await screen.send(screen.render("checkout_address"), _nav(screen, use_saved=saved))
    return ADDRESS


async def ask_shipping(screen: Screen, data: dict[str, Any]) -> State:
    options = screen.deps.settings.shipping_options
    keyboard = kb.shipping(screen.deps.messages, screen.lang, options)
    await screen.send(screen.render("checkout_shipping"), keyboard)
    return SHIPPING


async def ask_payment(screen: Screen, data: dict[str, Any]) -> State:
    keyboard = kb.payment(screen.deps.messages, screen.lang, await payment_methods(screen))
    await screen.send(screen.render("checkout_payment", bank=screen.deps.settings.bank), keyboard)
    return PAYMENT


async def ask_note(screen: Screen, data: dict[str, Any]) -> State:
    await screen.send(screen.render("checkout_note"), _nav(screen, skip=True))
    return NOTE


async def ask_confirm(screen: Screen, data: dict[str, Any]) -> State:
    content = await carts.get_cart(screen.deps.store, screen.who.user_id)
    if content.is_empty:
        return await quit_empty(screen)
    shipping = screen.deps.settings.shipping(data[SHIPPING])
    if shipping is None:  # the shop changed its shipping options meanwhile
        return await prompt(screen, SHIPPING)
    text = screen.render(
        "checkout_summary", cart=content, shipping=shipping, details=details_of(data)
    )
    await screen.send(text, kb.confirm(screen.deps.messages, screen.lang))
    return CONFIRM


ASK: dict[str, Callable[[Screen, dict[str, Any]], Awaitable[State]]] = {
    NAME: ask_name,
    PHONE: ask_phone,
    ADDRESS: ask_address,
    SHIPPING: ask_shipping,
    PAYMENT: ask_payment,
    NOTE: ask_note,
    CONFIRM: ask_confirm,
}


async def prompt(screen: Screen, step: str) -> State:
    """Ask for `step`; returns the conversation's new state (`step`, or where asking led)."""
    return await ASK[step](screen, draft(screen.context))


async def keep(screen: Screen, step: str, value: Any) -> State:
    """Keep the step's answer and ask the next step (the phone's reply keyboard goes away)."""
    draft(screen.context)[step] = value
    if step == PHONE:
        await screen.send(screen.render("checkout_phone_ok", phone=value), ReplyKeyboardRemove())
    return await prompt(screen, STEPS[STEPS.index(step) + 1])


async def previous(screen: Screen, step: str) -> State:
    """Ask the step before `step` (not the first)."""
    return await prompt(screen, STEPS[STEPS.index(step) - 1])


# ---------------------------------------------------------------- leaving


async def quit_empty(screen: Screen) -> int:
    """The cart is empty: because this checkout's order was placed already (the bot went
    down before it could say so), or there is nothing to order."""
    key = draft(screen.context).get(KEY)
    placed = None
    if key:
        placed = await order_service.placed_by_checkout_key(
            screen.deps.store, screen.who.user_id, key
        )
    if placed is not None:
        screen.deps.kick()  # its confirmation, if still queued
        await screen.fail(AlreadyPlaced(number=placed.number))
    else:
        await screen.fail(EmptyCart())
    drop_draft(screen.context)
    return END


async def quit_checkout(screen: Screen) -> int:
    """Cancelled: the draft and any quantity prompt are dropped; the cart stays."""
    drop_draft(screen.context)
    screen.context.user_data.pop(SKU, None)  # type: ignore[union-attr]
    await screen.send(screen.render("checkout_cancelled"), ReplyKeyboardRemove())
    return END
