"""The staff group: which commands and buttons exist, where they are accepted, and the
command menu Telegram shows there."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from telegram import Bot, BotCommand, BotCommandScopeChat, Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from domain.staff_group import StaffGroup
from handlers import callbacks as cb
from handlers.common import Context
from handlers.staff import (
    actions,
    catalog,
    complaints,
    laporan,
    lists,
    orders,
    products,
    refunds,
    reports,
)
from messages import Messages

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)

Command = Callable[[Update, Context], Awaitable[None]]

# Command → handler, in the order the menu shows them. Typed elsewhere, they are refused.
COMMANDS: dict[str, Command] = {
    "queue": lists.queue_command,
    "order": orders.order_command,
    "find": lists.find_command,
    **{
        spec.command: functools.partial(actions.typed_command, action=action)
        for action, spec in actions.ACTIONS.items()
    },
    "stock": lists.stock_command,
    "restock": lists.restock_command,
    "katalog": catalog.katalog_command,
    "produk": products.produk_command,
    "returns": complaints.returns_command,  # after-sales (part B)
    "return": complaints.return_command,
}
# Reports, after the commands in the menu. Typed elsewhere they are unknown commands, as
# they have always been (no refusal, no warning in the log).
REPORTS: dict[str, Command] = {
    "nps": reports.nps_command,
    "laporan": laporan.report_command,
    "ekspor": laporan.export_command,
    "setor": laporan.remit_command,
}
# English names of the reports: they work, the menu shows the Indonesian ones.
ALIASES: dict[str, Command] = {
    "report": laporan.report_command,
    "export": laporan.export_command,
}


class InStaffGroup(filters.MessageFilter):
    """Messages in the staff group as it is now: an upgrade to a supergroup moves the filter
    to the new id at once, and the old id is refused from then on."""

    def __init__(self, group: StaffGroup) -> None:
        super().__init__(name="InStaffGroup")
        self.group = group

    def filter(self, message: Message) -> bool:
        return message.chat_id in self.group


def register(app: Application, group: StaffGroup) -> None:  # type: ignore[type-arg]
    """Before the customer fallbacks: they would answer these as unknown commands."""
    staff = InStaffGroup(group)
    app.add_handlers(
        [
            CommandHandler(name, handler, filters=staff)
            for name, handler in (COMMANDS | REPORTS | ALIASES).items()
        ]
        + [
            CommandHandler(["help", "start"], lists.help_command, filters=staff),
            CommandHandler(list(COMMANDS), lists.refuse, filters=~staff),
            CallbackQueryHandler(orders.staff_button, pattern=cb.pattern(cb.STAFF)),
            CallbackQueryHandler(lists.queue_button, pattern=cb.pattern(cb.STAFF_QUEUE)),
            CallbackQueryHandler(catalog.preview_button, pattern=cb.pattern(cb.STAFF_CATALOG)),
            CallbackQueryHandler(products.product_button, pattern=cb.pattern(cb.STAFF_PRODUCT)),
            CallbackQueryHandler(laporan.report_button, pattern=cb.pattern(cb.STAFF_REPORT)),
            CallbackQueryHandler(
                complaints.complaint_button, pattern=cb.pattern(cb.STAFF_COMPLAINT)
            ),
            # A catalog file sent to the group: its preview (other files are left alone).
            MessageHandler(staff & filters.Document.ALL, catalog.document_sent),
            # Replies to the bot's questions, about a product (text or a photo) or an order.
            MessageHandler(
                staff & filters.REPLY & (filters.TEXT | filters.PHOTO) & ~filters.COMMAND,
                products.prompt_reply,
            ),
        ]
    )
    refunds.register(app, staff)  # issue 9, part C


async def set_commands(bot: Bot, settings: Settings, messages: Messages, chat_id: int) -> None:
    """The staff command menu, shown in the staff group (`chat_id`, the group now) only."""
    lang = settings.default_language
    commands = [
        BotCommand(name, messages.button(lang, f"cmd_{name}")) for name in (*COMMANDS, *REPORTS)
    ]
    commands.append(BotCommand("help", messages.button(lang, "cmd_staff_help")))
    try:
        await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:  # not in the group yet: staff commands still work typed
        log.warning("could not set the staff group's command menu: %s", exc)
