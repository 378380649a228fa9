"""The customer's "received" button on a shipped order: the order becomes delivered (the
thanks goes out through the outbox, queued with the change)."""

from __future__ import annotations

from telegram import Update

from domain.errors import DomainError
from handlers import callbacks as cb
from handlers.common import Context, Screen
from handlers.pressed import button


@button(cb.Received)
async def received_button(update: Update, context: Context, data: cb.Received) -> None:
    """Only the presser's own order, only once it is shipped."""
    screen = await Screen.of(update, context)
    try:
        await screen.deps.desk.confirm_received(
            screen.who.user_id, data.number, screen.who.name or screen.who.first_name
        )
    except DomainError as exc:
        await screen.fail(exc)
        return
    # The thanks was queued with the change: the outbox sends it, even across a crash.
    screen.deps.kick()
    await screen.answer()
