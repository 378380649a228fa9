"""/settings in the private chat: the customer turns reminders and surveys on or off.
Status messages about their orders are not affected."""

from __future__ import annotations

import html
import re

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from domain.errors import StaleAction
from domain.preferences import Topic, get_preferences, set_preference
from handlers import callbacks as cb
from handlers import keyboards as kb
from handlers.common import Context, Screen

PRIVATE = filters.ChatType.PRIVATE
TOPICS: dict[str, Topic] = {"rem": "reminders", "srv": "surveys"}


async def show(screen: Screen, *, edit: bool) -> None:
    prefs = await get_preferences(screen.deps.store, screen.who.user_id)
    text = screen.render("settings_show", prefs=prefs)
    markup = kb.preferences(
        screen.deps.messages, screen.lang, reminders=prefs.reminders, surveys=prefs.surveys
    )
    if edit:
        await screen.show(text, markup)
    else:
        await screen.send(text, markup)


async def settings_command(update: Update, context: Context) -> None:
    await show(await Screen.of(update, context), edit=False)


async def preference_button(update: Update, context: Context) -> None:
    """pref:<rem|srv>:<0|1> on the settings screen; pref:off:<rem|srv> under a reminder."""
    screen = await Screen.of(update, context)
    parts = cb.parts(update.callback_query.data)  # type: ignore[union-attr]
    store, user_id = screen.deps.store, screen.who.user_id
    if len(parts) == 3 and parts[1] in TOPICS and parts[2] in ("0", "1"):
        await set_preference(store, user_id, TOPICS[parts[1]], parts[2] == "1")
        await screen.answer()
        await show(screen, edit=True)
    elif len(parts) == 3 and parts[1] == "off" and parts[2] in TOPICS:
        # Keep the reminder itself on screen; a short note says where to undo it.
        await set_preference(store, user_id, TOPICS[parts[2]], False)
        await screen.answer(_plain(screen.render("settings_turned_off", topic=parts[2])))
    else:
        await screen.fail(StaleAction())


def _plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handlers(
        [
            CommandHandler("settings", settings_command, filters=PRIVATE),
            CallbackQueryHandler(preference_button, pattern=cb.pattern(cb.PREFERENCES)),
        ]
    )
