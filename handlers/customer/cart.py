"""The customer's cart: /cart, and its buttons (set a line's quantity, clear)."""

from __future__ import annotations

from telegram import Update

from domain.errors import DomainError, NotFound, StaleAction
from domain.ordering import cart as carts
from handlers import callbacks as cb
from handlers.common import Context, Screen
from handlers.keyboards import customer as kb
from handlers.pressed import button


async def cart_command(update: Update, context: Context) -> None:
    screen = await Screen.of(update, context)
    content = await carts.get_cart(screen.deps.store, screen.who.user_id)
    await screen.send(
        screen.render("cart", cart=content), kb.cart(screen.deps.messages, screen.lang, content)
    )


@button(cb.CartView, cb.CartSet, cb.CartClear)
async def cart_button(
    update: Update, context: Context, data: cb.CartView | cb.CartSet | cb.CartClear
) -> None:
    """View, set a line's quantity, or clear — always the presser's own cart.

    Buttons carry the quantity to set, not a step, so a press delivered twice changes nothing
    twice.
    """
    screen = await Screen.of(update, context)
    store, user_id = screen.deps.store, screen.who.user_id
    try:
        if isinstance(data, cb.CartClear):
            await carts.clear_cart(store, user_id)
        elif isinstance(data, cb.CartSet):
            try:
                await carts.set_quantity(store, user_id, data.sku, data.quantity)
            except NotFound:  # not in this cart (any more): an old or forged button
                raise StaleAction() from None
    except DomainError as exc:
        await screen.fail(exc)
        return
    await screen.answer()
    content = await carts.get_cart(store, user_id)
    await screen.show(
        screen.render("cart", cart=content), kb.cart(screen.deps.messages, screen.lang, content)
    )
