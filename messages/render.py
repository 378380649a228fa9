"""One jinja2 Environment for all texts.

`.html` templates are message bodies for Telegram's HTML parse mode and are autoescaped, so
whatever a user typed is shown exactly as typed and never read as markup. `buttons.txt` holds
button labels as macros, not escaped (Telegram shows button text literally).
"""

from __future__ import annotations

from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from messages import formatting

LANGUAGES = ("id", "en")


class Messages:
    def __init__(self, timezone: str = "Asia/Jakarta", default_language: str = "id") -> None:
        self.zone = ZoneInfo(timezone)
        self.default_language = default_language
        self.env = Environment(
            loader=PackageLoader("messages", "templates"),
            autoescape=select_autoescape(enabled_extensions=("html",), default=False),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.env.filters["rupiah"] = formatting.rupiah
        self.env.filters["phone"] = formatting.phone
        self.env.filters["shorten"] = formatting.shorten
        self.env.filters["clock"] = partial(formatting.clock_time, zone=self.zone)
        self.env.globals["zone"] = self.zone

    def lang(self, language: str | None) -> str:
        return language if language in LANGUAGES else self.default_language

    def render(self, language: str | None, name: str, /, **context: Any) -> str:
        lang = self.lang(language)
        template = self.env.get_template(f"{lang}/{name}.html")
        when = partial(formatting.when, zone=self.zone, language=lang)
        return template.render(lang=lang, when=when, **context).strip()

    def button(self, language: str | None, key: str, /, **context: Any) -> str:
        module = self.env.get_template(f"{self.lang(language)}/buttons.txt").module
        return str(getattr(module, key)(**context)).strip()

    def error(self, language: str | None, code: str, /, **context: Any) -> str:
        """A domain error as a sentence; unknown codes fall back to a generic apology."""
        module = self.env.get_template(f"{self.lang(language)}/errors.html").module
        macro = getattr(module, code, None) or module.generic
        args = {name: context.get(name) for name in macro.arguments}
        return str(Markup(macro(**args))).strip()
