"""Finding orders as staff remember them: number, tracking number, phone or name.

Everything is answered from an index, so /find stays fast on a store of millions of orders:
order and tracking numbers by exact match (their b-tree indexes), fragments of the customer's
name and phone through the FTS5 trigram table `order_search` (migration 004), which triggers
on `orders` keep in step.
"""

from __future__ import annotations

import re

from domain.couriers import normalize_tracking
from domain.errors import InvalidInput
from domain.models import Order
from domain.orders import load_order, normalize_number
from domain.store import Store

LIMIT = 10
# A trigram index finds fragments of 3 characters or more; order numbers (6) and tracking
# numbers are longer too, so a shorter query could never match anything.
MIN_QUERY, MAX_QUERY = 3, 60


def _phone_parts(text: str) -> list[tuple[str, str | None]]:
    """The digits to look for in stored phones (`6281234567890`), each with the start the phone
    must have, if any. Nothing when the text is not mostly a phone number.

    `0812-3456` and `+62 812 3456` are the start of a number: its digits after the country
    code (`8123456`) are searched and the start is checked (`+628123456…`). Every stored
    number begins with 62, so a searched `62…` would carry a trigram found in every row,
    which makes FTS5 walk that whole list when matches are few. `0812-3456` is also searched
    as typed, in case it is a middle part (as is `62…` unless it is `628…`, the start of every
    mobile number); other digits (`34567890`) anywhere in the number.
    """
    if not re.fullmatch(r"[\d\s()+.-]+", text):
        return []
    digits = re.sub(r"\D", "", text)
    if len(digits) < 5:
        return []
    if digits.startswith("0"):
        return [(digits[1:], "+62" + digits[1:]), (digits, None)]
    if digits.startswith("628"):  # every mobile number starts so: this is the start
        return [(digits[2:], "+" + digits)]
    if digits.startswith("62"):
        return [(digits[2:], "+" + digits), (digits, None)]
    return [(digits, None)]


def _phrase(text: str) -> str:
    """An FTS5 string: inside double quotes every character is literal (`*`, `(`, `-`, `:`,
    AND/OR/NOT/NEAR), a quote is written twice. Staff input never becomes FTS syntax."""
    return '"' + text.replace('"', '""') + '"'


def lookups(text: str) -> list[tuple[str, str | None]]:
    """(MATCH expression for `order_search`, required start of the phone or None): the name
    contains the text, or the phone contains its digits."""
    return [(f"name : {_phrase(text)}", None)] + [
        (f"phone : {_phrase(digits)}", start) for digits, start in _phone_parts(text)
    ]


_FRAGMENT = (
    "SELECT rowid AS id FROM order_search WHERE order_search MATCH ?"
    " ORDER BY rowid DESC LIMIT ?"
)
_PHONE_START = (
    "SELECT s.rowid AS id FROM order_search s JOIN orders o ON o.id = s.rowid"
    " WHERE order_search MATCH ? AND o.phone LIKE ? ORDER BY s.rowid DESC LIMIT ?"
)


async def find_orders(store: Store, query: str) -> list[Order]:
    """At most LIMIT orders: an exact order or tracking number first, then orders whose
    customer name (case-insensitive) or phone number contains the query, newest first."""
    text = " ".join(query.replace("\x00", " ").split())
    if not MIN_QUERY <= len(text) <= MAX_QUERY:
        raise InvalidInput("find_query", min=MIN_QUERY, max=MAX_QUERY)
    exact = await store.fetchall(
        "SELECT id FROM orders WHERE number = ?"
        " UNION SELECT id FROM orders WHERE tracking_number = ? ORDER BY id DESC",
        (normalize_number(text), normalize_tracking(text)),
    )
    ids = [r["id"] for r in exact]
    # Each lookup gives its newest LIMIT through the index; the newest of them all are shown.
    found: set[int] = set()
    for expression, start in lookups(text):
        if start is None:
            rows = await store.fetchall(_FRAGMENT, (expression, LIMIT))
        else:  # digits only, so nothing in `start` is a LIKE wildcard
            rows = await store.fetchall(_PHONE_START, (expression, start + "%", LIMIT))
        found.update(r["id"] for r in rows)
    ids += sorted(found - set(ids), reverse=True)
    return [await load_order(store.reader, order_id) for order_id in ids[:LIMIT]]
