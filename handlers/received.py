"""The customer's "received" button on a shipped order: the order becomes delivered."""

from __future__ import annotations

from telegram import Update

from bot.workflow import fulfilment
from domain.errors import DomainError
from handlers import callbacks as cb
from handlers import keyboards as kb
from handlers.common import Context, Screen
from handlers.pressed import button


@button(cb.Received)
async def received_button(update: Update, context: Context, data: cb.Received) -> None:
    """Only the presser's own order, only once it is shipped."""
    screen = await Screen.of(update, context)
    try:
        result = await fulfilment(screen.deps).confirm_received(
            screen.who.user_id, data.number, screen.who.name or screen.who.first_name
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
