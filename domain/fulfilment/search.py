"""Finding orders as staff remember them: number, tracking number, phone or name.

Everything is answered from an index, so /find stays fast on a store of millions of orders
(domain/store/search.py: exact numbers by their b-tree indexes, name and phone fragments through
an FTS5 trigram table).
"""

from __future__ import annotations

from domain.errors import InvalidInput
from domain.fulfilment.couriers import normalize_tracking
from domain.models import Order
from domain.ordering.order_reads import load_order, normalize_number
from domain.store import Store
from domain.store import search as order_index
from domain.store.search import MAX_TRIGRAMS, Lookup, lookups

__all__ = ["LIMIT", "MAX_QUERY", "MAX_TRIGRAMS", "MIN_QUERY", "Lookup", "find_orders", "lookups"]

LIMIT = 10
# A trigram index finds fragments of 3 characters or more; order numbers (6) and tracking
# numbers are longer too, so a shorter query could never match anything.
MIN_QUERY, MAX_QUERY = 3, 60


async def find_orders(store: Store, query: str) -> list[Order]:
    """At most LIMIT orders: an exact order or tracking number first, then orders whose
    customer name (case-insensitive) or phone number contains the query, newest first."""
    text = " ".join(query.replace("\x00", " ").split())
    if not MIN_QUERY <= len(text) <= MAX_QUERY:
        raise InvalidInput("find_query", min=MIN_QUERY, max=MAX_QUERY)
    ids = await order_index.find_ids(
        store.reader, text, normalize_number(text), normalize_tracking(text), LIMIT
    )
    return [await load_order(store.reader, order_id) for order_id in ids]
