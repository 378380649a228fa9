"""The "other amount" prompt: a product's quantity typed instead of pressed. It is the first
state of the checkout's conversation (handlers.customer.checkout), so a customer is in one
prompt at a time."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from domain.catalog import catalog
from domain.errors import DomainError, InvalidInput, OffSale
from domain.ordering import cart as carts
from handlers import callbacks as cb
from handlers.common import Context, Screen
from handlers.keyboards import customer as kb
from handlers.pressed import button as pressed

QTY = "qty"
END = ConversationHandler.END
SKU = "qty_sku"  # user_data: the product whose quantity is being typed


@pressed(cb.AskQuantity)
async def ask_quantity(update: Update, context: Context, data: cb.AskQuantity) -> str | int:
    screen = await Screen.of(update, context)
    sku = data.sku
    product = await catalog.get_product(screen.deps.store, sku)
    if product is None:
        await screen.answer(screen.deps.messages.error(screen.lang, "product_gone"), alert=True)
        return END
    await screen.answer()
    context.user_data[SKU] = sku  # type: ignore[index]
    await screen.send(screen.render("ask_qty", product=product))
    return QTY


async def typed_quantity(update: Update, context: Context) -> str | int:
    screen = await Screen.of(update, context)
    sku = context.user_data.get(SKU, "")  # type: ignore[union-attr]
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
    context.user_data.pop(SKU, None)  # type: ignore[union-attr]
    line = next(x for x in content.lines if x.sku == sku)
    await screen.send(
        screen.render(
            "added", quantity=int(text.strip().lstrip("+")), name=line.name, cart=content
        ),
        kb.cart(screen.deps.messages, screen.lang, content),
    )
    return END
