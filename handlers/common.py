"""What every customer handler does: know the customer, answer in their language, show screens;
and what it shares with the staff's Desk (handlers.staff.desk)."""

from __future__ import annotations

import html as html_lib
import logging
import re
from collections.abc import Mapping
from typing import Any, ClassVar

from telegram import InlineKeyboardMarkup, Message, ReplyKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from domain.customers import ensure_customer
from domain.errors import DomainError
from domain.models import Customer
from handlers.context import Shop, ShopContext

log = logging.getLogger(__name__)

Context = ShopContext
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | None


async def customer(update: Update, context: Context) -> Customer:
    """The customer behind this update, created on first contact."""
    user = update.effective_user
    assert user is not None
    d = context.shop
    return await ensure_customer(
        d.store,
        user.id,
        first_name=user.first_name,
        username=user.username,
        language_code=user.language_code,
        default_language=d.settings.default_language,
    )


class ChatView:
    """What a customer's Screen and the staff's Desk share: texts in the chat's language,
    domain errors as sentences, answers to pressed buttons. A subclass sets `update`,
    `context`, `deps` and `lang`, and says where an error goes as a message (`say`)."""

    update: Update
    context: Context
    deps: Shop
    lang: str
    # Error codes that read differently in this chat (code → the error template's name).
    error_names: ClassVar[Mapping[str, str]] = {}

    def render(self, name: str, /, **ctx: Any) -> str:
        return self.deps.messages.render(self.lang, name, **ctx)

    def error_text(self, error: DomainError) -> str:
        code = self.error_names.get(error.code, error.code)
        return self.deps.messages.error(self.lang, code, **error.context)

    async def say(self, text: str) -> Message:
        raise NotImplementedError

    async def answer(self, text: str | None = None, *, alert: bool = False) -> None:
        """Answer the pressed button (stops the spinner; `text` as a toast or an alert);
        harmless when already answered."""
        query = self.update.callback_query
        if query is None:
            return
        try:
            await query.answer(plain(text) if text else None, show_alert=alert)
        except BadRequest as exc:  # answered already, or too old: nothing to do
            log.debug("callback answer refused: %s", exc)

    async def fail(self, error: DomainError) -> None:
        """A domain error as a message in the chat (and an alert on a pressed button)."""
        text = self.error_text(error)
        if self.update.callback_query is not None:
            await self.answer(text, alert=True)
        else:
            await self.say(text)


class Screen(ChatView):
    """A handler's view of the chat: renders templates in the customer's language and shows
    them (editing the pressed message in place where it can)."""

    def __init__(self, update: Update, context: Context, who: Customer) -> None:
        self.update = update
        self.context = context
        self.who = who
        self.deps: Shop = context.shop
        self.lang = self.deps.messages.lang(who.language)

    @classmethod
    async def of(cls, update: Update, context: Context) -> Screen:
        return cls(update, context, await customer(update, context))

    async def send(self, text: str, markup: Markup = None) -> Message:
        chat = self.update.effective_chat
        assert chat is not None
        return await self.context.bot.send_message(
            chat.id,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            link_preview_options=None,
        )

    async def show(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Edit the pressed message when it is a text message, otherwise send a new one."""
        query = self.update.callback_query
        if query is not None and query.message is not None and getattr(query.message, "text", None):
            try:
                await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
                return
            except BadRequest as exc:
                if "not modified" in exc.message.lower():
                    return
                log.info("could not edit message, sending a new one: %s", exc)
        await self.send(text, markup)

    async def say(self, text: str) -> Message:
        return await self.send(text)


def thread_of(update: Update) -> int | None:
    """The forum topic an update came from (a message, or the message of a pressed button),
    so the answer goes there; None in the General topic and outside forums."""
    query = update.callback_query
    message = query.message if query is not None else update.effective_message
    if message is None or not getattr(message, "is_topic_message", False):
        return None
    return getattr(message, "message_thread_id", None)


def plain(text: str) -> str:
    """Button answers show no markup: strip our tags, unescape, ≤ 200 characters."""
    out = html_lib.unescape(re.sub(r"<[^>]+>", "", text)).strip()
    return out if len(out) <= 200 else out[:199] + "…"
