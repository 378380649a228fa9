"""Catalog import from CSV (`,` or `;` separated) or .xlsx: every row checked first, then all
written in one transaction."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time

import openpyxl

from domain.errors import InvalidInput
from domain.store import Store
from domain.store import products as product_rows
from domain.validation import clean_text, parse_rupiah

REQUIRED_COLUMNS = ("sku", "name", "category", "price", "stock")
OPTIONAL_COLUMNS = ("description", "photo", "active", "low_stock_threshold")
SKU_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")  # also a /start deep-link payload
MAX_STOCK = 1_000_000


@dataclass(frozen=True, slots=True)
class ImportRow:
    line: int
    sku: str
    name: str
    category: str
    price: int
    stock: int
    description: str
    photo: str | None
    active: bool
    low_stock_threshold: int


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    updated: int


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} bad row(s)")
        self.errors = errors

    def report(self, source: object) -> str:
        """`FILE:LINE: reason` per error, as compilers write them, and the outcome."""
        lines = [f"{source}:{e.line}: {e.reason}" for e in self.errors]
        return "\n".join([*lines, f"Nothing imported ({len(self.errors)} bad row(s))."])


def _int(raw: str, field: str, low: int, high: int) -> int:
    text = raw.strip()
    if not re.fullmatch(r"-?\d+", text):
        raise ValueError(f"{field} must be a whole number, got {raw!r}")
    value = int(text)
    if not low <= value <= high:
        raise ValueError(f"{field} must be between {low} and {high}, got {value}")
    return value


def _row(line: int, record: dict[str, str]) -> ImportRow:
    sku = record["sku"].strip()
    if not SKU_PATTERN.match(sku):
        raise ValueError(f"sku {sku!r} must be 1–32 letters, digits, '-' or '_'")
    name = clean_text(record["name"]).replace("\n", " ")
    if not 1 <= len(name) <= 100:
        raise ValueError("name must be 1–100 characters")
    category = clean_text(record["category"]).replace("\n", " ")
    if not 1 <= len(category) <= 40:
        raise ValueError("category must be 1–40 characters")
    try:
        price = parse_rupiah(record["price"])
    except InvalidInput:
        raise ValueError(f"price {record['price']!r} is not an amount in rupiah") from None
    if price == 0:
        raise ValueError("price must be more than 0")
    stock = _int(record["stock"], "stock", 0, MAX_STOCK)
    description = clean_text(record.get("description") or "")
    if len(description) > 800:
        raise ValueError("description must be at most 800 characters")
    photo = (record.get("photo") or "").strip() or None
    if photo and len(photo) > 300:
        raise ValueError("photo must be a URL or Telegram file id of at most 300 characters")
    active_raw = (record.get("active") or "1").strip().lower()
    if active_raw not in {"1", "0", "yes", "no", "true", "false", "ya", "tidak"}:
        raise ValueError(f"active must be yes or no, got {active_raw!r}")
    threshold_raw = (record.get("low_stock_threshold") or "5").strip()
    return ImportRow(
        line=line,
        sku=sku,
        name=name,
        category=category,
        price=price,
        stock=stock,
        description=description,
        photo=photo,
        active=active_raw in {"1", "yes", "true", "ya"},
        low_stock_threshold=_int(threshold_raw, "low_stock_threshold", 0, MAX_STOCK),
    )


# A record as read from the file: the line (CSV) or row (xlsx) where it starts, its fields.
Record = tuple[int, list[str]]


def _delimiter(first_line: str) -> str:
    """`;` when the header has more of them than `,` (Excel in an Indonesian locale writes `;`
    because the comma is the decimal mark), else `,`."""
    return ";" if first_line.count(";") > first_line.count(",") else ","


def rows_from_csv(text: str) -> list[Record]:
    """The records of a CSV file, `,` or `;` separated. A broken file (a quote never closed, a
    field past the csv module's limit) is ImportFailed at the line where its record starts —
    where a stray quote opened — with any bad row before it."""
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0].strip()
    skip = 0
    sep = re.fullmatch(r'"?sep=([;,\t|])"?[;,]*', first_line, flags=re.IGNORECASE)
    if sep:  # Excel's own hint line, `sep=;`
        delimiter, skip = sep[1], 1
    else:
        delimiter = _delimiter(first_line)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    records: list[Record] = []
    start = 1
    try:
        for fields in reader:
            if reader.line_num > skip and fields:  # blank lines come as []
                records.append((start, fields))
            start = reader.line_num + 1
    except csv.Error as exc:
        message = str(exc)
        if "field larger than field limit" in message:
            reason = (
                f"a field is longer than {csv.field_size_limit():,} characters"
                " (a quote opened on this line and never closed?)"
            )
        elif "unexpected end of data" in message:
            reason = "a quote opened on this line is never closed"
        else:
            start, reason = reader.line_num, f"bad quoting: {message}"
        raise ImportFailed([*_errors_before(records), RowError(start, reason)]) from None
    return records


def _errors_before(records: list[Record]) -> list[RowError]:
    """The bad rows above a point where the file breaks off, so all are reported at once."""
    if not records:  # it broke in the header
        return []
    try:
        _parse(records)
    except ImportFailed as failed:
        return [e for e in failed.errors if not e.reason.startswith("no products")]
    return []


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the same text a CSV field would carry: 150000.0 → "150000"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def rows_from_xlsx(data: bytes) -> list[Record]:
    """The records of the first sheet of an .xlsx workbook; lines are the sheet's row numbers."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zip, XML and openpyxl's own errors: all mean "not readable"
        reason = f"not a readable .xlsx workbook ({type(exc).__name__})"
        raise ImportFailed([RowError(1, reason)]) from None
    try:
        records: list[Record] = []
        for number, cells in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
            fields = [_cell_text(v) for v in cells]
            while fields and not fields[-1].strip():  # unused columns to the right
                fields.pop()
            if fields:
                records.append((number, fields))
        return records
    finally:
        book.close()


def _parse(records: list[Record]) -> list[ImportRow]:
    header_line, header_fields = records[0] if records else (1, [])
    header = [h.strip().lower() for h in header_fields]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ImportFailed([RowError(header_line, f"missing column(s): {', '.join(missing)}")])
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise ImportFailed([RowError(header_line, f"unknown column(s): {', '.join(unknown)}")])
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, fields in records[1:]:
        # Fewer fields is fine while the required ones are there (tools drop empty trailing
        # fields); more than the header names is a shifted row.
        if len(fields) > len(header) or len(fields) < 1 + max(map(header.index, REQUIRED_COLUMNS)):
            errors.append(RowError(line, "wrong number of fields"))
            continue
        try:
            row = _row(line, dict(zip(header, fields, strict=False)))
        except ValueError as exc:
            errors.append(RowError(line, str(exc)))
            continue
        if row.sku in seen:
            errors.append(RowError(line, f"sku {row.sku} repeats line {seen[row.sku]}"))
            continue
        seen[row.sku] = line
        rows.append(row)
    if errors:
        raise ImportFailed(errors)
    if not rows:
        raise ImportFailed([RowError(header_line, "no products in the file")])
    return rows


def parse_records(records: list[Record]) -> list[ImportRow]:
    """All rows or ImportFailed listing every bad line (1-based, header is line 1)."""
    return _parse(records)


def parse_catalog(text: str) -> list[ImportRow]:
    """A CSV catalog's rows, or ImportFailed listing every bad line."""
    return parse_records(rows_from_csv(text))


async def import_catalog(store: Store, source: str | list[Record]) -> ImportResult:
    """Import CSV text, or records read by rows_from_csv / rows_from_xlsx: every row checked
    first, then all written in one transaction (or nothing, on any error)."""
    rows = parse_catalog(source) if isinstance(source, str) else parse_records(source)
    created = updated = 0
    now = store.now()
    async with store.transaction() as db:
        for row in rows:
            reserved = await product_rows.reserved_of(db, row.sku)
            if reserved is not None and reserved > row.stock:
                # Rolls back the whole import: stock may not drop below what orders hold.
                raise ImportFailed(
                    [
                        RowError(
                            row.line,
                            f"stock {row.stock} is below the "
                            f"{reserved} units held by open orders",
                        )
                    ]
                )
            await product_rows.upsert(
                db,
                sku=row.sku,
                name=row.name,
                category=row.category,
                price=row.price,
                stock=row.stock,
                description=row.description,
                photo=row.photo,
                active=row.active,
                low_stock_threshold=row.low_stock_threshold,
                now=now,
            )
            if reserved is not None:
                updated += 1
            else:
                created += 1
    return ImportResult(created, updated)
