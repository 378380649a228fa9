"""Products: the catalog's reads, the import's upsert, edits from the staff group with their
change log and the catalog's version, stock levels and their movements.

Stock moves (`reserve`, `release`, `take_off_shelf`, `set_stock`) are called by
domain/catalog/stock.py only; `reserve` is a compare-and-set on what is available, backed by
the CHECK constraints.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from aiosqlite import Row

from domain.clock import to_db
from domain.store.sqlite import Connection, fetchall, fetchone

# ---------------------------------------------------------------- catalog reads


async def active_categories(db: Connection) -> list[str]:
    rows = await fetchall(
        db, "SELECT DISTINCT category FROM products WHERE active = 1 ORDER BY category"
    )
    return [r["category"] for r in rows]


async def count_active_in(db: Connection, category: str) -> int:
    row = await fetchone(
        db, "SELECT COUNT(*) AS n FROM products WHERE active = 1 AND category = ?", (category,)
    )
    return row["n"] if row else 0


async def active_page(db: Connection, category: str, limit: int, offset: int) -> list[Row]:
    """Active products of a category by name, `limit` from `offset`."""
    return await fetchall(
        db,
        "SELECT * FROM products WHERE active = 1 AND category = ? ORDER BY name, sku"
        " LIMIT ? OFFSET ?",
        (category, limit, offset),
    )


async def by_sku(db: Connection, sku: str) -> Row | None:
    return await fetchone(db, "SELECT * FROM products WHERE sku = ?", (sku,))


async def by_sku_nocase(db: Connection, sku: str) -> list[Row]:
    return await fetchall(db, "SELECT * FROM products WHERE upper(sku) = upper(?)", (sku,))


async def for_cart(db: Connection, sku: str) -> Row | None:
    """available (stock − reserved), active, name."""
    return await fetchone(
        db, "SELECT stock - reserved AS available, active, name FROM products WHERE sku = ?", (sku,)
    )


# ---------------------------------------------------------------- catalog import


_COLUMNS = (
    "sku", "name", "category", "price", "stock", "description", "photo", "active",
    "low_stock_threshold",
)


async def all_products(db: Connection) -> list[Row]:
    """Every product, active or not, by SKU (the import compares against it, export writes it)."""
    return await fetchall(db, "SELECT * FROM products ORDER BY sku")


async def upsert_many(db: Connection, products: Sequence[Mapping[str, Any]], now: datetime) -> None:
    """Create or overwrite each product's stated fields (never `reserved`), one statement."""
    at = to_db(now)
    await db.executemany(
        "INSERT INTO products (sku, name, category, price, stock, description, photo,"
        " active, low_stock_threshold, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT (sku) DO UPDATE SET name = excluded.name,"
        " category = excluded.category, price = excluded.price,"
        " stock = excluded.stock, description = excluded.description,"
        " photo = excluded.photo, active = excluded.active,"
        " low_stock_threshold = excluded.low_stock_threshold,"
        " updated_at = excluded.updated_at",
        [
            (*(int(p[c]) if c == "active" else p[c] for c in _COLUMNS), at)
            for p in products
        ],
    )


# ---------------------------------------------------------------- edits in the staff group

# What an edit may set besides stock (stock moves only through domain/catalog/stock.py).
EDITABLE = frozenset(
    {"name", "category", "price", "description", "photo", "active", "low_stock_threshold"}
)


async def set_field(db: Connection, sku: str, field: str, value: Any, now: datetime) -> None:
    if field not in EDITABLE:  # the column name is put in the statement: a fixed set only
        raise ValueError(f"not an editable field: {field}")
    await db.execute(
        f"UPDATE products SET {field} = ?, updated_at = ? WHERE sku = ?",
        (int(value) if isinstance(value, bool) else value, to_db(now), sku),
    )


class ChangeRecord(NamedTuple):
    sku: str
    field: str  # a column's name, or "created"
    before: Any
    after: Any


async def record_changes(
    db: Connection,
    changes: Sequence[ChangeRecord],
    source: str,
    actor_id: int | None,
    actor_name: str,
    now: datetime,
) -> None:
    """Who changed which field of which product, when, from what to what (JSON values)."""
    at = to_db(now)
    await db.executemany(
        "INSERT INTO product_changes (sku, field, before, after, source, actor_id,"
        " actor_name, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (c.sku, c.field, json.dumps(c.before), json.dumps(c.after), source, actor_id,
             actor_name, at)
            for c in changes
        ],
    )


async def changes(db: Connection, sku: str, limit: int) -> list[dict[str, Any]]:
    """The product's newest changes first, values decoded."""
    rows = await fetchall(
        db, "SELECT * FROM product_changes WHERE sku = ? ORDER BY id DESC LIMIT ?", (sku, limit)
    )
    return [
        dict(r) | {"before": json.loads(r["before"]), "after": json.loads(r["after"])}
        for r in rows
    ]


