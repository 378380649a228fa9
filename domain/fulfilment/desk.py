"""The staff's use cases: verify, reject, pack, ship, deliver, cancel, note and invoice.

Each reads the order inside its own write transaction (BEGIN IMMEDIATE: nobody else writes
meanwhile), checks the rule, and writes the change, its event, its stock movement, the card
refresh and the customer's notice together (apply_transition and the outbox).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from domain import dedupe
from domain.actors import Actor
from domain.customers import language_of
from domain.errors import InvalidInput, NotFound
from domain.fulfilment import invoices
from domain.fulfilment.couriers import CourierBook, validate_tracking
from domain.fulfilment.invoices import Invoice, Issuer
from domain.models import EventKind, Order, PaymentMethod, PaymentStatus, Status
from domain.ordering.order_reads import load_order, normalize_number, order_by_number
from domain.ordering.staff_actions import INVOICEABLE
from domain.ordering.transitions import (
    apply_transition,
    expect,
    mark_delivered,
    queue_card,
    queue_customer_message,
    queue_staff_message,
    queue_status_notice,
    record_event,
    set_payment_status,
)
from domain.outbox import Kind
from domain.store import Connection, Store
from domain.store import orders as order_rows
from domain.validation import NOTE_MAX, clean_text

InvoiceAt = Literal["verification", "shipment", "manual"]


@dataclass(frozen=True, slots=True)
class Policy:
    couriers: CourierBook
    invoice_at: InvoiceAt
    issuer: Issuer


@dataclass(frozen=True, slots=True)
class Result:
    order: Order
    invoice: Invoice | None = None  # issued (or re-sent) by this action
    resent: bool = False


def staff_text(raw: str | None, *, required: bool) -> str | None:
    """A reason or note as typed: kept verbatim (escaped when shown), bounded in length."""
    text = clean_text(raw or "")
    if not text:
        if required:
            raise InvalidInput("reason_required")
        return None
    if len(text) > NOTE_MAX:
        raise InvalidInput("note_too_long", max=NOTE_MAX)
    return text


async def _order(db: Connection, number: str) -> Order:
    text = normalize_number(number)
    if not text or len(text) > 20:
        raise NotFound(number=number[:20])
    return await order_by_number(db, text)


class OrderDesk:
    """The staff desk: the use cases staff run on an order, with the shop's policy."""

    def __init__(self, store: Store, policy: Policy) -> None:
        self.store = store
        self.policy = policy

    # ------------------------------------------------------------ invoices

    async def _send_invoice(
        self, db: Connection, order: Order, invoice: Invoice, now: datetime, resent: bool
    ) -> None:
        payload = {"number": invoice.number, "resent": resent}
        await queue_customer_message(db, order, Kind.INVOICE, now, payload)
        await queue_staff_message(db, order.id, Kind.INVOICE_STAFF, now, payload)

    async def _issue(
        self, db: Connection, order_id: int, actor: Actor, now: datetime
    ) -> tuple[Invoice, bool]:
        order = await load_order(db, order_id)
        language = await language_of(db, order.user_id, "id")
        invoice, created = await invoices.issue(db, order, actor, now, self.policy.issuer, language)
        await self._send_invoice(db, order, invoice, now, resent=not created)
        if created:
            await queue_card(db, order.id, now)
        return invoice, created

    async def _auto_invoice(
        self, db: Connection, order_id: int, actor: Actor, now: datetime, stage: str
    ) -> Invoice | None:
        """Issue at the configured stage, once: an order that already has one keeps it."""
        if self.policy.invoice_at != stage:
            return None
        if await invoices.invoice_for_order(db, order_id) is not None:
            return None
        invoice, _ = await self._issue(db, order_id, actor, now)
        return invoice

    async def invoice(
        self, number: str, actor: Actor, *, source: dedupe.MessageKey | None = None
    ) -> Result:
        """Issue the invoice, or send the one already issued again (same number, same PDF)."""
        now = self.store.now()
        async with self.store.transaction() as db:
            await dedupe.claim(db, source, now)
            order = await _order(db, number)
            existing = await invoices.invoice_for_order(db, order.id)
            if existing is None and order.status not in INVOICEABLE:
                raise InvalidInput("invoice_not_yet", number=order.number, status=order.status)
            invoice, created = await self._issue(db, order.id, actor, now)
            return Result(await load_order(db, order.id), invoice, resent=not created)

    # ------------------------------------------------------------ the lifecycle

    async def verify(self, number: str, actor: Actor, note: str | None = None) -> Result:
        """Accept the order. A transfer must be paid: its receipt was sent, or staff vouch
        for the payment with a note (the override); a COD order stays unpaid until delivery."""
        text = staff_text(note, required=False)
        now = self.store.now()
        async with self.store.transaction() as db:
            order = await _order(db, number)
            await expect(db, order, Status.VERIFIED)
            if (
                order.payment_method == PaymentMethod.TRANSFER
                and order.payment_status != PaymentStatus.PAID
            ):
                if order.payment_status == PaymentStatus.UNPAID and text is None:
                    raise InvalidInput("receipt_missing", number=order.number)
                await set_payment_status(db, order, PaymentStatus.PAID, actor, now, note=text)
            await apply_transition(
                db, order, Status.VERIFIED, actor, now, note=text, notify_customer=False
            )
            # The override note is internal: the customer hears only "verified".
            await queue_status_notice(db, order, order.status, Status.VERIFIED, now)
            invoice = await self._auto_invoice(db, order.id, actor, now, "verification")
            return Result(await load_order(db, order.id), invoice)

    async def reject(self, number: str, actor: Actor, reason: str) -> Result:
        """Turn the order down (the customer hears the reason); its stock is released."""
        return await self._move(number, Status.REJECTED, actor, staff_text(reason, required=True))

    async def cancel(self, number: str, actor: Actor, reason: str) -> Result:
        return await self._move(number, Status.CANCELLED, actor, staff_text(reason, required=True))

    async def pack(self, number: str, actor: Actor) -> Result:
        return await self._move(number, Status.PACKED, actor)

    async def deliver(self, number: str, actor: Actor) -> Result:
        return await self._deliver(number, actor, user_id=None)

    async def confirm_received(self, user_id: int, number: str, name: str) -> Result:
        """The customer's own "received" button: delivers their shipped order."""
        return await self._deliver(number, Actor(user_id, name), user_id=user_id)

    async def _move(self, number: str, to: Status, actor: Actor, note: str | None = None) -> Result:
        now = self.store.now()
        async with self.store.transaction() as db:
            order = await _order(db, number)
            await expect(db, order, to)
            await apply_transition(db, order, to, actor, now, note=note)
            return Result(await load_order(db, order.id))

    async def _deliver(self, number: str, actor: Actor, *, user_id: int | None) -> Result:
        now = self.store.now()
        async with self.store.transaction() as db:
            order = await _order(db, number)
            if user_id is not None and order.user_id != user_id:
                raise NotFound(number=number)
            if user_id is not None and order.status not in (Status.SHIPPED, Status.DELIVERED):
                raise InvalidInput("received_not_shipped", number=order.number, status=order.status)
            await expect(db, order, Status.DELIVERED)
            await mark_delivered(db, order, actor, now, notify_customer=user_id is None)
            if user_id is not None:  # their own press: thank them (queued, survives a crash)
                await queue_customer_message(db, order, Kind.RECEIVED_THANKS, now)
            return Result(await load_order(db, order.id))

    async def ship(
        self, number: str, actor: Actor, courier_name: str, tracking: str | None
    ) -> Result:
        """Hand the parcel to the courier with its tracking number (checked against the
        courier's format). On a shipped order a different courier or number corrects it."""
        courier = self.policy.couriers.find(courier_name)
        raw = (tracking or "").strip()
        if courier.tracking_required and not raw:
            raise InvalidInput("tracking_missing", courier=courier.name, example=courier.example)
        resi = validate_tracking(courier, raw) if raw else None
        now = self.store.now()
        async with self.store.transaction() as db:
            order = await _order(db, number)
            if resi is not None:
                other = await order_rows.number_with_tracking(db, resi, order.id)
                if other is not None:
                    raise InvalidInput("tracking_in_use", tracking=resi, number=other)
            if order.status == Status.SHIPPED and (order.courier, order.tracking_number) != (
                courier.name,
                resi,
            ):
                return await self._correct_shipment(db, order, actor, now, courier.name, resi)
            await expect(db, order, Status.SHIPPED)
            await order_rows.set_shipment(db, order.id, courier.name, resi)
            await apply_transition(db, order, Status.SHIPPED, actor, now, notify_customer=False)
            await queue_customer_message(db, order, Kind.ORDER_SHIPPED, now)
            invoice = await self._auto_invoice(db, order.id, actor, now, "shipment")
            return Result(await load_order(db, order.id), invoice)

    async def _correct_shipment(
        self,
        db: Connection,
        order: Order,
        actor: Actor,
        now: datetime,
        courier: str,
        resi: str | None,
    ) -> Result:
        await order_rows.correct_shipment(db, order.id, courier, resi, now)
        old = f"{order.courier} {order.tracking_number or '-'}"
        await record_event(
            db, order.id, now, actor, EventKind.NOTE, None, None, f"{old} → {courier} {resi or '-'}"
        )
        await queue_card(db, order.id, now)
        await queue_customer_message(db, order, Kind.ORDER_SHIPPED, now, {"corrected": True})
        return Result(await load_order(db, order.id))

    # ------------------------------------------------------------ notes and cards

    async def note(
        self, number: str, actor: Actor, text: str, *, source: dedupe.MessageKey | None = None
    ) -> Result:
        """An internal note on the order's timeline (the customer does not see it)."""
        body = staff_text(text, required=True)
        now = self.store.now()
        async with self.store.transaction() as db:
            await dedupe.claim(db, source, now)
            order = await _order(db, number)
            await record_event(db, order.id, now, actor, EventKind.NOTE, None, None, body)
            await queue_card(db, order.id, now)
            return Result(await load_order(db, order.id))

    async def refresh_card(self, order_id: int) -> None:
        """Queue a redraw of the order's card (after a stale or lost button press)."""
        async with self.store.transaction() as db:
            await queue_card(db, order_id, self.store.now())

    async def precheck(self, number: str, to: Status | None = None) -> Order:
        """The order, when it may go to `to` now (before asking staff for more input);
        otherwise the error the action itself would raise."""
        order = await _order(self.store.reader, number)
        if to is not None:
            await expect(self.store.reader, order, to)
        return order

    async def order(self, number: str) -> tuple[Order, Invoice | None]:
        """The order with its timeline, and its invoice if one was issued."""
        order = await _order(self.store.reader, number)
        return order, await invoices.invoice_for_order(self.store.reader, order.id)

    async def order_by_id(self, order_id: int) -> Order:
        return await load_order(self.store.reader, order_id)
