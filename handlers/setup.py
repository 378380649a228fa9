"""Setup help: `/chatid` in any group tells its chat id, for STAFF_CHAT_ID."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, CommandHandler, filters

from handlers.common import Context, thread_of


async def chat_id(update: Update, context: Context) -> None:
    d = context.shop
    chat = update.effective_chat
    assert chat is not None
    text = d.messages.render(
        d.settings.default_language, "setup_chat_id", chat_id=chat.id,
        is_staff=chat.id in d.staff,
    )
    await context.bot.send_message(
        chat.id, text, parse_mode=ParseMode.HTML, message_thread_id=thread_of(update)
    )


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("chatid", chat_id, filters=filters.ChatType.GROUPS))
