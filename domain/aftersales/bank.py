"""The customer's bank details for a refund: bank (or e-wallet) name, account number, holder.

Known banks and e-wallets are recognised by name or alias and their account numbers checked
for the length they print; any other bank is accepted by name (a small shop's customer may
bank with a BPR or regional bank) with a generic 6–20 digit number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.aftersales.models import BankDetails
from domain.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Bank:
    name: str
    aliases: tuple[str, ...]
    lengths: tuple[int, ...]  # account number digits; empty: the generic range
    wallet: bool = False  # an e-wallet: the account is the phone number


# Lengths as the banks print them on books and in apps.
BANKS: tuple[Bank, ...] = (
    Bank("BCA", ("bca", "bank central asia"), (10,)),
    Bank("BRI", ("bri", "bank rakyat indonesia"), (15,)),
    Bank("BNI", ("bni", "bank negara indonesia"), (10,)),
    Bank("Mandiri", ("mandiri", "bank mandiri"), (13,)),
    Bank("BSI", ("bsi", "bank syariah indonesia"), (10,)),
    Bank("CIMB Niaga", ("cimb", "cimb niaga"), (12, 13, 14)),
    Bank("Permata", ("permata", "bank permata"), (10, 16)),
    Bank("Danamon", ("danamon", "bank danamon"), (10, 12)),
    Bank("BTN", ("btn", "bank tabungan negara"), (16,)),
    Bank("Jago", ("jago", "bank jago"), (12,)),
    Bank("SeaBank", ("seabank", "sea bank"), (12,)),
    Bank("GoPay", ("gopay", "go pay"), (), wallet=True),
    Bank("OVO", ("ovo",), (), wallet=True),
    Bank("DANA", ("dana",), (), wallet=True),
    Bank("ShopeePay", ("shopeepay", "shopee pay"), (), wallet=True),
    Bank("LinkAja", ("linkaja", "link aja"), (), wallet=True),
)
GENERIC_LENGTH = (6, 20)
WALLET_NUMBER = re.compile(r"^08\d{8,11}$")  # an Indonesian mobile number, 10–13 digits
_NAME = re.compile(r"^[A-Za-z][A-Za-z .'\-]{1,59}$")
_BANK_TEXT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 .&'\-]{1,39}$")


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower()).removeprefix("bank ").strip()


def find_bank(text: str) -> Bank | None:
    key = _key(text)
    for bank in BANKS:
        if key in {_key(a) for a in bank.aliases} or key == _key(bank.name):
            return bank
    return None


def bank_name(raw: str) -> str:
    """The bank's proper name, or the typed name tidied; InvalidInput("bank_name_invalid")."""
    bank = find_bank(raw)
    if bank is not None:
        return bank.name
    text = re.sub(r"\s+", " ", raw.strip())
    if not _BANK_TEXT.match(text):
        raise InvalidInput("bank_name_invalid")
    return text


def account_number(raw: str, bank: str) -> str:
    """Digits only (spaces, dots and dashes as people type them dropped), of the length the
    bank uses; a wallet's is the phone number (+62 written as 0)."""
    digits = re.sub(r"[\s.\-]", "", raw.strip())
    known = find_bank(bank)
    if known is not None and known.wallet:
        if digits.startswith("+62"):
            digits = "0" + digits[3:]
        elif digits.startswith("62"):
            digits = "0" + digits[2:]
        if not WALLET_NUMBER.match(digits):
            raise InvalidInput("wallet_number_invalid", bank=known.name)
        return digits
    if not digits.isdigit():
        raise InvalidInput("account_number_invalid")
    if known is not None and known.lengths:
        if len(digits) not in known.lengths:
            lengths = "/".join(str(n) for n in known.lengths)
            raise InvalidInput("account_number_length", bank=known.name, lengths=lengths)
        return digits
    low, high = GENERIC_LENGTH
    if not low <= len(digits) <= high:
        raise InvalidInput("account_number_invalid")
    return digits


def account_holder(raw: str) -> str:
    text = re.sub(r"\s+", " ", raw.strip())
    if not _NAME.match(text):
        raise InvalidInput("account_holder_invalid")
    return text


def validate(bank: str, number: str, holder: str) -> BankDetails:
    """All three, checked; raises InvalidInput naming the first that is wrong."""
    name = bank_name(bank)
    return BankDetails(name, account_number(number, name), account_holder(holder))


# "BCA 1234567890 a.n. Budi Santoso", "Mandiri: 123-00-1234567-8 an Sari", "DANA 0812 3456
# 7890": the three in one message, as people often send them (part C of issue 9).
_ALL_IN_ONE = re.compile(
    r"^\s*(?P<bank>[A-Za-z][A-Za-z .&'\-]*?)\s*[:,\-]?\s*"
    r"(?P<number>\+?\d[\d .\-]{4,}\d)\s*[,\-]?\s*"
    r"(?:(?:a\.?\s?n\.?|atas nama)\s*[:.]?\s*)?(?P<holder>[A-Za-z].*)?$",
    re.IGNORECASE,
)


def split_details(text: str) -> tuple[str, str, str | None] | None:
    """A message that holds the bank's name then the number (then maybe the holder): its
    parts as typed (still to be checked by bank_name, account_number, account_holder);
    None for anything else, e.g. a bank's name alone."""
    match = _ALL_IN_ONE.match(text.replace("\n", " "))
    if match is None:
        return None
    holder = (match["holder"] or "").strip() or None
    return match["bank"].strip(), match["number"].strip(), holder
