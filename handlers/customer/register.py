"""The customer's private chat: which commands and buttons exist, in the order they are
tried (the first handler that takes an update answers it)."""

from __future__ import annotations

from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from handlers import callbacks as cb
from handlers.customer import (
    cart,
    catalog,
    checkout,
    checkout_place,
    complaint,
    delivery_check,
    menu,
    orders,
    preferences,
    received,
    refund_details,
    survey,
)

PRIVATE = filters.ChatType.PRIVATE


def register(app: Application) -> None:  # type: ignore[type-arg]
    # Typed input first: while a prompt waits, its conversation takes the text.
    app.add_handler(checkout.conversation())
    app.add_handler(checkout_place.finished_checkout())  # Confirm tapped again after placing
    # The complaint (issue 9, part A): entered only by its buttons; after the checkout (whose
    # typed steps win) and before the transfer receipt's photo handler (evidence wins only
    # while a complaint step asks for files).
    app.add_handler(complaint.conversation())
    app.add_handler(complaint.finished())
    app.add_handlers(
        [
            CommandHandler("start", menu.start, filters=PRIVATE),
            CommandHandler("help", menu.help_command, filters=PRIVATE),
            CommandHandler("catalog", catalog.catalog_command, filters=PRIVATE),
            CommandHandler("cart", cart.cart_command, filters=PRIVATE),
            CommandHandler("orders", orders.orders_command, filters=PRIVATE),
            CommandHandler("track", orders.track_command, filters=PRIVATE),
            CommandHandler("language", preferences.language_command, filters=PRIVATE),
            CallbackQueryHandler(menu.menu_button, pattern=cb.pattern(cb.MENU)),
            CallbackQueryHandler(catalog.category_button, pattern=cb.pattern(cb.CATEGORY)),
            CallbackQueryHandler(catalog.product_button, pattern=cb.pattern(cb.PRODUCT)),
            CallbackQueryHandler(catalog.add_button, pattern=cb.pattern(cb.ADD)),
            CallbackQueryHandler(cart.cart_button, pattern=rf"^{cb.CART}:(view|set|clear)\b"),
            CallbackQueryHandler(orders.orders_button, pattern=cb.pattern(cb.ORDERS)),
            CallbackQueryHandler(preferences.language_button, pattern=cb.pattern(cb.LANGUAGE)),
            MessageHandler(PRIVATE & filters.PHOTO, orders.payment_photo),
        ]
    )
    # The scheduled follow-up: the survey (after checkout: its typed steps come first), the
    # delivery check's answers, "received", and /settings.
    app.add_handlers(
        [
            survey.conversation(),
            refund_details.conversation(),  # issue 9, part C: entered by its buttons only
            CallbackQueryHandler(
                delivery_check.delivery_button, pattern=cb.pattern(cb.DELIVERY_CHECK)
            ),
            CommandHandler("settings", preferences.settings_command, filters=PRIVATE),
            CallbackQueryHandler(preferences.preference_button, pattern=cb.pattern(cb.PREFERENCES)),
            CallbackQueryHandler(received.received_button, pattern=cb.pattern(cb.RECEIVED)),
        ]
    )


def register_fallbacks(app: Application) -> None:  # type: ignore[type-arg]
    """Last in line: what no other handler took."""
    app.add_handlers(
        [
            CommandHandler("cancel", menu.nothing_to_cancel, filters=PRIVATE),
            MessageHandler(PRIVATE & filters.COMMAND, menu.unknown_command),
            MessageHandler(PRIVATE & ~filters.COMMAND, menu.not_understood),
            CallbackQueryHandler(menu.stale_button),
        ]
    )