async def bump_version(db: Connection) -> None:
    """The catalog changed by a hand (an import, an edit, a stock count): previews made
    before are stale."""
    await db.execute("UPDATE catalog_version SET version = version + 1")


async def version(db: Connection) -> int:
    row = await fetchone(db, "SELECT version FROM catalog_version")
    return row["version"] if row else 0


async def sku_taken(db: Connection, sku: str) -> bool:
    """Taken in any case: SKUs are looked up case-insensitively when unambiguous."""
    row = await fetchone(db, "SELECT 1 FROM products WHERE upper(sku) = upper(?)", (sku,))
    return row is not None


# ---------------------------------------------------------------- stock movements


async def reserve(db: Connection, sku: str, quantity: int) -> bool:
    """Hold `quantity` of an active product if that many are available; False otherwise."""
    cur = await db.execute(
        "UPDATE products SET reserved = reserved + ?"
        " WHERE sku = ? AND active = 1 AND stock - reserved >= ?",
        (quantity, sku, quantity),
    )
    return cur.rowcount == 1


async def release(db: Connection, lines: Iterable[tuple[str, int]]) -> None:
    """Give back what was held: (sku, quantity) each."""
    await db.executemany(
        "UPDATE products SET reserved = reserved - ? WHERE sku = ?",
        [(quantity, sku) for sku, quantity in lines],
    )


async def take_off_shelf(db: Connection, lines: Iterable[tuple[str, int]]) -> None:
    """Held units leave: on hand and reserved both drop, (sku, quantity) each."""
    await db.executemany(
        "UPDATE products SET stock = stock - ?, reserved = reserved - ? WHERE sku = ?",
        [(quantity, quantity, sku) for sku, quantity in lines],
    )


async def set_stock(db: Connection, sku: str, stock: int, now: datetime) -> None:
    await db.execute(
        "UPDATE products SET stock = ?, updated_at = ? WHERE sku = ?", (stock, to_db(now), sku)
    )


async def record_movement(
    db: Connection,
    sku: str,
    delta: int,
    stock_after: int,
    reason: str,
    actor_id: int | None,
    actor_name: str,
    now: datetime,
    note: str | None = None,
    *,
    quantity: int | None = None,
    order_id: int | None = None,
) -> None:
    await db.execute(
        "INSERT INTO stock_movements (sku, delta, stock_after, reason, actor_id, actor_name,"
        " at, note, quantity, order_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (sku, delta, stock_after, reason, actor_id, actor_name, to_db(now), note, quantity,
         order_id),
    )


async def put_back(db: Connection, sku: str, quantity: int, now: datetime) -> int | None:
    """Returned units back on hand; the stock after, None for an unknown product."""
    async with db.execute(
        "UPDATE products SET stock = stock + ?, updated_at = ? WHERE sku = ? RETURNING stock",
        (quantity, to_db(now), sku),
    ) as cur:
        row = await cur.fetchone()
    return None if row is None else int(row[0])


async def stock_of(db: Connection, sku: str) -> int | None:
    row = await fetchone(db, "SELECT stock FROM products WHERE sku = ?", (sku,))
    return None if row is None else int(row["stock"])


async def movements(db: Connection, sku: str, limit: int) -> list[Row]:
    """The product's newest stock movements first."""
    return await fetchall(
        db, "SELECT * FROM stock_movements WHERE sku = ? ORDER BY id DESC LIMIT ?", (sku, limit)
    )


# ---------------------------------------------------------------- levels and alerts


async def level(db: Connection, sku: str) -> Row | None:
    """available (stock − reserved), low_stock_threshold, active, flagged (an alert is up)."""
    return await fetchone(
        db,
        "SELECT p.stock - p.reserved AS available, p.low_stock_threshold, p.active,"
        " a.sku IS NOT NULL AS flagged FROM products p"
        " LEFT JOIN stock_alerts a ON a.sku = p.sku WHERE p.sku = ?",
        (sku,),
    )


async def raise_alert(db: Connection, sku: str, now: datetime) -> None:
    await db.execute("INSERT INTO stock_alerts (sku, raised_at) VALUES (?, ?)", (sku, to_db(now)))


async def clear_alert(db: Connection, sku: str) -> None:
    await db.execute("DELETE FROM stock_alerts WHERE sku = ?", (sku,))


_LOW = " AND stock - reserved <= low_stock_threshold"


async def count_active(db: Connection, *, low_only: bool) -> int:
    row = await fetchone(
        db, "SELECT COUNT(*) AS n FROM products WHERE active = 1" + (_LOW if low_only else "")
    )
    return row["n"] if row else 0


async def scarcest(db: Connection, *, low_only: bool, limit: int) -> list[Row]:
    """Active products, the least available against their threshold first."""
    return await fetchall(
        db,
        "SELECT * FROM products WHERE active = 1" + (_LOW if low_only else "")
        + " ORDER BY stock - reserved - low_stock_threshold, name LIMIT ?",
        (limit,),
    )
