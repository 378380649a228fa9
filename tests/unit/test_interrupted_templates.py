"""The "your last action was interrupted" texts (handlers/interrupted): both languages, every
variant the handlers render, within Telegram's limits; the toast whole as a button answer."""

from __future__ import annotations

import pytest

from handlers.common import plain
from messages import Messages
from messages.budget import TEXT_LIMIT, visible_length
from tests.fakebotapi import parse_html

M = Messages()
LANGS = ("id", "en")
NOT_DONE = {"id": "tidak dijalankan", "en": "not carried out"}
NOTES = [
    (what, then) for what in ("press", "message") for then in ("step", "view", "staff", "pointer")
]
# What each note says comes next, by language.
THEN = {
    "id": {"step": "langkah Anda sekarang", "view": "keadaannya sekarang",
           "staff": "Kirim lagi", "pointer": "/orders"},
    "en": {"step": "current step", "view": "where things stand",
           "staff": "send it again", "pointer": "/orders"},
}
TOAST_LIMIT = 200  # Telegram's limit for an answerCallbackQuery text


@pytest.mark.parametrize("lang", LANGS)
def test_the_toast_fits_a_button_answer_whole(lang: str) -> None:
    text = M.render(lang, "interrupted", kind="toast")
    shown = plain(text)
    assert shown == text.strip()  # no markup to strip, nothing cut
    assert len(shown) <= TOAST_LIMIT and not shown.endswith("…")
    assert NOT_DONE[lang] in shown


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("what", "then"), NOTES)
def test_every_note_is_short_valid_html_and_says_what_comes_next(
    lang: str, what: str, then: str
) -> None:
    text = M.render(lang, "interrupted", kind="note", what=what, then=then)
    visible = parse_html(text).text  # Telegram's HTML parse mode accepts it
    assert NOT_DONE[lang] in visible and THEN[lang][then] in visible
    assert "None" not in text
    # A heading over what follows (the step, the view): short, far within one message.
    assert visible_length(text) <= 300 < TEXT_LIMIT


@pytest.mark.parametrize("lang", LANGS)
def test_a_press_and_a_message_read_differently(lang: str) -> None:
    press = M.render(lang, "interrupted", kind="note", what="press", then="view")
    message = M.render(lang, "interrupted", kind="note", what="message", then="view")
    assert press != message
    word = {"id": ("Tombol", "Pesan"), "en": ("button", "message")}[lang]
    assert word[0] in press and word[1] in message
