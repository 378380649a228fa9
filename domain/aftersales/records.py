"""Rows to models, and loading one complaint or refund whole (on a transaction or the reader)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from domain.aftersales.models import (
    AftersalesEvent,
    BankDetails,
    Complaint,
    ComplaintLine,
    ComplaintReason,
    ComplaintStatus,
    Evidence,
    EvidenceKind,
    FollowUpShipment,
    Refund,
    RefundStatus,
    ShipmentStatus,
    Solution,
)
from domain.clock import from_db
from domain.errors import NotFound
from domain.store import Connection
from domain.store import complaints as complaint_rows
from domain.store import refunds as refund_rows

Row = Mapping[str, Any]


def _at(text: str | None) -> datetime | None:
    return from_db(text) if text else None


def complaint_from_row(row: Row, lines: list[Row]) -> Complaint:
    return Complaint(
        id=row["id"],
        order_id=row["order_id"],
        order_number=row["order_number"],
        user_id=row["user_id"],
        reason=ComplaintReason(row["reason"]),
        solution_wanted=Solution(row["solution_wanted"]),
        solution=Solution(row["solution"]) if row["solution"] else None,
        status=ComplaintStatus(row["status"]),
        description=row["description"],
        staff_reason=row["staff_reason"],
        delivered_at=_at(row["delivered_at"]),
        window_ends_at=_at(row["window_ends_at"]),
        return_courier=row["return_courier"],
        return_tracking=row["return_tracking"],
        return_shipped_at=_at(row["return_shipped_at"]),
        card_message_id=row["card_message_id"],
        created_at=from_db(row["created_at"]),
        status_changed_at=from_db(row["status_changed_at"]),
        closed_at=_at(row["closed_at"]),
        lines=tuple(
            ComplaintLine(
                sku=x["sku"],
                name=x["name"],
                unit_price=x["unit_price"],
                quantity=x["quantity"],
                resellable=x["resellable"],
                damaged=x["damaged"],
            )
            for x in lines
        ),
    )


def refund_from_row(row: Row) -> Refund:
    bank = (
        BankDetails(row["bank_name"], row["account_number"], row["account_holder"])
        if row["bank_name"]
        else None
    )
    return Refund(
        id=row["id"],
        order_id=row["order_id"],
        order_number=row["order_number"],
        complaint_id=row["complaint_id"],
        user_id=row["user_id"],
        amount_proposed=row["amount_proposed"],
        amount=row["amount"],
        status=RefundStatus(row["status"]),
        bank=bank,
        proof_file_id=row["proof_file_id"],
        paid_by_name=row["paid_by_name"],
        paid_at=_at(row["paid_at"]),
        credit_note_number=row["credit_note_number"],
        created_at=from_db(row["created_at"]),
        status_changed_at=from_db(row["status_changed_at"]),
    )


def evidence_from_row(row: Row) -> Evidence:
    return Evidence(
        id=row["id"],
        file_id=row["file_id"],
        file_unique_id=row["file_unique_id"],
        kind=EvidenceKind(row["kind"]),
        added_at=from_db(row["added_at"]),
    )


def event_from_row(row: Row) -> AftersalesEvent:
    return AftersalesEvent(
        at=from_db(row["at"]),
        actor_id=row["actor_id"],
        actor_name=row["actor_name"],
        kind=row["kind"],
        from_status=row["from_status"],
        to_status=row["to_status"],
        note=row["note"],
        complaint_id=row["complaint_id"],
        refund_id=row["refund_id"],
    )


def shipment_from_row(row: Row) -> FollowUpShipment:
    return FollowUpShipment(
        id=row["id"],
        order_id=row["order_id"],
        complaint_id=row["complaint_id"],
        status=ShipmentStatus(row["status"]),
        courier=row["courier"],
        tracking_number=row["tracking_number"],
        created_at=from_db(row["created_at"]),
        shipped_at=_at(row["shipped_at"]),
    )


async def load_complaint(db: Connection, complaint_id: int) -> Complaint:
    row = await complaint_rows.by_id(db, complaint_id)
    if row is None:
        raise NotFound(number=str(complaint_id))
    return complaint_from_row(row, await complaint_rows.lines(db, complaint_id))


async def load_refund(db: Connection, refund_id: int) -> Refund:
    row = await refund_rows.by_id(db, refund_id)
    if row is None:
        raise NotFound(number=str(refund_id))
    return refund_from_row(row)


async def refund_of_complaint(db: Connection, complaint_id: int) -> Refund | None:
    row = await refund_rows.for_complaint(db, complaint_id)
    return refund_from_row(row) if row else None


async def shipment_of_complaint(db: Connection, complaint_id: int) -> FollowUpShipment | None:
    row = await complaint_rows.shipment_for_complaint(db, complaint_id)
    return shipment_from_row(row) if row else None
