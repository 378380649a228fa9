"""Confirm: the order placed once (the checkout key makes a second Confirm, even after a
crash, find the first order), and a checkout button pressed after the checkout ended."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler

from domain.errors import AlreadyPlaced, EmptyCart, OutOfStock, StaleAction
from domain.ordering import orders as order_service
from handlers import callbacks as cb
from handlers.common import Context, Screen
from handlers.customer.checkout_steps import (
    END,
    KEY,
    PAYMENT,
    SHIPPING,
    State,
    details_of,
    draft,
    drop_draft,
    payment_methods,
    prompt,
)
from handlers.pressed import button as pressed

# The number of the customer's last placed order, for a checkout button pressed after its
# checkout ended (a double tap on Confirm, an old message).
PLACED = "placed"


async def place(screen: Screen) -> State:
    data = draft(screen.context)
    shipping = screen.deps.settings.shipping(data.get(SHIPPING, ""))
    if shipping is None:
        await screen.send(screen.deps.messages.error(screen.lang, "shipping_invalid"))
        return await prompt(screen, SHIPPING)
    # COD chosen, then refused on another order meanwhile (COD_MAX_REFUSALS): choose again.
    if data.get(PAYMENT) not in await payment_methods(screen):
        await screen.send(screen.deps.messages.error(screen.lang, "cod_not_offered"))
        return await prompt(screen, PAYMENT)
    # A draft saved before checkout keys existed gets one now.
    key = data.setdefault(KEY, order_service.new_checkout_key())
    try:
        placement = await order_service.place_checkout(
            screen.deps.store, screen.who.user_id, details_of(data), shipping, key
        )
    except (OutOfStock, EmptyCart) as exc:
        await screen.send(screen.error_text(exc))
        drop_draft(screen.context)
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
    drop_draft(screen.context)
    return END


@pressed(cb.CheckoutStep, cb.CheckoutShipping, cb.CheckoutPayment)
async def finished_checkout_button(update: Update, context: Context, _: Any) -> None:
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
