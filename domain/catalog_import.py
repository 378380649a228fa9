"""Catalog import from CSV: every row checked first, then all written in one transaction."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from domain.errors import InvalidInput
from domain.store import Store
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


def parse_catalog(text: str) -> list[ImportRow]:
    """All rows or ImportFailed listing every bad line (1-based, header is line 1)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ImportFailed([RowError(1, f"missing column(s): {', '.join(missing)}")])
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise ImportFailed([RowError(1, f"unknown column(s): {', '.join(unknown)}")])
    reader.fieldnames = header
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for record in reader:
        # line_num is where the record ends; a quoted field may span lines (Alt+Enter in a
        # spreadsheet cell), and a person looks for the line where the row starts.
        values = [v for v in record.values() if isinstance(v, str)]
        line = reader.line_num - sum(v.count("\n") for v in values)
        if None in record or any(record.get(c) is None for c in REQUIRED_COLUMNS):
            errors.append(RowError(line, "wrong number of fields"))
            continue
        try:
            row = _row(line, record)
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
        raise ImportFailed([RowError(1, "no products in the file")])
    return rows


async def import_catalog(store: Store, text: str) -> ImportResult:
    rows = parse_catalog(text)
    created = updated = 0
    now = store.now_db()
    async with store.transaction() as db:
        for row in rows:
            async with db.execute("SELECT reserved FROM products WHERE sku = ?", (row.sku,)) as cur:
                existing = await cur.fetchone()
            if existing and existing["reserved"] > row.stock:
                # Rolls back the whole import: stock may not drop below what orders hold.
                raise ImportFailed(
                    [
                        RowError(
                            row.line,
                            f"stock {row.stock} is below the "
                            f"{existing['reserved']} units held by open orders",
                        )
                    ]
                )
            await db.execute(
                "INSERT INTO products (sku, name, category, price, stock, description, photo,"
                " active, low_stock_threshold, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT (sku) DO UPDATE SET name = excluded.name,"
                " category = excluded.category, price = excluded.price,"
                " stock = excluded.stock, description = excluded.description,"
                " photo = excluded.photo, active = excluded.active,"
                " low_stock_threshold = excluded.low_stock_threshold,"
                " updated_at = excluded.updated_at",
                (
                    row.sku,
                    row.name,
                    row.category,
                    row.price,
                    row.stock,
                    row.description,
                    row.photo,
                    int(row.active),
                    row.low_stock_threshold,
                    now,
                ),
            )
            if existing:
                updated += 1
            else:
                created += 1
    return ImportResult(created, updated)
