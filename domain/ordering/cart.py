"""The cart, kept in the store so it survives restarts."""

from __future__ import annotations

from domain.errors import InvalidInput, NotFound, OffSale
from domain.models import Cart, CartLine
from domain.store import Store
from domain.store import carts as cart_rows
from domain.store import products as product_rows
from domain.validation import MAX_QUANTITY, parse_quantity

MAX_LINES = 20  # more is a wholesale order; also keeps an order's texts within 4096 chars


async def get_cart(store: Store, user_id: int) -> Cart:
    rows = await cart_rows.lines(store.reader, user_id)
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
        product = await product_rows.for_cart(db, sku)
        if product is None:
            raise NotFound(sku=sku)
        if not product["active"]:
            raise OffSale(sku=sku, name=product["name"])
        in_cart = await cart_rows.quantity(db, user_id, sku)
        current = in_cart or 0
        if in_cart is None and await cart_rows.count_lines(db, user_id) >= MAX_LINES:
            raise InvalidInput("cart_full", max=MAX_LINES)
        wanted = current + qty
        if wanted > MAX_QUANTITY:
            raise InvalidInput("quantity_too_large", max=MAX_QUANTITY)
        if wanted > product["available"]:
            raise InvalidInput(
                "quantity_over_stock", available=max(product["available"], 0), in_cart=current
            )
        await cart_rows.put(db, user_id, sku, wanted, store.now())
    return await get_cart(store, user_id)


async def set_quantity(store: Store, user_id: int, sku: str, quantity: int) -> Cart:
    """Set a line's quantity; 0 removes it. Only lines already in this user's cart.

    A line of a product taken off sale may shrink or go, never grow (checkout refuses it).
    """
    async with store.transaction() as db:
        line = await cart_rows.line(db, user_id, sku)
        if line is None:
            raise NotFound(sku=sku)
        if not line["active"] and quantity > line["quantity"]:
            raise OffSale(sku=sku, name=line["name"])
        if quantity <= 0:
            await cart_rows.remove(db, user_id, sku)
        else:
            if quantity > MAX_QUANTITY:
                raise InvalidInput("quantity_too_large", max=MAX_QUANTITY)
            if quantity > line["available"]:
                raise InvalidInput(
                    "quantity_over_stock",
                    available=max(line["available"], 0),
                    in_cart=line["quantity"],
                )
            await cart_rows.set_quantity(db, user_id, sku, quantity)
    return await get_cart(store, user_id)


async def clear_cart(store: Store, user_id: int) -> None:
    async with store.transaction() as db:
        await cart_rows.clear(db, user_id)
