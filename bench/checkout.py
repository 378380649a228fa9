"""Checkout throughput and memory on the real store (run by hand).

    .venv/bin/python bench/checkout.py [customers] [stock]

Places one order per customer, all at once, over 4 Store objects on one SQLite file (as
several bot processes would), and reports orders/s, oversell (must be 0) and peak memory.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain import customers
from domain.catalog.catalog_import import import_catalog
from domain.errors import InvalidInput, OutOfStock
from domain.models import CheckoutDetails, PaymentMethod, ShippingOption
from domain.ordering import cart, orders
from domain.store import Store

SHIP = ShippingOption(code="reg", name="JNE REG", fee=15_000)


async def one(store: Store, user_id: int) -> bool:
    await customers.ensure_customer(store, user_id, first_name=f"C{user_id}", username=None,
                                    language_code="id", default_language="id")
    try:
        await cart.add_to_cart(store, user_id, "HOT", 1)
    except InvalidInput:  # already sold out when this customer came by
        return False
    details = CheckoutDetails(name=f"Pelanggan {user_id}", phone="+6281234567890",
                              address="Jl. Merdeka No. 1, Jakarta 10110", shipping_code="reg",
                              payment_method=PaymentMethod.TRANSFER)
    try:
        await orders.place_order(store, user_id, details, SHIP)
    except OutOfStock:
        return False
    return True


async def main(n: int, stock: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        stores = [await Store(path).open() for _ in range(4)]
        await import_catalog(
            stores[0], f"sku,name,category,price,stock\nHOT,Hot,Cat,1000,{stock}\n"
        )
        tracemalloc.start()
        started = time.perf_counter()
        results = await asyncio.gather(*(one(stores[i % 4], 10_000 + i) for i in range(n)))
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        row = await stores[0].fetchone("SELECT stock, reserved FROM products WHERE sku = 'HOT'")
        sold = sum(results)
        print(f"{n} concurrent checkouts (add to cart + place) over 4 connections: "
              f"{elapsed:.2f} s, {n / elapsed:.0f} checkouts/s")
        print(f"sold {sold} of stock {stock}; reserved {row['reserved']}; "
              f"oversold {max(row['reserved'] - row['stock'], 0)}")
        print(f"peak Python memory during the run: {peak / 1e6:.1f} MB")
        for s in stores:
            await s.close()


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    asyncio.run(main(*(args + [2000, 500][len(args):])))
