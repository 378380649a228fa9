"""Read-only figures for the staff: the daily digest's counts, the work queue's pages and the
rows behind /laporan and /ekspor (domain/reports defines what each figure means), plus the
digests table that makes the digest once a day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from domain.clock import from_db, to_db
from domain.store import Connection, Row, dialect_of, fetchall, fetchone, indexed_by

# ---------------------------------------------------------------- the daily digest


async def claim_digest_day(db: Connection, day: date, now: datetime) -> bool:
    """Record that `day`'s digest is made; False if it already was."""
    cur = await db.execute(
        "INSERT INTO digests (day, sent_at) VALUES (?, ?) ON CONFLICT (day) DO NOTHING",
        (day.isoformat(), to_db(now)),
    )
    return cur.rowcount == 1


async def installed_at(db: Connection) -> datetime | None:
    """When the store was first set up (its first migration)."""
    row = await fetchone(db, "SELECT applied_at FROM schema_migrations WHERE version = 1")
    return from_db(row["applied_at"]) if row else None


async def placed_between(db: Connection, start: datetime, end: datetime) -> Row | None:
    """Orders placed in [start, end): n, kept (not cancelled or rejected)."""
    return await fetchone(
        db,
        "SELECT COUNT(*) AS n,"
        " COUNT(CASE WHEN status NOT IN ('cancelled', 'rejected') THEN 1 END) AS kept"
        " FROM orders WHERE created_at >= ? AND created_at < ?",
        (to_db(start), to_db(end)),
    )


async def closed_between(db: Connection, start: datetime, end: datetime) -> dict[str, int]:
    """Orders delivered, cancelled or rejected in [start, end), per status."""
    rows = await fetchall(
        db,
        "SELECT status, COUNT(*) AS n FROM orders WHERE status IN"
        " ('delivered', 'cancelled', 'rejected') AND status_changed_at >= ?"
        " AND status_changed_at < ? GROUP BY status",
        (to_db(start), to_db(end)),
    )
    return {r["status"]: r["n"] for r in rows}


# An open order's stage: an unpaid transfer waits for 'payment', else its status.
_STAGE = (
    "CASE WHEN status = 'placed' AND payment_method = 'transfer'"
    " AND payment_status = 'unpaid' THEN 'payment' ELSE status END"
)
_OPEN = "status IN ('placed', 'verified', 'packed', 'shipped')"


async def open_by_stage(db: Connection) -> dict[str, int]:
    """Open orders per stage now; an unpaid transfer's stage is 'payment'."""
    rows = await fetchall(
        db, f"SELECT {_STAGE} AS stage, COUNT(*) AS n FROM orders WHERE {_OPEN} GROUP BY stage"
    )
    return {r["stage"]: r["n"] for r in rows}


async def stage_ages(db: Connection) -> list[Row]:
    """Open orders per stage now: stage, n, since (the oldest arrival at it)."""
    return await fetchall(
        db,
        f"SELECT {_STAGE} AS stage, COUNT(*) AS n, MIN(status_changed_at) AS since"
        f" FROM orders WHERE {_OPEN} GROUP BY stage",
    )


async def low_stock(db: Connection) -> list[Row]:
    """Active products at or under their threshold, fewest available first: sku, name,
    available, low_stock_threshold."""
    return await fetchall(
        db,
        "SELECT sku, name, stock - reserved AS available, low_stock_threshold FROM products"
        " WHERE active = 1 AND stock - reserved <= low_stock_threshold"
        " ORDER BY stock - reserved, name",
    )


# ---------------------------------------------------------------- the work queue


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


async def count_by_status(db: Connection, statuses: Sequence[str]) -> dict[str, int]:
    """Orders per status among `statuses` (statuses without orders are left out)."""
    rows = await fetchall(
        db,
        f"SELECT status, COUNT(*) AS n FROM orders WHERE status IN ({_marks(statuses)})"
        " GROUP BY status",
        statuses,
    )
    return {r["status"]: r["n"] for r in rows}


async def count_at(db: Connection, statuses: Sequence[str]) -> int:
    row = await fetchone(
        db, f"SELECT COUNT(*) AS n FROM orders WHERE status IN ({_marks(statuses)})", statuses
    )
    return row["n"] if row else 0


