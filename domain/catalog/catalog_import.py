"""Catalog import from CSV (`,` or `;` separated) or .xlsx: every row checked first, then all
written in one transaction.

The one module for both ways in: the command line (`python -m bot catalog import`) and a file
sent to the staff group (domain/catalog/catalog_preview.py), so both read the same files with
the same rules. Bad rows carry a code and its details (REASONS: English for the command line;
messages/ words them for the staff group); `diff_rows` says what an import would change,
field by field, for the preview; the field rules (check_*) also check edits made in chat.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime, time
from typing import Any

import openpyxl

from domain.actors import Actor
from domain.catalog.catalog import product_from_row
from domain.errors import InvalidInput
from domain.models import Product
from domain.store import Connection, Store
from domain.store import products as product_rows
from domain.validation import clean_text, parse_rupiah

REQUIRED_COLUMNS = ("sku", "name", "category", "price", "stock")
OPTIONAL_COLUMNS = ("description", "photo", "active", "low_stock_threshold")
SKU_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")  # also a /start deep-link payload
MAX_STOCK = 1_000_000
# The product's fields a file states (besides the sku), in the export's column order.
FIELDS = (
    "name", "category", "price", "stock", "description", "photo", "active",
    "low_stock_threshold",
)


# Why a row (or the file) is refused: a code with its details, so the command line prints
# it in English (below) and the staff group reads it in its language (messages/, same codes).
REASONS = {
    "sku_invalid": "sku {sku!r} must be 1–32 letters, digits, '-' or '_'",
    "name_length": "name must be 1–100 characters",
    "category_length": "category must be 1–40 characters",
    "price_invalid": "price {value!r} is not an amount in rupiah",
    "price_zero": "price must be more than 0",
    "not_number": "{field} must be a whole number, got {value!r}",
    "out_of_range": "{field} must be between {low} and {high}, got {value}",
    "description_length": "description must be at most 800 characters",
    "photo_length": "photo must be a URL or Telegram file id of at most 300 characters",
    "active_invalid": "active must be yes or no, got {value!r}",
    "sku_repeats": "sku {sku} repeats line {first}",
    "wrong_fields": "wrong number of fields",
    "missing_columns": "missing column(s): {columns}",
    "unknown_columns": "unknown column(s): {columns}",
    "no_products": "no products in the file",
    "below_reserved": "stock {stock} is below the {reserved} units held by open orders",
    "field_too_long": "a field is longer than {limit:,} characters"
    " (a quote opened on this line and never closed?)",
    "quote_unclosed": "a quote opened on this line is never closed",
    "bad_quoting": "bad quoting: {message}",
    "unreadable_xlsx": "not a readable .xlsx workbook ({kind})",
    "old_xls": "an old .xls workbook; save it as .xlsx or CSV",
    "not_text": "not a CSV text file or an .xlsx workbook",
}


class RowProblem(ValueError):
    """One value refused: `code` (a key of REASONS) and its details."""

    def __init__(self, code: str, **context: Any) -> None:
        super().__init__(REASONS[code].format(**context))
        self.code = code
        self.context = context


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
    # Optional columns the file does not have: an existing product keeps what it has there.
    absent: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    reason: str  # in English, for the command line
    code: str = ""
    context: Mapping[str, Any] = dataclass_field(default_factory=dict)

    @classmethod
    def of(cls, line: int, code: str, **context: Any) -> RowError:
        return cls(line, REASONS[code].format(**context), code, context)


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


def _int(raw: str, name: str, low: int, high: int) -> int:
    text = raw.strip()
    if not re.fullmatch(r"-?\d+", text):
        raise RowProblem("not_number", field=name, value=raw)
    value = int(text)
    if not low <= value <= high:
        raise RowProblem("out_of_range", field=name, low=low, high=high, value=value)
    return value


# ---------------------------------------------------------------- one value each
# The rules for each field, shared by the file's rows and the edits made in the staff group.


def check_sku(raw: str) -> str:
    sku = raw.strip()
    if not SKU_PATTERN.match(sku):
        raise RowProblem("sku_invalid", sku=sku)
    return sku


def check_name(raw: str) -> str:
    name = clean_text(raw).replace("\n", " ")
    if not 1 <= len(name) <= 100:
        raise RowProblem("name_length")
    return name


def check_category(raw: str) -> str:
    category = clean_text(raw).replace("\n", " ")
    if not 1 <= len(category) <= 40:
        raise RowProblem("category_length")
    return category


def check_price(raw: str) -> int:
    try:
        price = parse_rupiah(raw)
    except InvalidInput:
        raise RowProblem("price_invalid", value=raw) from None
    if price == 0:
        raise RowProblem("price_zero")
    return price


def check_stock(raw: str) -> int:
    return _int(raw, "stock", 0, MAX_STOCK)


def check_description(raw: str) -> str:
    description = clean_text(raw)
    if len(description) > 800:
        raise RowProblem("description_length")
    return description


def check_photo(raw: str) -> str | None:
    photo = raw.strip() or None
    if photo and len(photo) > 300:
        raise RowProblem("photo_length")
    return photo


def check_active(raw: str) -> bool:
    text = raw.strip().lower()
    if text not in {"1", "0", "yes", "no", "true", "false", "ya", "tidak"}:
        raise RowProblem("active_invalid", value=text)
    return text in {"1", "yes", "true", "ya"}


def check_threshold(raw: str) -> int:
    return _int(raw, "low_stock_threshold", 0, MAX_STOCK)


def _row(line: int, record: dict[str, str], absent: frozenset[str]) -> ImportRow:
    return ImportRow(
        line=line,
        sku=check_sku(record["sku"]),
        name=check_name(record["name"]),
        category=check_category(record["category"]),
        price=check_price(record["price"]),
        stock=check_stock(record["stock"]),
        description=check_description(record.get("description") or ""),
        photo=check_photo(record.get("photo") or ""),
        active=check_active(record.get("active") or "1"),
        low_stock_threshold=check_threshold(record.get("low_stock_threshold") or "5"),
        absent=absent,
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
            error = RowError.of(start, "field_too_long", limit=csv.field_size_limit())
        elif "unexpected end of data" in message:
            error = RowError.of(start, "quote_unclosed")
        else:
            error = RowError.of(reader.line_num, "bad_quoting", message=message)
        raise ImportFailed([*_errors_before(records), error]) from None
    return records


def _errors_before(records: list[Record]) -> list[RowError]:
    """The bad rows above a point where the file breaks off, so all are reported at once."""
    if not records:  # it broke in the header
        return []
    try:
        _parse(records)
    except ImportFailed as failed:
        return [e for e in failed.errors if e.code != "no_products"]
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
        raise ImportFailed([RowError.of(1, "unreadable_xlsx", kind=type(exc).__name__)]) from None
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


def read_file(data: bytes, name: str = "") -> list[Record]:
    """The records of a file as shops send it; the one place that decides its type: an
    .xlsx is a zip ("PK") or called so, the old binary .xls is refused, anything else is CSV
    text (UTF-8 as "CSV UTF-8" writes it, or the Windows code page of plain "CSV")."""
    if data.startswith(b"PK\x03\x04") or name.lower().endswith(".xlsx"):
        return rows_from_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFailed([RowError.of(1, "old_xls")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportFailed([RowError.of(1, "not_text")]) from None
    if "\x00" in text:  # a binary file of some other kind
        raise ImportFailed([RowError.of(1, "not_text")])
    return rows_from_csv(text)


def _parse(records: list[Record]) -> list[ImportRow]:
    header_line, header_fields = records[0] if records else (1, [])
    header = [h.strip().lower() for h in header_fields]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        error = RowError.of(header_line, "missing_columns", columns=", ".join(missing))
        raise ImportFailed([error])
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        error = RowError.of(header_line, "unknown_columns", columns=", ".join(unknown))
        raise ImportFailed([error])
    absent = frozenset(c for c in OPTIONAL_COLUMNS if c not in header)
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, fields in records[1:]:
        # Fewer fields is fine while the required ones are there (tools drop empty trailing
        # fields); more than the header names is a shifted row.
        if len(fields) > len(header) or len(fields) < 1 + max(map(header.index, REQUIRED_COLUMNS)):
            errors.append(RowError.of(line, "wrong_fields"))
            continue
        try:
            row = _row(line, dict(zip(header, fields, strict=False)), absent)
        except RowProblem as exc:
            errors.append(RowError.of(line, exc.code, **exc.context))
            continue
        if row.sku in seen:
            errors.append(RowError.of(line, "sku_repeats", sku=row.sku, first=seen[row.sku]))
            continue
        seen[row.sku] = line
        rows.append(row)
    if errors:
        raise ImportFailed(errors)
    if not rows:
        raise ImportFailed([RowError.of(header_line, "no_products")])
    return rows


def parse_records(records: list[Record]) -> list[ImportRow]:
    """All rows or ImportFailed listing every bad line (1-based, header is line 1)."""
    return _parse(records)


def parse_catalog(text: str) -> list[ImportRow]:
    """A CSV catalog's rows, or ImportFailed listing every bad line."""
    return parse_records(rows_from_csv(text))


