"""Catalog import: every bad row reported by line with its reason, and all or nothing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from domain.catalog import get_product
from domain.catalog_import import ImportFailed, ImportResult, import_catalog, parse_catalog
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
