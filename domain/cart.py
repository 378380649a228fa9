"""The cart, kept in the store so it survives restarts."""

from __future__ import annotations

from domain.errors import InvalidInput, NotFound, OffSale
from domain.models import Cart, CartLine
from domain.store import Store, fetchone
from domain.validation import MAX_QUANTITY, parse_quantity

MAX_LINES = 20  # more is a wholesale order; also keeps an order's texts within 4096 chars


async def get_cart(store: Store, user_id: int) -> Cart:
    rows = await store.fetchall(
        "SELECT c.sku, c.quantity, p.name, p.price, p.stock - p.reserved AS available, p.active"
        " FROM cart_items c JOIN products p ON p.sku = c.sku"
        " WHERE c.user_id = ? ORDER BY c.added_at, c.sku",
        (user_id,),
    )
    lines = tuple(
        CartLine(
            sku=r["sku"],
            name=r["name"],
            unit_price=r["price"],
            quantity=r["quantity"],
            available=max(r["available"], 0),
            active=bool(r["active"]),
        )
        for r in rows
    )
    return Cart(user_id=user_id, lines=lines)


async def add_to_cart(store: Store, user_id: int, sku: str, quantity: int | str) -> Cart:
    """Add to the line (or start it). The line may not exceed what is available now, and
    nothing is added of a product taken off sale (an old button or a typed quantity)."""
    qty = parse_quantity(quantity)
    async with store.transaction() as db:
        product = await fetchone(
            db,
            "SELECT stock - reserved AS available, active, name FROM products WHERE sku = ?",
            (sku,),
        )
        if product is None:
            raise NotFound(sku=sku)
        if not product["active"]:
            raise OffSale(sku=sku, name=product["name"])
        line = await fetchone(
            db, "SELECT quantity FROM cart_items WHERE user_id = ? AND sku = ?", (user_id, sku)
        )
        current = line["quantity"] if line else 0
        if line is None:
            count = await fetchone(
                db, "SELECT COUNT(*) AS n FROM cart_items WHERE user_id = ?", (user_id,)
            )
            if count and count["n"] >= MAX_LINES:
                raise InvalidInput("cart_full", max=MAX_LINES)
        wanted = current + qty
        if wanted > MAX_QUANTITY:
            raise InvalidInput("quantity_too_large", max=MAX_QUANTITY)
        if wanted > product["available"]:
            raise InvalidInput(
                "quantity_over_stock", available=max(product["available"], 0), in_cart=current
            )
        await db.execute(
            "INSERT INTO cart_items (user_id, sku, quantity, added_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id, sku) DO UPDATE SET quantity = excluded.quantity",
            (user_id, sku, wanted, store.now_db()),
        )
    return await get_cart(store, user_id)


async def set_quantity(store: Store, user_id: int, sku: str, quantity: int) -> Cart:
    """Set a line's quantity; 0 removes it. Only lines already in this user's cart.

    A line of a product taken off sale may shrink or go, never grow (checkout refuses it).
    """
    async with store.transaction() as db:
        line = await fetchone(
            db,
            "SELECT c.quantity, p.stock - p.reserved AS available, p.active, p.name"
            " FROM cart_items c JOIN products p ON p.sku = c.sku"
            " WHERE c.user_id = ? AND c.sku = ?",
            (user_id, sku),
        )
        if line is None:
            raise NotFound(sku=sku)
        if not line["active"] and quantity > line["quantity"]:
            raise OffSale(sku=sku, name=line["name"])
        if quantity <= 0:
            await db.execute("DELETE FROM cart_items WHERE user_id = ? AND sku = ?", (user_id, sku))
        else:
            if quantity > MAX_QUANTITY:
                raise InvalidInput("quantity_too_large", max=MAX_QUANTITY)
            if quantity > line["available"]:
                raise InvalidInput(
                    "quantity_over_stock",
                    available=max(line["available"], 0),
                    in_cart=line["quantity"],
                )
            await db.execute(
                "UPDATE cart_items SET quantity = ? WHERE user_id = ? AND sku = ?",
                (quantity, user_id, sku),
            )
    return await get_cart(store, user_id)


async def clear_cart(store: Store, user_id: int) -> None:
    async with store.transaction() as db:
        await db.execute("DELETE FROM cart_items WHERE user_id = ?", (user_id,))
