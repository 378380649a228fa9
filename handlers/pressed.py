"""The one path a button press takes before its handler: strict parsing, or "out of date".

`@button(KindA, KindB)` parses the pressed button's data as one of those kinds
(handlers/callbacks/) and passes it to the handler. Malformed or forged data never reaches
the handler: the presser is told the button is out of date and one INFO line is logged (no
traceback: it is input, not a fault).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import Update

from domain.errors import StaleAction
from handlers import callbacks as cb
from handlers.common import Context, Screen
from handlers.staff.desk import Desk

log = logging.getLogger("handlers.buttons")

R = TypeVar("R")
# The handler gets one of the kinds named in @button(...): its own annotation says which.
ButtonHandler = Callable[[Update, Context, Any], Awaitable[R]]
Handler = Callable[[Update, Context], Awaitable[R | None]]


def button(*kinds: type[cb.Callback]) -> Callable[[ButtonHandler[R]], Handler[R]]:
    """Decorate a button handler `(update, context, data)`; it only sees well-formed data.

    On bad data the wrapped handler returns None: inside a conversation the state stays.
    """

    def decorate(handler: ButtonHandler[R]) -> Handler[R]:
        @functools.wraps(handler)
        async def run(update: Update, context: Context) -> R | None:
            query = update.callback_query
            try:
                data = cb.unpack(query.data if query else None, *kinds)
            except cb.BadCallback as exc:
                await out_of_date(update, context, exc.reason)
                return None
            return await handler(update, context, data)

        return run

    return decorate


async def out_of_date(update: Update, context: Context, reason: str) -> None:
    """Answer a press that cannot be acted on: "this button is out of date", and log it."""
    query = update.callback_query
    user = update.effective_user
    message = query.message if query else None
    chat_id = message.chat.id if message else None
    log.info(
        "out-of-date or forged button %r from user %s in chat %s: %s",
        ((query.data if query else None) or "")[:80],
        user.id if user else None,
        chat_id,
        reason,
    )
    if chat_id is not None and chat_id in context.shop.staff:
        await Desk(update, context).fail(StaleAction())
    else:
        await (await Screen.of(update, context)).fail(StaleAction())
