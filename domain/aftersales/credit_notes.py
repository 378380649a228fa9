"""Credit notes (nota kredit): issued with each refund paid, numbered gap-free per month in the
shop's zone (`CN/YYYY/MM/NNNN`), referring to the order's invoice, which never changes.

The number comes from a per-month counter inside the refund's transaction, so a payment that
rolls back gives its number back. The content is a frozen snapshot the PDF is drawn from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from domain.actors import Actor
from domain.aftersales.models import ComplaintLine, ComplaintReason
from domain.clock import from_db
from domain.fulfilment import invoices
from domain.fulfilment.invoices import DocumentContent, InvoiceLine, Issuer, period_of
from domain.models import Order
from domain.store import Connection, Store
from domain.store import credit_notes as credit_rows

PREFIX = "CN"


# A credit note's line is drawn like an invoice's.
CreditLine = InvoiceLine


class CreditNoteContent(DocumentContent):
    """Everything the credit note's PDF shows; never recomputed from the live order or refund."""

    invoice_number: str | None
    reason: str  # a ComplaintReason, or "cancelled" for a cancelled paid order
    lines: tuple[CreditLine, ...]
    shipping_fee: int  # the part of the amount that is shipping (0 when none)
    amount: int  # what was refunded
    refund_bank: str  # the customer's bank and masked account, as paid to


@dataclass(frozen=True, slots=True)
class CreditNote:
    number: str
    refund_id: int
    order_id: int
    issued_at: datetime
    content: CreditNoteContent

    @property
    def file_name(self) -> str:
        return self.number.replace("/", "-") + ".pdf"


def format_number(period: str, seq: int) -> str:
    """`2026-11`, 1 → `CN/2026/11/0001` (wider past 9999, never wrapping)."""
    return invoices.format_number(period, seq, PREFIX)


def _note(row: Mapping[str, Any]) -> CreditNote:
    return CreditNote(
        number=row["number"],
        refund_id=row["refund_id"],
        order_id=row["order_id"],
        issued_at=from_db(row["issued_at"]),
        content=CreditNoteContent.model_validate(json.loads(row["content"])),
    )


async def for_refund(db: Connection, refund_id: int) -> CreditNote | None:
    row = await credit_rows.for_refund(db, refund_id)
    return _note(row) if row else None


async def by_number(store: Store, number: str) -> CreditNote | None:
    row = await credit_rows.by_number(store.reader, number)
    return _note(row) if row else None


async def of_period(store: Store, period: str) -> list[CreditNote]:
    return [_note(r) for r in await credit_rows.of_period(store.reader, period)]


async def issue(
    db: Connection,
    *,
    refund_id: int,
    order: Order,
    reason: ComplaintReason | str,
    lines: Iterable[ComplaintLine],
    amount: int,
    refund_bank: str,
    actor: Actor,
    now: datetime,
    issuer: Issuer,
    language: str,
) -> CreditNote:
    """The refund's credit note, issued now if it has none (a repeat returns the same one)."""
    existing = await for_refund(db, refund_id)
    if existing is not None:
        return existing
    now = now.replace(microsecond=0)
    period = period_of(now, issuer.timezone)
    seq = await credit_rows.next_seq(db, period)
    number = format_number(period, seq)
    credit_lines = tuple(
        CreditLine(
            sku=x.sku, name=x.name, quantity=x.quantity, unit_price=x.unit_price,
            amount=x.unit_price * x.quantity,
        )
        for x in lines
    )
    goods = sum(x.amount for x in credit_lines)
    content = CreditNoteContent(
        number=number,
        issued_at=now,
        language=language,
        **asdict(issuer),
        order_number=order.number,
        order_date=order.created_at,
        invoice_number=order.invoice_number,
        customer_name=order.customer_name,
        phone=order.phone,
        address=order.address,
        reason=str(reason),
        lines=credit_lines,
        shipping_fee=max(min(amount - goods, order.shipping_fee), 0),
        amount=amount,
        refund_bank=refund_bank,
    )
    await credit_rows.insert(
        db, number=number, refund_id=refund_id, order_id=order.id,
        invoice_number=order.invoice_number, period=period, seq=seq, issued_at=now,
        issued_by_id=actor.id, issued_by_name=actor.name, content=content.model_dump_json(),
    )
    return CreditNote(number, refund_id, order.id, now, content)
