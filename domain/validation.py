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


def _kept(ch: str) -> bool:
    """Drop control and invisible formatting characters, but not the joiners inside emoji
    sequences (👨‍👩‍👧) or the tag characters of subdivision flags: they are what people typed."""
    if ch == "\n" or unicodedata.category(ch)[0] != "C":
        return True
    return ch in "\u200c\u200d" or "\U000e0020" <= ch <= "\U000e007f"


def clean_text(text: str) -> str:
    """Normalise Unicode, drop control characters (keeping newlines) and squeeze blanks."""
    text = unicodedata.normalize("NFC", text).replace("\t", " ")
    text = "".join(ch for ch in text if _kept(ch))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def parse_quantity(raw: str | int, *, available: int | None = None) -> int:
    if isinstance(raw, int):
        value = raw
    else:
        text = raw.strip()
        if not re.fullmatch(r"[+-]?\d+", text):
            raise InvalidInput("quantity_not_number", max=MAX_QUANTITY)
        digits = text.lstrip("+-").lstrip("0") or "0"
        # An absurdly long number is still a number: "too large", not "not a number".
        value = int(digits) if len(digits) <= 6 else MAX_QUANTITY + 1
        if text.startswith("-"):
            value = -value
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
    # Letters are typing errors here, not vanity numbers: phonenumbers would turn "0812-DEAL"
    # into digits and drop trailing letters ("08123456789a"), storing a number nobody gave.
    if len(text) > 30 or not re.fullmatch(r"[\d\s()+.-]+", text):
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
    """`150000`, `150.000`, `Rp150.000`, `Rp. 150.000`, `Rp 150.000,00` or `Rp 150.000,-`
    → 150000."""
    text = re.sub(r"^rp\.?", "", raw.strip().replace(" ", ""), flags=re.IGNORECASE)
    text = re.sub(r",(0{1,2}|-)$", "", text)
    if not re.fullmatch(r"\d{1,3}(\.\d{3})+|\d+", text):
        raise InvalidInput("price_invalid")
    value = int(text.replace(".", ""))
    if value > MAX_PRICE:
        raise InvalidInput("price_invalid")
    return value
