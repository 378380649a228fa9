"""Couriers: looking one up as staff type it, tracking-number formats, tracking links."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from domain.errors import InvalidInput
from domain.fulfilment.couriers import DEFAULT_COURIERS, Courier, CourierBook, validate_tracking

BOOK = CourierBook(DEFAULT_COURIERS)


def courier(code: str) -> Courier:
    found = BOOK.get(code)
    assert found is not None
    return found


def test_the_default_list_has_the_six_big_couriers_and_the_shops_own() -> None:
    assert [c.name for c in DEFAULT_COURIERS][:6] == [
        "JNE",
        "J&T Express",
        "SiCepat",
        "AnterAja",
        "Pos Indonesia",
        "Ninja Xpress",
    ]
    assert not courier("toko").tracking_required


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("jne", "jne"),
        ("JNE", "jne"),
        ("jnt", "jnt"),
        ("J&T", "jnt"),
        ("j&t express", "jnt"),
        ("J&T Express", "jnt"),
        ("sicepat", "sicepat"),
        ("SiCepat", "sicepat"),
        ("anteraja", "anteraja"),
        ("pos", "pos"),
        ("Pos Indonesia", "pos"),
        ("ninja", "ninja"),
        ("Ninja Xpress", "ninja"),
    ],
)
def test_couriers_are_found_as_staff_type_them(typed: str, code: str) -> None:
    assert courier(typed).code == code


@pytest.mark.parametrize("typed", ["", "dhl", "x", "   ", "j&t cargo"])
def test_unknown_couriers_are_refused_with_the_list(typed: str) -> None:
    assert BOOK.get(typed) is None
    with pytest.raises(InvalidInput) as err:
        BOOK.find(typed)
    assert err.value.code == "courier_unknown"
    assert "J&T Express" in err.value.context["couriers"]


@pytest.mark.parametrize(
    ("code", "typed", "stored"),
    [
        ("jnt", "JP1234567890", "JP1234567890"),
        ("jnt", "jp 1234 5678 90", "JP1234567890"),
        ("jnt", "123456789012", "123456789012"),
        ("sicepat", "004123456789", "004123456789"),
        ("sicepat", "0041.2345.6789", "004123456789"),
        ("anteraja", "10001234567890", "10001234567890"),
        ("pos", "RR123456789ID", "RR123456789ID"),
        ("pos", "P2311220012345", "P2311220012345"),
        ("ninja", "NLIDAP12345678", "NLIDAP12345678"),
        ("jne", "CGK1234567890", "CGK1234567890"),  # no known format: generic check
        ("jne", "010880123456", "010880123456"),
        ("toko", "ANTAR-001", "ANTAR-001"),
    ],
)
def test_valid_tracking_numbers_are_normalised(code: str, typed: str, stored: str) -> None:
    assert validate_tracking(courier(code), typed) == stored


@pytest.mark.parametrize(
    ("code", "typed"),
    [
        ("jnt", "12345"),  # too short
        ("jnt", "JP12345"),  # J&T: JP + 10 digits
        ("jnt", "XX1234567890"),
        ("sicepat", "00412345678"),  # 11 digits, SiCepat has 12
        ("sicepat", "ABCDEFGHIJKL"),
        ("pos", "RR123456789"),  # S10 without country
        ("ninja", "1234567890"),
        ("jne", "ABCDEFGH"),  # no digit at all
        ("jne", "12<b>345678"),  # markup
        ("jne", "1234567890123456789012345678901"),  # 31 characters
        ("jne", "12345😀6789"),
        ("jne", ""),
    ],
)
def test_malformed_tracking_numbers_are_refused_with_an_example(code: str, typed: str) -> None:
    with pytest.raises(InvalidInput) as err:
        validate_tracking(courier(code), typed)
    assert err.value.code == "tracking_invalid"
    assert err.value.context["courier"] == courier(code).name
    assert err.value.context["example"] == (courier(code).example or "")


def test_tracking_links_use_the_couriers_template() -> None:
    assert BOOK.tracking_url("AnterAja", "10001234567890") == (
        "https://anteraja.id/tracking/10001234567890"
    )
    assert BOOK.tracking_url("J&T Express", "JP1234567890") == (
        "https://cekresi.com/?noresi=JP1234567890"
    )
    assert BOOK.tracking_url("Kurir toko / ambil di toko", "X1") is None  # no site
    assert BOOK.tracking_url("DHL", "JP1234567890") is None
    assert BOOK.tracking_url("JNE", None) is None


def test_a_tracking_number_cannot_break_out_of_the_link() -> None:
    shop = Courier(code="x", name="X", tracking_url="https://t.example/?n={number}")
    assert shop.link("A&B/../?c=1") == "https://t.example/?n=A%26B%2F..%2F%3Fc%3D1"


def test_courier_settings_are_checked() -> None:
    with pytest.raises(ValidationError):
        Courier(code="x", name="X", tracking_url="https://t.example/no-placeholder")
    with pytest.raises(ValidationError):
        Courier(code="x", name="X", tracking_url="javascript:alert({number})")
    with pytest.raises(ValidationError):
        Courier(code="x", name="X", tracking_pattern="([")
    with pytest.raises(ValidationError):
        Courier(code="Bad Code", name="X")
