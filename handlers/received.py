"""The customer's "received" button on a shipped order: the order becomes delivered."""

from __future__ import annotations

from telegram import Update

from bot.workflow import fulfilment
from domain.errors import DomainError, StaleAction
from handlers import callbacks as cb
from handlers import keyboards as kb
from handlers.common import Context, Screen


async def received_button(update: Update, context: Context) -> None:
    """rcv:<order no> — only the presser's own order, only once it is shipped."""
    screen = await Screen.of(update, context)
    parts = cb.parts(update.callback_query.data)  # type: ignore[union-attr]
    if len(parts) != 2:
        await screen.fail(StaleAction())
        return
    try:
        result = await fulfilment(screen.deps).confirm_received(
            screen.who.user_id, parts[1], screen.who.name or screen.who.first_name
        )
    except DomainError as exc:
        await screen.fail(exc)
        return
    screen.deps.sender.kick(context)
    await screen.answer()
    await screen.send(
        screen.render("received_thanks", order=result.order),
        kb.order_notice(screen.deps.messages, screen.lang, result.order),
    )
