"""Returns and refunds in the reports: the one definition of each after-sales figure (the
tables of domain/aftersales, migration 006), used by sales (section 1), section 6, COD
(section 7) and the `returns` export.

- A **refund** counts in sales on the local day it was paid (`paid_at`), not when it was
  asked for: money back to the customer is a fact once transferred.
- Only a **complaint's** refund reverses sales. A paid order that is cancelled or rejected
  owes a refund too, but the cancellation already took all of it (goods and shipping) out of
  sales on the day it happened; counting its refund again would subtract it twice. Such
  refunds are shown in section 6 as money paid back, never in net sales.
- A complaint refund is split into **goods** (up to the value of the complaint's lines:
  what net sales lose) and **shipping** given back (the rest, when the shop was at fault:
  what shipping charged loses). Total sales therefore drop by exactly the money refunded.
- **Returns** (section 6) are customers' complaints opened in the period and not rejected;
  the return rate is per 100 orders delivered (placed in the period and delivered since, the
  fulfilment rate's base); a refused COD parcel is not a return here but section 7's refusal.
- **Resellable vs damaged** are the returned units judged in the period (their stock
  movements: back on the shelf or written off), refused COD parcels included.
- **COD refusal rate** = parcels marked returned to sender in the period ÷ COD orders shipped
  in the period; their **cost** is both shipping legs as recorded (shop_costs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.reports.operations import share
from domain.reports.periods import Period, local_day
from domain.store import Connection
from domain.store import reports as report_rows

AVAILABLE = True  # after-sales is wired in (kept for the texts: "not tracked" is gone)
COD_REFUSED = "cod_refused"
CANCELLED = "cancelled"  # a cancelled order's refund (no complaint)
TOP_PRODUCTS = 5


@dataclass(frozen=True, slots=True)
class Refunded:
    """Complaint refunds paid on one day: the goods part and the shipping given back."""

    goods: int = 0
    shipping: int = 0


@dataclass(frozen=True, slots=True)
class ReasonLine:
    reason: str
    returns: int = 0  # complaints opened in the period (not rejected)
    refunds: int = 0  # refunds paid in the period
    refunded: int = 0  # rupiah paid back

    def rate(self, delivered: int) -> float | None:
        return share(self.returns, delivered)


@dataclass(frozen=True, slots=True)
class ProductLine:
    sku: str
    name: str
    claimed: int  # units claimed by complaints opened in the period
    refunded: int  # units of the complaints refunded in the period
    sold: int  # units sold in the period (placed and kept): the rate's base

    @property
    def rate(self) -> float | None:
        return share(self.claimed, self.sold)


@dataclass(frozen=True, slots=True)
class ReturnsSummary:
    available: bool = AVAILABLE
    returns: int = 0  # customers' complaints opened in the period, not rejected
    rejected: int = 0  # … and those rejected
    refunds: int = 0  # complaint refunds paid in the period
    refunded: int = 0  # rupiah they paid back (goods and shipping)
    cancel_refunds: int = 0  # cancelled orders' refunds paid in the period
    cancel_refunded: int = 0  # … rupiah (not a sales figure: the cancellation was)
    by_reason: dict[str, ReasonLine] = field(default_factory=dict)
    by_product: list[ProductLine] = field(default_factory=list)  # most claimed first
    resellable: int = 0  # units back on the shelf
    damaged: int = 0  # units written off

    def rate(self, delivered: int) -> float | None:
        """Returns per 100 delivered orders; None when nothing was delivered."""
        return share(self.returns, delivered) if self.available else None

    def refund_rate(self, delivered: int) -> float | None:
        """Complaint refunds per 100 delivered orders."""
        return share(self.refunds, delivered) if self.available else None


async def refunds_by_day(db: Connection, period: Period) -> dict[date, Refunded]:
    """Complaint refunds paid per local day of the period, goods and shipping apart."""
    out: dict[date, Refunded] = {}
    for r in await report_rows.refunds_by_hour(db, period.start, period.end):
        day = local_day(r["hour"], period.zone)
        before = out.get(day, Refunded())
        goods = r["goods"] or 0
        out[day] = Refunded(before.goods + goods, before.shipping + (r["amount"] or 0) - goods)
    return out


async def returns_summary(
    db: Connection, period: Period, sold: dict[str, int] | None = None
) -> ReturnsSummary:
    """Returns and refunds of the period by reason and product, resellable vs damaged.
    `sold`: units sold per sku in the period (the product return rate's base)."""
    start, end = period.start, period.end
    reasons: dict[str, dict[str, int]] = {}
    returns = rejected = 0
    for r in await report_rows.complaints_opened(db, start, end):
        if r["reason"] == COD_REFUSED:
            continue
        if r["rejected"]:
            rejected += r["n"]
            continue
        returns += r["n"]
        reasons.setdefault(r["reason"], {})["returns"] = r["n"]
    refunds = refunded = cancel_refunds = cancel_refunded = 0
    for r in await report_rows.refunds_paid_by_reason(db, start, end):
        if r["reason"] == CANCELLED:
            cancel_refunds, cancel_refunded = r["n"], r["amount"] or 0
            continue
        refunds += r["n"]
        refunded += r["amount"] or 0
        line = reasons.setdefault(r["reason"], {})
        line["refunds"], line["refunded"] = r["n"], r["amount"] or 0
    by_reason = {
        reason: ReasonLine(reason, **figures)
        for reason, figures in sorted(
            reasons.items(), key=lambda kv: (-kv[1].get("returns", 0), kv[0])
        )
    }
    units = await report_rows.refunded_units(db, start, end)
    claimed = await report_rows.complaint_units(db, start, end)
    sold = sold or {}
    products = sorted(
        (
            ProductLine(r["sku"], r["name"], r["units"], units.get(r["sku"], 0),
                        sold.get(r["sku"], 0))
            for r in claimed
        ),
        key=lambda x: (-x.claimed, x.sku),
    )
    judged = await report_rows.inspected_units(db, start, end)
    return ReturnsSummary(
        returns=returns,
        rejected=rejected,
        refunds=refunds,
        refunded=refunded,
        cancel_refunds=cancel_refunds,
        cancel_refunded=cancel_refunded,
        by_reason=by_reason,
        by_product=products[:TOP_PRODUCTS],
        resellable=judged["resellable"] if judged else 0,
        damaged=judged["damaged"] if judged else 0,
    )


@dataclass(frozen=True, slots=True)
class Refusals:
    """Refused COD parcels (returned to sender) in the period against COD shipped in it."""

    refused: int = 0
    shipped: int = 0
    cost: int = 0  # both shipping legs, the shop's cost

    @property
    def rate(self) -> float | None:
        return share(self.refused, self.shipped)


async def cod_refused(db: Connection, period: Period) -> Refusals:
    row = await report_rows.returned_to_sender(db, period.start, period.end)
    return Refusals(
        refused=row["n"] if row else 0,
        shipped=await report_rows.cod_shipped_between(db, period.start, period.end),
        cost=row["cost"] if row else 0,
    )
