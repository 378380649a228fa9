"""The staff group: which commands and buttons exist, where they are accepted, and the
command menu Telegram shows there."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from handlers import callbacks as cb
from handlers import received, staff_actions, staff_lists, staff_orders
from handlers.common import Context
from messages import Messages

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)

# Command → handler, in the order the menu shows them.
COMMANDS: dict[str, Callable[[Update, Context], Awaitable[None]]] = {
    "queue": staff_lists.queue_command,
    "order": staff_orders.order_command,
    "find": staff_lists.find_command,
    **{
        spec.command: functools.partial(staff_actions.typed_command, action=action)
        for action, spec in staff_actions.ACTIONS.items()
    },
    "stock": staff_lists.stock_command,
    "restock": staff_lists.restock_command,
}


def register(app: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    """Before the customer fallbacks: they would answer these as unknown commands."""
    staff = filters.Chat(chat_id=settings.staff_chat_id)
    app.add_handlers(
        [CommandHandler(name, handler, filters=staff) for name, handler in COMMANDS.items()]
        + [
            CommandHandler(["help", "start"], staff_lists.help_command, filters=staff),
            CommandHandler(list(COMMANDS), staff_lists.refuse, filters=~staff),
            CallbackQueryHandler(staff_orders.staff_button, pattern=cb.pattern(cb.STAFF)),
            CallbackQueryHandler(staff_lists.queue_button, pattern=cb.pattern(cb.STAFF_QUEUE)),
            CallbackQueryHandler(received.received_button, pattern=cb.pattern(cb.RECEIVED)),
            MessageHandler(
                staff & filters.REPLY & filters.TEXT & ~filters.COMMAND, staff_orders.prompt_reply
            ),
        ]
    )


async def set_commands(bot: Bot, settings: Settings, messages: Messages) -> None:
    """The staff command menu, shown in the staff group only."""
    lang = settings.default_language
    commands = [BotCommand(name, messages.button(lang, f"cmd_{name}")) for name in COMMANDS]
    # /nps lives with the surveys (handlers.survey) but belongs in the staff menu.
    commands.append(BotCommand("nps", messages.button(lang, "cmd_nps")))
    commands.append(BotCommand("help", messages.button(lang, "cmd_staff_help")))
    try:
        await bot.set_my_commands(commands, scope=BotCommandScopeChat(settings.staff_chat_id))
    except TelegramError as exc:  # not in the group yet: staff commands still work typed
        log.warning("could not set the staff group's command menu: %s", exc)
