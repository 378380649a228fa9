"""The shop's work: what waits at each stage (pipeline), the payment funnel, fulfilment
speed against the shipment SLA, and cancellations by who made them."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from domain.clock import from_db
from domain.reports.periods import Period
from domain.store import Connection
from domain.store import reports as report_rows

if TYPE_CHECKING:  # returns.py uses share() from here
    from domain.reports import returns

STAGES = ("payment", "placed", "verified", "packed", "shipped")
# placed → verified → packed → shipped → delivered: each step's own time.
CYCLE = (("placed", "verified"), ("verified", "packed"), ("packed", "shipped"),
         ("shipped", "delivered"))


def share(part: int, whole: int) -> float | None:
    """part ÷ whole as a percentage with one decimal; None when whole is 0."""
    return round(100 * part / whole, 1) if whole > 0 else None


def percentile(sorted_values: Sequence[float], q: int) -> float | None:
    """Nearest-rank percentile (q in 0–100) of values sorted ascending: the ⌈n·q/100⌉-th
    (in integers: no rounding error); None if empty."""
    if not sorted_values:
        return None
    rank = max(-(-q * len(sorted_values) // 100), 1)
    return sorted_values[rank - 1]


@dataclass(frozen=True, slots=True)
class Spread:
    """Durations in seconds: how many, the median and the 90th percentile by nearest rank
    (the ⌈n·q/100⌉-th shortest: a duration that really occurred), and how many took longer
    than the limit asked about (the SLA's late ones)."""

    n: int
    median: float | None
    p90: float | None
    over: int = 0

    @classmethod
    def of(cls, sorted_seconds: Sequence[float], limit: float | None = None) -> Spread:
        over = 0 if limit is None else len(sorted_seconds) - bisect.bisect_right(
            sorted_seconds, limit
        )
        return cls(
            len(sorted_seconds),
            percentile(sorted_seconds, 50),
            percentile(sorted_seconds, 90),
            over,
        )


# ---------------------------------------------------------------- pipeline


@dataclass(frozen=True, slots=True)
class Stage:
    stage: str
    waiting: int
    oldest: timedelta | None  # how long the oldest order has been at it


async def pipeline(db: Connection, now: datetime) -> list[Stage]:
    """Open orders per stage now, with the oldest's wait (every stage, empty ones too)."""
    rows = {r["stage"]: r for r in await report_rows.stage_ages(db)}
    out = []
    for stage in STAGES:
        r = rows.get(stage)
        out.append(
            Stage(stage, r["n"], now - from_db(r["since"])) if r else Stage(stage, 0, None)
        )
    return out


# ---------------------------------------------------------------- step times


async def _spread(
    db: Connection, period: Period, to_status: str, column: str, limit: float | None = None
) -> Spread:
    """The step ending at `to_status`: its time is stored on that status change (migration
    007), in whole seconds."""
    seconds = await report_rows.waits(db, to_status, column, period.start, period.end)
    return Spread.of(seconds, limit)


# ---------------------------------------------------------------- payments


@dataclass(frozen=True, slots=True)
class Payments:
    transfer_placed: int  # transfer orders placed in the period
    transfer_paid: int  # … of which paid since
    expired: int  # unpaid orders cancelled by the system in the period
    verify: Spread  # receipt → verification, for orders verified in the period

    @property
    def conversion(self) -> float | None:
        return share(self.transfer_paid, self.transfer_placed)


async def payments(db: Connection, period: Period, sides: dict[str, int]) -> Payments:
    row = await report_rows.transfer_outcomes(db, period.start, period.end)
    return Payments(
        transfer_placed=row["n"] if row else 0,
        transfer_paid=row["paid"] if row else 0,
        expired=sides.get("expired", 0),
        verify=await _spread(db, period, "verified", "waited_receipt"),
    )


# ---------------------------------------------------------------- fulfilment speed


@dataclass(frozen=True, slots=True)
class Fulfilment:
    steps: dict[str, Spread]  # "placed>verified" → spread, for steps ending in the period
    shipped: int  # orders shipped in the period (verified → shipped known)
    late: int  # … more than the SLA after verification
    sla: timedelta
    placed: int  # orders placed in the period
    delivered: int  # … delivered since
    customer_cancelled: int  # … cancelled by the customer

    @property
    def late_rate(self) -> float | None:
        return share(self.late, self.shipped)

    @property
    def fulfilment_rate(self) -> float | None:
        """Delivered ÷ (placed and not cancelled by the customer)."""
        return share(self.delivered, self.placed - self.customer_cancelled)


async def fulfilment(db: Connection, period: Period, sla: timedelta) -> Fulfilment:
    """Each step's time is stored on the status change that ends it (migration 007)."""
    steps = {f"{a}>{b}": await _spread(db, period, b, "waited") for a, b in CYCLE}
    dispatch = await _spread(db, period, "shipped", "waited_dispatch", sla.total_seconds())
    row = await report_rows.placed_outcomes(db, period.start, period.end)
    return Fulfilment(
        steps=steps,
        shipped=dispatch.n,
        late=dispatch.over,
        sla=sla,
        placed=row["n"] if row else 0,
        delivered=row["delivered"] if row else 0,
        customer_cancelled=row["customer_cancelled"] if row else 0,
    )


# ---------------------------------------------------------------- cancellations


@dataclass(frozen=True, slots=True)
class Cancellations:
    seller: int  # rejected, or cancelled by staff
    customer: int  # cancelled by the customer themselves
    expired: int  # unpaid, cancelled by the system
    placed: int  # orders placed in the period (the rates' base)
    returns: returns.ReturnsSummary
    delivered: int  # orders delivered in the period (the return rate's base)

    @property
    def seller_rate(self) -> float | None:
        """Seller-fault cancellation rate (marketplaces' SFCR), per orders placed."""
        return share(self.seller, self.placed)

    @property
    def customer_rate(self) -> float | None:
        return share(self.customer + self.expired, self.placed)


async def cancellation_sides(db: Connection, period: Period) -> dict[str, int]:
    """Called-off orders in the period by side: seller, customer, expired."""
    out = {"seller": 0, "customer": 0, "expired": 0}
    for r in await report_rows.called_off_by_side(db, period.start, period.end):
        side = "seller" if r["status"] == "rejected" else r["side"]
        out[side] += r["n"]
    return out