def parse_file(data: bytes, name: str = "") -> list[ImportRow]:
    """A file's rows (CSV or .xlsx, as read_file tells), or ImportFailed."""
    return parse_records(read_file(data, name))


# ---------------------------------------------------------------- what an import changes


@dataclass(frozen=True, slots=True)
class Change:
    field: str  # a column's name
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class RowDiff:
    row: ImportRow
    changes: tuple[Change, ...]


@dataclass(frozen=True, slots=True)
class CatalogDiff:
    """What importing the rows would do to the catalog as it is: the products it creates,
    those it changes (field by field), how many it leaves as they are, and the rows it may
    not import (stock below what open orders hold)."""

    new: list[ImportRow]
    changed: list[RowDiff]
    unchanged: int
    errors: list[RowError]


def values_of(row: ImportRow, current: Product | None) -> dict[str, Any]:
    """What the product will hold: the row's values, and where the file has no such column,
    what the product has now (or the column's default for a new product)."""
    values = {name: getattr(row, name) for name in FIELDS}
    if current is not None:
        for name in row.absent:
            values[name] = getattr(current, name)
    return values


def diff_rows(rows: Iterable[ImportRow], current: Mapping[str, Product]) -> CatalogDiff:
    new: list[ImportRow] = []
    changed: list[RowDiff] = []
    errors: list[RowError] = []
    unchanged = 0
    for row in rows:
        product = current.get(row.sku)
        if product is None:
            new.append(row)
            continue
        if product.reserved > row.stock:  # stock may not drop below what orders hold
            errors.append(
                RowError.of(row.line, "below_reserved", stock=row.stock, reserved=product.reserved)
            )
            continue
        values = values_of(row, product)
        changes = tuple(
            Change(name, getattr(product, name), value)
            for name, value in values.items()
            if getattr(product, name) != value
        )
        if changes:
            changed.append(RowDiff(row, changes))
        else:
            unchanged += 1
    return CatalogDiff(new, changed, unchanged, errors)


