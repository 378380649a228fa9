"""What waits for the staff: orders per stage, oldest first, and how many at each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.clock import from_db
from domain.errors import InvalidInput
from domain.models import PaymentMethod, PaymentStatus, Status
from domain.store import Store

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
    rows = await store.fetchall(
        "SELECT status, COUNT(*) AS n FROM orders WHERE status IN"
        f" ({','.join('?' * len(COUNTED))}) GROUP BY status",
        COUNTED,
    )
    counts = {s: 0 for s in COUNTED} | {Status(r["status"]): r["n"] for r in rows}
    marks = ",".join("?" * len(stages))
    total_row = await store.fetchone(
        f"SELECT COUNT(*) AS n FROM orders WHERE status IN ({marks})", stages
    )
    total = total_row["n"] if total_row else 0
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(page, 0), pages - 1)
    rank = " ".join(f"WHEN '{s.value}' THEN {i}" for i, s in enumerate(stages))
    found = await store.fetchall(
        "SELECT o.number, o.status, o.customer_name, o.total, o.payment_method,"
        " o.payment_status, o.status_changed_at,"
        " (SELECT SUM(quantity) FROM order_lines l WHERE l.order_id = o.id) AS items"
        f" FROM orders o WHERE o.status IN ({marks})"
        f" ORDER BY CASE o.status {rank} END, o.status_changed_at, o.id LIMIT ? OFFSET ?",
        (*stages, PAGE_SIZE, page * PAGE_SIZE),
    )
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
        for r in found
    )
    return QueuePage(stages, items, counts, page, pages, total)
