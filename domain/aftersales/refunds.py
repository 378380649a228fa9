"""Refund use cases: the customer's bank details (given or reused), staff's amount edits,
the transfer marked paid with its proof photo (and the credit note issued with it), cancelling.

A refund opens in domain/aftersales/refund_due.py (an approved complaint, or a paid order
cancelled or rejected). Each use case is one write transaction with its notices.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain import outbox
from domain.actors import Actor
from domain.aftersales import amounts, bank, lifecycle
from domain.aftersales.credit_notes import CreditNote, issue
from domain.aftersales.models import (
    RETURN_EXPECTED,
    BankDetails,
    ComplaintLine,
    ComplaintStatus,
    Refund,
    RefundStatus,
)
from domain.aftersales.moves import move_refund, queue_complaint_card, queue_refund_staff
from domain.aftersales.records import load_complaint, load_refund
from domain.aftersales.resolution import resolve_if_done
from domain.aftersales.timeline import EventKind, record
from domain.customers import language_of
from domain.errors import InvalidInput, NotFound, StaleAction
from domain.fulfilment.desk import staff_text
from domain.fulfilment.invoices import Issuer
from domain.models import PaymentStatus
from domain.ordering.order_reads import load_order
from domain.ordering.transitions import set_payment_status
from domain.outbox import Kind
from domain.store import Connection, Store
from domain.store import refunds as refund_rows


@dataclass(frozen=True, slots=True)
class Paid:
    refund: Refund
    credit_note: CreditNote


async def last_bank_details(store: Store, user_id: int) -> BankDetails | None:
    """What the customer gave last time (offered as "use these again")."""
    row = await refund_rows.last_bank_details(store.reader, user_id)
    if row is None:
        return None
    return BankDetails(row["bank_name"], row["account_number"], row["account_holder"])


async def _own_refund(db: Connection, refund_id: int, user_id: int) -> Refund:
    refund = await load_refund(db, refund_id)
    if refund.user_id != user_id:
        raise NotFound(number=str(refund_id))
    if refund.status not in lifecycle.REFUND_EDITABLE:
        raise StaleAction(number=refund.order_number, status=refund.status)
    return refund


async def give_bank_details(
    store: Store, user_id: int, name: str, refund_id: int, bank_name: str, number: str,
    holder: str,
) -> Refund:
    """The customer's bank (or e-wallet), account number and holder for this refund, validated
    (domain/aftersales/bank.py: InvalidInput `bank_name_invalid`, `account_number_invalid`,
    `account_number_length`, `wallet_number_invalid`, `account_holder_invalid`) and kept as
    their "last used" details. The refund becomes READY; staff hear it."""
    details = bank.validate(bank_name, number, holder)
    return await _set_details(store, user_id, name, refund_id, details)


async def reuse_bank_details(store: Store, user_id: int, name: str, refund_id: int) -> Refund:
    """The details the customer gave last time; InvalidInput `bank_details_none` if none."""
    details = await last_bank_details(store, user_id)
    if details is None:
        raise InvalidInput("bank_details_none")
    return await _set_details(store, user_id, name, refund_id, details)


async def _set_details(
    store: Store, user_id: int, name: str, refund_id: int, details: BankDetails
) -> Refund:
    now = store.now()
    async with store.transaction() as db:
        refund = await _own_refund(db, refund_id, user_id)
        if refund.bank == details and refund.status == RefundStatus.READY:
            return refund  # the same again
        actor = Actor(user_id, name)
        await refund_rows.set_bank_details(
            db, refund.id, details.bank_name, details.account_number, details.account_holder, now
        )
        await refund_rows.remember_bank_details(
            db, user_id, details.bank_name, details.account_number, details.account_holder, now
        )
        await move_refund(db, refund, RefundStatus.READY, actor, now)
        await record(
            db, order_id=refund.order_id, now=now, actor=actor, kind=EventKind.BANK_DETAILS,
            complaint_id=refund.complaint_id, refund_id=refund.id,
            note=f"{details.bank_name} {details.masked_number}",
        )
        await queue_refund_staff(db, refund, "details", now)
        return await load_refund(db, refund.id)


async def set_amount(store: Store, refund_id: int, amount: int, actor: Actor) -> Refund:
    """Staff change the amount before paying (not above what the order may still refund:
    InvalidInput `refund_amount_too_large`); the customer hears the new amount."""
    now = store.now()
    async with store.transaction() as db:
        refund = await load_refund(db, refund_id)
        if refund.status not in lifecycle.REFUND_EDITABLE:
            raise StaleAction(number=refund.order_number, status=refund.status)
        order = await load_order(db, refund.order_id)
        others = await refund_rows.paid_total(db, order.id) - refund.amount
        amounts.check_amount(amount, order.total, others)
        if amount == refund.amount:
            return refund
        await refund_rows.set_amount(db, refund.id, amount, now)
        await record(
            db, order_id=refund.order_id, now=now, actor=actor, kind=EventKind.REFUND_AMOUNT,
            complaint_id=refund.complaint_id, refund_id=refund.id, from_status=str(refund.amount),
            to_status=str(amount), note=str(amount),
        )
        refund = await load_refund(db, refund.id)
        await outbox.enqueue(
            db, audience="customer", chat_id=refund.user_id, kind=Kind.REFUND_DUE,
            order_id=refund.order_id, now=now,
            payload={"refund_id": refund.id, "amount": amount, "changed": True},
        )
        await queue_refund_staff(db, refund, "amount", now)
        return refund


async def mark_paid(
    store: Store, refund_id: int, actor: Actor, proof_file_id: str, issuer: Issuer,
    default_language: str = "id",
) -> Paid:
    """Staff transferred the money: the proof photo is kept and sent to the customer
    (REFUND_PAID), the credit note is issued (CREDIT_NOTE) in the same transaction. A
    return-and-refund pays only after the return was inspected (InvalidInput
    `refund_before_inspection`); a cancelled order's refund marks its payment refunded; the
    complaint is resolved if nothing else is owed. Pressed again: AlreadyDone."""
    if not proof_file_id:
        raise InvalidInput("refund_proof_missing")
    now = store.now()
    async with store.transaction() as db:
        refund = await load_refund(db, refund_id)
        if refund.status == RefundStatus.AWAITING_DETAILS:
            raise InvalidInput("refund_details_missing", number=refund.order_number)
        order = await load_order(db, refund.order_id)
        lines: tuple[ComplaintLine, ...]
        if refund.complaint_id is not None:
            complaint = await load_complaint(db, refund.complaint_id)
            if complaint.solution in RETURN_EXPECTED and complaint.status not in (
                ComplaintStatus.INSPECTED, ComplaintStatus.RESOLVED
            ):
                raise InvalidInput("refund_before_inspection", number=refund.order_number)
            reason, lines = str(complaint.reason), complaint.lines
        else:
            reason = "cancelled"
            lines = tuple(
                ComplaintLine(x.sku, x.name, x.unit_price, x.quantity) for x in order.lines
            )
        await move_refund(db, refund, RefundStatus.PAID, actor, now)
        language = await language_of(db, order.user_id, default_language)
        assert refund.bank is not None  # READY means details were given
        note = await issue(
            db, refund_id=refund.id, order=order, reason=reason, lines=lines,
            amount=refund.amount,
            refund_bank=f"{refund.bank.bank_name} {refund.bank.masked_number}",
            actor=actor, now=now, issuer=issuer, language=language,
        )
        await refund_rows.set_paid(db, refund.id, proof_file_id, actor.id, actor.name,
                                   note.number, now)
        payload = {"refund_id": refund.id, "amount": refund.amount,
                   "credit_note": note.number, "file_id": proof_file_id}
        await outbox.enqueue(
            db, audience="customer", chat_id=refund.user_id, kind=Kind.REFUND_PAID,
            order_id=refund.order_id, now=now, payload=payload,
            dedupe_key=f"refund_paid:{refund.id}",
        )
        await outbox.enqueue(
            db, audience="customer", chat_id=refund.user_id, kind=Kind.CREDIT_NOTE,
            order_id=refund.order_id, now=now, payload={"number": note.number},
            dedupe_key=f"credit_note:{note.number}",
        )
        await queue_refund_staff(db, refund, "paid", now, credit_note=note.number)
        if refund.complaint_id is None:
            if order.payment_status == PaymentStatus.PAID:
                await set_payment_status(
                    db, order, PaymentStatus.REFUNDED, actor, now, note=note.number
                )
        else:
            complaint = await load_complaint(db, refund.complaint_id)
            await queue_complaint_card(db, complaint, now)
            await resolve_if_done(db, complaint.id, actor, now)
        return Paid(await load_refund(db, refund.id), note)


async def cancel(store: Store, refund_id: int, actor: Actor, reason: str) -> Refund:
    """Staff call the refund off (e.g. settled otherwise); the reason stays on the timeline
    for staff only. A complaint waiting only for it is then resolved."""
    text = staff_text(reason, required=True)
    now = store.now()
    async with store.transaction() as db:
        refund = await load_refund(db, refund_id)
        await move_refund(db, refund, RefundStatus.CANCELLED, actor, now)
        await record(
            db, order_id=refund.order_id, now=now, actor=actor, kind=EventKind.STAFF_NOTE,
            complaint_id=refund.complaint_id, refund_id=refund.id, note=text,
        )
        await queue_refund_staff(db, refund, "cancelled", now)
        if refund.complaint_id is not None:
            await resolve_if_done(db, refund.complaint_id, actor, now)
        return await load_refund(db, refund.id)
