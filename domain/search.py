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


def _phone_digits(text: str) -> list[str]:
    """The digits to look for in stored phones (`6281234567890`): `0812-3456` → `628123456`
    (the local form of the start), and as typed too, in case it is a middle part (`01234`).
    Nothing when the text is not mostly a phone number."""
    if not re.fullmatch(r"[\d\s()+.-]+", text):
        return []
    digits = re.sub(r"\D", "", text)
    if len(digits) < 5:
        return []
    if digits.startswith("0"):
        return ["62" + digits[1:], digits]
    return [digits]


def _phrase(text: str) -> str:
    """An FTS5 string: inside double quotes every character is literal (`*`, `(`, `-`, `:`,
    AND/OR/NOT/NEAR), a quote is written twice. Staff input never becomes FTS syntax."""
    return '"' + text.replace('"', '""') + '"'


def match_expression(text: str) -> str:
    """The MATCH expression for `order_search`: the name contains the text, or (when the text
    reads as a phone number) the phone's digits contain its digits."""
    expression = f"name : {_phrase(text)}"
    for digits in _phone_digits(text):
        expression += f" OR phone : {_phrase(digits)}"
    return expression


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
    fragments = await store.fetchall(
        "SELECT rowid AS id FROM order_search WHERE order_search MATCH ?"
        " ORDER BY rowid DESC LIMIT ?",
        (match_expression(text), LIMIT + len(ids)),
    )
    ids += [r["id"] for r in fragments if r["id"] not in ids]
    return [await load_order(store.reader, order_id) for order_id in ids[:LIMIT]]
