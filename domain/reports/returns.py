"""Returns and refunds in the reports — THE SEAM for after-sales (issue 9, migration 006).

After-sales (domain/aftersales: complaints, refunds) is being built beside this. Until it
lands, every function here answers "no returns yet" (`available` is False and the amounts are
zero), so the sales figures, the returns section and the COD refusal rate are already wired
to it and stay correct. The integrator replaces the bodies below with reads of the refunds
and complaints tables (SQL in domain/store/, e.g. a `refunds_by_hour` beside
`called_off_by_hour`), keeping the signatures:

- `refunds_by_day`: goods refunded per local day of the refund (money back to the customer,
  not shipping), so net sales = gross − discounts − cancellations − refunds;
- `returns_summary`: returns and refunds made in the period by reason, by product, and how
  many came back resellable vs damaged;
- `cod_refused`: COD parcels refused at the door (return to sender) in the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.reports.periods import Period
from domain.store import Connection

# False until after-sales is wired in: the text says "not tracked yet" instead of 0 %.
AVAILABLE = False


@dataclass(frozen=True, slots=True)
class ReturnsSummary:
    available: bool = AVAILABLE
    returns: int = 0  # return cases opened in the period
    refunds: int = 0  # refunds made in the period
    refunded: int = 0  # rupiah refunded (goods)
    by_reason: dict[str, int] = field(default_factory=dict)
    by_product: dict[str, int] = field(default_factory=dict)  # sku → units returned
    resellable: int = 0  # units back on the shelf
    damaged: int = 0  # units written off

    def rate(self, delivered: int) -> int | None:
        """Returns per 100 delivered orders; None when not tracked or nothing delivered."""
        if not self.available or delivered <= 0:
            return None
        return round(100 * self.returns / delivered)


async def refunds_by_day(db: Connection, period: Period) -> dict[date, int]:
    """Goods refunded per local day of the period (SEAM: none until after-sales lands)."""
    return {}


async def returns_summary(db: Connection, period: Period) -> ReturnsSummary:
    """Returns and refunds made in the period (SEAM: none until after-sales lands)."""
    return ReturnsSummary()


async def cod_refused(db: Connection, period: Period) -> int | None:
    """COD parcels refused at the door in the period; None while not tracked (SEAM)."""
    return None
