"""Exports for the accountant: orders, lines, COD and stock of a period as an .xlsx and a
.csv (UTF-8 with BOM, so Excel reads Indonesian text right), written while the rows are read
a page at a time: memory stays flat whatever the size. Dates are in the shop's zone, amounts
are numbers. The columns are documented in the README.

`returns` has one row per complaint line (domain/aftersales): the complaint's refund amount
is on its first line only, so that the column's sum is the money refunded.
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from domain.errors import InvalidInput
from domain.reports.periods import Period
from domain.reports.products import stock_lines
from domain.reports.xlsx import XlsxWriter
from domain.store import Row, Store
from domain.store import exports as export_rows

KINDS = ("orders", "lines", "returns", "cod", "stock")
PAGE = 5_000  # orders per page read
RETURNS_PAGE = 1_000  # complaints per page read (each joins its order, lines and refund)


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: str = "text"  # text, int, float, datetime (shop's zone), date


COLUMNS: dict[str, tuple[Column, ...]] = {
    "orders": (
        Column("order_number"),
        Column("placed_at", "datetime"),
        Column("status"),
        Column("status_changed_at", "datetime"),
        Column("payment_method"),
        Column("payment_status"),
        Column("customer_name"),
        Column("phone"),
        Column("address"),
        Column("shipping"),
        Column("courier"),
        Column("tracking_number"),
        Column("subtotal", "int"),
        Column("shipping_fee", "int"),
        Column("total", "int"),
        Column("invoice_number"),
        Column("cod_remitted_on", "date"),
    ),
    "lines": (
        Column("order_number"),
        Column("placed_at", "datetime"),
        Column("status"),
        Column("sku"),
        Column("product"),
        Column("quantity", "int"),
        Column("unit_price", "int"),
        Column("amount", "int"),
    ),
    "returns": (
        Column("order_number"),
        Column("placed_at", "datetime"),
        Column("delivered_at", "datetime"),
        Column("complaint_opened_at", "datetime"),
        Column("complaint_closed_at", "datetime"),
        Column("customer_name"),
        Column("reason"),
        Column("solution_wanted"),
        Column("solution"),
        Column("status"),
        Column("sku"),
        Column("product"),
        Column("quantity", "int"),
        Column("unit_price", "int"),
        Column("resellable", "int"),
        Column("damaged", "int"),
        Column("refund_amount", "int"),
        Column("refund_status"),
        Column("refund_paid_at", "datetime"),
        Column("credit_note_number"),
    ),
    "cod": (
        Column("order_number"),
        Column("placed_at", "datetime"),
        Column("delivered_at", "datetime"),
        Column("courier"),
        Column("tracking_number"),
        Column("customer_name"),
        Column("amount", "int"),
        Column("remittance_id", "int"),
        Column("remitted_on", "date"),
        Column("outstanding_days", "int"),
    ),
    "stock": (
        Column("sku"),
        Column("product"),
        Column("on_hand", "int"),
        Column("available", "int"),
        Column("low_stock_threshold", "int"),
        Column("sold_30d", "int"),
        Column("days_of_cover", "float"),
    ),
}


def parse_kind(word: str | None) -> str:
    kind = (word or "").strip().lower()
    aliases = {"pesanan": "orders", "baris": "lines", "item": "lines", "stok": "stock",
               "retur": "returns", "komplain": "returns"}
    kind = aliases.get(kind, kind)
    if kind not in KINDS:
        raise InvalidInput("export_kind_invalid", kinds=", ".join(KINDS))
    return kind


@dataclass(frozen=True, slots=True)
class Export:
    kind: str
    period: Period
    rows: int
    xlsx: Path
    csv: Path


# ---------------------------------------------------------------- reading, a page at a time


class _Local:
    """Stored UTC times → the shop's wall clock, without a zone (spreadsheets have none).
    The zone's offset is looked up once per UTC hour: a 100,000-row export converts fast."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self._offsets: dict[str, timedelta] = {}

    def __call__(self, text: str | None) -> datetime | None:
        if not text:
            return None
        hour = text[:13]
        offset = self._offsets.get(hour)
        if offset is None:
            moment = datetime.fromisoformat(text)
            offset = moment.astimezone(self.zone).utcoffset() or timedelta(0)
            self._offsets[hour] = offset
        return datetime.fromisoformat(text[:19]) + offset


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


async def _orders(store: Store, period: Period) -> AsyncIterator[list[tuple[Any, ...]]]:
    local = _Local(period.zone)
    lo, hi = await export_rows.placed_id_range(store.reader, period.start, period.end)
    after = lo - 1
    while after < hi:
        page = await export_rows.orders_page(
            store.reader, period.start, period.end, after, hi, PAGE
        )
        if not page:
            return
        after = page[-1][-1]
        out = []
        for r in page:  # the export's columns, then the id
            row = list(r)
            row[1], row[3], row[16] = local(row[1]), local(row[3]), _day(row[16])
            out.append(tuple(row[:-1]))
        yield out


