"""Products: the catalog's reads, the import's upsert, stock levels and their movements.

Stock moves (`reserve`, `release`, `take_off_shelf`, `set_stock`) are called by
domain/catalog/stock.py only; `reserve` is a compare-and-set on what is available, backed by
the CHECK constraints.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

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
    return await fetchall(db, "SELECT * FROM products WHERE sku = ? COLLATE NOCASE", (sku,))


async def for_cart(db: Connection, sku: str) -> Row | None:
    """available (stock − reserved), active, name."""
    return await fetchone(
        db, "SELECT stock - reserved AS available, active, name FROM products WHERE sku = ?", (sku,)
    )


# ---------------------------------------------------------------- catalog import


async def reserved_of(db: Connection, sku: str) -> int | None:
    """Units open orders hold; None for a product not in the catalog."""
    row = await fetchone(db, "SELECT reserved FROM products WHERE sku = ?", (sku,))
    return None if row is None else row["reserved"]


async def upsert(
    db: Connection,
    *,
    sku: str,
    name: str,
    category: str,
    price: int,
    stock: int,
    description: str,
    photo: str | None,
    active: bool,
    low_stock_threshold: int,
    now: datetime,
) -> None:
    """Create the product or overwrite what the shop's file states (never `reserved`)."""
    await db.execute(
        "INSERT INTO products (sku, name, category, price, stock, description, photo,"
        " active, low_stock_threshold, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT (sku) DO UPDATE SET name = excluded.name,"
        " category = excluded.category, price = excluded.price,"
        " stock = excluded.stock, description = excluded.description,"
        " photo = excluded.photo, active = excluded.active,"
        " low_stock_threshold = excluded.low_stock_threshold,"
        " updated_at = excluded.updated_at",
        (
            sku,
            name,
            category,
            price,
            stock,
            description,
            photo,
            int(active),
            low_stock_threshold,
            to_db(now),
        ),
    )


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
    *,
    quantity: int | None = None,
    order_id: int | None = None,
) -> None:
    await db.execute(
        "INSERT INTO stock_movements (sku, delta, stock_after, reason, actor_id, actor_name,"
        " at, quantity, order_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (sku, delta, stock_after, reason, actor_id, actor_name, to_db(now), quantity, order_id),
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
