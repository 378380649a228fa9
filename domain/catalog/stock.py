"""Every movement of stock, and stock alerts: the only module that writes products.stock
and products.reserved (after Saleor's warehouse/management.py).

- an order placed reserves its lines (`reserve`, compare-and-set on what is available);
- cancelled or rejected before shipping, it releases them (`release`);
- shipped, it takes them off the shelf (`take_off_shelf`: on hand and reserved both drop);
- staff restock by hand (`restock`, with who and how much), or, from a product's card in the
  staff group, set the count on hand or add/remove units with a reason (`adjust`);
- after-sales: a resellable return goes back on the shelf (`return_to_shelf`), a damaged one
  is written off (`write_off`: recorded, never back on hand), a replacement or missing part is
  held (`reserve_replacement`) and leaves with its follow-up parcel (`ship_replacement`).
After each, `check_levels` decides whether the staff group must hear about a product.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain import dedupe, outbox
from domain.actors import Actor
from domain.catalog.catalog import product_from_row
from domain.catalog.catalog_import import MAX_STOCK
from domain.clock import from_db
from domain.errors import InvalidInput, OffSale, OutOfStock
from domain.models import Product
from domain.outbox import Kind
from domain.store import Connection, Store
from domain.store import products as product_rows
from domain.validation import clean_text

# An order's or a cart's line as read: at least sku and quantity.
Line = Mapping[str, Any]

MAX_RESTOCK = 10_000  # in one go; more is a typing error for a small shop


@dataclass(frozen=True, slots=True)
class Movement:
    at: datetime
    delta: int
    stock_after: int
    actor_name: str
    reason: str = "restock"  # restock, set, add, remove
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Restocked:
    product: Product
    before: int
    added: int


def parse_restock_quantity(raw: str) -> int:
    text = raw.strip()
    if not re.fullmatch(r"[+-]?\d{1,9}", text):
        raise InvalidInput("restock_quantity", max=MAX_RESTOCK)
    value = int(text)
    if value <= 0:
        raise InvalidInput("restock_quantity", max=MAX_RESTOCK)
    if value > MAX_RESTOCK:
        raise InvalidInput("restock_too_large", max=MAX_RESTOCK)
    return value


def may_change_stock(user_id: int | None, admin_ids: Collection[int]) -> bool:
    """Without STAFF_ADMIN_IDS every staff member may; with it, only those listed."""
    return not admin_ids or (user_id is not None and user_id in admin_ids)


async def reserve(db: Connection, lines: Sequence[Line]) -> None:
    """Hold each line's quantity for a new order, inside the caller's transaction.

    `lines` carry sku, quantity, and for the error: name, active, avail (stock − reserved).
    Compare-and-set on availability, backed by the CHECK (reserved <= stock) constraint.
    Raises OffSale or OutOfStock for the first line that ran short (the caller rolls back).
    """
    for line in lines:
        if not await product_rows.reserve(db, line["sku"], line["quantity"]):
            if not line["active"]:
                raise OffSale(sku=line["sku"], name=line["name"])
            raise OutOfStock(
                sku=line["sku"],
                name=line["name"],
                available=max(line["avail"], 0),
                requested=line["quantity"],
            )


async def release(db: Connection, lines: Iterable[Line]) -> None:
    """Give back what an order held (cancelled or rejected before shipping)."""
    await product_rows.release(db, ((x["sku"], x["quantity"]) for x in lines))


async def take_off_shelf(db: Connection, lines: Iterable[Line]) -> None:
    """The parcel left: its units are no longer on hand, nor held."""
    await product_rows.take_off_shelf(db, ((x["sku"], x["quantity"]) for x in lines))


async def check_levels(db: Connection, skus: Iterable[str], now: datetime) -> list[str]:
    """Announce products that dropped to or below their threshold (available = on hand minus
    reserved), once per drop; re-arm those back above it. Returns the SKUs announced."""
    announced = []
    for sku in sorted(set(skus)):
        row = await product_rows.level(db, sku)
        if row is None:
            continue
        low = row["available"] <= row["low_stock_threshold"]
        if low and row["active"] and not row["flagged"]:
            await product_rows.raise_alert(db, sku, now)
            await outbox.enqueue(
                db,
                audience="staff",
                kind=Kind.LOW_STOCK,
                now=now,
                payload={
                    "sku": sku,
                    "available": row["available"],
                    "threshold": row["low_stock_threshold"],
                },
            )
            announced.append(sku)
        elif not low and row["flagged"]:
            await product_rows.clear_alert(db, sku)
    return announced


async def _product(db: Connection, sku: str) -> Product:
    """By SKU as typed; case does not matter when it is unambiguous."""
    text = sku.strip()[:40]
    row = await product_rows.by_sku(db, text)
    if row is None:
        rows = await product_rows.by_sku_nocase(db, text)
        row = rows[0] if len(rows) == 1 else None
    if row is None:
        raise InvalidInput("sku_unknown", sku=text)
    return product_from_row(row)


async def product(store: Store, sku: str) -> Product:
    return await _product(store.reader, sku)


async def restock(
    store: Store,
    sku: str,
    quantity: int,
    actor: Actor,
    *,
    source: dedupe.MessageKey | None = None,
) -> Restocked:
    """Add `quantity` units on hand and record who did it."""
    now = store.now()
    async with store.transaction() as db:
        await dedupe.claim(db, source, now)
        item = await _product(db, sku)
        after = item.stock + quantity
        await product_rows.set_stock(db, item.sku, after, now)
        await product_rows.record_movement(
            db, item.sku, quantity, after, "restock", actor.id, actor.name, now
        )
        await check_levels(db, [item.sku], now)
        await product_rows.bump_version(db)
        return Restocked(await _product(db, item.sku), item.stock, quantity)


@dataclass(frozen=True, slots=True)
class Adjusted:
    product: Product
    before: int
    after: int
    how: str  # set, add, remove
    note: str | None


MAX_NOTE = 200


def parse_adjustment(how: str, raw: str) -> tuple[int, str | None]:
    """What staff reply to a stock question: `<number> [reason]`. Set takes the count on hand
    (0 to MAX_STOCK), add and remove a quantity (1 to MAX_RESTOCK) and need the reason."""
    words = raw.strip().split(None, 1)
    note = clean_text(words[1])[:MAX_NOTE] if len(words) == 2 else None
    if not words or not re.fullmatch(r"\d{1,9}", words[0]):
        raise InvalidInput("stock_adjust_usage", how=how)
    value = int(words[0])
    if how == "set":
        if value > MAX_STOCK:
            raise InvalidInput("stock_adjust_usage", how=how)
        return value, note
    if not 1 <= value <= MAX_RESTOCK:
        raise InvalidInput("restock_quantity", max=MAX_RESTOCK)
    if not note:
        raise InvalidInput("stock_reason_required", how=how)
    return value, note


async def adjust(
    store: Store,
    sku: str,
    how: str,
    value: int,
    actor: Actor,
    note: str | None = None,
    *,
    source: dedupe.MessageKey | None = None,
) -> Adjusted:
    """Set the count on hand (`set`), or add or remove `value` units, recorded with who, when
    and why. On hand never drops below what open orders hold."""
    if how not in ("set", "add", "remove"):
        raise ValueError(how)
    now = store.now()
    async with store.transaction() as db:
        await dedupe.claim(db, source, now)
        item = await _product(db, sku)
        after = {"set": value, "add": item.stock + value, "remove": item.stock - value}[how]
        if after < item.reserved:
            raise InvalidInput("stock_below_reserved", reserved=item.reserved, wanted=after)
        if after > MAX_STOCK:
            raise InvalidInput("stock_adjust_usage", how=how)
        if after != item.stock:
            await product_rows.set_stock(db, item.sku, after, now)
            await product_rows.record_movement(
                db, item.sku, after - item.stock, after, how, actor.id, actor.name, now, note
            )
            await check_levels(db, [item.sku], now)
            await product_rows.bump_version(db)
        return Adjusted(await _product(db, item.sku), item.stock, after, how, note)


async def levels(
    store: Store, *, low_only: bool = False, limit: int = 40
) -> tuple[list[Product], int]:
    """Active products, the scarcest first (available stock against the threshold), and
    how many there are in all."""
    count = await product_rows.count_active(store.reader, low_only=low_only)
    rows = await product_rows.scarcest(store.reader, low_only=low_only, limit=limit)
    return [product_from_row(r) for r in rows], count


async def movements(store: Store, sku: str, limit: int = 5) -> list[Movement]:
    rows = await product_rows.movements(store.reader, sku, limit)
    return [
        Movement(
            from_db(r["at"]), r["delta"], r["stock_after"], r["actor_name"], r["reason"], r["note"]
        )
        for r in rows
    ]


# ---------------------------------------------------------------- after-sales


async def return_to_shelf(
    db: Connection, sku: str, quantity: int, actor: Actor, now: datetime, order_id: int
) -> int:
    """Resellable returned units back on hand (inside the caller's transaction, which must
    have claimed them first: see domain/aftersales/inspection.py); the stock after."""
    after = await product_rows.put_back(db, sku, quantity, now)
    if after is None:
        raise InvalidInput("sku_unknown", sku=sku)
    await product_rows.record_movement(
        db, sku, quantity, after, "return", actor.id, actor.name, now,
        quantity=quantity, order_id=order_id,
    )
    await check_levels(db, [sku], now)
    return after


async def write_off(
    db: Connection, sku: str, quantity: int, actor: Actor, now: datetime, order_id: int
) -> None:
    """Damaged returned units: recorded as written off, on hand unchanged (they left with the
    parcel and never come back on the shelf)."""
    current = await product_rows.stock_of(db, sku)
    if current is None:
        raise InvalidInput("sku_unknown", sku=sku)
    await product_rows.record_movement(
        db, sku, 0, current, "write_off", actor.id, actor.name, now,
        quantity=quantity, order_id=order_id,
    )


async def reserve_replacement(db: Connection, lines: Sequence[Line]) -> None:
    """Hold units for a follow-up parcel like an order's (compare-and-set on what is
    available); lines carry sku, quantity, name. Raises OutOfStock/OffSale, nothing held."""
    for line in lines:
        if not await product_rows.reserve(db, line["sku"], line["quantity"]):
            row = await product_rows.for_cart(db, line["sku"])
            if row is not None and not row["active"]:
                raise OffSale(sku=line["sku"], name=line["name"])
            raise OutOfStock(
                sku=line["sku"],
                name=line["name"],
                available=max(row["available"], 0) if row is not None else 0,
                requested=line["quantity"],
            )


async def ship_replacement(
    db: Connection, lines: Iterable[Line], actor: Actor, now: datetime, order_id: int
) -> None:
    """The follow-up parcel left: its held units leave the shelf, each recorded."""
    items = [(x["sku"], x["quantity"]) for x in lines]
    await product_rows.take_off_shelf(db, items)
    for sku, quantity in items:
        after = await product_rows.stock_of(db, sku)
        await product_rows.record_movement(
            db, sku, -quantity, after or 0, "replacement", actor.id, actor.name, now,
            quantity=quantity, order_id=order_id,
        )
    await check_levels(db, [sku for sku, _ in items], now)


async def release_replacement(db: Connection, lines: Iterable[Line]) -> None:
    """A follow-up parcel that will not go: give its held units back."""
    await release(db, lines)
