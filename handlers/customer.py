"""The customer's private chat: menu, catalog, cart, orders, tracking, language, receipts."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from domain import cart as carts
from domain import catalog, order_reads
from domain import orders as order_service
from domain.customers import set_language
from domain.errors import DomainError, NotFound, StaleAction
from domain.models import Product
from domain.timeline import Audience
from handlers import callbacks as cb
from handlers import keyboards as kb
from handlers.common import Context, Screen, log
from handlers.pressed import button, out_of_date

PRIVATE = filters.ChatType.PRIVATE
ORDERS_PAGE = 8
CUSTOMER_RECENT_EVENTS = 12  # an order's view shows its newest updates, and how many more


def tracking_url(screen: Screen, courier: str | None, number: str | None) -> str | None:
    """The courier's tracking link, when the staff workflow knows one."""
    return screen.deps.couriers.tracking_url(courier, number) if courier and number else None


# ---------------------------------------------------------------- menu


async def start(update: Update, context: Context) -> None:
    screen = await Screen.of(update, context)
    if context.args:
        product = await catalog.get_product(screen.deps.store, context.args[0][:40])
        if product is None:
            await screen.send(screen.deps.messages.error(screen.lang, "product_gone"))
        else:
            await show_product(screen, product)
            return
    await screen.send(
        screen.render(
            "welcome",
            first_name=update.effective_user.first_name,  # type: ignore[union-attr]
            shop_name=screen.deps.settings.shop_name,
        ),
        kb.main_menu(screen.deps.messages, screen.lang),
    )


async def help_command(update: Update, context: Context) -> None:
    screen = await Screen.of(update, context)
    await screen.send(
        screen.render("help", shop_name=screen.deps.settings.shop_name),
        kb.main_menu(screen.deps.messages, screen.lang),
    )


@button(cb.MenuHome, cb.MenuCategories)
async def menu_button(
    update: Update, context: Context, data: cb.MenuHome | cb.MenuCategories
) -> None:
    screen = await Screen.of(update, context)
    await screen.answer()
    if isinstance(data, cb.MenuCategories):
        await show_categories(screen)
    else:
        await screen.show(screen.render("menu"), kb.main_menu(screen.deps.messages, screen.lang))


# ---------------------------------------------------------------- catalog


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


# ---------------------------------------------------------------- cart


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


# ---------------------------------------------------------------- orders