async def queue_page(
    db: Connection, statuses: Sequence[str], limit: int, offset: int
) -> list[Row]:
    """Orders at `statuses`, status by status in the order given, longest at it first:
    number, status, customer_name, total, payment_method, payment_status,
    status_changed_at, items (the number of pieces)."""
    # The statuses are the caller's values, bound; only their positions are in the text.
    rank = " ".join(f"WHEN ? THEN {i}" for i in range(len(statuses)))
    return await fetchall(
        db,
        "SELECT o.number, o.status, o.customer_name, o.total, o.payment_method,"
        " o.payment_status, o.status_changed_at,"
        " (SELECT SUM(quantity) FROM order_lines l WHERE l.order_id = o.id) AS items"
        f" FROM orders o WHERE o.status IN ({_marks(statuses)})"
        f" ORDER BY CASE o.status {rank} END, o.status_changed_at, o.id LIMIT ? OFFSET ?",
        (*statuses, *statuses, limit, offset),
    )


# ---------------------------------------------------------------- /laporan: sales
# Times are bucketed by UTC hour ("2026-11-05T17"); domain/reports folds hours into the
# shop's local days, which is exact for every zone whose offset is whole hours.

_CALLED_OFF = "('cancelled', 'rejected')"


async def placed_by_hour(db: Connection, start: datetime, end: datetime) -> list[Row]:
    """Orders placed in [start, end) per UTC hour: hour, n, goods (subtotal), shipping."""
    return await fetchall(
        db,
        "SELECT substr(created_at, 1, 13) AS hour, COUNT(*) AS n,"
        " SUM(subtotal) AS goods, SUM(shipping_fee) AS shipping"
        " FROM orders WHERE created_at >= ? AND created_at < ?"
        " GROUP BY hour",
        (to_db(start), to_db(end)),
    )


async def called_off_by_hour(db: Connection, start: datetime, end: datetime) -> list[Row]:
    """Orders cancelled or rejected in [start, end) per UTC hour of that change: hour, n,
    goods, shipping (what the order had counted when placed)."""
    return await fetchall(
        db,
        "SELECT substr(status_changed_at, 1, 13) AS hour, COUNT(*) AS n,"
        " SUM(subtotal) AS goods, SUM(shipping_fee) AS shipping"
        f" FROM orders {indexed_by(db, 'orders_ended')} WHERE status IN {_CALLED_OFF}"
        " AND status_changed_at >= ? AND status_changed_at < ? GROUP BY hour",
        (to_db(start), to_db(end)),
    )


async def invoiced_placed(db: Connection, start: datetime, end: datetime) -> Row | None:
    """Orders placed in [start, end), invoiced and not called off: n, goods, shipping, total."""
    return await fetchone(
        db,
        "SELECT COUNT(*) AS n, COALESCE(SUM(o.subtotal), 0) AS goods,"
        " COALESCE(SUM(o.shipping_fee), 0) AS shipping, COALESCE(SUM(o.total), 0) AS total"
        " FROM orders o JOIN invoices i ON i.order_id = o.id"
        f" WHERE o.created_at >= ? AND o.created_at < ? AND o.status NOT IN {_CALLED_OFF}",
        (to_db(start), to_db(end)),
    )


async def invoice_totals(db: Connection, start: datetime, end: datetime) -> list[Row]:
    """The frozen invoices of orders placed in [start, end): order_id, content (JSON)."""
    return await fetchall(
        db,
        "SELECT i.order_id, i.content FROM invoices i JOIN orders o ON o.id = i.order_id"
        " WHERE o.created_at >= ? AND o.created_at < ?",
        (to_db(start), to_db(end)),
    )


async def placed_id_range(db: Connection, start: datetime, end: datetime) -> tuple[int, int]:
    """Lowest and highest id of orders placed in [start, end); (0, -1) when none. Ids grow
    with placing time, so the lines and events of a period's orders are read as one range
    of their order_id index instead of one look-up per order."""
    row = await fetchone(
        db,
        "SELECT MIN(id) AS lo, MAX(id) AS hi FROM orders WHERE created_at >= ? AND created_at < ?",
        (to_db(start), to_db(end)),
    )
    if row is None or row["lo"] is None:
        return 0, -1
    return row["lo"], row["hi"]


async def line_sales(db: Connection, start: datetime, end: datetime) -> list[Row]:
    """Per product, lines of orders placed in [start, end): sku, qty, amount."""
    lo, hi = await placed_id_range(db, start, end)
    return await fetchall(
        db,
        "SELECT l.sku, SUM(l.quantity) AS qty, SUM(l.quantity * l.unit_price) AS amount"
        " FROM order_lines l JOIN orders o ON o.id = l.order_id"
        " WHERE l.order_id BETWEEN ? AND ? AND o.created_at >= ? AND o.created_at < ?"
        " GROUP BY l.sku",
        (lo, hi, to_db(start), to_db(end)),
    )


