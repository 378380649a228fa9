"""Invoices (faktur): gap-free numbers per month and a frozen snapshot of what was billed.

The number is taken from a per-month counter inside the caller's transaction, so an issue
that rolls back gives its number back: no gaps, no duplicates, whichever process issues.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from domain.actors import Actor
from domain.clock import from_db
from domain.models import Order
from domain.reports.tax import VatSplit, split_vat
from domain.store import Connection
from domain.store import invoices as invoice_rows

PREFIX = "INV"


@dataclass(frozen=True, slots=True)
class Issuer:
    """Who bills: the shop's details as they stand when an invoice is issued."""

    shop_name: str
    shop_address: str
    tax_id: str
    bank_name: str
    bank_number: str
    bank_holder: str
    timezone: str = "Asia/Jakarta"
    # VAT (PPN) percent included in prices, for a VAT-registered seller (PKP) only; 0: none,
    # and the invoice shows no VAT at all (a non-PKP may not show it).
    vat_rate: Decimal = Decimal(0)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class InvoiceLine(_Frozen):
    sku: str
    name: str
    quantity: int
    unit_price: int
    amount: int


class DocumentContent(_Frozen):
    """What an invoice and a credit note both show: the document, who bills, which order and
    to whom. Stored as JSON; never recomputed from the live order."""

    number: str
    issued_at: datetime
    language: str
    timezone: str
    shop_name: str
    shop_address: str
    tax_id: str
    bank_name: str
    bank_number: str
    bank_holder: str
    order_number: str
    order_date: datetime
    customer_name: str
    phone: str
    address: str


class InvoiceContent(DocumentContent):
    """Everything the invoice's PDF shows."""

    lines: tuple[InvoiceLine, ...]
    subtotal: int
    shipping_name: str
    shipping_fee: int
    total: int
    payment_method: str
    payment_status: str
    vat_rate: Decimal = Decimal(0)  # snapshots from before VAT support have none

    @property
    def vat(self) -> VatSplit | None:
        """The total's tax base and VAT, for a VAT-registered seller; else None."""
        return split_vat(self.total, self.vat_rate) if self.vat_rate > 0 else None


@dataclass(frozen=True, slots=True)
class Invoice:
    number: str
    order_id: int
    issued_at: datetime
    issued_by: str
    content: InvoiceContent

    @property
    def file_name(self) -> str:
        return self.number.replace("/", "-") + ".pdf"


def period_of(moment: datetime, timezone: str) -> str:
    """The billing month in the shop's zone: 30 Nov 23:30 WIB is still November."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m")


def format_number(period: str, seq: int, prefix: str = PREFIX) -> str:
    """`2026-11`, 1 → `INV/2026/11/0001` (wider past 9999, never wrapping)."""
    year, month = period.split("-")
    return f"{prefix}/{year}/{month}/{seq:04d}"


async def allocate_number(db: Connection, period: str) -> tuple[int, str]:
    """The next sequence of `period`; only inside a write transaction."""
    seq = await invoice_rows.next_seq(db, period)
    return seq, format_number(period, seq)


def _invoice(row: Mapping[str, Any]) -> Invoice:
    return Invoice(
        number=row["number"],
        order_id=row["order_id"],
        issued_at=from_db(row["issued_at"]),
        issued_by=row["issued_by_name"],
        content=InvoiceContent.model_validate(json.loads(row["content"])),
    )


async def invoice_for_order(db: Connection, order_id: int) -> Invoice | None:
    row = await invoice_rows.for_order(db, order_id)
    return _invoice(row) if row else None


async def issue(
    db: Connection,
    order: Order,
    actor: Actor,
    now: datetime,
    issuer: Issuer,
    language: str,
) -> tuple[Invoice, bool]:
    """The order's invoice, issued now if it has none; (invoice, newly issued)."""
    existing = await invoice_for_order(db, order.id)
    if existing is not None:
        return existing, False
    now = now.replace(microsecond=0)  # as stored: a re-read snapshot equals this one
    period = period_of(now, issuer.timezone)
    seq, number = await allocate_number(db, period)
    content = InvoiceContent(
        number=number,
        issued_at=now,
        language=language,
        **asdict(issuer),  # who bills, as the settings stand now
        order_number=order.number,
        order_date=order.created_at,
        customer_name=order.customer_name,
        phone=order.phone,
        address=order.address,
        lines=tuple(
            InvoiceLine(
                sku=x.sku,
                name=x.name,
                quantity=x.quantity,
                unit_price=x.unit_price,
                amount=x.amount,
            )
            for x in order.lines
        ),
        subtotal=order.subtotal,
        shipping_name=order.shipping_name,
        shipping_fee=order.shipping_fee,
        total=order.total,
        payment_method=order.payment_method,
        payment_status=order.payment_status,
    )
    await invoice_rows.insert(
        db,
        number=number,
        order_id=order.id,
        period=period,
        seq=seq,
        issued_at=now,
        issued_by_id=actor.id,
        issued_by_name=actor.name,
        content=content.model_dump_json(),
    )
    return Invoice(number, order.id, now, actor.name, content), True
