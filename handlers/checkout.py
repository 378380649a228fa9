"""Typed input in the private chat, as one persistent ConversationHandler ("shopping"):
an "other amount" quantity, and the six checkout steps with Back and /cancel.

One conversation, not two, so a customer is in at most one prompt at a time. Its state and
the draft (user_data) are kept by the SQLite persistence: a restart resumes the same step.
"""

from __future__ import annotations

from typing import Any

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from domain import cart as carts
from domain import catalog
from domain import orders as order_service
from domain.errors import (
    AlreadyPlaced,
    DomainError,
    EmptyCart,
    InvalidInput,
    OffSale,
    OutOfStock,
    StaleAction,
)
from domain.models import CheckoutDetails, PaymentMethod
from domain.validation import normalize_phone, validate_address, validate_name, validate_note
from handlers import callbacks as cb
from handlers import keyboards as kb
from handlers.common import Context, Screen
from handlers.pressed import button as pressed

QTY, NAME, PHONE, ADDRESS, SHIPPING, PAYMENT, NOTE, CONFIRM = (
    "qty",
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
PRIVATE = filters.ChatType.PRIVATE
TEXT = PRIVATE & filters.TEXT & ~filters.COMMAND
DRAFT = "checkout"
# The draft's idempotency key, made when checkout starts and persisted with the draft: the
# order it places carries it, so Confirm pressed again (after a crash) finds that order.
KEY = "key"
# The number of the customer's last placed order, for a checkout button pressed after its
# checkout ended (a double tap on Confirm, an old message).
PLACED = "placed"


def draft(context: Context) -> dict[str, Any]:
    return context.user_data.setdefault(DRAFT, {})  # type: ignore[union-attr]


def payment_methods(screen: Screen) -> list[PaymentMethod]:
    methods = [PaymentMethod.TRANSFER]
    if screen.deps.settings.cod_enabled:
        methods.append(PaymentMethod.COD)
    return methods


async def prompt(screen: Screen, step: str) -> str | int:
    """Ask for `step` and return it as the conversation's new state."""
    messages, lang, data = screen.deps.messages, screen.lang, draft(screen.context)
    data["step"] = step
    if step == NAME:
        saved = data.get("name") or screen.who.name
        await screen.send(
            screen.render("checkout_name"), kb.checkout_nav(messages, lang, use_saved=saved)
        )
    elif step == PHONE:
        saved = data.get("phone") or screen.who.phone
        await screen.send(screen.render("checkout_phone"), kb.share_phone(messages, lang, saved))
    elif step == ADDRESS:
        saved = data.get("address") or screen.who.address
        await screen.send(
            screen.render("checkout_address"), kb.checkout_nav(messages, lang, use_saved=saved)
        )
    elif step == SHIPPING:
        await screen.send(
            screen.render("checkout_shipping"),
            kb.shipping(messages, lang, screen.deps.settings.shipping_options),
        )
    elif step == PAYMENT:
        await screen.send(
            screen.render("checkout_payment", bank=screen.deps.settings.bank),
            kb.payment(messages, lang, payment_methods(screen)),
        )
    elif step == NOTE:
        await screen.send(
            screen.render("checkout_note"), kb.checkout_nav(messages, lang, skip=True)
        )
    else:
        content = await carts.get_cart(screen.deps.store, screen.who.user_id)
        if content.is_empty:
            return await quit_empty(screen)
        shipping = screen.deps.settings.shipping(data[SHIPPING])
        if shipping is None:  # the shop changed its shipping options meanwhile
            return await prompt(screen, SHIPPING)
        await screen.send(
            screen.render(
                "checkout_summary", cart=content, shipping=shipping, details=details_of(data)
            ),
            kb.confirm(messages, lang),
        )
    return step


def details_of(data: dict[str, Any]) -> CheckoutDetails:
    return CheckoutDetails(
        name=data["name"],
        phone=data["phone"],
        address=data["address"],
        shipping_code=data["shipping"],
        payment_method=PaymentMethod(data["payment"]),
        note=data.get("note") or None,
    )


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
    screen.context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    return END


async def advance(screen: Screen, step: str) -> str | int:
    return await prompt(screen, STEPS[STEPS.index(step) + 1])


# ---------------------------------------------------------------- entering


async def start_checkout(update: Update, context: Context) -> str | int:
    screen = await Screen.of(update, context)
    await screen.answer()
    content = await carts.get_cart(screen.deps.store, screen.who.user_id)
    if content.is_empty:
        return await quit_empty(screen)
    context.user_data[DRAFT] = {KEY: order_service.new_checkout_key()}  # type: ignore[index]
    return await prompt(screen, NAME)


@pressed(cb.CartCheckout)
async def checkout_button(update: Update, context: Context, _: cb.CartCheckout) -> str | int:
    """The cart's Checkout button. Parsed like any other: PTB hands a press without data to
    every pattern, so even an exact pattern lets forged data through."""
    return await start_checkout(update, context)


@pressed(cb.AskQuantity)
async def ask_quantity(update: Update, context: Context, data: cb.AskQuantity) -> str | int:
    screen = await Screen.of(update, context)
    sku = data.sku
    product = await catalog.get_product(screen.deps.store, sku)
    if product is None:
        await screen.answer(screen.deps.messages.error(screen.lang, "product_gone"), alert=True)
        return END
    await screen.answer()
    context.user_data["qty_sku"] = sku  # type: ignore[index]
    await screen.send(screen.render("ask_qty", product=product))
    return QTY


async def typed_quantity(update: Update, context: Context) -> str | int:
    screen = await Screen.of(update, context)
    sku = context.user_data.get("qty_sku", "")  # type: ignore[union-attr]
    text = update.effective_message.text or ""  # type: ignore[union-attr]
    try:
        content = await carts.add_to_cart(screen.deps.store, screen.who.user_id, sku, text)
    except InvalidInput as exc:
        await screen.fail(exc)
        return QTY
    except OffSale as exc:
        await screen.fail(exc)
        return END
    except DomainError:
        await screen.send(screen.deps.messages.error(screen.lang, "product_gone"))
        return END
    context.user_data.pop("qty_sku", None)  # type: ignore[union-attr]
    line = next(x for x in content.lines if x.sku == sku)
    await screen.send(
        screen.render(
            "added", quantity=int(text.strip().lstrip("+")), name=line.name, cart=content
        ),
        kb.cart(screen.deps.messages, screen.lang, content),
    )
    return END


# ---------------------------------------------------------------- typed steps


async def typed(update: Update, context: Context) -> str | int:
    """Text at a step that wants text; at a step that wants a button, say so and ask again."""
    screen = await Screen.of(update, context)
    data = draft(context)
    step = data.get("step", NAME)
    text = update.effective_message.text or ""  # type: ignore[union-attr]
    # The phone step's reply keyboard sends its Back and Cancel buttons as text.
    if text == screen.deps.messages.button(screen.lang, "back"):
        return await back_command(update, context)
    if text == screen.deps.messages.button(screen.lang, "cancel_checkout"):
        return await cancel(update, context)
    validators = {
        NAME: validate_name,
        PHONE: normalize_phone,
        ADDRESS: validate_address,
        NOTE: validate_note,
    }
    if step not in validators:
        await screen.send(screen.render("checkout_choose"))
        return await prompt(screen, step)
    try:
        data[step] = validators[step](text)
    except InvalidInput as exc:
        await screen.fail(exc)
        return step
    if step == PHONE:
        await screen.send(
            screen.render("checkout_phone_ok", phone=data[PHONE]), ReplyKeyboardRemove()
        )
    return await advance(screen, step)


async def shared_contact(update: Update, context: Context) -> str | int:
    screen = await Screen.of(update, context)
    contact = update.effective_message.contact  # type: ignore[union-attr]
    try:
        draft(context)[PHONE] = normalize_phone(contact.phone_number)  # type: ignore[union-attr]
    except InvalidInput as exc:
        await screen.fail(exc)
        return PHONE
    await screen.send(
        screen.render("checkout_phone_ok", phone=draft(context)[PHONE]), ReplyKeyboardRemove()
    )
    return await advance(screen, PHONE)


# ---------------------------------------------------------------- buttons


@pressed(cb.CheckoutStep, cb.CheckoutShipping, cb.CheckoutPayment)
async def button(
    update: Update,
    context: Context,
    pressed_data: cb.CheckoutStep | cb.CheckoutShipping | cb.CheckoutPayment,
) -> str | int:
    """co:use | co:skip | co:ship:<code> | co:pay:<method> | co:back | co:x | co:ok.

    A button that does not belong to the current step is from an older message: say so and
    ask the current step again.
    """
    screen = await Screen.of(update, context)
    data = draft(context)
    step = data.get("step", NAME)
    match pressed_data:
        case cb.CheckoutShipping(code=arg):
            action = "ship"
        case cb.CheckoutPayment(method=arg):
            action = "pay"
        case cb.CheckoutStep(step=action):
            arg = ""
    await screen.answer()
    if action == "x":
        return await cancel(update, context)
    if action == "back":
        if step == NAME:
            context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
            content = await carts.get_cart(screen.deps.store, screen.who.user_id)
            await screen.send(
                screen.render("cart", cart=content),
                kb.cart(screen.deps.messages, screen.lang, content),
            )
            return END
        return await prompt(screen, STEPS[STEPS.index(step) - 1])
    if action == "use" and step in (NAME, PHONE, ADDRESS):
        saved = data.get(step) or getattr(screen.who, step)
        if saved:
            data[step] = saved
            if step == PHONE:
                await screen.send(
                    screen.render("checkout_phone_ok", phone=saved), ReplyKeyboardRemove()
                )
            return await advance(screen, step)
    elif action == "ship" and step == SHIPPING and screen.deps.settings.shipping(arg):
        data[SHIPPING] = arg
        return await advance(screen, step)
    elif action == "pay" and step == PAYMENT and arg in payment_methods(screen):
        data[PAYMENT] = arg
        return await advance(screen, step)
    elif action == "skip" and step == NOTE:
        data[NOTE] = None
        return await advance(screen, step)
    elif action == "ok" and step == CONFIRM:
        return await place(screen)
    await screen.send(screen.render("checkout_stale"))
    return await prompt(screen, step)


async def place(screen: Screen) -> str | int:
    data = draft(screen.context)
    shipping = screen.deps.settings.shipping(data.get(SHIPPING, ""))
    if shipping is None:
        await screen.send(screen.deps.messages.error(screen.lang, "shipping_invalid"))
        return await prompt(screen, SHIPPING)
    # A draft saved before checkout keys existed gets one now.
    key = data.setdefault(KEY, order_service.new_checkout_key())
    try:
        placement = await order_service.place_checkout(
            screen.deps.store, screen.who.user_id, details_of(data), shipping, key
        )
    except (OutOfStock, EmptyCart) as exc:
        await screen.send(screen.error_text(exc))
        screen.context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
        return END
    order = placement.order
    screen.context.user_data[PLACED] = order.number  # type: ignore[index]
    # The confirmation with the payment details was queued with the order: the outbox sends
    # it (exactly once, even across a crash). Here the summary, whose Confirm button was just
    # pressed, becomes a short acknowledgement without buttons.
    screen.deps.kick()
    if placement.already_placed:
        await screen.show(screen.error_text(AlreadyPlaced(number=order.number)))
    else:
        await screen.show(screen.render("order_placed_ack", order=order))
    # Dropped last: should answering fail, Confirm pressed again still finds the order.
    screen.context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    return END


@pressed(cb.CheckoutStep, cb.CheckoutShipping, cb.CheckoutPayment)
async def finished_checkout_button(
    update: Update,
    context: Context,
    _: cb.CheckoutStep | cb.CheckoutShipping | cb.CheckoutPayment,
) -> None:
    """A checkout button pressed when no checkout is open: after an order was placed this is
    a second tap on Confirm (or an old summary), so say the order exists."""
    screen = await Screen.of(update, context)
    number = context.user_data.get(PLACED)  # type: ignore[union-attr]
    if number:
        await screen.fail(AlreadyPlaced(number=number))
    else:
        await screen.fail(StaleAction())


def finished_checkout() -> CallbackQueryHandler:  # type: ignore[type-arg]
    """Registered right after the conversation: it sees the checkout buttons the conversation
    did not take (no checkout open)."""
    return CallbackQueryHandler(finished_checkout_button, pattern=cb.pattern(cb.CHECKOUT))


async def cancel(update: Update, context: Context) -> int:
    screen = await Screen.of(update, context)
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    context.user_data.pop("qty_sku", None)  # type: ignore[union-attr]
    await screen.send(screen.render("checkout_cancelled"), ReplyKeyboardRemove())
    return END


async def back_command(update: Update, context: Context) -> str | int:
    screen = await Screen.of(update, context)
    step = draft(context).get("step", NAME)
    if step == NAME:
        return await cancel(update, context)
    return await prompt(screen, STEPS[STEPS.index(step) - 1])


async def not_text(update: Update, context: Context) -> str | int:
    """A sticker, photo or the like where a step wants text or a button."""
    screen = await Screen.of(update, context)
    await screen.send(screen.render("checkout_choose"))
    step = draft(context).get("step")
    return await prompt(screen, step) if step else QTY


def conversation() -> ConversationHandler:  # type: ignore[type-arg]
    buttons = CallbackQueryHandler(button, pattern=cb.pattern(cb.CHECKOUT))
    step_handlers = [
        MessageHandler(TEXT, typed),
        buttons,
        CommandHandler("back", back_command, filters=PRIVATE),
    ]
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
            NAME: step_handlers,
            PHONE: [MessageHandler(PRIVATE & filters.CONTACT, shared_contact), *step_handlers],
            ADDRESS: step_handlers,
            SHIPPING: step_handlers,
            PAYMENT: step_handlers,
            NOTE: step_handlers,
            CONFIRM: step_handlers,
        },
        fallbacks=[
            CommandHandler("cancel", cancel, filters=PRIVATE),
            MessageHandler(
                PRIVATE
                & (filters.Sticker.ALL | filters.VOICE | filters.LOCATION | filters.CONTACT),
                not_text,
            ),
        ],
    )