async def line_called_off(db: Connection, start: datetime, end: datetime) -> list[Row]:
    """Per product, lines of orders cancelled or rejected in [start, end): sku, qty, amount."""
    return await fetchall(
        db,
        "SELECT l.sku, SUM(l.quantity) AS qty, SUM(l.quantity * l.unit_price) AS amount"
        f" FROM orders o {indexed_by(db, 'orders_ended')} JOIN order_lines l ON l.order_id = o.id"
        f" WHERE o.status IN {_CALLED_OFF} AND o.status_changed_at >= ?"
        " AND o.status_changed_at < ? GROUP BY l.sku",
        (to_db(start), to_db(end)),
    )


async def units_sold_between(db: Connection, start: datetime, end: datetime) -> dict[str, int]:
    """Units per sku of orders placed in [start, end) and not called off."""
    lo, hi = await placed_id_range(db, start, end)
    rows = await fetchall(
        db,
        "SELECT l.sku, SUM(l.quantity) AS qty FROM order_lines l JOIN orders o ON o.id = l.order_id"
        " WHERE l.order_id BETWEEN ? AND ? AND o.created_at >= ? AND o.created_at < ?"
        f" AND o.status NOT IN {_CALLED_OFF} GROUP BY l.sku",
        (lo, hi, to_db(start), to_db(end)),
    )
    return {r["sku"]: r["qty"] for r in rows}


async def product_names(db: Connection) -> dict[str, str]:
    rows = await fetchall(db, "SELECT sku, name FROM products")
    return {r["sku"]: r["name"] for r in rows}


async def stock_levels(db: Connection) -> list[Row]:
    """Every product: sku, name, category, price, stock, reserved, low_stock_threshold,
    active."""
    return await fetchall(
        db,
        "SELECT sku, name, category, price, stock, reserved, low_stock_threshold, active"
        " FROM products ORDER BY sku",
    )


# ---------------------------------------------------------------- payments and speed


async def transfer_outcomes(db: Connection, start: datetime, end: datetime) -> Row | None:
    """Transfer orders placed in [start, end): n, paid (paid or refunded since)."""
    return await fetchone(
        db,
        "SELECT COUNT(*) AS n,"
        " COUNT(CASE WHEN payment_status IN ('paid', 'refunded') THEN 1 END) AS paid"
        " FROM orders"
        " WHERE created_at >= ? AND created_at < ? AND payment_method = 'transfer'",
        (to_db(start), to_db(end)),
    )


async def placed_outcomes(db: Connection, start: datetime, end: datetime) -> Row | None:
    """Orders placed in [start, end): n, delivered (so far), customer_cancelled (by the
    customer themselves)."""
    return await fetchone(
        db,
        "SELECT COUNT(*) AS n, COUNT(CASE WHEN status = 'delivered' THEN 1 END) AS delivered,"
        " COUNT(CASE WHEN status = 'cancelled' AND EXISTS (SELECT 1 FROM order_events e"
        "  WHERE e.order_id = o.id AND e.kind = 'status' AND e.to_status = 'cancelled'"
        "  AND e.actor_id = o.user_id) THEN 1 END) AS customer_cancelled"
        " FROM orders o WHERE created_at >= ? AND created_at < ?",
        (to_db(start), to_db(end)),
    )


async def called_off_by_side(db: Connection, start: datetime, end: datetime) -> list[Row]:
    """Cancellations and rejections made in [start, end) by who made them: status,
    side ('customer': the customer themselves; 'expired': the system, unpaid; 'seller'),
    n."""
    return await fetchall(
        db,
        "SELECT e.to_status AS status, CASE"
        " WHEN e.actor_id IS NOT NULL AND e.actor_id = o.user_id THEN 'customer'"
        " WHEN e.actor_id IS NULL AND e.actor_name = 'system' THEN 'expired'"
        " ELSE 'seller' END AS side, COUNT(*) AS n"
        " FROM order_events e JOIN orders o ON o.id = e.order_id"
        " WHERE e.kind = 'status' AND e.to_status IN ('cancelled', 'rejected')"
        " AND e.at >= ? AND e.at < ? GROUP BY 1, 2",
        (to_db(start), to_db(end)),
    )


_WAITS = {"waited", "waited_dispatch", "waited_receipt"}


