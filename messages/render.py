"""One jinja2 Environment for all texts.

`.html` templates are message bodies for Telegram's HTML parse mode and are autoescaped, so
whatever a user typed is shown exactly as typed and never read as markup. `buttons.txt` holds
button labels as macros, not escaped (Telegram shows button text literally).

Every rendered text fits Telegram's limit (messages/budget.py says how): `render` for a
message, `render_caption` for a caption, `render_list` and `render_order` when old entries
may be left out, `order_history` for the pages of an order's full timeline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from domain.models import Order
from domain.ordering import timeline
from messages import budget, formatting

LANGUAGES = ("id", "en")
# Most entries on one page of /order <no> <page>: a page stays readable.
HISTORY_PAGE_MAX = 40

Context = dict[str, Any]


@dataclass(frozen=True, slots=True)
class HistoryPage:
    text: str
    page: int  # 1 = the card and the newest entries
    pages: int


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
        """A message's text, within Telegram's 4,096 visible characters."""
        return self._fit(self.lang(language), name, lambda _: context, 0, 0, budget.TEXT_LIMIT)[0]

    def render_caption(self, language: str | None, name: str, /, **context: Any) -> str:
        """A photo's or document's caption, within 1,024 visible characters."""
        lang = self.lang(language)
        return self._fit(lang, name, lambda _: context, 0, 0, budget.CAPTION_LIMIT)[0]

    def render_list(
        self,
        language: str | None,
        name: str,
        /,
        build: Callable[[int], Context],
        count: int,
        *,
        keep: int = 1,
    ) -> str:
        """The template with as many entries as fit: build(n) is the context showing n of
        `count` entries (at least `keep`, then free text is shortened instead)."""
        return self._fit(self.lang(language), name, build, count, keep, budget.TEXT_LIMIT)[0]

    def render_order(
        self,
        language: str | None,
        name: str,
        /,
        *,
        order: Order,
        audience: timeline.Audience,
        recent: int | None = None,
        **context: Any,
    ) -> str:
        """An order view for `audience`: only the events it may read, the newest `recent` of
        them at most and as many as fit (the template gets `events` and `hidden`, how many
        earlier ones are left out); the order itself holds only that audience's events."""
        shown = timeline.for_audience(order, audience)
        events = shown.events
        count = len(events) if recent is None else min(recent, len(events))

        def build(n: int) -> Context:
            start = len(events) - n
            return {"order": shown, "events": events[start:], "hidden": start, **context}

        lang = self.lang(language)
        return self._fit(lang, name, build, count, 1, budget.TEXT_LIMIT)[0]

    def order_history(
        self, language: str | None, order: Order, page: int = 1, **context: Any
    ) -> HistoryPage:
        """A page of the order's full timeline for staff (`staff_order_detail`): page 1 is the
        card with the newest entries that fit, each later page the entries before, as many
        as fit. Pages past the last show the last."""
        lang = self.lang(language)
        events = timeline.events_for(order, timeline.Audience.STAFF)
        shown = order.model_copy(update={"events": events})

        def builder(end: int, number: int, pages: int) -> Callable[[int], Context]:
            def build(n: int) -> Context:
                return {
                    "order": shown,
                    "events": events[end - n : end],
                    "page": number,
                    "pages": pages,
                    **context,
                }

            return build

        total = len(events)
        # Where each page ends, newest first. Packed with page numbers as long as they could
        # get, so the real ones never make a page longer than measured.
        _, first = self._fit(
            lang, "staff_order_detail", builder(total, 1, total + 2), total, 1, budget.TEXT_LIMIT
        )
        ends, end, n = [total], total - first, HISTORY_PAGE_MAX
        while end > 0:
            ends.append(end)
            count = min(end, HISTORY_PAGE_MAX)
            _, n = self._fit(
                lang, "staff_order_detail", builder(end, total + 1, total + 2), count, 1,
                budget.TEXT_LIMIT, guess=n,
            )
            end -= n
        pages = len(ends)
        page = min(max(page, 1), pages)
        end = ends[page - 1]
        n = end - (ends[page] if page < pages else 0)
        text, _ = self._fit(
            lang, "staff_order_detail", builder(end, page, pages), n, n, budget.TEXT_LIMIT
        )
        return HistoryPage(text, page, pages)

    def _raw(self, lang: str, name: str, context: Context) -> str:
        template = self.env.get_template(f"{lang}/{name}.html")
        when = partial(formatting.when, zone=self.zone, language=lang)
        span = partial(formatting.span, language=lang)
        return template.render(lang=lang, when=when, span=span, **context).strip()

    def _fit(
        self,
        lang: str,
        name: str,
        build: Callable[[int], Context],
        count: int,
        keep: int,
        limit: int,
        guess: int | None = None,
    ) -> tuple[str, int]:
        """The text with the most entries n (keep ≤ n ≤ count) that fits, and n: entries are
        left out first, then free text is shortened level by level, then the text is cut.
        The first try is `guess` (default: all of them, what fits nearly always)."""
        keep = min(keep, count)
        last = ""
        for caps in (None, *budget.LEVELS):
            texts: dict[int, str] = {}

            def text(n: int, caps: budget.Caps | None = caps, texts: dict[int, str] = texts) -> str:
                if n not in texts:
                    context = build(n)
                    if caps is not None:
                        context = budget.shrink_context(context, caps)
                    texts[n] = self._raw(lang, name, context)
                return texts[n]

            first = count if guess is None else guess
            n = budget.largest(lambda n: budget.fits(text(n), limit), keep, count, first)
            if n is not None:
                return text(n), n
            last = text(keep)
        budget.warn_cut(f"{lang}/{name}", budget.visible_length(last), limit)
        return budget.cut_html(last, limit), keep

    def button(self, language: str | None, key: str, /, **context: Any) -> str:
        module = self.env.get_template(f"{self.lang(language)}/buttons.txt").module
        return str(getattr(module, key)(**context)).strip()

    def error(self, language: str | None, code: str, /, **context: Any) -> str:
        """A domain error as a sentence; unknown codes fall back to a generic apology."""
        module = self.env.get_template(f"{self.lang(language)}/errors.html").module
        macro = getattr(module, code, None) or module.generic
        args = {name: context.get(name) for name in macro.arguments}
        return str(Markup(macro(**args))).strip()