async def _lines(store: Store, period: Period) -> AsyncIterator[list[tuple[Any, ...]]]:
    local = _Local(period.zone)
    lo, hi = await export_rows.placed_id_range(store.reader, period.start, period.end)
    after = lo - 1
    while after < hi:
        page = await export_rows.lines_page(store.reader, period.start, period.end, after, hi, PAGE)
        if not page:
            return
        after = page[-1][-1]
        out = []
        for r in page:  # the export's columns, then the order id
            row = list(r)
            row[1] = local(row[1])
            out.append(tuple(row[:-1]))
        yield out


async def _returns(store: Store, period: Period) -> AsyncIterator[list[tuple[Any, ...]]]:
    local = _Local(period.zone)
    after = 0
    while True:
        page: list[Row] = await export_rows.complaint_lines_page(
            store.reader, period.start, period.end, after, RETURNS_PAGE
        )
        if not page:
            return
        after = page[-1]["id"]
        out = []
        previous = None
        for r in page:
            first = r["id"] != previous  # the refund's amount once per complaint
            previous = r["id"]
            out.append(
                (
                    r["number"], local(r["placed_at"]), local(r["delivered_at"]),
                    local(r["created_at"]), local(r["closed_at"]), r["customer_name"],
                    r["reason"], r["solution_wanted"], r["solution"], r["status"], r["sku"],
                    r["name"], r["quantity"], r["unit_price"], r["resellable"], r["damaged"],
                    r["refund_amount"] if first else None, r["refund_status"],
                    local(r["paid_at"]), r["credit_note_number"],
                )
            )
        yield out


async def _cod(store: Store, period: Period) -> AsyncIterator[list[tuple[Any, ...]]]:
    local = _Local(period.zone)
    today = store.now().astimezone(period.zone).date()
    after = 0
    while True:
        page: list[Row] = await export_rows.cod_page(
            store.reader, period.start, period.end, after, PAGE
        )
        if not page:
            return
        after = page[-1]["id"]
        out = []
        for r in page:
            delivered = local(r["delivered_at"])
            waiting = None if r["remittance_id"] or delivered is None else (
                today - delivered.date()
            ).days
            out.append(
                (
                    r["number"], local(r["created_at"]), delivered, r["courier"],
                    r["tracking_number"], r["customer_name"], r["total"], r["remittance_id"],
                    _day(r["remitted_on"]), waiting,
                )
            )
        yield out


async def _stock(store: Store, period: Period) -> AsyncIterator[list[tuple[Any, ...]]]:
    lines = await stock_lines(store.reader, store.now())
    yield [
        (x.sku, x.name, x.on_hand, x.available, x.threshold, x.sold_30d, x.days_of_cover)
        for x in lines
    ]


READERS: dict[str, Callable[[Store, Period], AsyncIterator[list[tuple[Any, ...]]]]] = {
    "orders": _orders,
    "lines": _lines,
    "returns": _returns,
    "cod": _cod,
    "stock": _stock,
}


# ---------------------------------------------------------------- writing both files


WIDTHS = {"text": 18, "int": 12, "float": 12, "datetime": 17, "date": 12}


class _Writer:
    """The .xlsx and the .csv at once, page by page."""

    def __init__(self, columns: Sequence[Column], xlsx: Path, csv_path: Path, title: str) -> None:
        names = [c.name for c in columns]
        self.xlsx = XlsxWriter(xlsx, title, names, [WIDTHS[c.kind] for c in columns])
        self._file = csv_path.open("w", encoding="utf-8-sig", newline="")
        self.csv = csv.writer(self._file)
        self.csv.writerow(names)
        self._dated = [i for i, c in enumerate(columns) if c.kind == "datetime"]

    def write(self, rows: list[tuple[Any, ...]]) -> None:
        self.xlsx.write(rows)
        dated = self._dated
        if dated:
            rows = [_csv_times(row, dated) for row in rows]
        self.csv.writerows(rows)  # None is written as an empty field

    def close(self) -> None:
        self._file.close()
        self.xlsx.close()


def _csv_times(row: tuple[Any, ...], dated: list[int]) -> list[Any]:
    out = list(row)
    for i in dated:
        if out[i] is not None:
            out[i] = out[i].isoformat(" ")  # 2026-11-05 14:03:00, the shop's wall clock
    return out


def file_stem(kind: str, period: Period) -> str:
    return f"{kind}_{period.code}"


async def export(store: Store, kind: str, period: Period, folder: Path) -> Export:
    """Write `kind` for `period` into `folder` (xlsx and csv); the files are written in a
    worker thread page by page, so the bot stays responsive and one page is in memory."""
    stem = file_stem(kind, period)
    xlsx, csv_path = folder / f"{stem}.xlsx", folder / f"{stem}.csv"
    writer = await asyncio.to_thread(_Writer, COLUMNS[kind], xlsx, csv_path, stem)
    count = 0
    try:
        async for page in READERS[kind](store, period):
            await asyncio.to_thread(writer.write, page)
            count += len(page)
    finally:
        await asyncio.to_thread(writer.close)
    return Export(kind, period, count, xlsx, csv_path)


def may_export(user_id: int | None, admin_ids: Sequence[int]) -> bool:
    """Exports hold customers' personal data: with STAFF_ADMIN_IDS set, only those users
    (an anonymous group admin has no id and is refused); without it, every staff member."""
    return not admin_ids or (user_id is not None and user_id in admin_ids)
