"""The store: every line of SQL the product runs lives in this package.

`sqlite.py` is the engine (connections and pragmas, `BEGIN IMMEDIATE` transactions, migrations,
time storage); the other modules are repositories, one per aggregate, whose functions take a
connection (a transaction's or the reader) and primitives, and return rows or models. Domain
services call them and hold no SQL of their own, so a second database is a second engine and
repository set here, and nothing outside.
"""

from domain.store.sqlite import (
    BUSY_TIMEOUT_MS,
    Connection,
    Row,
    Store,
    StoreUnusable,
    fetchall,
    fetchone,
    file_fault,
    from_row,
    migrations,
)

__all__ = [
    "BUSY_TIMEOUT_MS",
    "Connection",
    "Row",
    "Store",
    "StoreUnusable",
    "fetchall",
    "fetchone",
    "file_fault",
    "from_row",
    "migrations",
]
