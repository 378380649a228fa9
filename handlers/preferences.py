"""/settings in the private chat: the customer turns reminders and surveys on or off.
Status messages about their orders are not affected."""

from __future__ import annotations

import html
import re
from typing import cast

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from domain.preferences import Topic, get_preferences, set_preference
from handlers import callbacks as cb
from handlers import keyboards as kb
from handlers.common import Context, Screen
from handlers.pressed import button

PRIVATE = filters.ChatType.PRIVATE


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


@button(cb.PreferenceSet, cb.PreferenceOff)
async def preference_button(
    update: Update, context: Context, data: cb.PreferenceSet | cb.PreferenceOff
) -> None:
    """On or off on the settings screen; off from under a reminder or survey."""
    screen = await Screen.of(update, context)
    store, user_id = screen.deps.store, screen.who.user_id
    topic = cast(Topic, data.topic)
    if isinstance(data, cb.PreferenceSet):
        await set_preference(store, user_id, topic, data.on)
        await screen.answer()
        await show(screen, edit=True)
    else:
        # Keep the reminder itself on screen; a short note says where to undo it.
        await set_preference(store, user_id, topic, False)
        short = "rem" if topic == "reminders" else "srv"  # as the template names them
        await screen.answer(_plain(screen.render("settings_turned_off", topic=short)))


def _plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handlers(
        [
            CommandHandler("settings", settings_command, filters=PRIVATE),
            CallbackQueryHandler(preference_button, pattern=cb.pattern(cb.PREFERENCES)),
        ]
    )
