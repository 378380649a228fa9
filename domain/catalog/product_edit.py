"""A product changed from the staff group: one field at a time from its card (/produk <sku>),
or a new one step by step (/produk baru). The values follow the catalog file's rules
(domain/catalog/catalog_import.py: one set of rules); each change is recorded with who, when,
before and after, and moves the catalog's version (an open import preview becomes stale).
Stock is not a field here: it moves through domain/catalog/stock.py.

The bot's questions (a new price, a photo, the next step) are kept in the store
(catalog_prompts), so a restart loses none.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain import dedupe
from domain.actors import Actor
from domain.catalog import stock
from domain.catalog.catalog_import import (
    RowProblem,
    check_category,
    check_description,
    check_name,
    check_photo,
    check_price,
    check_sku,
    check_stock,
    check_threshold,
)
from domain.clock import from_db
from domain.errors import InvalidInput
from domain.models import Product
from domain.store import Store
from domain.store import catalog_desk as desk_rows
from domain.store import products as product_rows

CLEAR = "-"  # replied for the description: none


def _description(raw: str) -> str:
    return "" if raw.strip() == CLEAR else check_description(raw)


# Field → how a typed answer becomes its value (the file's rule for that column).
CHECKS: dict[str, Callable[[str], Any]] = {
    "price": check_price,
    "name": check_name,
    "description": _description,
    "category": check_category,
    "low_stock_threshold": check_threshold,
    "photo": check_photo,
}
# The steps of /produk baru, in order.
STEPS = ("name", "sku", "category", "price", "stock")
USE_SUGGESTION = {"ok", "oke", "ya", "yes", "y"}
CHANGES_SHOWN = 5


@dataclass(frozen=True, slots=True)
class ChangeEntry:
    field: str
    before: Any
    after: Any
    actor_name: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Card:
    product: Product
    changes: list[ChangeEntry]
    movements: list[stock.Movement]


@dataclass(frozen=True, slots=True)
class Edited:
    product: Product
    field: str
    before: Any
    after: Any

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _invalid(problem: RowProblem, field_name: str) -> InvalidInput:
    return InvalidInput("product_value", field=field_name, problem=problem.code,
                        detail=problem.context)


def check_value(field_name: str, raw: str) -> Any:
    try:
        return CHECKS[field_name](raw)
    except RowProblem as problem:
        raise _invalid(problem, field_name) from None


async def card(store: Store, sku: str) -> Card:
    item = await stock.product(store, sku)  # by SKU as typed, any case
    rows = await product_rows.changes(store.reader, item.sku, CHANGES_SHOWN)
    changes = [
        ChangeEntry(r["field"], r["before"], r["after"], r["actor_name"], from_db(r["at"]))
        for r in rows
    ]
    return Card(item, changes, await stock.movements(store, item.sku))


async def edit(
    store: Store,
    sku: str,
    field_name: str,
    value: Any,
    actor: Actor,
    *,
    source: dedupe.MessageKey | None = None,
) -> Edited:
    """Set one field (a value already checked: check_value, or a bool for `active`). The
    same value again changes nothing and records nothing."""
    if field_name not in CHECKS and field_name != "active":
        raise ValueError(field_name)
    exact = (await stock.product(store, sku)).sku
    now = store.now()
    async with store.transaction() as db:
        await dedupe.claim(db, source, now)
        row = await product_rows.by_sku(db, exact)
        if row is None:
            raise InvalidInput("sku_unknown", sku=sku)
        before = bool(row["active"]) if field_name == "active" else row[field_name]
        if before != value:
            await product_rows.set_field(db, exact, field_name, value, now)
            await product_rows.record_changes(
                db,
                [product_rows.ChangeRecord(exact, field_name, before, value)],
                "chat",
                actor.id,
                actor.name,
                now,
            )
            await product_rows.bump_version(db)
    return Edited(await stock.product(store, exact), field_name, before, value)


# ---------------------------------------------------------------- a new product


def sku_from_name(name: str) -> str:
    """`Kopi Gayo 250 g` → `KOPI-GAYO-250-G`: ASCII letters and digits joined by '-'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", ascii_name.upper())
    sku = ""
    for word in words:
        candidate = f"{sku}-{word}" if sku else word
        if len(candidate) > 28:  # room for a "-2" … suffix within the 32 allowed
            break
        sku = candidate
    return sku or "PRODUK"


