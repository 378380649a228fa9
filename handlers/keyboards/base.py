"""The one way a keyboard button is made: its label from messages/ (buttons.txt), its data
from handlers.callbacks."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from handlers import callbacks as cb
from messages import Messages

Rows = list[list[InlineKeyboardButton]]


def button(
    messages: Messages, lang: str, key: str, data: cb.Callback, **ctx: object
) -> InlineKeyboardButton:
    return InlineKeyboardButton(messages.button(lang, key, **ctx), callback_data=data.pack())
