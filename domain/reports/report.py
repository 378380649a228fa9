"""The whole /laporan: every section for one period, from the one definition of each figure
(sales.py, operations.py, products.py, cod.py, customers.py, returns.py, tax.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from domain.reports import returns
from domain.reports.cod import Cod, cod
from domain.reports.customers import Customers, customers
from domain.reports.operations import (
    Cancellations,
    Fulfilment,
    Payments,
    Stage,
    cancellation_sides,
    fulfilment,
    payments,
    pipeline,
)
from domain.reports.periods import Period, month
from domain.reports.products import Products, Stock, product_sales, products, stock, stock_lines
from domain.reports.sales import Invoiced, Sales, SalesReport, invoiced, month_totals, sales_report
from domain.reports.tax import PPH_FREE_PER_YEAR, VatSplit, pph_final_estimate, split_vat
from domain.store import Store


@dataclass(frozen=True, slots=True)
class ReportPolicy:
    """What the settings mean to the reports."""

    shipment_sla: timedelta = timedelta(hours=48)  # verified → shipped
    vat_registered: bool = False
    vat_rate: Decimal = Decimal(11)


@dataclass(frozen=True, slots=True)
class TaxHelper:
    """Gross turnover (goods sold and kept, before discounts, without shipping) per month of
    the year up to the period's end, against the individual seller's free Rp 500 M, with
    the final 0.5 % income tax as an estimate."""

    year: int
    months: list[tuple[str, int]]  # ("2026-01", turnover)
    threshold: int = PPH_FREE_PER_YEAR

    @property
    def ytd(self) -> int:
        return sum(t for _, t in self.months)

    @property
    def left_free(self) -> int:
        return max(self.threshold - self.ytd, 0)

    @property
    def threshold_used(self) -> float:
        return round(100 * self.ytd / self.threshold, 1)

    @property
    def estimate_ytd(self) -> int:
        return pph_final_estimate(self.ytd)

    def estimate_month(self) -> int:
        """The last month's share of the estimate."""
        if not self.months:
            return 0
        return pph_final_estimate(self.months[-1][1], self.ytd - self.months[-1][1])


def turnover(sales: Sales) -> int:
    """What the tax helper counts: gross less returns, before discounts, no shipping."""
    return sales.gross - sales.returns


@dataclass(frozen=True, slots=True)
class Report:
    period: Period
    previous: Period
    now: datetime
    policy: ReportPolicy
    sales: SalesReport
    previous_sales: Sales
    invoiced: Invoiced
    pipeline: list[Stage]
    products: Products
    payments: Payments
    fulfilment: Fulfilment
    cancellations: Cancellations
    cod: Cod
    stock: Stock
    customers: Customers
    tax: TaxHelper

    @property
    def vat(self) -> VatSplit | None:
        """VAT inside the period's total sales; None for a seller not registered for VAT."""
        if not self.policy.vat_registered:
            return None
        return split_vat(self.sales.sales.total, self.policy.vat_rate)


def change(now: int, before: int) -> float | None:
    """Percentage change from `before` to `now`; None when before is 0."""
    if before == 0:
        return None
    return round(100 * (now - before) / abs(before), 1)


async def tax_helper(store: Store, period: Period) -> TaxHelper:
    """The year's months up to the period's last day: whole months (closed ones are kept),
    and the running month up to that day."""
    last = period.last
    whole = [month(last.year, m, period.zone) for m in range(1, last.month)]
    totals = await month_totals(store, whole)
    running = Period("month", date(last.year, last.month, 1), last, period.zone)
    if running.whole_month:
        totals |= await month_totals(store, [running])
    else:
        totals[running.code] = (await sales_report(store.reader, running)).sales
    return TaxHelper(last.year, [(m, turnover(s)) for m, s in totals.items()])


async def previous_sales(store: Store, previous: Period) -> Sales:
    if previous.whole_month:
        return (await month_totals(store, [previous]))[previous.code]
    return (await sales_report(store.reader, previous)).sales


async def build(store: Store, period: Period, policy: ReportPolicy) -> Report:
    """Every section of the report for `period` (reads only, on the read connection)."""
    db = store.reader
    now = store.now()
    previous = period.previous()
    sales = await sales_report(db, period)
    sides = await cancellation_sides(db, period)
    sold = await product_sales(db, period)
    lines = await stock_lines(db, now)
    speed = await fulfilment(db, period, policy.shipment_sla)
    return Report(
        period=period,
        previous=previous,
        now=now,
        policy=policy,
        sales=sales,
        previous_sales=await previous_sales(store, previous),
        invoiced=await invoiced(db, period),
        pipeline=await pipeline(db, now),
        products=products(sold, lines),
        payments=await payments(db, period, sides),
        fulfilment=speed,
        cancellations=Cancellations(
            seller=sides["seller"],
            customer=sides["customer"],
            expired=sides["expired"],
            placed=sales.sales.placed,
            returns=await returns.returns_summary(
                db, period, {x.sku: x.qty for x in sold}
            ),
            delivered=speed.delivered,
        ),
        cod=await cod(db, period, now),
        stock=stock(sold, lines),
        customers=await customers(store, period),
        tax=await tax_helper(store, period),
    )
