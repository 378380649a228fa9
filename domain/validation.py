"""Validation of what people type: quantities, names, phones, addresses, notes, money."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

from domain.errors import InvalidInput

MAX_QUANTITY = 99  # per line in a cart; more is a wholesale order for a human
NAME_MIN, NAME_MAX = 2, 80
ADDRESS_MIN, ADDRESS_MAX = 15, 400
NOTE_MAX = 300
MAX_PRICE = 1_000_000_000  # Rp1 milyar: anything above is a typing error in a small shop

_SPACES = re.compile(r"[ \t]+")


def clean_text(text: str) -> str:
    """Normalise Unicode, drop control characters (keeping newlines) and squeeze blanks."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def parse_quantity(raw: str | int, *, available: int | None = None) -> int:
    if isinstance(raw, int):
        value = raw
    else:
        text = raw.strip()
        if not re.fullmatch(r"[+-]?\d{1,6}", text):
            raise InvalidInput("quantity_not_number", max=MAX_QUANTITY)
        value = int(text)
    if value <= 0:
        raise InvalidInput("quantity_not_positive", max=MAX_QUANTITY)
    if value > MAX_QUANTITY:
        raise InvalidInput("quantity_too_large", max=MAX_QUANTITY)
    if available is not None and value > available:
        raise InvalidInput("quantity_over_stock", available=available)
    return value


def validate_name(raw: str) -> str:
    name = clean_text(raw).replace("\n", " ")
    if len(name) < NAME_MIN or len(name) > NAME_MAX or not any(ch.isalpha() for ch in name):
        raise InvalidInput("name_invalid", min=NAME_MIN, max=NAME_MAX)
    return name


def normalize_phone(raw: str) -> str:
    """An Indonesian mobile or fixed number as E.164 (`+6281234567890`)."""
    text = raw.strip()
    if len(text) > 30:
        raise InvalidInput("phone_invalid")
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput("phone_invalid") from exc
    if number.country_code != 62 or not phonenumbers.is_valid_number(number):
        raise InvalidInput("phone_invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """How Indonesians write it back: `+62 812-3456-7890`."""
    try:
        number = phonenumbers.parse(e164, "ID")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def validate_address(raw: str) -> str:
    address = clean_text(raw)
    if len(address) > ADDRESS_MAX:
        raise InvalidInput("address_too_long", max=ADDRESS_MAX)
    if len(address) < ADDRESS_MIN or not any(ch.isalpha() for ch in address):
        raise InvalidInput("address_too_short", min=ADDRESS_MIN)
    return address


def validate_note(raw: str) -> str:
    note = clean_text(raw)
    if len(note) > NOTE_MAX:
        raise InvalidInput("note_too_long", max=NOTE_MAX)
    return note


def parse_rupiah(raw: str) -> int:
    """`150000`, `150.000`, `Rp150.000` or `Rp 150.000,00` → 150000."""
    text = raw.strip().replace(" ", "")
    if text[:2].lower() == "rp":
        text = text[2:]
    text = re.sub(r",0{1,2}$", "", text)
    if not re.fullmatch(r"\d{1,3}(\.\d{3})+|\d+", text):
        raise InvalidInput("price_invalid")
    value = int(text.replace(".", ""))
    if value > MAX_PRICE:
        raise InvalidInput("price_invalid")
    return value
