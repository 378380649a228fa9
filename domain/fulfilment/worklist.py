"""What waits for the staff: orders per stage, oldest first, and how many at each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.clock import from_db
from domain.errors import InvalidInput
from domain.models import PaymentMethod, PaymentStatus, Status
from domain.store import Store
from domain.store import reports as report_rows

PAGE_SIZE = 10
# The stages staff work through, in order; `/queue` with no word shows these.
OPEN: tuple[Status, ...] = (Status.PLACED, Status.VERIFIED, Status.PACKED)
COUNTED: tuple[Status, ...] = (*OPEN, Status.SHIPPED)

# Words staff type after /queue, English and Indonesian.
_WORDS: dict[str, Status] = {
    "placed": Status.PLACED,
    "new": Status.PLACED,
    "baru": Status.PLACED,
    "menunggu": Status.PLACED,
    "verified": Status.VERIFIED,
    "terverifikasi": Status.VERIFIED,
    "diverifikasi": Status.VERIFIED,
    "packed": Status.PACKED,
    "dikemas": Status.PACKED,
    "kemas": Status.PACKED,
    "shipped": Status.SHIPPED,
    "dikirim": Status.SHIPPED,
    "kirim": Status.SHIPPED,
    "delivered": Status.DELIVERED,
    "diterima": Status.DELIVERED,
    "selesai": Status.DELIVERED,
    "cancelled": Status.CANCELLED,
    "canceled": Status.CANCELLED,
    "dibatalkan": Status.CANCELLED,
    "batal": Status.CANCELLED,
    "rejected": Status.REJECTED,
    "ditolak": Status.REJECTED,
    "tolak": Status.REJECTED,
}


def parse_stage(word: str | None) -> tuple[Status, ...]:
    """`None`/`open`/`semua` → the open stages; a status word → that status alone."""
    key = (word or "").strip().lower()
    if key in ("", "open", "all", "semua", "aktif"):
        return OPEN
    if key in _WORDS:
        return (_WORDS[key],)
    raise InvalidInput("queue_status_unknown", word=key[:20])


def stage_key(stages: tuple[Status, ...]) -> str:
    """The short form a pager button carries (`open` or a status)."""
    return "open" if stages == OPEN else stages[0].value


@dataclass(frozen=True, slots=True)
class QueueItem:
    number: str
    status: Status
    customer_name: str
    total: int
    payment_method: PaymentMethod
    payment_status: PaymentStatus
    waiting_since: datetime
    item_count: int


@dataclass(frozen=True, slots=True)
class QueuePage:
    stages: tuple[Status, ...]
    items: tuple[QueueItem, ...]
    counts: dict[Status, int]
    page: int
    pages: int
    total: int


async def queue(store: Store, stages: tuple[Status, ...], page: int = 0) -> QueuePage:
    """A page of orders at `stages`: stage by stage, the longest waiting first."""
    found = await report_rows.count_by_status(store.reader, COUNTED)
    counts = {s: 0 for s in COUNTED} | {Status(k): n for k, n in found.items()}
    total = await report_rows.count_at(store.reader, stages)
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(page, 0), pages - 1)
    rows = await report_rows.queue_page(store.reader, stages, PAGE_SIZE, page * PAGE_SIZE)
    items = tuple(
        QueueItem(
            number=r["number"],
            status=Status(r["status"]),
            customer_name=r["customer_name"],
            total=r["total"],
            payment_method=PaymentMethod(r["payment_method"]),
            payment_status=PaymentStatus(r["payment_status"]),
            waiting_since=from_db(r["status_changed_at"]),
            item_count=r["items"] or 0,
        )
        for r in rows
    )
    return QueuePage(stages, items, counts, page, pages, total)
