"""Exports for the accountant: orders, lines, COD and stock of a period as an .xlsx and a
.csv (UTF-8 with BOM, so Excel reads Indonesian text right), written while the rows are read
a page at a time: memory stays flat whatever the size. Dates are in the shop's zone, amounts
are numbers. The columns are documented in the README.

`returns` comes with after-sales (issue 9): the seam is domain/reports/returns.py.
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from domain.clock import from_db
from domain.errors import InvalidInput
from domain.reports.periods import Period
from domain.reports.products import stock_lines
from domain.store import Row, Store
from domain.store import exports as export_rows

KINDS = ("orders", "lines", "cod", "stock")
PAGE = 5_000  # orders per page read
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"


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
    aliases = {"pesanan": "orders", "baris": "lines", "item": "lines", "stok": "stock"}
    kind = aliases.get(kind, kind)
    if kind == "returns" or kind == "retur":
        raise InvalidInput("export_returns_later")
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


def _local(text: str | None, zone: ZoneInfo) -> datetime | None:
    """A stored UTC time → the shop's wall clock, without a zone (spreadsheets have none)."""
    return from_db(text).astimezone(zone).replace(tzinfo=None) if text else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


async def _orders(store: Store, period: Period) -> AsyncIterator[list[tuple[Any, ...]]]:
    z = period.zone
    lo, hi = await export_rows.placed_id_range(store.reader, period.start, period.end)
    after = lo - 1
    while after < hi:
        page = await export_rows.orders_page(
            store.reader, period.start, period.end, after, hi, PAGE
        )
        if not page:
            return
        after = page[-1]["id"]
        yield [
            (
                r["number"], _local(r["created_at"], z), r["status"],
                _local(r["status_changed_at"], z), r["payment_method"], r["payment_status"],
                r["customer_name"], r["phone"], r["address"], r["shipping_name"], r["courier"],
                r["tracking_number"], r["subtotal"], r["shipping_fee"], r["total"],
                r["invoice_number"], _day(r["remitted_on"]),
            )
            for r in page
        ]


async def _lines(store: Store, period: Period) -> AsyncIterator[list[tuple[Any, ...]]]:
    z = period.zone
    lo, hi = await export_rows.placed_id_range(store.reader, period.start, period.end)
    after = lo - 1
    while after < hi:
        page = await export_rows.lines_page(store.reader, period.start, period.end, after, hi, PAGE)
        if not page:
            return
        after = page[-1]["id"]
        yield [
            (
                r["number"], _local(r["created_at"], z), r["status"], r["sku"], r["name"],
                r["quantity"], r["unit_price"], r["quantity"] * r["unit_price"],
            )
            for r in page
        ]


async def _cod(store: Store, period: Period) -> AsyncIterator[list[tuple[Any, ...]]]:
    z = period.zone
    today = store.now().astimezone(z).date()
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
            delivered = _local(r["delivered_at"], z)
            waiting = None if r["remittance_id"] or delivered is None else (
                today - delivered.date()
            ).days
            out.append(
                (
                    r["number"], _local(r["created_at"], z), delivered, r["courier"],
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
    "cod": _cod,
    "stock": _stock,
}


# ---------------------------------------------------------------- writing both files


class _Writer:
    """An .xlsx (openpyxl write-only: rows go to disk as they come) and a .csv at once."""

    def __init__(self, columns: Sequence[Column], xlsx: Path, csv_path: Path, title: str) -> None:
        self.columns = columns
        self.xlsx = xlsx
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet(title[:31])
        self._file = csv_path.open("w", encoding="utf-8-sig", newline="")
        self.csv = csv.writer(self._file)
        bold = Font(bold=True)
        head = []
        for c in columns:
            cell = WriteOnlyCell(self.sheet, value=c.name)
            cell.font = bold
            head.append(cell)
        self.sheet.append(head)
        self.csv.writerow([c.name for c in columns])
        self._dated = [i for i, c in enumerate(columns) if c.kind in ("datetime", "date")]
        for i, c in enumerate(columns):  # widths that fit the usual values
            letter = chr(ord("A") + i)
            self.sheet.column_dimensions[letter].width = 18 if c.kind != "int" else 12

    def write(self, rows: list[tuple[Any, ...]]) -> None:
        dated = self._dated
        sheet = self.sheet
        for row in rows:
            if dated:
                cells = list(row)
                for i in dated:
                    value = cells[i]
                    if value is not None:
                        cell = WriteOnlyCell(sheet, value=value)
                        cell.number_format = (
                            DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
                        )
                        cells[i] = cell
                sheet.append(cells)
            else:
                sheet.append(row)
        self.csv.writerows(_csv_row(row) for row in rows)

    def close(self) -> None:
        self._file.close()
        self.book.save(self.xlsx)


def _csv_row(row: tuple[Any, ...]) -> list[Any]:
    out = []
    for v in row:
        if isinstance(v, datetime):
            out.append(v.strftime("%Y-%m-%d %H:%M:%S"))
        elif v is None:
            out.append("")
        else:
            out.append(v)
    return out


def file_stem(kind: str, period: Period) -> str:
    return f"{kind}_{period.code}"


async def export(store: Store, kind: str, period: Period, folder: Path) -> Export:
    """Write `kind` for `period` into `folder` (xlsx and csv); writing runs in a worker
    thread page by page, so the bot stays responsive."""
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
