"""Finding orders as staff remember them: number, tracking number, phone or name."""

from __future__ import annotations

import re

from domain.couriers import normalize_tracking
from domain.errors import InvalidInput
from domain.models import Order
from domain.orders import load_order, normalize_number
from domain.store import Store

LIMIT = 10
MIN_QUERY, MAX_QUERY = 2, 60


def _phone_digits(text: str) -> str | None:
    """`0812-3456-78` → `62812345678`; None when it is not mostly a phone number."""
    if not re.fullmatch(r"[\d\s()+.-]+", text):
        return None
    digits = re.sub(r"\D", "", text)
    if len(digits) < 5:
        return None
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits


def _like(text: str) -> str:
    return "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"


async def find_orders(store: Store, query: str) -> list[Order]:
    """Newest first, at most LIMIT: exact order or tracking number, part of a phone number,
    or part of the customer's name (case-insensitive)."""
    text = " ".join(query.split())
    if not MIN_QUERY <= len(text) <= MAX_QUERY:
        raise InvalidInput("find_query", min=MIN_QUERY, max=MAX_QUERY)
    clauses = ["number = ?", "tracking_number = ?", "customer_name LIKE ? ESCAPE '\\'"]
    params: list[object] = [normalize_number(text), normalize_tracking(text), _like(text)]
    digits = _phone_digits(text)
    if digits:
        clauses.append("REPLACE(phone, '+', '') LIKE ?")
        params.append(f"%{digits}%")
    rows = await store.fetchall(
        f"SELECT id FROM orders WHERE {' OR '.join(clauses)} ORDER BY id DESC LIMIT ?",
        (*params, LIMIT),
    )
    return [await load_order(store.reader, r["id"]) for r in rows]
