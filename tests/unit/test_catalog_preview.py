"""The preview's diff (new, changed field by field, unchanged, bad rows), the export's
format read back by the import, and the small rules of editing in chat."""

from __future__ import annotations

import pytest

from domain.catalog.catalog_export import HEADER, to_csv, to_xlsx
from domain.catalog.catalog_import import (
    Change,
    ImportFailed,
    ImportRow,
    diff_rows,
    parse_catalog,
    parse_file,
    values_of,
)
from domain.catalog.product_edit import check_value, sku_from_name
from domain.catalog.stock import parse_adjustment
from domain.errors import InvalidInput
from domain.models import Product

KOPI = Product(sku="KOPI", name="Kopi Gayo", category="Kopi", price=85_000, stock=40,
               description="Medium.", photo="AgACphoto", low_stock_threshold=5)
TEH = Product(sku="TEH", name="Teh Melati", category="Teh", price=18_000, stock=10, reserved=4)
BATIK = Product(sku="BATIK", name="Batik M", category="Pakaian", price=250_000, stock=3)
CURRENT = {p.sku: p for p in (KOPI, TEH, BATIK)}


def rows(text: str) -> list[ImportRow]:
    return parse_catalog(text)


def test_new_changed_and_unchanged_with_the_fields_that_change() -> None:
    diff = diff_rows(
        rows(
            "sku,name,category,price,stock,description,photo,active,low_stock_threshold\n"
            "KOPI,Kopi Gayo,Kopi,Rp90.000,40,Medium.,AgACphoto,yes,5\n"  # price only
            "TEH,Teh Melati,Teh,18000,10,,,no,5\n"  # off sale
            "BATIK,Batik M,Pakaian,250000,3,,,yes,5\n"  # the same
            "SAMBAL,Sambal Roa,Bumbu,45000,20,,,yes,5\n"  # new
        ),
        CURRENT,
    )
    assert [r.sku for r in diff.new] == ["SAMBAL"]
    assert [(d.row.sku, d.changes) for d in diff.changed] == [
        ("KOPI", (Change("price", 85_000, 90_000),)),
        ("TEH", (Change("active", True, False),)),
    ]
    assert diff.unchanged == 1
    assert diff.errors == []


def test_columns_the_file_lacks_keep_what_the_product_has() -> None:
    """A shop's own sheet without a photo column does not wipe the photos set in chat."""
    (row,) = rows("sku,name,category,price,stock\nKOPI,Kopi Gayo,Kopi,85000,40\n")
    assert row.absent == {"description", "photo", "active", "low_stock_threshold"}
    diff = diff_rows([row], CURRENT)
    assert (diff.new, diff.changed, diff.unchanged) == ([], [], 1)
    assert values_of(row, KOPI)["photo"] == "AgACphoto"
    assert values_of(row, None)["photo"] is None  # a new product: the column's default


def test_stock_below_what_orders_hold_is_a_bad_row_with_its_line() -> None:
    diff = diff_rows(rows("sku,name,category,price,stock\nX,X,X,1,1\nTEH,Teh,Teh,1,3\n"), CURRENT)
    assert [(e.line, e.code, e.context) for e in diff.errors] == [
        (3, "below_reserved", {"stock": 3, "reserved": 4})
    ]
    assert diff.errors[0].reason == "stock 3 is below the 4 units held by open orders"


def test_bad_rows_carry_their_line_code_and_the_command_lines_sentence() -> None:
    with pytest.raises(ImportFailed) as failed:
        rows("sku,name,category,price,stock\nA,A,A,1,1\nB,B,B,sepuluh,1\nC,C,C,0,1\nA,A,A,1,1\n")
    assert [(e.line, e.code) for e in failed.value.errors] == [
        (3, "price_invalid"),
        (4, "price_zero"),
        (5, "sku_repeats"),
    ]
    assert failed.value.errors[2].reason == "sku A repeats line 2"
    assert failed.value.errors[0].context == {"value": "sepuluh"}


@pytest.mark.parametrize("write", [to_xlsx, to_csv], ids=["xlsx", "csv"])
def test_export_reads_back_as_the_same_catalog(write: object) -> None:
    odd = Product(sku="0012", name="=SUM(A1); \"kutip\", koma", category="Lain-lain",
                  price=1, stock=0, description="Baris satu\nbaris dua", active=False)
    products = [KOPI, TEH, BATIK, odd]
    data = write(products)  # type: ignore[operator]
    back = parse_file(data)
    current = {p.sku: p for p in products}
    diff = diff_rows(back, current)
    assert (diff.new, diff.changed, diff.errors) == ([], [], [])
    assert diff.unchanged == 4
    assert back[3].name == odd.name and back[3].description == odd.description


def test_export_has_the_imports_columns_in_order() -> None:
    first = to_csv([KOPI]).decode("utf-8-sig").splitlines()[0]
    assert first.split(",") == list(HEADER)
    assert HEADER[:5] == ("sku", "name", "category", "price", "stock")


@pytest.mark.parametrize(
    ("name", "sku"),
    [
        ("Kopi Arabika Gayo 250 g", "KOPI-ARABIKA-GAYO-250-G"),
        ("Kéju Édam", "KEJU-EDAM"),
        ("☕☕", "PRODUK"),
        ("Kemeja Batik Parang Lengan Panjang XL", "KEMEJA-BATIK-PARANG-LENGAN"),
    ],
)
def test_sku_suggested_from_the_name(name: str, sku: str) -> None:
    assert sku_from_name(name) == sku
    assert len(sku) <= 28


def test_edits_follow_the_files_rules() -> None:
    assert check_value("price", "Rp 90.000") == 90_000
    assert check_value("description", "-") == ""
    with pytest.raises(InvalidInput) as bad:
        check_value("price", "0")
    assert bad.value.code == "product_value"
    assert bad.value.context == {"field": "price", "problem": "price_zero", "detail": {}}
    with pytest.raises(InvalidInput):
        check_value("name", "   ")


def test_stock_adjustments_need_a_number_and_for_add_and_remove_a_reason() -> None:
    assert parse_adjustment("set", "24") == (24, None)
    assert parse_adjustment("set", "24 hitung ulang") == (24, "hitung ulang")
    assert parse_adjustment("remove", "2  barang   rusak") == (2, "barang rusak")
    for how, text, code in [
        ("remove", "2", "stock_reason_required"),
        ("add", "dua rusak", "stock_adjust_usage"),
        ("add", "0 salah", "restock_quantity"),
        ("set", "-1", "stock_adjust_usage"),
    ]:
        with pytest.raises(InvalidInput) as bad:
            parse_adjustment(how, text)
        assert bad.value.code == code, text
