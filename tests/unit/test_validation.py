"""What people type: quantities, names, Indonesian phone numbers, addresses, notes, prices."""

from __future__ import annotations

import re

import pytest

from domain.errors import InvalidInput
from domain.validation import (
    ADDRESS_MAX,
    ADDRESS_MIN,
    MAX_PRICE,
    MAX_QUANTITY,
    NAME_MAX,
    NOTE_MAX,
    clean_text,
    format_phone,
    normalize_phone,
    parse_quantity,
    parse_rupiah,
    validate_address,
    validate_name,
    validate_note,
)

E164_ID = re.compile(r"^\+62\d{8,13}$")
FAMILY = "👨\u200d👩\u200d👧"  # one emoji made of three joined by zero-width joiners
SCOTLAND = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"  # tag sequence
HTMLISH = '<b>Bos</b> & "Co" <script>alert(1)</script>'


def code_of(excinfo: pytest.ExceptionInfo[InvalidInput]) -> str:
    return excinfo.value.code


# ---------------------------------------------------------------- quantities


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", 1), ("3", 3), (" 12 ", 12), ("+2", 2), ("007", 7), ("99", 99), (5, 5)],
)
def test_quantity_accepted(raw: str | int, expected: int) -> None:
    assert parse_quantity(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("dua", "quantity_not_number"),
        ("2 pcs", "quantity_not_number"),
        ("1.5", "quantity_not_number"),
        ("1e3", "quantity_not_number"),
        ("", "quantity_not_number"),
        ("   ", "quantity_not_number"),
        ("🍩", "quantity_not_number"),
        ("<b>2</b>", "quantity_not_number"),
        ("0", "quantity_not_positive"),
        ("000", "quantity_not_positive"),
        ("-1", "quantity_not_positive"),
        ("-9999999", "quantity_not_positive"),
        (0, "quantity_not_positive"),
        (-3, "quantity_not_positive"),
        ("100", "quantity_too_large"),
        ("999999", "quantity_too_large"),
        ("9999999", "quantity_too_large"),
        ("9" * 5000, "quantity_too_large"),  # beyond Python's int-from-text limit: no crash
        (10**9, "quantity_too_large"),
    ],
)
def test_quantity_rejected(raw: str | int, code: str) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        parse_quantity(raw)
    assert code_of(excinfo) == code
    assert excinfo.value.context == {"max": MAX_QUANTITY}


def test_quantity_over_stock_says_how_many_are_left() -> None:
    assert parse_quantity("3", available=3) == 3
    with pytest.raises(InvalidInput) as excinfo:
        parse_quantity("4", available=3)
    assert code_of(excinfo) == "quantity_over_stock"
    assert excinfo.value.context == {"available": 3}
    with pytest.raises(InvalidInput) as excinfo:
        parse_quantity("1", available=0)
    assert code_of(excinfo) == "quantity_over_stock"


def test_quantity_limit_is_checked_before_stock() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        parse_quantity("500", available=1000)
    assert code_of(excinfo) == "quantity_too_large"


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Siti Rahayu", "Siti Rahayu"),
        ("  budi   santoso ", "budi santoso"),
        ("Budi\nSantoso", "Budi Santoso"),
        ("Jo", "Jo"),
        ("I Gusti Ngurah Rai", "I Gusti Ngurah Rai"),
        ("Ni'mah Al-Fatih", "Ni'mah Al-Fatih"),
        (f"Siti {FAMILY}", f"Siti {FAMILY}"),
        (HTMLISH, HTMLISH),
        ("A" * NAME_MAX, "A" * NAME_MAX),
    ],
)
def test_name_accepted_and_kept_as_typed(raw: str, expected: str) -> None:
    assert validate_name(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "   ", "A", "12345", "🙂🙂🙂", "A" * (NAME_MAX + 1), "\x00\x01", "<>"]
)
def test_name_rejected(raw: str) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        validate_name(raw)
    assert code_of(excinfo) == "name_invalid"
    assert excinfo.value.context == {"min": 2, "max": NAME_MAX}


# ---------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),  # as Telegram shares a contact
        ("+6281234567890", "+6281234567890"),
        ("081234567890", "+6281234567890"),
        (" 0812 3456 7890 ", "+6281234567890"),
        ("(0812) 3456-7890", "+6281234567890"),
        ("0812.3456.7890", "+6281234567890"),
        ("0857-1234-5678", "+6285712345678"),  # Indosat
        ("021-5550123", "+62215550123"),  # a Jakarta landline
        ("(0274) 512345", "+62274512345"),  # Yogyakarta
    ],
)
def test_indonesian_phone_stored_as_e164(raw: str, expected: str) -> None:
    result = normalize_phone(raw)
    assert result == expected
    assert E164_ID.match(result)


@pytest.mark.parametrize(
    "raw",
    [
        "+1 202 555 0123",  # USA
        "+60 12-345 6789",  # Malaysia
        "+65 8123 4567",  # Singapore
        "+44 20 7946 0958",  # UK
    ],
)
def test_foreign_phone_rejected(raw: str) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        normalize_phone(raw)
    assert code_of(excinfo) == "phone_invalid"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "abc",
        "nomor saya",
        "0812",
        "0812-345",
        "08123456789012345",  # too many digits
        "0812-DEAL-7890",  # letters are not vanity numbers here
        "08123456789a",  # a typo must not silently become another number
        "08l2-3456-7890",  # letter l for one
        "<b>0812</b>",
        "0812-3456-7890 🙂",
    ],
)
def test_garbage_phone_rejected(raw: str) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        normalize_phone(raw)
    assert code_of(excinfo) == "phone_invalid"