async def waits(
    db: Connection, to_status: str, column: str, start: datetime, end: datetime
) -> list[int]:
    """Whole seconds stored on the status changes to `to_status` made in [start, end)
    (`column`: waited, waited_dispatch or waited_receipt; see migration 007), shortest
    first. They come back as one text (group_concat; PostgreSQL's string_agg, rounding half
    away from zero as SQLite's round does): a month's 50,000 values cost one row, not
    50,000."""
    if column not in _WAITS:
        raise ValueError(column)
    if dialect_of(db) == "postgresql":
        joined = f"string_agg(CAST(round(CAST({column} AS NUMERIC)) AS TEXT), ',')"
    else:
        joined = f"group_concat(CAST(round({column}) AS INTEGER))"
    row = await fetchone(
        db,
        f"SELECT {joined} AS w FROM order_events {indexed_by(db, 'order_events_status')}"
        " WHERE kind = 'status' AND to_status = ? AND at >= ? AND at < ?"
        f" AND {column} IS NOT NULL",
        (to_status, to_db(start), to_db(end)),
    )
    text = row["w"] if row else None
    return sorted(map(int, text.split(","))) if text else []


# ---------------------------------------------------------------- customers


async def customer_mix(db: Connection, start: datetime, end: datetime) -> Row | None:
    """Customers who ordered in [start, end): customers, new (their first order ever is in
    the period), repeat (two or more orders in the period)."""
    return await fetchone(
        db,
        "SELECT COUNT(*) AS customers,"
        " COALESCE(SUM(CASE WHEN first_ever = first_here THEN 1 ELSE 0 END), 0) AS new,"
        " COALESCE(SUM(CASE WHEN n >= 2 THEN 1 ELSE 0 END), 0) AS repeat FROM ("
        " SELECT o.user_id, COUNT(*) AS n, MIN(o.id) AS first_here,"
        " (SELECT MIN(p.id) FROM orders p WHERE p.user_id = o.user_id) AS first_ever"
        " FROM orders o WHERE o.created_at >= ? AND o.created_at < ?"
        " GROUP BY o.user_id) AS c",
        (to_db(start), to_db(end)),
    )


# ---------------------------------------------------------------- closed months


async def cached_months(db: Connection, zone: str, months: list[str]) -> dict[str, Row]:
    """Stored sales of closed months (see sales_months in migration 007), by month."""
    if not months:
        return {}
    rows = await fetchall(
        db,
        f"SELECT * FROM sales_months WHERE zone = ? AND month IN ({_marks(months)})",
        (zone, *months),
    )
    return {r["month"]: r for r in rows}


async def store_month(db: Connection, zone: str, month: str, figures: dict[str, int],
                      now: datetime) -> None:
    """Keep a closed month's sales (the first computation wins; they never change)."""
    await db.execute(
        "INSERT INTO sales_months (zone, month, gross, discounts, cancelled, refunds, shipping,"
        " placed, called_off, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (zone, month) DO NOTHING",
        (zone, month, figures["gross"], figures["discounts"], figures["cancelled"],
         figures["refunds"], figures["shipping"], figures["placed"], figures["called_off"],
         to_db(now)),
    )


# ---------------------------------------------------------------- returns and refunds
# After-sales (migration 006). A complaint refund's goods part is the refund up to the value
# of the complaint's lines; anything above it is shipping given back (domain/reports/returns.py
# holds the definitions). A cancelled order's refund (complaint_id NULL) is left out: the
# cancellation itself already took the order out of sales.

_LINES_VALUE = (
    "(SELECT COALESCE(SUM(cl.unit_price * cl.quantity), 0) FROM complaint_lines cl"
    " WHERE cl.complaint_id = r.complaint_id)"
)


async def refunds_by_hour(db: Connection, start: datetime, end: datetime) -> list[Row]:
    """Complaint refunds paid in [start, end) per UTC hour of payment: hour, n, amount,
    goods (the part up to the complaint lines' value)."""
    return await fetchall(
        db,
        "SELECT substr(r.paid_at, 1, 13) AS hour, COUNT(*) AS n, SUM(r.amount) AS amount,"
        # No scalar MIN(a, b) on PostgreSQL (nor LEAST on SQLite): the smaller of the two.
        f" SUM(CASE WHEN r.amount < {_LINES_VALUE} THEN r.amount ELSE {_LINES_VALUE} END)"
        " AS goods"
        " FROM refunds r WHERE r.status = 'paid' AND r.complaint_id IS NOT NULL"
        " AND r.paid_at >= ? AND r.paid_at < ? GROUP BY hour",
        (to_db(start), to_db(end)),
    )


