"""How long the scheduled follow-up waits for what (primitives from the settings), and the
two ways a scheduled pass queues a message: customers wait out quiet hours, staff do not."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TypedDict, Unpack
from zoneinfo import ZoneInfo

from domain import outbox
from domain.outbox import Kind
from domain.schedule.quiet_hours import QuietHours
from domain.store import Connection

JAKARTA = ZoneInfo("Asia/Jakarta")


@dataclass(frozen=True, slots=True)
class Policy:
    """Primitives from the settings; the defaults are the shop defaults of the issue."""

    zone: ZoneInfo = JAKARTA
    quiet: QuietHours = field(default_factory=lambda: QuietHours(time(21), time(8), JAKARTA))
    payment_reminder_after: timedelta = timedelta(hours=6)
    payment_last_before: timedelta = timedelta(hours=2)
    payment_expire_after: timedelta = timedelta(hours=24)
    verification_limit: timedelta = timedelta(hours=2)
    packing_limit: timedelta = timedelta(hours=24)
    shipment_limit: timedelta = timedelta(hours=48)
    nudge_every: timedelta = timedelta(hours=1)
    nudge_again_after: timedelta = timedelta(days=1)
    digest_at: time = time(8)
    delivery_check_after: timedelta = timedelta(days=3)
    auto_deliver_after: timedelta = timedelta(days=7)
    survey_after: timedelta = timedelta(days=2)
    # A survey is not started for a delivery older than survey_after + this (after an outage
    # of a week, asking is no longer polite), and stays open this long once sent.
    survey_late_limit: timedelta = timedelta(days=7)
    survey_open_for: timedelta = timedelta(days=7)
    # After the score, free text counts as the comment for this long.
    comment_window: timedelta = timedelta(hours=1)
    abandoned_cart_after: timedelta = timedelta(days=1)
    cart_late_limit: timedelta = timedelta(days=7)
    # After-sales (issue 9): nudge staff about a complaint or a refund due, remind a customer
    # who owes a return shipment or bank details, list old refunds in the digest.
    complaint_nudge_after: timedelta = timedelta(hours=24)
    refund_nudge_after: timedelta = timedelta(hours=48)
    aftersales_reminder_after: timedelta = timedelta(hours=24)
    refund_digest_after: timedelta = timedelta(hours=48)
    batch: int = 50


async def enqueue_customer(
    db: Connection,
    policy: Policy,
    now: datetime,
    *,
    chat_id: int,
    kind: Kind,
    order_id: int | None = None,
    payload: dict[str, object] | None = None,
    once_per: object = None,
) -> datetime:
    """Queue a customer message the job initiated: held until morning in quiet hours. Queued
    once per order (a message about no order: once per customer), or once per `once_per` of it
    (a deadline, a question asked again). Returns when it may go out."""
    subject = chat_id if order_id is None else order_id
    dedupe_key = f"{kind}:{subject}" if once_per is None else f"{kind}:{subject}:{once_per}"
    not_before = policy.quiet.defer(now)
    await outbox.enqueue(
        db,
        audience="customer",
        chat_id=chat_id,
        kind=kind,
        order_id=order_id,
        payload=payload,
        now=now,
        not_before=not_before,
        dedupe_key=dedupe_key,
    )
    return not_before


class StaffRefs(TypedDict, total=False):
    """What a staff message may point at, when it may go, and its once-only key."""

    order_id: int | None
    payload: dict[str, object] | None
    dedupe_key: str | None
    not_before: datetime | None


async def enqueue_staff(
    db: Connection, now: datetime, *, kind: Kind, **refs: Unpack[StaffRefs]
) -> None:
    """Queue a staff group message: never held by quiet hours."""
    await outbox.enqueue(db, audience="staff", kind=kind, now=now, **refs)