async def current_catalog(db: Connection) -> dict[str, Product]:
    return {r["sku"]: product_from_row(r) for r in await product_rows.all_products(db)}


async def apply_rows(
    db: Connection, rows: list[ImportRow], now: datetime, actor: Actor, source: str
) -> CatalogDiff:
    """Write what the rows change, inside the caller's transaction, with a change record per
    field (who, when, before and after); ImportFailed (the caller rolls back) when a row may
    not be imported."""
    current = await current_catalog(db)
    diff = diff_rows(rows, current)
    if diff.errors:
        raise ImportFailed(diff.errors)
    writes = [values_of(row, None) | {"sku": row.sku} for row in diff.new]
    writes += [
        {"sku": d.row.sku} | values_of(d.row, current[d.row.sku]) for d in diff.changed
    ]
    await product_rows.upsert_many(db, writes, now)
    log = [product_rows.ChangeRecord(row.sku, "created", None, None) for row in diff.new]
    log += [
        product_rows.ChangeRecord(d.row.sku, c.field, c.before, c.after)
        for d in diff.changed
        for c in d.changes
    ]
    await product_rows.record_changes(db, log, source, actor.id, actor.name, now)
    if writes:
        await product_rows.bump_version(db)
    return diff


COMMAND_LINE = Actor(None, "command line")


async def import_catalog(
    store: Store, source: str | list[Record], actor: Actor = COMMAND_LINE
) -> ImportResult:
    """Import CSV text, or records read by rows_from_csv / rows_from_xlsx: every row checked
    first, then all written in one transaction (or nothing, on any error)."""
    rows = parse_catalog(source) if isinstance(source, str) else parse_records(source)
    async with store.transaction() as db:
        diff = await apply_rows(db, rows, store.now(), actor, "import")
    return ImportResult(len(diff.new), len(diff.changed) + diff.unchanged)
