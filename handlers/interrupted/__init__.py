"""An update that waited too long to be handled (the bot was down; see UPDATE_REPLAY_AGE) is
never replayed: the person is told it was not carried out and shown where things stand now,
from the current state. The inbox's dispatcher (bot/inbox.py) calls `answer_interrupted`
instead of the application's handlers.

- A button press: its query answered with a short toast (the press is old: Telegram may
  refuse the answer, which is fine), then what the button was on, as it is now: a staff
  order, complaint or refund card re-drawn (handlers.interrupted.staff); a customer's order,
  cart or the step of the conversation they are in (handlers.interrupted.customer). Forged
  data gets the toast only.
- A message: a note that it was not acted on, then the customer's current step or a pointer
  (/orders, /cart); in the staff group the note only, in the topic it came from, and only for
  what the bot acts on there (commands, replies to its questions, files).
- Anything else (membership changes, edits…): nothing.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import ChatType

from handlers.common import Context, Screen
from handlers.interrupted import customer, staff
from handlers.staff.desk import Desk

log = logging.getLogger("handlers.interrupted")


async def answer_interrupted(update: Update, context: Context, *, cut: bool = False) -> None:
    """Answer an update that is too old to replay, from the current state; never raises.
    `cut`: its handling was cut short after it had written to the store (a crash between its
    work and its answer), so it may well have been carried out: it is not replayed either."""
    try:
        await _answer(update, context, cut)
    except Exception:  # never a traceback in a chat: the log has it
        log.exception("could not answer the interrupted update %s", update.update_id)


async def _answer(update: Update, context: Context, cut: bool) -> None:
    chat = update.effective_chat
    query = update.callback_query
    message = update.message  # a new message only: not an edit, not a channel post
    if chat is None or (query is None and message is None):
        return
    log.info(
        "update %s from chat %s %s: answered as interrupted",
        update.update_id,
        chat.id,
        "was cut short after its work" if cut else "is too old to replay",
    )
    if chat.id in context.shop.staff:
        desk = Desk(update, context)
        if query is not None:
            await staff.pressed(desk, query.data, cut)
        elif message is not None and _staff_acts_on(message, context.bot.id):
            note = desk.render("interrupted", kind="note", what="message", then="staff", cut=cut)
            await desk.reply(note)
    elif chat.type == ChatType.PRIVATE:
        screen = await Screen.of(update, context)
        if query is not None:
            await customer.pressed(screen, query.data, cut)
        elif message is not None and (message.text or message.effective_attachment):
            await customer.typed(screen, cut)
    # Any other group: the bot never answers there.


def _staff_acts_on(message: Message, bot_id: int) -> bool:
    """What the bot would have answered in the staff group (not staff talking together)."""
    replied = message.reply_to_message
    author = replied.from_user if replied is not None else None
    to_bot = author is not None and author.id == bot_id
    return (message.text or "").startswith("/") or message.document is not None or to_bot
