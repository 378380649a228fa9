"""Customers: who talks to the bot in private, their language and last delivery details."""

from __future__ import annotations

import aiosqlite

from domain.models import Customer
from domain.store import Store, fetchone

LANGUAGES = ("id", "en")


def pick_language(language_code: str | None, default: str) -> str:
    """First choice from Telegram's language_code: English speakers get English, others the
    shop's default (Indonesian first)."""
    if language_code and language_code.split("-")[0].lower() in LANGUAGES:
        return language_code.split("-")[0].lower()
    return default


def _customer(row: aiosqlite.Row) -> Customer:
    return Customer(
        user_id=row["user_id"],
        first_name=row["first_name"],
        username=row["username"],
        language=row["language"],
        name=row["name"],
        phone=row["phone"],
        address=row["address"],
        reachable=bool(row["reachable"]),
    )


async def get_customer(store: Store, user_id: int) -> Customer | None:
    row = await store.fetchone("SELECT * FROM customers WHERE user_id = ?", (user_id,))
    return _customer(row) if row else None


async def ensure_customer(
    store: Store,
    user_id: int,
    *,
    first_name: str,
    username: str | None,
    language_code: str | None,
    default_language: str,
) -> Customer:
    """The customer's row, created on first contact; a returning customer is reachable again."""
    existing = await get_customer(store, user_id)
    if (
        existing
        and existing.reachable
        and existing.first_name == first_name
        and existing.username == username
    ):
        return existing
    now = store.now_db()
    language = pick_language(language_code, default_language)
    async with store.transaction() as db:
        await db.execute(
            "INSERT INTO customers (user_id, first_name, username, language, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET first_name = excluded.first_name,"
            " username = excluded.username, reachable = 1, updated_at = excluded.updated_at",
            (user_id, first_name[:64], username, language, now, now),
        )
    customer = await get_customer(store, user_id)
    assert customer is not None
    return customer


async def set_language(store: Store, user_id: int, language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    async with store.transaction() as db:
        await db.execute(
            "UPDATE customers SET language = ?, updated_at = ? WHERE user_id = ?",
            (language, store.now_db(), user_id),
        )


async def language_of(
    source: Store | aiosqlite.Connection, user_id: int, default: str
) -> str:
    """The customer's language; `default` for someone not (yet) known. Given a connection,
    reads inside that transaction (an invoice issued with the order's change)."""
    db = source.reader if isinstance(source, Store) else source
    row = await fetchone(db, "SELECT language FROM customers WHERE user_id = ?", (user_id,))
    return row["language"] if row else default