async def show_orders(screen: Screen, page: int) -> None:
    items, total = await order_reads.customer_orders(
        screen.deps.store, screen.who.user_id, limit=ORDERS_PAGE, offset=page * ORDERS_PAGE
    )
    pages = max((total + ORDERS_PAGE - 1) // ORDERS_PAGE, 1)
    await screen.show(
        screen.render("orders_list", total=total),
        kb.orders_list(screen.deps.messages, screen.lang, items, page, pages),
    )


async def orders_command(update: Update, context: Context) -> None:
    await show_orders(await Screen.of(update, context), 0)


async def show_order(screen: Screen, number: str) -> None:
    order = await order_reads.customer_order(screen.deps.store, screen.who.user_id, number)
    await screen.show(
        screen.deps.messages.render_order(
            screen.lang,
            "order_detail",
            order=order,
            audience=Audience.CUSTOMER,  # staff notes stay internal
            recent=CUSTOMER_RECENT_EVENTS,
            tracking_url=tracking_url(screen, order.courier, order.tracking_number),
        ),
        kb.order_detail(screen.deps.messages, screen.lang, order),
    )


@button(cb.OrderList, cb.OrderView, cb.OrderCancel, cb.OrderCancelConfirm)
async def orders_button(
    update: Update,
    context: Context,
    data: cb.OrderList | cb.OrderView | cb.OrderCancel | cb.OrderCancelConfirm,
) -> None:
    """The list, one order, "cancel?" and "yes, cancel".

    The number comes from the client: every lookup is limited to the presser's own orders.
    """
    screen = await Screen.of(update, context)
    try:
        if isinstance(data, cb.OrderList):
            await screen.answer()
            await show_orders(screen, data.page)
        elif isinstance(data, cb.OrderView):
            await show_order(screen, data.number)
            await screen.answer()
        elif isinstance(data, cb.OrderCancel):
            order = await order_reads.customer_order(
                screen.deps.store, screen.who.user_id, data.number
            )
            await screen.answer()
            await screen.show(
                screen.render("cancel_confirm", order=order),
                kb.confirm_cancel(screen.deps.messages, screen.lang, order),
            )
        else:
            order = await order_service.cancel_by_customer(
                screen.deps.store,
                screen.who.user_id,
                data.number,
                screen.who.name or screen.who.first_name,
            )
            # "Cancelled" itself was queued with the change (the outbox sends it); the
            # question turns back into the order's view, now showing it cancelled.
            screen.deps.kick()
            await screen.answer()
            await show_order(screen, order.number)
    except DomainError as exc:
        await screen.fail(exc)


async def track_command(update: Update, context: Context) -> None:
    screen = await Screen.of(update, context)
    if not context.args:
        await screen.send(screen.render("track_usage", example="K7Q3MX"))
        return
    try:
        order = await order_reads.track(
            screen.deps.store, screen.who.user_id, " ".join(context.args)
        )
    except DomainError as exc:
        await screen.fail(exc)
        return
    await screen.send(
        screen.render(
            "track",
            order=order,
            tracking_url=tracking_url(screen, order.courier, order.tracking_number),
        ),
        kb.order_notice(screen.deps.messages, screen.lang, order),
    )


# ---------------------------------------------------------------- receipts and language


async def payment_photo(update: Update, context: Context) -> None:
    """A photo in the private chat is a transfer receipt for the open transfer order."""
    screen = await Screen.of(update, context)
    photos = update.effective_message.photo  # type: ignore[union-attr]
    try:
        order = await order_service.submit_payment_proof(
            screen.deps.store,
            screen.who.user_id,
            photos[-1].file_id,
            screen.who.name or screen.who.first_name,
        )
    except NotFound:
        await screen.send(screen.deps.messages.error(screen.lang, "no_open_transfer"))
        return
    except DomainError as exc:
        await screen.fail(exc)
        return
    screen.deps.kick()
    await screen.send(screen.render("proof_received", order=order))


async def language_command(update: Update, context: Context) -> None:
    screen = await Screen.of(update, context)
    await screen.send(
        screen.render("language_choose"), kb.languages(screen.deps.messages, screen.lang)
    )


@button(cb.LanguageChoice)
async def language_button(update: Update, context: Context, data: cb.LanguageChoice) -> None:
    screen = await Screen.of(update, context)
    choice = data.language
    await set_language(screen.deps.store, screen.who.user_id, choice)
    screen.lang = choice
    await screen.answer()
    await screen.show(screen.render("language_set"), kb.main_menu(screen.deps.messages, choice))


# ---------------------------------------------------------------- anything else


async def unknown_command(update: Update, context: Context) -> None:
    screen = await Screen.of(update, context)
    await screen.send(screen.render("unknown_command"))


async def nothing_to_cancel(update: Update, context: Context) -> None:
    """/cancel outside any prompt (inside one, the checkout conversation takes it)."""
    screen = await Screen.of(update, context)
    await screen.send(screen.render("nothing_to_cancel"),
                      kb.main_menu(screen.deps.messages, screen.lang))


async def not_understood(update: Update, context: Context) -> None:
    screen = await Screen.of(update, context)
    await screen.send(
        screen.render("not_understood"), kb.main_menu(screen.deps.messages, screen.lang)
    )


async def stale_button(update: Update, context: Context) -> None:
    """Any button nobody else claimed: from an old message, or forged."""
    await out_of_date(update, context, "no handler takes this data now")


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handlers(
        [
            CommandHandler("start", start, filters=PRIVATE),
            CommandHandler("help", help_command, filters=PRIVATE),
            CommandHandler("catalog", catalog_command, filters=PRIVATE),
            CommandHandler("cart", cart_command, filters=PRIVATE),
            CommandHandler("orders", orders_command, filters=PRIVATE),
            CommandHandler("track", track_command, filters=PRIVATE),
            CommandHandler("language", language_command, filters=PRIVATE),
            CallbackQueryHandler(menu_button, pattern=cb.pattern(cb.MENU)),
            CallbackQueryHandler(category_button, pattern=cb.pattern(cb.CATEGORY)),
            CallbackQueryHandler(product_button, pattern=cb.pattern(cb.PRODUCT)),
            CallbackQueryHandler(add_button, pattern=cb.pattern(cb.ADD)),
            CallbackQueryHandler(cart_button, pattern=rf"^{cb.CART}:(view|set|clear)\b"),
            CallbackQueryHandler(orders_button, pattern=cb.pattern(cb.ORDERS)),
            CallbackQueryHandler(language_button, pattern=cb.pattern(cb.LANGUAGE)),
            MessageHandler(PRIVATE & filters.PHOTO, payment_photo),
        ]
    )


def register_fallbacks(app: Application) -> None:  # type: ignore[type-arg]
    """Last in line: what no other handler took."""
    app.add_handlers(
        [
            CommandHandler("cancel", nothing_to_cancel, filters=PRIVATE),
        MessageHandler(PRIVATE & filters.COMMAND, unknown_command),
            MessageHandler(PRIVATE & ~filters.COMMAND, not_understood),
            CallbackQueryHandler(stale_button),
        ]
    )
