"""The customer's private chat, first and last: /start and /help, the menu, and what no
other handler took (unknown commands, stray text, buttons from old messages)."""

from __future__ import annotations

from telegram import Update

from domain.catalog import catalog
from handlers import callbacks as cb
from handlers.common import Context, Screen
from handlers.customer.catalog import show_categories, show_product
from handlers.keyboards import customer as kb
from handlers.pressed import button, out_of_date


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


# ---------------------------------------------------------------- anything else


async def unknown_command(update: Update, context: Context) -> None:
    screen = await Screen.of(update, context)
    await screen.send(screen.render("unknown_command"))


async def nothing_to_cancel(update: Update, context: Context) -> None:
    """/cancel outside any prompt (inside one, the checkout conversation takes it)."""
    screen = await Screen.of(update, context)
    await screen.send(
        screen.render("nothing_to_cancel"), kb.main_menu(screen.deps.messages, screen.lang)
    )


async def not_understood(update: Update, context: Context) -> None:
    screen = await Screen.of(update, context)
    await screen.send(
        screen.render("not_understood"), kb.main_menu(screen.deps.messages, screen.lang)
    )


async def stale_button(update: Update, context: Context) -> None:
    """Any button nobody else claimed: from an old message, or forged."""
    await out_of_date(update, context, "no handler takes this data now")
