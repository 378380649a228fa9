"""The customer's answer to "has your order arrived?": received, not yet, or a problem."""

from __future__ import annotations

import math

from telegram import Update

from domain.errors import DomainError
from domain.schedule.delivery_checks import answer_check
from handlers import callbacks as cb
from handlers.common import Context, Screen
from handlers.keyboards import follow_up as kb
from handlers.pressed import button


@button(cb.DeliveryAnswer)
async def delivery_button(update: Update, context: Context, data: cb.DeliveryAnswer) -> None:
    """Received, not yet, or a problem — only ever about the presser's own order."""
    screen = await Screen.of(update, context)
    try:
        order, answer = await answer_check(
            screen.deps.store,
            screen.who.user_id,
            data.number,
            data.answer,
            screen.who.name or screen.who.first_name,
        )
    except DomainError as exc:
        await screen.fail(exc)
        return
    screen.deps.kick()
    await screen.answer()
    messages, lang = screen.deps.messages, screen.lang
    days = math.ceil(screen.deps.settings.delivery_check_after.total_seconds() / 86_400)
    # Until it is received, the buttons stay: "it arrived" can still be pressed later.
    markup = (
        kb.order_notice(messages, lang, order)
        if answer == "received"
        else kb.delivery_check(messages, lang, order.number)
    )
    await screen.show(
        screen.render("delivery_check_answer", order=order, answer=answer, days=days), markup
    )
