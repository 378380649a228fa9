"""Staff reports in the group: `/nps [period]`, the customers' survey scores over a period
(the surveys themselves are asked in the private chat: handlers.customer.survey)."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.constants import ParseMode

from domain.errors import DomainError
from domain.schedule import surveys
from handlers.common import Context, thread_of


async def nps_command(update: Update, context: Context) -> None:
    d = context.shop
    lang = d.settings.default_language
    chat = update.effective_chat
    assert chat is not None
    now = d.store.now()
    try:
        since, until = surveys.parse_period(" ".join(context.args or []), now, d.settings.zone)
    except DomainError as exc:
        text = d.messages.error(lang, exc.code, **exc.context)
    else:
        report = await surveys.nps(d.store, since, until)
        last_day = (until - timedelta(seconds=1)).astimezone(d.settings.zone)  # end excluded
        text = d.messages.render(
            lang,
            "survey_nps",
            report=report,
            since=since.astimezone(d.settings.zone).date().isoformat() if since else None,
            until=last_day.date().isoformat(),
        )
    await context.bot.send_message(
        chat.id, text, parse_mode=ParseMode.HTML, message_thread_id=thread_of(update)
    )
