"""Conversations the customer left at one step longer than CONVERSATION_TIMEOUT end before
their next update (bot/inbox.py, domain/conversation_age.py): when that is a message they are
told which ones, once, and the message then goes where it would outside them. An unanswered
survey ends silently."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType

from handlers.common import Context, Screen

log = logging.getLogger(__name__)

TOLD = ("shopping", "complaint", "refund_details")  # the survey's comment step: not worth a word


async def tell_ended(update: Update, context: Context, names: list[str]) -> None:
    """Say which conversations ended; never raises (the update still runs after this). Only
    for what would have been taken as an answer (a message, not a command): a customer who
    comes back with /checkout or a button starts anew and needs no word about the old one."""
    told = [name for name in TOLD if name in names]
    chat, message = update.effective_chat, update.message
    if not told or chat is None or chat.type != ChatType.PRIVATE or message is None:
        return
    if (message.text or "").startswith("/"):
        return
    try:
        screen = await Screen.of(update, context)
        after = context.shop.settings.conversation_timeout
        await screen.send(screen.render("conversation_ended", names=told, after=after))
    except Exception:  # the update's own answer matters more: the log has it
        log.exception("could not say the conversations %s ended", told)
