"""Products and stock: best sellers by quantity and by net sales, slow movers, low stock,
days of cover and inventory turnover.

A product's net sales follow the shop's (domain/reports/sales.py): its lines on orders
placed in the period less its lines on orders called off in the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.reports.periods import Period
from domain.store import Connection
from domain.store import reports as report_rows

TOP = 10
COVER_DAYS = 30  # days of sales behind "days of cover" and slow movers


@dataclass(frozen=True, slots=True)
class ProductSales:
    sku: str
    name: str
    qty: int
    net: int


@dataclass(frozen=True, slots=True)
class StockLine:
    sku: str
    name: str
    available: int  # on hand and not promised to an order
    on_hand: int
    threshold: int
    sold_30d: int

    @property
    def days_of_cover(self) -> float | None:
        """Available ÷ average daily sales over 30 days; None without sales."""
        if self.sold_30d <= 0:
            return None
        return round(self.available / (self.sold_30d / COVER_DAYS), 1)


@dataclass(frozen=True, slots=True)
class Products:
    by_qty: list[ProductSales]
    by_net: list[ProductSales]
    slow: list[StockLine]  # no sale in 30 days, stock on hand


@dataclass(frozen=True, slots=True)
class Stock:
    low: list[StockLine]  # active, available at or under the threshold
    units_sold: int  # units (net of called-off) in the period
    units_on_hand: int  # now
    lines: list[StockLine]  # every active product

    @property
    def turnover(self) -> float | None:
        """Units sold in the period ÷ units on hand now (an approximation of the average
        stock: the store keeps no stock history); None with nothing on hand."""
        if self.units_on_hand <= 0:
            return None
        return round(self.units_sold / self.units_on_hand, 2)


async def product_sales(db: Connection, period: Period) -> list[ProductSales]:
    """Every product sold or called off in the period, net."""
    merged: dict[str, list[int]] = {}
    for r in await report_rows.line_sales(db, period.start, period.end):
        merged[r["sku"]] = [r["qty"], r["amount"]]
    for r in await report_rows.line_called_off(db, period.start, period.end):
        entry = merged.setdefault(r["sku"], [0, 0])
        entry[0] -= r["qty"]
        entry[1] -= r["amount"]
    names = await report_rows.product_names(db)  # as the catalog names them now
    return [ProductSales(sku, names.get(sku, sku), qty, net) for sku, (qty, net) in merged.items()]


async def stock_lines(db: Connection, now: datetime) -> list[StockLine]:
    """Every active product now, with its sales of the last 30 days."""
    sold = await report_rows.units_sold_between(db, now - timedelta(days=COVER_DAYS), now)
    return [
        StockLine(
            sku=r["sku"],
            name=r["name"],
            available=max(r["stock"] - r["reserved"], 0),
            on_hand=r["stock"],
            threshold=r["low_stock_threshold"],
            sold_30d=sold.get(r["sku"], 0),
        )
        for r in await report_rows.stock_levels(db)
        if r["active"]
    ]


def products(sold: list[ProductSales], lines: list[StockLine]) -> Products:
    by_qty = sorted((p for p in sold if p.qty > 0), key=lambda p: (-p.qty, -p.net, p.sku))
    by_net = sorted((p for p in sold if p.net > 0), key=lambda p: (-p.net, -p.qty, p.sku))
    slow = sorted(
        (x for x in lines if x.sold_30d <= 0 and x.on_hand > 0), key=lambda x: (-x.on_hand, x.sku)
    )
    return Products(by_qty[:TOP], by_net[:TOP], slow)


def stock(sold: list[ProductSales], lines: list[StockLine]) -> Stock:
    low = sorted(
        (x for x in lines if x.available <= x.threshold), key=lambda x: (x.available, x.name)
    )
    return Stock(
        low=low,
        units_sold=sum(p.qty for p in sold),
        units_on_hand=sum(x.on_hand for x in lines),
        lines=lines,
    )
