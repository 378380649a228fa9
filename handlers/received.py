"""The customer's "received" button on a shipped order: the order becomes delivered (the
thanks goes out through the outbox, queued with the change)."""

from __future__ import annotations

from telegram import Update

from bot.workflow import fulfilment
from domain.errors import DomainError, StaleAction
from handlers import callbacks as cb
from handlers.common import Context, Screen


async def received_button(update: Update, context: Context) -> None:
    """rcv:<order no> — only the presser's own order, only once it is shipped."""
    screen = await Screen.of(update, context)
    parts = cb.parts(update.callback_query.data)  # type: ignore[union-attr]
    if len(parts) != 2:
        await screen.fail(StaleAction())
        return
    try:
        await fulfilment(screen.deps).confirm_received(
            screen.who.user_id, parts[1], screen.who.name or screen.who.first_name
        )
    except DomainError as exc:
        await screen.fail(exc)
        return
    # The thanks was queued with the change: the outbox sends it, even across a crash.
    screen.deps.sender.kick(context)
    await screen.answer()