def test_too_long_phone_rejected_without_parsing() -> None:
    with pytest.raises(InvalidInput):
        normalize_phone("0812-3456-7890 " * 3)  # 45 characters
    with pytest.raises(InvalidInput):
        normalize_phone("0" * 10_000)
    # Surrounding blanks do not count toward the length.
    assert normalize_phone("  +62 812 3456 7890" + " " * 40) == "+6281234567890"


def test_phone_written_back_the_indonesian_way() -> None:
    assert format_phone("+6281234567890") == "+62 812-3456-7890"
    assert format_phone("not a number") == "not a number"


# ---------------------------------------------------------------- addresses


REAL_ADDRESS = "Jl. Melati No. 12, RT 03/RW 05, Cempaka Putih, Jakarta Pusat 10510"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (REAL_ADDRESS, REAL_ADDRESS),
        (
            "Jl. Melati No. 12\nRT 03/RW 05\n\n  Jakarta   Pusat  ",
            "Jl. Melati No. 12\nRT 03/RW 05\nJakarta Pusat",
        ),
        ("Jl. Melati\tNo. 12, Bogor", "Jl. Melati No. 12, Bogor"),  # a tab is a blank
        ("a" * ADDRESS_MIN, "a" * ADDRESS_MIN),
        ("Jl. " + "x" * (ADDRESS_MAX - 4), "Jl. " + "x" * (ADDRESS_MAX - 4)),
        (f"{HTMLISH} Jl. Melati 12 🏠", f"{HTMLISH} Jl. Melati 12 🏠"),
        (f"Rumah {FAMILY} bendera {SCOTLAND}, Jl. Kenanga 3",) * 2,
        ("Jl. Melati\x00 No.\x07 12, Bogor\u202e", "Jl. Melati No. 12, Bogor"),
    ],
)
def test_address_accepted_and_kept_exactly(raw: str, expected: str) -> None:
    assert validate_address(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "Jl. Mawar", "a" * (ADDRESS_MIN - 1), "1234567890123456789", "      \n\n     ", "🏠" * 20],
)
def test_address_too_short(raw: str) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        validate_address(raw)
    assert code_of(excinfo) == "address_too_short"
    assert excinfo.value.context == {"min": ADDRESS_MIN}


@pytest.mark.parametrize("raw", ["x" * (ADDRESS_MAX + 1), REAL_ADDRESS * 50])
def test_address_too_long(raw: str) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        validate_address(raw)
    assert code_of(excinfo) == "address_too_long"
    assert excinfo.value.context == {"max": ADDRESS_MAX}


# ---------------------------------------------------------------- notes


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Warna biru, ukuran L", "Warna biru, ukuran L"),
        ("", ""),
        ("   \n  ", ""),
        (HTMLISH, HTMLISH),
        (f"Titip ke satpam {FAMILY} 🙏", f"Titip ke satpam {FAMILY} 🙏"),
        ("n" * NOTE_MAX, "n" * NOTE_MAX),
        ("baris 1\nbaris 2", "baris 1\nbaris 2"),
    ],
)
def test_note_accepted(raw: str, expected: str) -> None:
    assert validate_note(raw) == expected


def test_note_too_long() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        validate_note("n" * (NOTE_MAX + 1))
    assert code_of(excinfo) == "note_too_long"
    assert excinfo.value.context == {"max": NOTE_MAX}


def test_clean_text_normalises_unicode() -> None:
    decomposed = "Jose\u0301"  # e + combining acute
    assert clean_text(decomposed) == "José"
    assert len(clean_text(decomposed)) == 4


# ---------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("150000", 150_000),
        ("150.000", 150_000),
        ("Rp150.000", 150_000),
        ("rp150.000", 150_000),
        ("Rp 150.000", 150_000),
        ("Rp. 150.000", 150_000),  # the most common way to write it
        ("Rp 150.000,00", 150_000),
        ("Rp 150.000,0", 150_000),
        ("Rp 150.000,-", 150_000),  # as price lists write whole amounts
        ("1.500.000", 1_500_000),
        (" 85000 ", 85_000),
        ("0", 0),
        ("Rp1.000.000.000", MAX_PRICE),
    ],
)
def test_rupiah_parsed(raw: str, expected: int) -> None:
    assert parse_rupiah(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "Rp",
        "gratis",
        "-5000",
        "150,000",  # English thousands separator is ambiguous here
        "150.000,50",  # rupiah has no cents in practice
        "150.000,--",
        ",-",
        "1.50.000",
        "15.00",
        "150000.",
        "$150",
        "Rp1.000.000.001",  # above the sanity limit
        "9" * 40,
    ],
)
def test_rupiah_rejected(raw: str) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        parse_rupiah(raw)
    assert code_of(excinfo) == "price_invalid"