async def suggest_sku(store: Store, name: str) -> str:
    base = sku_from_name(name)
    sku, n = base, 1
    while await product_rows.sku_taken(store.reader, sku):
        n += 1
        sku = f"{base}-{n}"
    return sku


@dataclass(frozen=True, slots=True)
class Step:
    """Where /produk baru stands: the answers so far and the step asked next (None: done)."""

    draft: dict[str, Any]
    next: str | None


async def answer_step(store: Store, draft: dict[str, Any], step: str, text: str) -> Step:
    """Take the reply to `step`; InvalidInput when it is refused (the step is asked again)."""
    raw = text.strip()
    values = dict(draft)
    if step == "name":
        values["name"] = check_value("name", raw)
        values["suggested"] = await suggest_sku(store, values["name"])
    elif step == "sku":
        wanted = values.get("suggested", "") if raw.lower() in USE_SUGGESTION else raw
        try:
            sku = check_sku(wanted)
        except RowProblem as problem:
            raise _invalid(problem, "sku") from None
        if await product_rows.sku_taken(store.reader, sku):
            raise InvalidInput("sku_taken", sku=sku)
        values["sku"] = sku
    elif step == "category":
        values["category"] = check_value("category", raw)
    elif step == "price":
        values["price"] = check_value("price", raw)
    elif step == "stock":
        try:
            values["stock"] = check_stock(raw)
        except RowProblem as problem:
            raise _invalid(problem, "stock") from None
    else:
        raise ValueError(step)
    following = STEPS.index(step) + 1
    return Step(values, STEPS[following] if following < len(STEPS) else None)


async def create(store: Store, draft: dict[str, Any], actor: Actor) -> Product:
    """The product from a finished draft, on sale at once; InvalidInput when its SKU was
    taken meanwhile."""
    now = store.now()
    values = {
        "sku": draft["sku"],
        "name": draft["name"],
        "category": draft["category"],
        "price": draft["price"],
        "stock": draft["stock"],
        "description": "",
        "photo": None,
        "active": True,
        "low_stock_threshold": 5,
    }
    async with store.transaction() as db:
        if await product_rows.sku_taken(db, values["sku"]):
            raise InvalidInput("sku_taken", sku=values["sku"])
        await product_rows.upsert_many(db, [values], now)
        await product_rows.record_changes(
            db,
            [product_rows.ChangeRecord(values["sku"], "created", None, None)],
            "chat",
            actor.id,
            actor.name,
            now,
        )
        await product_rows.bump_version(db)
    return await stock.product(store, values["sku"])


# ---------------------------------------------------------------- the bot's questions


@dataclass(frozen=True, slots=True)
class Prompt:
    chat_id: int
    message_id: int
    sku: str | None
    field: str  # a product field, stock_set/stock_add/stock_remove, or new_<step>
    draft: dict[str, Any] = field(default_factory=dict)
    closed: bool = False


async def open_prompt(
    store: Store,
    chat_id: int,
    message_id: int,
    sku: str | None,
    field_name: str,
    *,
    draft: dict[str, Any] | None = None,
    created_by: int | None = None,
) -> None:
    async with store.transaction() as db:
        await desk_rows.add_prompt(
            db,
            chat_id=chat_id,
            message_id=message_id,
            sku=sku,
            field=field_name,
            draft=json.dumps(draft or {}),
            actor_id=created_by,
            now=store.now(),
        )


async def find_prompt(store: Store, chat_id: int, message_id: int) -> Prompt | None:
    row = await desk_rows.prompt(store.reader, chat_id, message_id)
    if row is None:
        return None
    return Prompt(
        row["chat_id"],
        row["message_id"],
        row["sku"],
        row["field"],
        json.loads(row["draft"]),
        closed=row["closed_at"] is not None,
    )


async def close_prompt(store: Store, chat_id: int, message_id: int) -> bool:
    """False when it was closed already (answered twice at once: only one counts)."""
    async with store.transaction() as db:
        return await desk_rows.close_prompt(db, chat_id, message_id, store.now())
