"""Staff actions on the real store (run by hand): the desk's use cases, as staff press them.

    .venv/bin/python bench/staff_actions.py [orders] [desks]

Places `orders` orders, then `desks` staff desks (each its own Store on one SQLite file, as
several staff pressing at once, or several processes) carry every order through verify →
pack → ship → deliver, all at once, for throughput; then one desk alone carries 200 more, for
each action's p50/p99 latency without queueing behind the others. Last it checks the race:
two desks pressing the same button on the same order, one wins every time.
The invoice is issued at shipment (the default), so "ship" includes numbering it.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.settings import Settings, courier_book, issuer
from domain import customers
from domain.actors import Actor
from domain.catalog.catalog_import import import_catalog
from domain.errors import AlreadyDone
from domain.fulfilment.desk import OrderDesk, Policy
from domain.models import CheckoutDetails, PaymentMethod, ShippingOption, Status
from domain.ordering import cart, orders
from domain.store import Store

SHIP = ShippingOption(code="reg", name="JNE REG", fee=15_000)
STEPS = ("verify", "pack", "ship", "deliver")


def desk_for(store: Store) -> OrderDesk:
    settings = Settings(_env_file=None, bot_token="1:a", staff_chat_id=-100)  # type: ignore[call-arg]
    return OrderDesk(store, Policy(courier_book(settings), settings.invoice_at, issuer(settings)))


async def place(store: Store, n: int) -> list[str]:
    await import_catalog(store, f"sku,name,category,price,stock\nKOPI,Kopi,Kopi,85000,{n}\n")
    numbers = []
    for i in range(n):
        user = 10_000 + i
        await customers.ensure_customer(store, user, first_name=f"C{i}", username=None,
                                        language_code="id", default_language="id")
        await cart.add_to_cart(store, user, "KOPI", 1)
        details = CheckoutDetails(name=f"Pelanggan {i}", phone="+6281234567890",
                                  address="Jl. Merdeka No. 1, Jakarta 10110",
                                  shipping_code="reg", payment_method=PaymentMethod.TRANSFER)
        numbers.append((await orders.place_order(store, user, details, SHIP)).number)
    return numbers


async def carry(desk: OrderDesk, number: str, i: int, times: dict[str, list[float]]) -> None:
    staff = Actor(500 + i % 7, f"Staf {i % 7}")
    for step in STEPS:
        started = time.perf_counter()
        if step == "verify":
            await desk.verify(number, staff, "transfer dicek di mutasi rekening")
        elif step == "ship":
            await desk.ship(number, staff, "JNE", f"CGK{1_000_000_000 + i}")
        else:
            await getattr(desk, step)(number, staff)
        times[step].append(time.perf_counter() - started)


async def race(desks: list[OrderDesk], numbers: list[str]) -> tuple[int, int]:
    """Two desks press Pack on the same order at once: (orders with one winner, double wins)."""
    one_winner = double = 0
    for number in numbers:
        results = await asyncio.gather(
            *(d.pack(number, Actor(900 + k, f"Staf {k}")) for k, d in enumerate(desks[:2])),
            return_exceptions=True,
        )
        wins = sum(not isinstance(r, BaseException) for r in results)
        lost = sum(isinstance(r, AlreadyDone) for r in results)
        one_winner += wins == 1 and lost == 1
        double += wins > 1
    return one_winner, double


def ms(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000 if len(values) > 1 else 0.0


async def main(n: int, k: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        stores = [await Store(path).open() for _ in range(k)]
        desks = [desk_for(s) for s in stores]
        numbers = await place(stores[0], n + 400)
        work, alone, contested = numbers[:n], numbers[n : n + 200], numbers[n + 200 :]
        busy: dict[str, list[float]] = defaultdict(list)
        started = time.perf_counter()
        await asyncio.gather(*(carry(desks[i % k], no, i, busy) for i, no in enumerate(work)))
        elapsed = time.perf_counter() - started
        times: dict[str, list[float]] = defaultdict(list)
        for i, number in enumerate(alone):
            await carry(desks[0], number, n + i, times)
        delivered = await stores[0].fetchone(
            "SELECT COUNT(*) AS n FROM orders WHERE status = ?", (Status.DELIVERED.value,)
        )
        actions = n * len(STEPS)
        delivered_all = delivered["n"] == n + len(alone)
        print(f"{n} orders × {len(STEPS)} actions over {k} desks at once: {elapsed:.2f} s, "
              f"{actions / elapsed:.0f} actions/s; all delivered: {delivered_all}")
        print("one desk alone, latency per action:")
        for step in STEPS:
            p50, p99 = ms(times[step], 50), ms(times[step], 99)
            print(f"  {step:8} p50 {p50:6.1f} ms   p99 {p99:6.1f} ms")
        for number in contested:
            await desks[0].verify(number, Actor(1, "Staf"), "dicek")
        one_winner, double = await race(desks, contested)
        print(f"race: {len(contested)} orders pressed twice at once: "
              f"{one_winner} with exactly one winner, {double} with two")
        for s in stores:
            await s.close()


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    asyncio.run(main(*(args + [1000, 4][len(args):])))
