"""Rows for /ekspor, a page at a time (keyset by order id), so a 100,000-row export never
holds more than one page and never keeps a read snapshot open between pages."""

from __future__ import annotations

from datetime import datetime

from domain.clock import to_db
from domain.store import Connection, Row, fetchall
from domain.store.reports import placed_id_range

__all__ = ["cod_page", "complaint_lines_page", "lines_page", "orders_page", "placed_id_range"]


async def orders_page(
    db: Connection, start: datetime, end: datetime, after: int, hi: int, limit: int
) -> list[Row]:
    """Orders placed in [start, end) with after < id <= hi, by id, with their invoice
    number and the date their COD money was remitted; the columns in the export's order
    (domain/reports/exports.py), the id last."""
    return await fetchall(
        db,
        "SELECT o.number, o.created_at, o.status, o.status_changed_at,"
        " o.payment_method, o.payment_status, o.customer_name, o.phone, o.address,"
        " o.shipping_name, o.courier, o.tracking_number, o.subtotal, o.shipping_fee, o.total,"
        " o.invoice_number, r.remitted_on, o.id"
        " FROM orders o LEFT JOIN cod_remittances r ON r.id = o.cod_remittance_id"
        " WHERE o.id > ? AND o.id <= ? AND o.created_at >= ? AND o.created_at < ?"
        " ORDER BY o.id LIMIT ?",
        (after, hi, to_db(start), to_db(end), limit),
    )


async def lines_page(
    db: Connection, start: datetime, end: datetime, after: int, hi: int, limit: int
) -> list[Row]:
    """Lines of the orders placed in [start, end) with after < order id <= hi, `limit`
    orders' worth (a page never splits an order); the export's columns, the order id last."""
    return await fetchall(
        db,
        "SELECT o.number, o.created_at, o.status, l.sku, l.name, l.quantity, l.unit_price,"
        " l.quantity * l.unit_price, o.id FROM (SELECT id, number, created_at, status FROM orders"
        "  WHERE id > ? AND id <= ? AND created_at >= ? AND created_at < ?"
        "  ORDER BY id LIMIT ?) o JOIN order_lines l ON l.order_id = o.id"
        " ORDER BY o.id, l.sku",
        (after, hi, to_db(start), to_db(end), limit),
    )


async def cod_page(
    db: Connection, start: datetime, end: datetime, after: int, limit: int
) -> list[Row]:
    """COD orders delivered in [start, end) (their status time), by id after `after`, with
    their remittance, if any."""
    return await fetchall(
        db,
        "SELECT o.id, o.number, o.created_at, o.status_changed_at AS delivered_at,"
        " o.courier, o.tracking_number, o.customer_name, o.total, r.id AS remittance_id,"
        " r.remitted_on FROM orders o LEFT JOIN cod_remittances r ON r.id = o.cod_remittance_id"
        " WHERE o.status = 'delivered' AND o.status_changed_at >= ? AND o.status_changed_at < ?"
        " AND o.payment_method = 'cod' AND o.id > ? ORDER BY o.id LIMIT ?",
        (to_db(start), to_db(end), after, limit),
    )


async def complaint_lines_page(
    db: Connection, start: datetime, end: datetime, after: int, limit: int
) -> list[Row]:
    """Lines of the complaints opened in [start, end) with id > after, `limit` complaints'
    worth (a page never splits a complaint), by complaint then sku, with the order, the
    customer and the complaint's refund (if any) and credit note."""
    return await fetchall(
        db,
        "SELECT c.id, o.number, o.created_at AS placed_at, c.delivered_at, c.created_at,"
        " c.closed_at, o.customer_name, c.reason, c.solution_wanted, c.solution, c.status,"
        " l.sku, l.name, l.quantity, l.unit_price, l.resellable, l.damaged,"
        " r.amount AS refund_amount, r.status AS refund_status, r.paid_at,"
        " r.credit_note_number FROM (SELECT * FROM complaints"
        "  WHERE id > ? AND created_at >= ? AND created_at < ? ORDER BY id LIMIT ?) c"
        " JOIN orders o ON o.id = c.order_id JOIN complaint_lines l ON l.complaint_id = c.id"
        " LEFT JOIN refunds r ON r.complaint_id = c.id ORDER BY c.id, l.sku",
        (after, to_db(start), to_db(end), limit),
    )
