"""What every staff handler does: check the chat, know who acts, answer in the group, read
the words of a typed command."""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from domain.actors import Actor
from domain.dedupe import MessageKey
from handlers.common import ChatView, Context, thread_of
from handlers.context import Shop

log = logging.getLogger("handlers.staff")

# Generic domain errors read differently to staff than to a customer.
STAFF_ERRORS = {
    "not_found": "staff_not_found",
    "already_done": "staff_already_done",
    "transition_not_allowed": "staff_not_allowed",
    "stale": "staff_stale",
}
# Telegram's "Group" identity of an anonymous group admin.
ANONYMOUS_ADMIN = 1087968824


class Desk(ChatView):
    """A staff handler's view of the update: the staff group's language, the acting person,
    replies in the group and answers to pressed buttons."""

    error_names = STAFF_ERRORS

    def __init__(self, update: Update, context: Context) -> None:
        self.update = update
        self.context = context
        self.deps: Shop = context.shop
        self.lang = self.deps.settings.default_language
        self.flow = self.deps.desk

    @property
    def actor(self) -> Actor:
        user = self.update.effective_user
        chat = self.update.effective_chat
        if user is None or user.id == ANONYMOUS_ADMIN:
            return Actor(None, (chat.title if chat else None) or "admin")
        return Actor(user.id, user.full_name[:64])

    @property
    def chat_id(self) -> int | None:
        query = self.update.callback_query
        if query is not None:
            return query.message.chat.id if query.message is not None else None
        chat = self.update.effective_chat
        return chat.id if chat else None

    def in_staff_chat(self) -> bool:
        """Messages in the staff group and presses on messages in it; nothing else."""
        return self.chat_id in self.deps.staff

    @property
    def thread_id(self) -> int | None:
        """The forum topic asked from: answers go there."""
        return thread_of(self.update)

    def refused(self, what: str) -> None:
        user = self.update.effective_user
        log.warning(
            "refused staff %s from user %s (%s) in chat %s",
            what,
            user.id if user else None,
            user.full_name if user else "?",
            self.chat_id,
        )

    @property
    def message_key(self) -> MessageKey | None:
        message = self.update.effective_message
        if message is None or self.update.callback_query is not None:
            return None
        return (message.chat.id, message.message_id)

    async def reply(self, text: str, markup: Any = None) -> Message:
        """A message in the chat, as a reply to the staff message that asked."""
        chat_id = self.chat_id
        assert chat_id is not None
        message = self.update.effective_message
        reply = (
            ReplyParameters(message.message_id, allow_sending_without_reply=True)
            if message is not None and self.update.callback_query is None
            else None
        )
        return await self.context.bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            reply_parameters=reply,
            message_thread_id=self.thread_id,
        )

    async def button_allowed(self) -> bool:
        """A staff button counts only on a message in the staff group; else refuse and log."""
        if self.in_staff_chat():
            return True
        query = self.update.callback_query
        self.refused(f"button {query.data if query else None!r}")
        await self.answer(self.render("staff_toast", kind="refused"), alert=True)
        return False

    async def edit(self, message_id: int, text: str, markup: InlineKeyboardMarkup | None) -> None:
        """Edit one of the bot's messages in this chat; an unchanged one is fine."""
        chat_id = self.chat_id
        assert chat_id is not None
        try:
            await self.context.bot.edit_message_text(
                text,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        except BadRequest as exc:
            if "not modified" not in exc.message.lower():
                log.info("could not edit message %s: %s", message_id, exc)

    async def say(self, text: str) -> Message:
        return await self.reply(text)

    def kick(self) -> None:
        self.deps.kick()


def command_text(update: Update, parts: int) -> list[str]:
    """The command's words after `/cmd`: `parts - 1` words, then the rest verbatim (a reason
    keeps its line breaks and anything else typed)."""
    message = update.effective_message
    text = (message.text or "") if message else ""
    return text.split(None, parts)[1:]


async def show_usage(desk: Desk, command: str) -> None:
    await desk.reply(
        desk.render(
            "staff_usage", command=command, couriers=desk.deps.couriers.names()
        )
    )
