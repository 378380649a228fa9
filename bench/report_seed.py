"""A two-year shop of N orders for bench/report.py, written straight into SQLite with
executemany in big transactions (bench only: the product never writes like this).

Realistic spread, seeded (the same shop every run): orders grow over the two years (the
last month about three times the first), more on weekdays' evenings and on paydays (the
25th to the 1st); 1–4 lines from 200 products; 35 % COD. Old orders mostly end delivered
(about 8 % cancelled by the customer, 2 % rejected, 5 % transfers expired unpaid); the last
days are still in the pipeline. Every status change has its event; a transfer has its
receipt event; COD money delivered more than 14 days ago is remitted weekly per courier.
After-sales: 4 % of shipped COD parcels are refused (returned to sender: cancelled, a
cod_refused complaint inspected back to stock, both shipping legs as shop costs); 3 % of
delivered orders get a complaint a day or so later (12 % rejected, 8 % a replacement, the
rest refunded three days later, returns inspected resellable or damaged).
The /find trigger is dropped first (this bench does not search, and it would slow the load);
the cycle-time trigger of migration 007 is dropped while loading, its columns written here
with each event, and put back at the end.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from domain.clock import to_db

PRODUCTS = 200
COURIERS = ("JNE", "J&T Express", "SiCepat", "AnterAja")
BATCH = 50_000
REFUSED = 0.04  # of shipped COD parcels: refused at the door
COMPLAINED = 0.03  # of delivered orders: a complaint
REASONS = ("not_received", "incomplete", "wrong_item", "damaged", "not_as_described")
DAY = 86_400


def _weights(days: int) -> list[float]:
    """A weight per day: growth, weekday, payday."""
    out = []
    for d in range(days):
        growth = 1 + 2 * d / days
        weekday = 0.8 if d % 7 in (5, 6) else 1.05
        payday = 1.3 if (d % 30) >= 25 else 1.0
        out.append(growth * weekday * payday)
    return out


def _hour(rnd: random.Random) -> int:
    """Local hour of the order: quiet at night, peaks at lunch and in the evening."""
    return rnd.choices(
        range(24),
        weights=[1, 0.5, 0.3, 0.3, 0.4, 1, 2, 4, 6, 7, 8, 9, 11, 10, 8, 7, 7, 8, 10, 13, 14, 12, 8,
                 3],
    )[0]


def seed(path: Path, n: int, now: datetime, days: int = 730) -> dict[str, int]:
    """Fill the (migrated, empty) store at `path`; returns counts."""
    rnd = random.Random(10)
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("DROP TRIGGER IF EXISTS order_search_insert")
    # The waits are written with each event below, as the trigger would; put back after.
    trigger = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'order_events_waited'"
    ).fetchone()[0]
    db.execute("DROP TRIGGER order_events_waited")
    stamp = to_db(now)
    wib = timedelta(hours=7)
    prices = [rnd.choice((15, 18, 25, 35, 45, 65, 85, 92, 120, 150, 250)) * 1000
              for _ in range(PRODUCTS)]
    customers = max(n // 6, 100)
    with db:
        db.executemany(
            "INSERT INTO products (sku, name, category, price, stock, low_stock_threshold,"
            " updated_at) VALUES (?, ?, ?, ?, ?, 5, ?)",
            (
                (f"SKU-{i:03d}", f"Produk {i:03d}", f"Kategori {i % 12}", prices[i],
                 0 if i % 37 == 0 else rnd.randrange(0, 400), stamp)
                for i in range(PRODUCTS)
            ),
        )
        db.executemany(
            "INSERT INTO customers (user_id, first_name, created_at, updated_at)"
            " VALUES (?, ?, ?, ?)",
            ((100_000 + i, f"C{i}", stamp, stamp) for i in range(customers)),
        )
    weights = _weights(days)
    total_w = sum(weights)
    start_day = (now + wib).date() - timedelta(days=days - 1)
    popularity = [1 / (i + 1) ** 0.8 for i in range(PRODUCTS)]  # a long tail
    popularity[PRODUCTS - 20:] = [0] * 20  # twenty slow movers never sell
    counts = {"orders": 0, "lines": 0, "events": 0, "remittances": 0, "complaints": 0,
              "refunds": 0, "refused": 0}
    remit: dict[tuple[str, str], list[int]] = {}

    def orders() -> Iterator[tuple[list[tuple], list[tuple], list[tuple]]]:
        order_id = 0
        for d in range(days):
            day_n = round(n * weights[d] / total_w) if d < days - 1 else n - order_id
            day = start_day + timedelta(days=d)
            for _ in range(max(day_n, 0)):
                order_id += 1
                local = datetime(day.year, day.month, day.day, _hour(rnd), rnd.randrange(60),
                                 rnd.randrange(60))
                created = (local - wib).replace(tzinfo=UTC)
                if created > now:
                    created = now - timedelta(seconds=rnd.randrange(3600))
                yield order_id, created

    o_rows: list[tuple] = []
    l_rows: list[tuple] = []
    e_rows: list[tuple] = []
    c_rows: list[tuple] = []  # complaints
    cl_rows: list[tuple] = []  # complaint lines
    r_rows: list[tuple] = []  # refunds
    sc_rows: list[tuple] = []  # shop costs
    m_rows: list[tuple] = []  # stock movements (returns, write-offs)

    def flush() -> None:
        with db:
            db.executemany(
                "INSERT INTO orders (id, number, user_id, status, payment_status,"
                " payment_method, customer_name, phone, address, shipping_code, shipping_name,"
                " shipping_fee, subtotal, total, courier, tracking_number, created_at,"
                " updated_at, status_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
                " 'Jl. Merdeka No. 1, Jakarta', 'reg', 'JNE REG', ?, ?, ?, ?, ?, ?, ?, ?)",
                o_rows,
            )
            db.executemany(
                "INSERT INTO order_lines (order_id, sku, name, unit_price, quantity)"
                " VALUES (?, ?, ?, ?, ?)",
                l_rows,
            )
            db.executemany(
                "INSERT INTO order_events (order_id, at, actor_id, actor_name, kind,"
                " from_status, to_status, waited, waited_dispatch, waited_receipt)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                e_rows,
            )
            db.executemany(
                "INSERT INTO complaints (id, order_id, user_id, reason, solution_wanted,"
                " solution, status, delivered_at, created_at, updated_at, status_changed_at,"
                " closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                c_rows,
            )
            db.executemany(
                "INSERT INTO complaint_lines (complaint_id, sku, name, unit_price, quantity,"
                " resellable, damaged) VALUES (?, ?, ?, ?, ?, ?, ?)",
                cl_rows,
            )
            db.executemany(
                "INSERT INTO refunds (order_id, complaint_id, user_id, amount_proposed, amount,"
                " status, paid_by_name, paid_at, credit_note_number, created_at, updated_at,"
                " status_changed_at) VALUES (?, ?, ?, ?, ?, ?, 'Sari', ?, ?, ?, ?, ?)",
                r_rows,
            )
            db.executemany(
                "INSERT INTO shop_costs (order_id, complaint_id, kind, amount, actor_name, at)"
                " VALUES (?, ?, ?, ?, 'Sari', ?)",
                sc_rows,
            )
            db.executemany(
                "INSERT INTO stock_movements (sku, delta, stock_after, reason, actor_name, at,"
                " quantity, order_id) VALUES (?, ?, 0, ?, 'Dewi', ?, ?, ?)",
                m_rows,
            )
        counts["orders"] += len(o_rows)
        counts["lines"] += len(l_rows)
        counts["events"] += len(e_rows)
        counts["complaints"] += len(c_rows)
        counts["refunds"] += len(r_rows)
        for rows in (o_rows, l_rows, e_rows, c_rows, cl_rows, r_rows, sc_rows, m_rows):
            rows.clear()

    complaint_ids = iter(range(1, n + 1))

    def _refused(order_id: int, user: int, mine: list[tuple], fee: int, at: datetime) -> None:
        cid = next(complaint_ids)
        back = at + timedelta(days=rnd.uniform(2, 6))
        done = back < now
        c_rows.append((cid, order_id, user, "cod_refused", "return_to_sender",
                       "return_to_sender", "resolved" if done else "return_in_transit", None,
                       to_db(at), to_db(back if done else at), to_db(back if done else at),
                       to_db(back) if done else None))
        for sku, name, price, qty in mine:
            cl_rows.append((cid, sku, name, price, qty, qty if done else 0, 0))
            if done:
                m_rows.append((sku, qty, "return", to_db(back), qty, order_id))
        sc_rows.append((order_id, cid, "outbound_shipping", fee, to_db(at)))
        sc_rows.append((order_id, cid, "return_shipping", fee, to_db(at)))
        counts["refused"] += 1

    def _complaint(order_id: int, user: int, mine: list[tuple], fee: int, total: int,
                   arrived: datetime) -> None:
        opened = arrived + timedelta(seconds=rnd.uniform(3600, 40 * 3600))
        if opened > now:
            return
        cid = next(complaint_ids)
        reason = rnd.choices(REASONS, weights=(1, 2, 2, 4, 2))[0]
        sku, name, price, qty = mine[0]
        claimed = rnd.randint(1, qty)
        fate = rnd.random()
        decided = opened + timedelta(seconds=rnd.uniform(1800, DAY))
        refunded_at = decided + timedelta(seconds=rnd.uniform(DAY, 4 * DAY))
        if fate < 0.12:
            row = ("refund_only", None, "rejected", decided)
        elif fate < 0.20:
            row = ("replacement", "replacement", "resolved", decided)
        else:
            solution = "return_refund" if reason != "not_received" and fate < 0.7 else "refund_only"
            row = (solution, solution, "resolved" if refunded_at < now else "approved", refunded_at)
        wanted, solution, status, closed = row
        c_rows.append((cid, order_id, user, reason, wanted, solution, status, to_db(arrived),
                       to_db(opened), to_db(min(closed, now)), to_db(min(closed, now)),
                       to_db(closed) if status in ("resolved", "rejected") else None))
        good = bad = 0
        if solution == "return_refund" and status == "resolved":
            bad = sum(rnd.random() < 0.3 for _ in range(claimed))
            good = claimed - bad
            inspected = to_db(refunded_at - timedelta(hours=6))
            if good:
                m_rows.append((sku, good, "return", inspected, good, order_id))
            if bad:
                m_rows.append((sku, 0, "write_off", inspected, bad, order_id))
        cl_rows.append((cid, sku, name, price, claimed, good, bad))
        if solution in ("return_refund", "refund_only"):
            amount = min(price * claimed + (fee if reason != "change_of_mind" else 0), total)
            paid = status == "resolved"
            when = to_db(refunded_at if paid else decided)
            r_rows.append((order_id, cid, user, amount, amount, "paid" if paid else "ready",
                           when if paid else None,
                           f"CN/{refunded_at:%Y/%m}/{cid:06d}" if paid else None,
                           to_db(decided), when, when))

    for order_id, created in orders():
        user = 100_000 + min(int(rnd.paretovariate(1.2)) - 1, customers - 1) if rnd.random() < 0.5 \
            else 100_000 + rnd.randrange(customers)
        cod = rnd.random() < 0.35
        size = rnd.choice((1, 1, 2, 2, 3, 4))
        skus = set(rnd.choices(range(PRODUCTS), weights=popularity, k=size))
        subtotal = 0
        mine = []
        for s in skus:
            qty = rnd.choice((1, 1, 1, 2, 3))
            mine.append((f"SKU-{s:03d}", f"Produk {s:03d}", prices[s], qty))
            l_rows.append((order_id, *mine[-1]))
            subtotal += prices[s] * qty
        fee = rnd.choice((0, 12_000, 15_000, 15_000, 28_000))
        age = (now - created).total_seconds()
        t = created
        events = [(t, "placed", None)]
        status = "placed"
        pay = "unpaid"
        fate = rnd.random()
        actor: tuple[int | None, str] = (None, "Sari")
        refused_at: datetime | None = None

        def step(to: str, lo: float, hi: float) -> bool:
            nonlocal t, status
            nxt = t + timedelta(seconds=rnd.uniform(lo, hi))
            if nxt > now:
                return False
            t = nxt
            events.append((t, to, None))  # noqa: B023 (used at once, in this iteration)
            status = to
            return True

        if not cod and fate < 0.05:  # expired unpaid
            if step("cancelled", DAY, DAY):
                actor = (None, "system")
        elif fate < 0.13 and age > 3600:  # the customer cancels early
            if step("cancelled", 600, 6 * 3600):
                actor = (user, "Pelanggan")
        elif fate < 0.15 and age > 3600:
            step("rejected", 600, 4 * 3600)
        else:
            if not cod:
                pay_at = t + timedelta(seconds=rnd.uniform(300, 8 * 3600))
                if pay_at < now:
                    events.append((pay_at, "proof_submitted", "payment"))
                    pay = "proof_submitted"
                    t = pay_at
            if (cod or pay == "proof_submitted") and step("verified", 300, 6 * 3600):
                if not cod:
                    pay = "paid"
                if step("packed", 1800, 30 * 3600) and step("shipped", 1800, 40 * 3600):
                    if cod and rnd.random() < REFUSED:
                        if step("cancelled", 2 * DAY, 6 * DAY):
                            refused_at = t
                    elif step("delivered", DAY, 5 * DAY) and cod:
                        pay = "paid"
        courier = COURIERS[order_id % len(COURIERS)] if status in ("shipped", "delivered") else None
        number = f"{order_id:08X}"
        o_rows.append((
            order_id, number, user, status, pay, "cod" if cod else "transfer", f"Pelanggan {user}",
            f"+62812{user:07d}", fee, subtotal, subtotal + fee, courier,
            f"JP{order_id:010d}" if courier else None, to_db(created), to_db(t), to_db(t),
        ))
        # The waits migration 007's trigger would store (dropped while loading: see seed()).
        previous = None
        reached: dict[str, datetime] = {}
        for at, to, kind in events:
            if kind == "payment":
                reached.setdefault("receipt", at)
                e_rows.append((order_id, to_db(at), user, "Pelanggan", "payment", "unpaid", to,
                               None, None, None))
                continue
            who = actor if to in ("cancelled", "rejected") else (None, "Sari")
            waited = round((at - previous).total_seconds()) if previous else None
            dispatch = receipt = None
            if to == "shipped":
                dispatch = round((at - reached["verified"]).total_seconds())
            if to == "verified" and "receipt" in reached:
                receipt = round((at - reached["receipt"]).total_seconds())
            e_rows.append((order_id, to_db(at), who[0], who[1], "status", None, to, waited,
                           dispatch, receipt))
            previous = at
            reached[to] = at
        if refused_at is not None:
            _refused(order_id, user, mine, fee, refused_at)
        elif status == "delivered" and rnd.random() < COMPLAINED:
            _complaint(order_id, user, mine, fee, subtotal + fee, t)
        if cod and status == "delivered" and (now - t).days > 14:
            day = (t + wib).date()
            paid_on = day - timedelta(days=day.weekday()) + timedelta(days=7)  # next Monday
            key = (courier or "", paid_on.isoformat())
            remit.setdefault(key, []).append(order_id)
        if len(o_rows) >= BATCH:
            flush()
    flush()
    with db:
        for (courier, week), ids in remit.items():
            cur = db.execute(
                "INSERT INTO cod_remittances (courier, remitted_on, amount, orders, actor_name,"
                " at) VALUES (?, ?, 0, ?, 'Sari', ?)",
                (courier, week, len(ids), stamp),
            )
            rid = cur.lastrowid
            for i in range(0, len(ids), 900):
                chunk = ids[i:i + 900]
                marks = ",".join("?" * len(chunk))
                db.execute(
                    f"UPDATE orders SET cod_remittance_id = ? WHERE id IN ({marks})", (rid, *chunk)
                )
            counts["remittances"] += 1
        db.execute(
            "UPDATE cod_remittances SET amount = (SELECT SUM(total) FROM orders"
            " WHERE cod_remittance_id = cod_remittances.id)"
        )
    db.execute(trigger)
    db.close()
    return counts