async def refunds_paid_by_reason(db: Connection, start: datetime, end: datetime) -> list[Row]:
    """Refunds paid in [start, end) by the complaint's reason ('cancelled' for a cancelled
    order's refund): reason, n, amount."""
    return await fetchall(
        db,
        "SELECT COALESCE(c.reason, 'cancelled') AS reason, COUNT(*) AS n,"
        " SUM(r.amount) AS amount FROM refunds r LEFT JOIN complaints c ON c.id = r.complaint_id"
        " WHERE r.status = 'paid' AND r.paid_at >= ? AND r.paid_at < ? GROUP BY 1",
        (to_db(start), to_db(end)),
    )


async def complaints_opened(db: Connection, start: datetime, end: datetime) -> list[Row]:
    """Complaints opened in [start, end) by reason and whether staff rejected them: reason,
    rejected (0/1), n."""
    return await fetchall(
        db,
        "SELECT reason, status = 'rejected' AS rejected, COUNT(*) AS n FROM complaints"
        " WHERE created_at >= ? AND created_at < ? GROUP BY 1, 2",
        (to_db(start), to_db(end)),
    )


async def complaint_units(db: Connection, start: datetime, end: datetime) -> list[Row]:
    """Units claimed per product by customers' complaints opened in [start, end) and not
    rejected (a refused COD parcel is not a claim): sku, name, units."""
    return await fetchall(
        db,
        "SELECT l.sku, MAX(l.name) AS name, SUM(l.quantity) AS units FROM complaints c"
        " JOIN complaint_lines l ON l.complaint_id = c.id"
        " WHERE c.created_at >= ? AND c.created_at < ? AND c.reason != 'cod_refused'"
        " AND c.status != 'rejected' GROUP BY l.sku",
        (to_db(start), to_db(end)),
    )


async def refunded_units(db: Connection, start: datetime, end: datetime) -> dict[str, int]:
    """Units per product of the complaints whose refund was paid in [start, end)."""
    rows = await fetchall(
        db,
        "SELECT l.sku, SUM(l.quantity) AS units FROM refunds r"
        " JOIN complaint_lines l ON l.complaint_id = r.complaint_id"
        " WHERE r.status = 'paid' AND r.paid_at >= ? AND r.paid_at < ? GROUP BY l.sku",
        (to_db(start), to_db(end)),
    )
    return {r["sku"]: r["units"] for r in rows}


async def inspected_units(db: Connection, start: datetime, end: datetime) -> Row | None:
    """Returned units judged in [start, end) (their stock movements): resellable (back on
    the shelf), damaged (written off)."""
    return await fetchone(
        db,
        "SELECT COALESCE(SUM(CASE WHEN reason = 'return' THEN quantity END), 0) AS resellable,"
        " COALESCE(SUM(CASE WHEN reason = 'write_off' THEN quantity END), 0) AS damaged"
        " FROM stock_movements WHERE reason IN ('return', 'write_off') AND at >= ? AND at < ?",
        (to_db(start), to_db(end)),
    )


async def cod_shipped_between(db: Connection, start: datetime, end: datetime) -> int:
    """COD orders shipped in [start, end) (their status change to shipped)."""
    row = await fetchone(
        db,
        "SELECT COUNT(DISTINCT e.order_id) AS n FROM order_events e"
        f" {indexed_by(db, 'order_events_status')} JOIN orders o ON o.id = e.order_id"
        " WHERE e.kind = 'status' AND e.to_status = 'shipped'"
        " AND e.at >= ? AND e.at < ? AND o.payment_method = 'cod'",
        (to_db(start), to_db(end)),
    )
    return row["n"] if row else 0


async def returned_to_sender(db: Connection, start: datetime, end: datetime) -> Row | None:
    """Refused COD parcels marked returned to sender in [start, end): n, and the shipping
    they cost the shop (both legs, as recorded: cost)."""
    return await fetchone(
        db,
        "SELECT COUNT(*) AS n, COALESCE(SUM((SELECT SUM(s.amount) FROM shop_costs s"
        "  WHERE s.order_id = c.order_id AND s.complaint_id = c.id)), 0) AS cost"
        " FROM complaints c WHERE c.reason = 'cod_refused'"
        " AND c.created_at >= ? AND c.created_at < ?",
        (to_db(start), to_db(end)),
    )
