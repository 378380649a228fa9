"""The customer's preferences in the private chat: /language, and /settings, where reminders
and surveys are turned on or off (status messages about their orders are not affected)."""

from __future__ import annotations

import html
import re
from typing import cast

from telegram import Update

from domain.customers import set_language
from domain.schedule.preferences import Topic, get_preferences, set_preference
from handlers import callbacks as cb
from handlers.common import Context, Screen
from handlers.keyboards import customer as kb
from handlers.pressed import button


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


# ---------------------------------------------------------------- language


async def language_command(update: Update, context: Context) -> None:
    screen = await Screen.of(update, context)
    await screen.send(
        screen.render("language_choose"), kb.languages(screen.deps.messages, screen.lang)
    )


@button(cb.LanguageChoice)
async def language_button(update: Update, context: Context, data: cb.LanguageChoice) -> None:
    screen = await Screen.of(update, context)
    choice = data.language
    await set_language(screen.deps.store, screen.who.user_id, choice)
    screen.lang = choice
    await screen.answer()
    await screen.show(screen.render("language_set"), kb.main_menu(screen.deps.messages, choice))
