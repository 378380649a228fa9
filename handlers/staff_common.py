"""What every staff handler does: check the chat, know who acts, answer in the group."""

from __future__ import annotations

import html as html_lib
import logging
import re
from typing import Any

from telegram import InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from domain.actors import Actor
from domain.dedupe import MessageKey
from domain.errors import DomainError
from handlers.common import Context
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


class Desk:
    """A staff handler's view of the update: the staff group's language, the acting person,
    replies in the group and answers to pressed buttons."""

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
        return self.chat_id == self.deps.settings.staff_chat_id

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

    def render(self, name: str, /, **ctx: Any) -> str:
        return self.deps.messages.render(self.lang, name, **ctx)

    def error_text(self, error: DomainError) -> str:
        code = STAFF_ERRORS.get(error.code, error.code)
        return self.deps.messages.error(self.lang, code, **error.context)

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
            chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup, reply_parameters=reply
        )

    async def button_allowed(self) -> bool:
        """A staff button counts only on a message in the staff group; else refuse and log."""
        if self.in_staff_chat():
            return True
        query = self.update.callback_query
        self.refused(f"button {query.data if query else None!r}")
        await self.answer(self.render("staff_toast", kind="refused"), alert=True)
        return False

    async def answer(self, text: str | None = None, *, alert: bool = False) -> None:
        query = self.update.callback_query
        if query is None:
            return
        try:
            await query.answer(plain(text) if text else None, show_alert=alert)
        except BadRequest as exc:  # answered already, or too old
            log.debug("callback answer refused: %s", exc)

    async def fail(self, error: DomainError) -> None:
        text = self.error_text(error)
        if self.update.callback_query is not None:
            await self.answer(text, alert=True)
        else:
            await self.reply(text)

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

    def kick(self) -> None:
        self.deps.kick()


def plain(text: str) -> str:
    """Button answers show no markup: strip our tags, unescape, ≤ 200 characters."""
    out = html_lib.unescape(re.sub(r"<[^>]+>", "", text)).strip()
    return out if len(out) <= 200 else out[:199] + "…"
