"""Telegram's length limits, and fitting what we render into them.

Telegram limits the visible text: after HTML parsing, so tags don't count and `&amp;` is one
character. It counts UTF-16 code units (an emoji outside the BMP is two), the unit of its
entity offsets; that is never less than the number of characters, so what fits here fits.

How a text that is too long is made to fit, in this order (Messages._fit):
1. the oldest entries of a list are dropped (an order's events, a stock list), keeping at
   least the newest few, and the template says how many are not shown;
2. then free text people typed is shortened, level by level (LEVELS), each cut marked `…`:
   notes, address, names, product names;
3. last resort, the text is cut between characters (never inside a tag or an entity), open
   tags are closed and `…` appended, and a warning is logged: the rules should never get here.
"""

from __future__ import annotations

import html as html_lib
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from domain.models import Cart, CartLine, CheckoutDetails, Order, OrderEvent, OrderLine, Product
from messages.formatting import shorten

log = logging.getLogger("messages.budget")

TEXT_LIMIT = 4096  # a message's text
CAPTION_LIMIT = 1024  # a photo's or document's caption
ELLIPSIS = "…"

_TAG = re.compile(r"<[^>]*>")
_TOKEN = re.compile(r"<[^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|\w+);|.", re.DOTALL)


def units(text: str) -> int:
    """UTF-16 code units of plain text."""
    return len(text.encode("utf-16-le")) // 2


# What autoescaping writes, and how many characters longer each is than what it shows.
_ESCAPES = {"&amp;": 4, "&lt;": 3, "&gt;": 3, "&quot;": 5, "&#34;": 4, "&#39;": 4}


def visible_length(html: str) -> int:
    """How long Telegram counts an HTML text: tags dropped, entities read, UTF-16 units."""
    text = _TAG.sub("", html)
    length, others = units(text), text.count("&")
    for escape, extra in _ESCAPES.items():
        found = text.count(escape)
        length, others = length - found * extra, others - found
    # Any other entity (none of our templates writes one): read them all properly.
    return length if others == 0 else units(html_lib.unescape(text))


def fits(html: str, limit: int = TEXT_LIMIT) -> bool:
    return visible_length(html) <= limit


def largest(
    ok: Callable[[int], bool], low: int, high: int, guess: int | None = None
) -> int | None:
    """The largest n in [low, high] with ok(n), for ok true up to some n and false after
    (more entries, longer text); None when not even ok(low). A good `guess` (everything, the
    size of the previous page) saves most of the tries."""
    if guess is not None and low < guess <= high:
        if not ok(guess):
            high = guess - 1
        elif guess == high or not ok(guess + 1):
            return guess
        else:
            low = guess + 1
    if high < low or not ok(low):
        return None
    while low < high:
        middle = (low + high + 1) // 2
        if ok(middle):
            low = middle
        else:
            high = middle - 1
    return low


# ---------------------------------------------------------------- shortening free text


@dataclass(frozen=True, slots=True)
class Caps:
    """Most characters kept of each kind of free text, at one level of shortening."""

    note: int  # the customer's order note, a staff note, a reason
    address: int
    name: int  # the customer's name, who did what, a shipping option or courier
    product: int  # a product name (cut in the middle: size and colour stay)
    description: int  # a product's description


LEVELS: tuple[Caps, ...] = (
    Caps(note=160, address=240, name=60, product=40, description=400),
    Caps(note=80, address=120, name=40, product=32, description=200),
    Caps(note=40, address=60, name=24, product=24, description=80),
)


def clip(text: str, width: int) -> str:
    """At most `width` characters: cut at the end, after a word when one ends near, with `…`."""
    if len(text) <= width:
        return text
    head = text[: max(width - 1, 0)]
    space = head.rfind(" ")
    if space >= width * 3 // 4:
        head = head[:space]
    return head.rstrip(" \u200d") + ELLIPSIS


def _event(event: OrderEvent, caps: Caps) -> OrderEvent:
    return event.model_copy(
        update={
            "actor_name": clip(event.actor_name, caps.name),
            "note": clip(event.note, caps.note) if event.note else event.note,
        }
    )


def _order(order: Order, caps: Caps) -> Order:
    return order.model_copy(
        update={
            "customer_name": clip(order.customer_name, caps.name),
            "address": clip(order.address, caps.address),
            "note": clip(order.note, caps.note) if order.note else order.note,
            "shipping_name": clip(order.shipping_name, caps.name),
            "courier": clip(order.courier, caps.name) if order.courier else order.courier,
            "lines": tuple(
                line.model_copy(update={"name": shorten(line.name, caps.product)})
                for line in order.lines
            ),
            "events": tuple(_event(e, caps) for e in order.events),
        }
    )


def shrink(value: Any, caps: Caps) -> Any:
    """`value` with the free text in it shortened to `caps`: orders, their events and lines,
    carts, checkout details, products, and lists and tuples of them; anything else as is
    (numbers, links and codes are never shortened)."""
    if isinstance(value, Order):
        return _order(value, caps)
    if isinstance(value, OrderEvent):
        return _event(value, caps)
    if isinstance(value, OrderLine | CartLine):
        return value.model_copy(update={"name": shorten(value.name, caps.product)})
    if isinstance(value, Cart):
        return value.model_copy(update={"lines": tuple(shrink(x, caps) for x in value.lines)})
    if isinstance(value, CheckoutDetails):
        return value.model_copy(
            update={
                "name": clip(value.name, caps.name),
                "address": clip(value.address, caps.address),
                "note": clip(value.note, caps.note) if value.note else value.note,
            }
        )
    if isinstance(value, Product):
        return value.model_copy(
            update={
                "name": shorten(value.name, caps.product),
                "description": clip(value.description, caps.description),
            }
        )
    if isinstance(value, list | tuple):
        return type(value)(shrink(x, caps) for x in value)
    return value


def shrink_context(context: Mapping[str, Any], caps: Caps) -> dict[str, Any]:
    return {key: shrink(value, caps) for key, value in context.items()}


# ---------------------------------------------------------------- the last resort


def cut_html(html: str, limit: int) -> str:
    """The longest start of `html` whose visible text, with `…`, fits `limit`: cut between
    characters, never inside a tag or an entity, with the tags still open closed."""
    budget = limit - units(ELLIPSIS)
    used = 0
    out: list[str] = []
    open_tags: list[str] = []
    for match in _TOKEN.finditer(html):
        token = match.group(0)
        if token.startswith("<") and len(token) > 1 and token.endswith(">"):
            name = re.match(r"</?\s*([a-zA-Z0-9-]+)", token)
            if name is None:
                continue
            if token.startswith("</"):
                if open_tags and open_tags[-1] == name.group(1).lower():
                    open_tags.pop()
            else:
                open_tags.append(name.group(1).lower())
            out.append(token)
            continue
        size = units(html_lib.unescape(token))
        if used + size > budget:
            break
        used += size
        out.append(token)
    text = "".join(out).rstrip() + ELLIPSIS
    return text + "".join(f"</{tag}>" for tag in reversed(open_tags))


def warn_cut(name: str, length: int, limit: int) -> None:
    log.warning("%s: %d visible characters over the limit of %d: cut", name, length, limit)
