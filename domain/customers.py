"""Customers: who talks to the bot in private, their language and last delivery details, and
whether the bot can reach them (they may block it, and let it back)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain import outbox
from domain.models import Customer
from domain.store import Connection, Store, from_row
from domain.store import customers as customer_rows
from domain.store.handling import idempotent

LANGUAGES = ("id", "en")


def pick_language(language_code: str | None, default: str) -> str:
    """First choice from Telegram's language_code: English speakers get English, others the
    shop's default (Indonesian first)."""
    if language_code and language_code.split("-")[0].lower() in LANGUAGES:
        return language_code.split("-")[0].lower()
    return default


def _customer(row: Mapping[str, Any]) -> Customer:
    return from_row(Customer, row, reachable=bool(row["reachable"]))


async def get_customer(store: Store, user_id: int) -> Customer | None:
    row = await customer_rows.by_id(store.reader, user_id)
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
    now = store.now()
    language = pick_language(language_code, default_language)
    with idempotent():  # an upsert of what Telegram says: replaying it after a crash is fine
        async with store.transaction() as db:
            await customer_rows.upsert_contact(
                db, user_id, first_name[:64], username, language, now
            )
    customer = await get_customer(store, user_id)
    assert customer is not None
    return customer


async def set_language(store: Store, user_id: int, language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    async with store.transaction() as db:
        await customer_rows.set_language(db, user_id, language, store.now())


async def language_of(
    source: Store | Connection, user_id: int, default: str
) -> str:
    """The customer's language; `default` for someone not (yet) known. Given a connection,
    reads inside that transaction (an invoice issued with the order's change)."""
    db = source.reader if isinstance(source, Store) else source
    language = await customer_rows.language(db, user_id)
    return default if language is None else language


async def reachable(store: Store, user_id: int) -> bool:
    """Whether messages can reach the customer (False once they blocked the bot)."""
    return await customer_rows.is_reachable(store.reader, user_id)


async def blocked_bot(store: Store, user_id: int) -> None:
    """The customer blocked the bot: what waits for them is dropped, nothing more is tried."""
    await outbox.mark_unreachable(store, user_id, "blocked the bot")


async def unblocked_bot(store: Store, user_id: int) -> bool:
    """The customer let the bot back in: reachable again. True when they were not."""
    async with store.transaction() as db:
        return await customer_rows.mark_reachable(db, user_id, store.now())
