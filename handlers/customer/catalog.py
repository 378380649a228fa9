"""The catalog in the private chat: categories, a category's page, a product (with its
photo when it has one), and adding it to the cart."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from domain.catalog import catalog
from domain.errors import DomainError, NotFound, StaleAction
from domain.models import Product
from domain.ordering import cart as carts
from handlers import callbacks as cb
from handlers.common import Context, Screen, log
from handlers.keyboards import customer as kb
from handlers.pressed import button


async def show_categories(screen: Screen) -> None:
    names = await catalog.categories(screen.deps.store)
    await screen.show(
        screen.render("categories", names=names, shop_name=screen.deps.settings.shop_name),
        kb.categories(screen.deps.messages, screen.lang, names),
    )


async def catalog_command(update: Update, context: Context) -> None:
    await show_categories(await Screen.of(update, context))


@button(cb.CategoryPage)
async def category_button(update: Update, context: Context, data: cb.CategoryPage) -> None:
    screen = await Screen.of(update, context)
    names = await catalog.categories(screen.deps.store)
    name = next((n for n in names if cb.category_key(n) == data.key), None)
    if name is None:  # the category is gone (renamed, or nothing on sale in it)
        await screen.fail(StaleAction())
        return
    await screen.answer()
    page = await catalog.products_in(screen.deps.store, name, data.page)
    await screen.show(
        screen.render("category", category=name, page=page),
        kb.category_page(screen.deps.messages, screen.lang, name, page),
    )


async def show_product(screen: Screen, product: Product) -> None:
    markup = kb.product(screen.deps.messages, screen.lang, product)
    if product.photo:
        text = screen.deps.messages.render_caption(screen.lang, "product", product=product)
        chat = screen.update.effective_chat
        assert chat is not None
        try:
            await screen.context.bot.send_photo(
                chat.id, product.photo, caption=text, parse_mode=ParseMode.HTML, reply_markup=markup
            )
            return
        except BadRequest as exc:  # a bad photo URL must not hide the product
            log.warning("photo of %s refused: %s", product.sku, exc)
    await screen.show(screen.render("product", product=product), markup)


@button(cb.ProductView)
async def product_button(update: Update, context: Context, data: cb.ProductView) -> None:
    screen = await Screen.of(update, context)
    product = await catalog.get_product(screen.deps.store, data.sku)
    if product is None:
        await screen.answer(screen.deps.messages.error(screen.lang, "product_gone"), alert=True)
        return
    await screen.answer()
    await show_product(screen, product)


@button(cb.AddToCart)
async def add_button(update: Update, context: Context, data: cb.AddToCart) -> None:
    screen = await Screen.of(update, context)
    try:
        content = await carts.add_to_cart(
            screen.deps.store, screen.who.user_id, data.sku, data.quantity
        )
    except NotFound:
        await screen.answer(screen.deps.messages.error(screen.lang, "product_gone"), alert=True)
        return
    except DomainError as exc:
        await screen.fail(exc)
        return
    line = next(x for x in content.lines if x.sku == data.sku)
    await screen.answer()
    await screen.send(
        screen.render("added", quantity=data.quantity, name=line.name, cart=content),
        kb.cart(screen.deps.messages, screen.lang, content),
    )
