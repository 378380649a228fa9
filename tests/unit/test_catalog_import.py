"""Catalog import: every bad row reported by line with its reason, and all or nothing."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from domain.catalog.catalog import get_product
from domain.catalog.catalog_import import (
    ImportFailed,
    ImportResult,
    import_catalog,
    parse_catalog,
    parse_records,
    rows_from_csv,
    rows_from_xlsx,
)
from domain.store import Store
from tests.conftest import SMALL_CATALOG

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "catalog.csv"
HEADER = "sku,name,category,price,stock,description\n"


def errors_of(text: str) -> list[tuple[int, str]]:
    with pytest.raises(ImportFailed) as excinfo:
        parse_catalog(text)
    return [(e.line, e.reason) for e in excinfo.value.errors]


async def product_count(store: Store) -> int:
    row = await store.fetchone("SELECT COUNT(*) AS n FROM products")
    assert row is not None
    return int(row["n"])


# ---------------------------------------------------------------- parsing


def test_good_rows_parsed() -> None:
    rows = parse_catalog(SMALL_CATALOG)
    assert [(r.line, r.sku, r.price, r.stock) for r in rows] == [
        (2, "KOPI-GAYO", 85_000, 40),
        (3, "TEH-MELATI", 18_000, 10),
        (4, "BATIK-M", 250_000, 3),
    ]
    assert rows[0].category == "Kopi & Teh"
    assert rows[0].description == "Sangrai medium, cocok untuk V60."
    assert rows[1].description == ""
    assert all(r.active and r.photo is None and r.low_stock_threshold == 5 for r in rows)


def test_every_bad_row_is_reported_by_line_with_its_reason() -> None:
    text = (
        HEADER
        + "KOPI-1,Kopi Gayo,Kopi,85000,10,ok\n"  # 2: fine
        + "kopi gayo,Kopi Gayo,Kopi,85000,10,\n"  # 3: space in sku
        + "TEH-1,Teh,Kopi,gratis,10,\n"  # 4: price
        + "TEH-2,Teh,Kopi,0,10,\n"  # 5: zero price
        + "TEH-3,Teh,Kopi,18000,-1,\n"  # 6: negative stock
        + "TEH-4,Teh,Kopi,18000,banyak,\n"  # 7: stock not a number
        + "TEH-5,,Kopi,18000,3,\n"  # 8: no name
        + "TEH-6,Teh,,18000,3,\n"  # 9: no category
        + "KOPI-1,Kopi lagi,Kopi,1000,1,\n"  # 10: repeated sku
        + "TEH-7,Teh,Kopi,18000\n"  # 11: too few fields
        + "TEH-8,Teh,Kopi,18000,3,desc,extra\n"  # 12: too many fields
        + "TEH-9,Teh,Kopi,Rp1.000.000.001,3,\n"  # 13: absurd price
        + "TEH-10,Teh,Kopi,18000,2000000,\n"  # 14: absurd stock
        + "TEH-11,Teh,Kopi,18000,3,ok\n"  # 15: fine
    )
    found = errors_of(text)
    assert [line for line, _ in found] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]
    reasons = dict(found)
    assert "sku 'kopi gayo'" in reasons[3]
    assert reasons[4] == "price 'gratis' is not an amount in rupiah"
    assert reasons[5] == "price must be more than 0"
    assert reasons[6] == "stock must be between 0 and 1000000, got -1"
    assert reasons[7] == "stock must be a whole number, got 'banyak'"
    assert reasons[8] == "name must be 1–100 characters"
    assert reasons[9] == "category must be 1–40 characters"
    assert reasons[10] == "sku KOPI-1 repeats line 2"
    assert reasons[11] == reasons[12] == "wrong number of fields"
    assert "not an amount" in reasons[13]
    assert "stock must be between" in reasons[14]


def test_lines_count_from_where_a_multiline_row_starts() -> None:
    text = (
        HEADER
        + 'KOPI-1,Kopi,Kopi,85000,10,"Baris satu\nbaris dua\nbaris tiga"\n'  # lines 2-4
        + "\n"  # 5: blank, skipped
        + 'TEH-1,Teh,Kopi,murah,10,"a\nb"\n'  # lines 6-7
        + "TEH 2,Teh,Kopi,1000,10,x\n"  # 8
    )
    assert [line for line, _ in errors_of(text)] == [6, 8]
    assert errors_of(text.replace("\n", "\r\n"))[0][0] == 6


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("sku,name,price,stock\nA,B,1,1\n", "missing column(s): category"),
        ("nama,harga\n", "missing column(s): sku, name, category, price, stock"),
        ("", "missing column(s): sku, name, category, price, stock"),
        (HEADER.strip() + ",colour\nA,B,C,1,1,d,red\n", "unknown column(s): colour"),
        (HEADER, "no products in the file"),
    ],
)
def test_header_problems_are_line_1(text: str, reason: str) -> None:
    assert errors_of(text) == [(1, reason)]


def test_header_is_forgiving_about_case_order_and_bom() -> None:
    text = "\ufeffStock, SKU ,Name,Price,Category\n7,A-1,Kopi,Rp. 25.000,Kopi\n"
    (row,) = parse_catalog(text)
    assert (row.sku, row.name, row.price, row.stock, row.category) == (
        "A-1",
        "Kopi",
        25_000,
        7,
        "Kopi",
    )


@pytest.mark.parametrize(
    ("raw", "active"), [("yes", True), ("ya", True), ("0", False), ("tidak", False)]
)
def test_active_column(raw: str, active: bool) -> None:
    (row,) = parse_catalog(f"sku,name,category,price,stock,active\nA,Kopi,K,1000,1,{raw}\n")
    assert row.active is active


def test_bad_active_and_threshold_reported() -> None:
    text = "sku,name,category,price,stock,active,low_stock_threshold\n"
    text += "A,Kopi,K,1000,1,mungkin,5\nB,Teh,K,1000,1,yes,-2\n"
    assert errors_of(text) == [
        (2, "active must be yes or no, got 'mungkin'"),
        (3, "low_stock_threshold must be between 0 and 1000000, got -2"),
    ]


# ---------------------------------------------------------------- separators and formats

SEMICOLON = (
    "sku;name;category;price;stock;description\n"
    "KOPI-1;Kopi Gayo, 250 g;Kopi & Teh;150.000;10;Sangrai medium, cocok untuk V60.\n"
    "TEH-1;Teh Melati;Kopi & Teh;25.000,00;5;\n"
    'BATIK-M;"Batik ""Parang"" M";Pakaian;Rp 250.000;3;"Katun;\nprimisima"\n'
    "GULA-1;Gula Aren;Bumbu;18000;7;\n"
)


def test_semicolon_file_as_excel_writes_it_in_indonesia() -> None:
    rows = parse_catalog(SEMICOLON)
    assert [(r.line, r.sku, r.name, r.price, r.stock) for r in rows] == [
        (2, "KOPI-1", "Kopi Gayo, 250 g", 150_000, 10),
        (3, "TEH-1", "Teh Melati", 25_000, 5),
        (4, "BATIK-M", 'Batik "Parang" M', 250_000, 3),
        (6, "GULA-1", "Gula Aren", 18_000, 7),  # the row above spans lines 4-5
    ]
    assert rows[0].description == "Sangrai medium, cocok untuk V60."
    assert rows[2].description == "Katun;\nprimisima"


def test_comma_file_with_semicolons_in_fields_stays_comma() -> None:
    text = HEADER + 'KOPI-1,Kopi; Gayo,Kopi,"150.000",10,"a; b; c"\n'
    (row,) = parse_catalog(text)
    assert (row.name, row.price, row.description) == ("Kopi; Gayo", 150_000, "a; b; c")


def test_excel_sep_hint_line_is_honoured_and_counted() -> None:
    text = "sep=;\n" + SEMICOLON.replace("TEH-1;Teh Melati;", "TEH 1;Teh Melati;")
    assert errors_of(text) == [(4, "sku 'TEH 1' must be 1–32 letters, digits, '-' or '_'")]


def test_header_problems_after_a_sep_line_are_on_line_2() -> None:
    assert errors_of("sep=;\nsku;name;price\nA;B;1\n") == [
        (2, "missing column(s): category, stock")
    ]


def test_a_comma_row_in_a_semicolon_file_is_a_wrong_row() -> None:
    text = SEMICOLON + "SAMBAL-1,Sambal,Bumbu,45000,20,\n"
    assert errors_of(text) == [(7, "wrong number of fields")]


def test_missing_trailing_optional_fields_are_empty() -> None:
    (row,) = parse_catalog("sku;name;category;price;stock;description;photo\nA;Kopi;K;1000;1\n")
    assert (row.description, row.photo) == ("", None)
    assert errors_of("sku;name;category;price;stock\nA;Kopi;K;1000\n") == [
        (2, "wrong number of fields")
    ]


# ---------------------------------------------------------------- broken CSV


def test_a_field_over_the_csv_limit_is_a_line_numbered_error() -> None:
    huge = "x" * (csv.field_size_limit() + 1)
    text = HEADER + "A,Kopi,K,1000,1,ok\n" + f'B,Teh,K,1000,1,"{huge}"\n' + "C,Gula,K,1000,1,\n"
    [(line, reason)] = errors_of(text)
    assert line == 3
    assert reason.startswith("a field is longer than 131,072 characters")


def test_an_unclosed_quote_in_a_big_file_is_reported_where_it_opened() -> None:
    rows = "".join(f"SKU-{i},Produk {i},Umum,1000,1,baris {i}\n" for i in range(2, 6000))
    text = HEADER + "A,Kopi,K,1000,1,ok\n" + 'B,Teh,K,1000,1,"lupa ditutup\n' + rows
    assert len(text) > csv.field_size_limit()
    [(line, reason)] = errors_of(text)
    assert line == 3
    assert "quote opened on this line" in reason


def test_an_unclosed_quote_is_reported_at_the_line_it_opened() -> None:
    text = (
        HEADER
        + 'A,Kopi,K,1000,1,"two\nlines"\n'  # 2-3: fine
        + "B,Teh,K,murah,1,\n"  # 4: bad price, still reported
        + 'C,Gula,K,1000,1,"never closed\n'  # 5: the quote opens here
        + "D,Garam,K,1000,1,\n"
        + "E,Lada,K,1000,1,\n"
    )
    assert errors_of(text) == [
        (4, "price 'murah' is not an amount in rupiah"),
        (5, "a quote opened on this line is never closed"),
    ]
    assert errors_of(text.replace("\n", "\r\n"))[-1][0] == 5


def test_an_unclosed_quote_in_the_header() -> None:
    assert errors_of('sku,"name,category,price,stock\nA,B,C,1,1\n') == [
        (1, "a quote opened on this line is never closed")
    ]


def test_text_after_a_closing_quote_is_reported_on_its_line() -> None:
    [(line, reason)] = errors_of(HEADER + "A,Kopi,K,1000,1,ok\n" + 'B,"Teh" Melati,K,1000,1,\n')
    assert line == 3 and reason.startswith("bad quoting")


# ---------------------------------------------------------------- xlsx


def workbook(rows: list[list[object]], *, first_sheet: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    if first_sheet is not None:
        sheet.title = "Produk"
        for row in rows:
            sheet.append(row)
        book.create_sheet(first_sheet, 0).append(["catatan"])
    else:
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX_ROWS: list[list[object]] = [
    ["SKU", "Name", "Category", "Price", "Stock", "Active", "Description", None],
    ["KOPI-1", "Kopi Gayo", "Kopi", 150000, 10, True, "Sangrai medium", None],
    ["TEH-1", "Teh Melati", "Kopi", 25000.0, 5.0, False, None, None],
    [None, None, None, None, None, None, None, None],  # a blank row in the sheet
    ["BATIK-M", "Batik", "Pakaian", "Rp 250.000", 3, "ya", 12.5, None],
]


def test_xlsx_cells_read_as_csv_fields() -> None:
    records = rows_from_xlsx(workbook(XLSX_ROWS))
    assert records[1] == (2, ["KOPI-1", "Kopi Gayo", "Kopi", "150000", "10", "1", "Sangrai medium"])
    assert records[2] == (3, ["TEH-1", "Teh Melati", "Kopi", "25000", "5", "0"])
    rows = parse_records(records)
    assert [(r.line, r.sku, r.price, r.stock, r.active) for r in rows] == [
        (2, "KOPI-1", 150_000, 10, True),
        (3, "TEH-1", 25_000, 5, False),
        (5, "BATIK-M", 250_000, 3, True),
    ]
    assert rows[2].description == "12.5"


def test_xlsx_errors_carry_sheet_row_numbers() -> None:
    rows = [*XLSX_ROWS, ["GULA-1", "Gula", "Bumbu", 1500.5, 3, True, None], ["X 1", "Y", "Z", 1, 1]]
    with pytest.raises(ImportFailed) as excinfo:
        parse_records(rows_from_xlsx(workbook(rows)))
    assert [(e.line, e.reason) for e in excinfo.value.errors] == [
        (6, "price '1500.5' is not an amount in rupiah"),
        (7, "sku 'X 1' must be 1–32 letters, digits, '-' or '_'"),
    ]


def test_xlsx_reads_the_first_sheet() -> None:
    with pytest.raises(ImportFailed) as excinfo:
        parse_records(rows_from_xlsx(workbook(XLSX_ROWS, first_sheet="Petunjuk")))
    assert excinfo.value.errors[0].reason.startswith("missing column(s)")


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04broken", b"sku,name\n"])
def test_unreadable_xlsx_is_one_error(data: bytes) -> None:
    with pytest.raises(ImportFailed) as excinfo:
        rows_from_xlsx(data)
    [error] = excinfo.value.errors
    assert error.line == 1 and error.reason.startswith("not a readable .xlsx workbook")


def test_same_catalog_from_csv_and_xlsx() -> None:
    from_csv = parse_records(rows_from_csv(SMALL_CATALOG))
    table: list[list[object]] = [line.split("|") for line in [
        "sku|name|category|price|stock|description",
        "KOPI-GAYO|Kopi Arabika Gayo 250 g|Kopi & Teh|Rp85.000|40|Sangrai medium, cocok untuk V60.",
        "TEH-MELATI|Teh Melati Tubruk 100 g|Kopi & Teh|18000|10|",
        "BATIK-M|Kemeja Batik Parang ukuran M|Pakaian|Rp 250.000|3|Katun primisima.",
    ]]
    assert parse_records(rows_from_xlsx(workbook(table))) == from_csv


# ---------------------------------------------------------------- importing


async def test_import_creates_products(store: Store) -> None:
    assert await import_catalog(store, SMALL_CATALOG) == ImportResult(created=3, updated=0)
    kopi = await get_product(store, "KOPI-GAYO")
    assert kopi is not None
    assert (kopi.name, kopi.category, kopi.price, kopi.stock, kopi.reserved) == (
        "Kopi Arabika Gayo 250 g",
        "Kopi & Teh",
        85_000,
        40,
        0,
    )
    row = await store.fetchone("SELECT updated_at FROM products WHERE sku = 'KOPI-GAYO'")
    assert row is not None and row["updated_at"] == "2026-11-22T02:00:00+00:00"


async def test_nothing_is_imported_when_any_row_is_bad(store: Store) -> None:
    await import_catalog(store, SMALL_CATALOG)
    bad = (
        HEADER
        + "KOPI-GAYO,Kopi Gayo BARU,Kopi & Teh,99000,5,\n"  # a good update
        + "NEW-1,Produk baru,Baru,10000,5,\n"  # a good new product
        + "NEW-2,Produk rusak,Baru,sepuluh ribu,5,\n"  # bad
    )
    with pytest.raises(ImportFailed) as excinfo:
        await import_catalog(store, bad)
    assert [(e.line, e.reason) for e in excinfo.value.errors] == [
        (4, "price 'sepuluh ribu' is not an amount in rupiah")
    ]
    assert await product_count(store) == 3
    kopi = await get_product(store, "KOPI-GAYO")
    assert kopi is not None and (kopi.name, kopi.price, kopi.stock) == (
        "Kopi Arabika Gayo 250 g",
        85_000,
        40,
    )
    assert await get_product(store, "NEW-1") is None


async def test_reimport_updates_existing_rows_and_keeps_reservations(store: Store) -> None:
    await import_catalog(store, SMALL_CATALOG)
    async with store.transaction() as db:
        await db.execute("UPDATE products SET reserved = 2 WHERE sku = 'BATIK-M'")
    update = (
        "sku,name,category,price,stock,description,active\n"
        "BATIK-M,Kemeja Batik Parang M,Pakaian,275000,10,Katun.,yes\n"
        "TEH-MELATI,Teh Melati Tubruk 100 g,Kopi & Teh,18000,0,,no\n"
        "SAMBAL-ROA,Sambal Roa 150 g,Bumbu,45000,20,,yes\n"
    )
    assert await import_catalog(store, update) == ImportResult(created=1, updated=2)
    batik = await get_product(store, "BATIK-M")
    assert batik is not None
    assert (batik.name, batik.price, batik.stock, batik.reserved) == (
        "Kemeja Batik Parang M",
        275_000,
        10,
        2,
    )
    assert await get_product(store, "TEH-MELATI") is None  # inactive: hidden from customers
    teh = await get_product(store, "TEH-MELATI", active_only=False)
    assert teh is not None and teh.stock == 0 and not teh.active
    assert await get_product(store, "KOPI-GAYO") is not None  # not in the file: untouched
    assert await product_count(store) == 4


async def test_stock_below_reserved_rolls_back_the_whole_import(store: Store) -> None:
    await import_catalog(store, SMALL_CATALOG)
    async with store.transaction() as db:
        await db.execute("UPDATE products SET reserved = 3 WHERE sku = 'BATIK-M'")
    update = HEADER + "KOPI-GAYO,Kopi Gayo,Kopi & Teh,90000,41,\nBATIK-M,Batik,Pakaian,250000,2,\n"
    with pytest.raises(ImportFailed) as excinfo:
        await import_catalog(store, update)
    assert [(e.line, e.reason) for e in excinfo.value.errors] == [
        (3, "stock 2 is below the 3 units held by open orders")
    ]
    kopi = await get_product(store, "KOPI-GAYO")
    assert kopi is not None and (kopi.price, kopi.stock) == (85_000, 40)  # row 2 rolled back


async def test_shipped_example_catalog_imports_cleanly(store: Store) -> None:
    text = EXAMPLE.read_text(encoding="utf-8-sig")
    rows = parse_catalog(text)
    assert len(rows) >= 12
    assert len({r.category for r in rows}) >= 4
    assert all(r.price > 0 and r.stock > 0 and r.description for r in rows)
    assert await import_catalog(store, text) == ImportResult(created=len(rows), updated=0)
    assert await import_catalog(store, text) == ImportResult(created=0, updated=len(rows))
    assert await product_count(store) == len(rows)


# ---------------------------------------------------------------- the command line


def run_import(tmp_path: Path, csv_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        "BOT_TOKEN": "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
        "STAFF_CHAT_ID": "-1001234567890",
        "DATABASE_PATH": str(tmp_path / "db" / "shop.db"),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", "catalog", "import", str(csv_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def db_products(tmp_path: Path) -> dict[str, tuple[int, int]]:
    path = tmp_path / "db" / "shop.db"
    if not path.exists():
        return {}
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT sku, price, stock FROM products").fetchall()
    return {sku: (price, stock) for sku, price, stock in rows}


def test_cli_imports_the_example_then_updates(tmp_path: Path) -> None:
    count = len(parse_catalog(EXAMPLE.read_text(encoding="utf-8-sig")))
    first = run_import(tmp_path, EXAMPLE)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == f"Imported {count} new and 0 updated product(s)."
    assert first.stderr == ""
    products = db_products(tmp_path)
    assert len(products) == count
    assert products["KOPI-GAYO-250"] == (85_000, 40)

    again = run_import(tmp_path, EXAMPLE)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"Imported 0 new and {count} updated product(s)."


def test_cli_reports_bad_rows_and_imports_nothing(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(SMALL_CATALOG, encoding="utf-8")
    assert run_import(tmp_path, good).returncode == 0
    before = db_products(tmp_path)

    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER
        + "KOPI-GAYO,Kopi,Kopi & Teh,1000,1,\n"
        + "NEW-1,Baru,Baru,murah,5,\n"
        + "NEW 2,Baru,Baru,1000,5,\n",
        encoding="utf-8",
    )
    result = run_import(tmp_path, bad)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{bad}:3: price 'murah' is not an amount in rupiah",
        f"{bad}:4: sku 'NEW 2' must be 1–32 letters, digits, '-' or '_'",
        "Nothing imported (2 bad row(s)).",
    ]
    assert db_products(tmp_path) == before


def test_cli_on_a_missing_file(tmp_path: Path) -> None:
    result = run_import(tmp_path, tmp_path / "nope.csv")
    assert result.returncode == 1
    assert result.stderr.startswith(f"Cannot read {tmp_path / 'nope.csv'}")
    assert "Traceback" not in result.stderr
    assert db_products(tmp_path) == {}


def test_cli_imports_xlsx_and_semicolon_csv_in_the_windows_code_page(tmp_path: Path) -> None:
    book = tmp_path / "katalog.xlsx"
    book.write_bytes(workbook(XLSX_ROWS))
    result = run_import(tmp_path, book)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Imported 3 new and 0 updated product(s)."
    assert db_products(tmp_path)["KOPI-1"] == (150_000, 10)

    ansi = tmp_path / "katalog.csv"  # Excel's plain "CSV": `;`, cp1252, decimal commas
    text = "sku;name;category;price;stock\nKOPI-1;Kopi Café;Kopi;155.000,00;9\n"
    ansi.write_bytes(text.encode("cp1252"))
    result = run_import(tmp_path, ansi)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Imported 0 new and 1 updated product(s)."
    assert db_products(tmp_path)["KOPI-1"] == (155_000, 9)


def test_cli_finds_xlsx_by_its_content_whatever_the_name(tmp_path: Path) -> None:
    book = tmp_path / "katalog.csv"  # really a workbook, misnamed
    book.write_bytes(workbook(XLSX_ROWS))
    result = run_import(tmp_path, book)
    assert result.returncode == 0, result.stderr
    assert len(db_products(tmp_path)) == 3


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("rusak.xlsx", b"not a workbook", ":1: not a readable .xlsx workbook"),
        ("kutip.csv", (HEADER + 'A,B,C,1,1,"open\nB,B,C,1,1,\n').encode(), ":2: a quote opened"),
        (
            "besar.csv",
            (HEADER + "A,B,C,1,1," + '"' + "x" * 200_000 + '"\n').encode(),
            ":2: a field is longer than 131,072 characters",
        ),
    ],
)
def test_cli_reports_broken_files_by_line_without_traceback(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = run_import(tmp_path, path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0].startswith(f"{path}{expected}")
    assert result.stderr.splitlines()[-1] == "Nothing imported (1 bad row(s))."
    assert db_products(tmp_path) == {}


def test_cli_explains_the_old_xls_format(tmp_path: Path) -> None:
    path = tmp_path / "katalog.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    result = run_import(tmp_path, path)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"Cannot read {path}: an old .xls workbook; save it as .xlsx or CSV"
    )
