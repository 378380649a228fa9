"""Sales: the one definition of gross, discounts, returns, net, shipping, total, orders and
average order value, per period and per local day (text, charts and the tax helper all read
these).

After WooCommerce's and Shopify's definitions:
- gross = price × quantity of the orders placed in the period (by order date);
- discounts = 0: the shop has no discounts yet (the seam is here when vouchers come);
- returns = the goods of orders cancelled or rejected in the period, on the day that
  happened, plus the goods part of complaint refunds paid in the period, on the day they
  were paid (domain/reports/returns.py); so an order placed and cancelled in one period nets
  to zero, one cancelled later counts against the later period. A cancelled order's own
  refund is never subtracted again: its cancellation already was;
- net = gross − discounts − returns; shipping = charged on placed orders less that of the
  orders called off and the shipping given back by complaint refunds paid in the period;
  total = net + shipping (VAT, for a registered seller, is inside it);
- orders = placed − called off in the period; average order value = net ÷ orders.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.reports import returns
from domain.reports.periods import Period, local_day
from domain.store import Connection, Row, Store
from domain.store import reports as report_rows


@dataclass(frozen=True, slots=True)
class Sales:
    gross: int = 0
    discounts: int = 0
    cancelled: int = 0  # goods of orders called off in the period
    refunds: int = 0  # goods part of complaint refunds paid in the period (after-sales)
    shipping: int = 0
    placed: int = 0  # orders placed in the period
    called_off: int = 0  # orders cancelled or rejected in the period

    @property
    def returns(self) -> int:
        return self.cancelled + self.refunds

    @property
    def net(self) -> int:
        return self.gross - self.discounts - self.returns

    @property
    def total(self) -> int:
        return self.net + self.shipping

    @property
    def orders(self) -> int:
        return self.placed - self.called_off

    @property
    def average(self) -> int | None:
        """Average order value (net ÷ orders), whole rupiah; None without orders."""
        return round(self.net / self.orders) if self.orders > 0 else None

    def __add__(self, other: Sales) -> Sales:
        return Sales(
            self.gross + other.gross,
            self.discounts + other.discounts,
            self.cancelled + other.cancelled,
            self.refunds + other.refunds,
            self.shipping + other.shipping,
            self.placed + other.placed,
            self.called_off + other.called_off,
        )


@dataclass(frozen=True, slots=True)
class SalesReport:
    period: Period
    sales: Sales
    days: dict[date, Sales] = field(default_factory=dict)  # every day of the period

    def series(self) -> list[tuple[date, Sales]]:
        return sorted(self.days.items())


def _fold(rows: Iterable[Row], zone: ZoneInfo) -> dict[date, tuple[int, int, int]]:
    out: dict[date, tuple[int, int, int]] = {}
    for r in rows:
        day = local_day(r["hour"], zone)
        n, goods, ship = out.get(day, (0, 0, 0))
        out[day] = (n + r["n"], goods + (r["goods"] or 0), ship + (r["shipping"] or 0))
    return out


async def sales_report(db: Connection, period: Period) -> SalesReport:
    """The period's sales, in total and per local day."""
    placed = _fold(await report_rows.placed_by_hour(db, period.start, period.end), period.zone)
    off = _fold(await report_rows.called_off_by_hour(db, period.start, period.end), period.zone)
    refunds = await returns.refunds_by_day(db, period)
    days: dict[date, Sales] = {}
    nothing = returns.Refunded()
    for day in period.day_list():
        n, goods, ship = placed.get(day, (0, 0, 0))
        n_off, goods_off, ship_off = off.get(day, (0, 0, 0))
        refunded = refunds.get(day, nothing)
        days[day] = Sales(
            gross=goods,
            cancelled=goods_off,
            refunds=refunded.goods,
            shipping=ship - ship_off - refunded.shipping,
            placed=n,
            called_off=n_off,
        )
    return SalesReport(period, sum(days.values(), Sales()), days)


@dataclass(frozen=True, slots=True)
class Invoiced:
    """Orders placed in the period that have an invoice and stand (not called off)."""

    orders: int
    goods: int
    shipping: int
    total: int


async def invoiced(db: Connection, period: Period) -> Invoiced:
    row = await report_rows.invoiced_placed(db, period.start, period.end)
    if row is None:
        return Invoiced(0, 0, 0, 0)
    return Invoiced(row["n"], row["goods"], row["shipping"], row["total"])


# ---------------------------------------------------------------- closed months
# A month that has ended never changes (sales count on the order's date, reversals and
# refunds on the day they happen), so its totals are computed once and kept (sales_months).
# The margin covers a write that took its time before the month ended and commits after.
CLOSED_AFTER = timedelta(hours=1)
_FIELDS = ("gross", "discounts", "cancelled", "refunds", "shipping", "placed", "called_off")


def is_closed(month: Period, now: datetime) -> bool:
    return month.whole_month and month.end + CLOSED_AFTER <= now


async def month_totals(store: Store, months: list[Period]) -> dict[str, Sales]:
    """Whole months' sales by month code ("2026-11"); closed months come from the store
    (and are kept there the first time), the running month is computed."""
    now = store.now()
    zone = str(months[0].zone) if months else ""
    closed = [m.code for m in months if is_closed(m, now)]
    kept = await report_rows.cached_months(store.reader, zone, closed)
    out: dict[str, Sales] = {}
    new: dict[str, Sales] = {}
    for m in months:
        row = kept.get(m.code)
        if row is not None:
            out[m.code] = Sales(**{f: row[f] for f in _FIELDS})
            continue
        out[m.code] = (await sales_report(store.reader, m)).sales
        if m.code in closed:
            new[m.code] = out[m.code]
    if new:
        async with store.transaction() as db:
            for code, sales in new.items():
                figures = {f: getattr(sales, f) for f in _FIELDS}
                await report_rows.store_month(db, zone, code, figures, now)
    return out
