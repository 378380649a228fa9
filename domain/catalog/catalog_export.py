"""The catalog written back in the import's own format, as .xlsx and CSV: a shop edits the
sheet and sends it back, and what nobody edited comes back unchanged."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

import openpyxl
from openpyxl.cell import WriteOnlyCell

from domain.catalog.catalog import product_from_row
from domain.catalog.catalog_import import FIELDS
from domain.models import Product
from domain.store import Store
from domain.store import products as product_rows

HEADER = ("sku", *FIELDS)


@dataclass(frozen=True, slots=True)
class Export:
    xlsx: bytes
    csv: bytes
    count: int


def _values(product: Product) -> list[str | int]:
    """One row: the fields as the import reads them (price in whole rupiah, active yes/no)."""
    return [
        product.sku,
        product.name,
        product.category,
        product.price,
        product.stock,
        product.description,
        product.photo or "",
        "yes" if product.active else "no",
        product.low_stock_threshold,
    ]


def to_csv(products: Sequence[Product]) -> bytes:
    """Comma separated, UTF-8 with the mark Excel's "CSV UTF-8" writes (Excel then opens it
    with the right characters)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(_values(p) for p in products)
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(products: Sequence[Product]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("catalog")
    sheet.append(list(HEADER))
    for product in products:
        cells = []
        for value in _values(product):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text: a name starting with "=" is no formula
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def export(store: Store) -> Export:
    """Every product, on sale or not, by SKU."""
    products = [product_from_row(r) for r in await product_rows.all_products(store.reader)]
    return Export(to_xlsx(products), to_csv(products), len(products))
