"""How each field of a button's data is written and read back, strictly.

Data comes back from the client and can be forged: whole numbers are ASCII digits within the
domain's bounds (`isdigit()` would take `²` and `٣`, and `int()` any length), order numbers
are in the order-number alphabet, SKUs follow the catalog's rule, codes come from a fixed set.
Anything else raises `BadCallback`, which is a `StaleAction`: the presser is told the button
is out of date (see handlers/pressed.py).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Annotated, Any

from domain.catalog.catalog_import import SKU_PATTERN
from domain.errors import StaleAction
from domain.ordering.orders import NUMBER_ALPHABET, NUMBER_LENGTH
from domain.validation import MAX_QUANTITY

# Far past any shop's catalog or order list: a million orders are 100,000 queue pages of 10.
MAX_PAGE = 999_999
MAX_SCORE = 10  # the survey's 0–10 scale (domain/schedule/surveys.py)


class BadCallback(StaleAction):
    """Malformed or forged button data: the one error parsing raises, whatever is wrong."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


# ---------------------------------------------------------------- field kinds


class Kind:
    """How one field is written in the data and read back."""

    def parse(self, text: str) -> Any:
        raise NotImplementedError

    def format(self, value: Any) -> str:
        """The field as written; ValueError when the value is not one this kind allows."""
        raise NotImplementedError


@dataclasses.dataclass(frozen=True, slots=True)
class Digits(Kind):
    """A whole number low..high in ASCII digits, without leading zeros (one spelling each)."""

    low: int
    high: int

    def parse(self, text: str) -> int:
        # The regex first: it keeps ², ٣, signs, blanks and 20-digit numbers away from int().
        if not re.fullmatch(r"0|[1-9][0-9]{0,8}", text):
            raise BadCallback(f"{text[:12]!r} is not a number")
        value = int(text)
        if not self.low <= value <= self.high:
            raise BadCallback(f"{value} is outside {self.low}..{self.high}")
        return value

    def format(self, value: Any) -> str:
        if type(value) is not int or not self.low <= value <= self.high:
            raise ValueError(f"{value!r} is not a whole number in {self.low}..{self.high}")
        return str(value)


@dataclasses.dataclass(frozen=True, slots=True)
class Text(Kind):
    """A string matching a rule (the whole string; the rules here are ASCII only)."""

    rule: str

    def parse(self, text: str) -> str:
        if not re.fullmatch(self.rule, text):
            raise BadCallback(f"{text[:24]!r} does not match {self.rule}")
        return text

    def format(self, value: Any) -> str:
        if not isinstance(value, str) or not re.fullmatch(self.rule, value):
            raise ValueError(f"{value!r} does not match {self.rule}")
        return value


@dataclasses.dataclass(frozen=True, slots=True)
class Coded(Kind):
    """One of a fixed set; `codes` maps what is written to the value handlers get."""

    codes: Mapping[str, str]

    def parse(self, text: str) -> str:
        if text not in self.codes:
            raise BadCallback(f"{text[:12]!r} is not one of {sorted(self.codes)}")
        return self.codes[text]

    def format(self, value: Any) -> str:
        for code, meaning in self.codes.items():
            if meaning == value:
                return code
        raise ValueError(f"{value!r} is not one of {sorted(self.codes.values())}")


def one_of(*values: str) -> Coded:
    return Coded({v: v for v in values})


@dataclasses.dataclass(frozen=True, slots=True)
class Flag(Kind):
    """A yes/no written as 1/0."""

    def parse(self, text: str) -> bool:
        if text not in ("0", "1"):
            raise BadCallback(f"{text[:12]!r} is not 0 or 1")
        return text == "1"

    def format(self, value: Any) -> str:
        if not isinstance(value, bool):
            raise ValueError(f"{value!r} is not a bool")
        return "1" if value else "0"


# ---------------------------------------------------------------- field types

Page = Annotated[int, Digits(0, MAX_PAGE)]
Quantity = Annotated[int, Digits(1, MAX_QUANTITY)]  # to add: at least one
LineQuantity = Annotated[int, Digits(0, MAX_QUANTITY)]  # a cart line's new quantity; 0 removes
Score = Annotated[int, Digits(0, MAX_SCORE)]
OrderNumber = Annotated[str, Text(f"[{re.escape(NUMBER_ALPHABET)}]{{{NUMBER_LENGTH}}}")]
Sku = Annotated[str, Text(SKU_PATTERN.pattern)]
CategoryKey = Annotated[str, Text("[0-9a-f]{8}")]  # category_key()
CourierCode = Annotated[str, Text("[a-z0-9_]{1,12}")]  # domain.fulfilment.couriers.Courier.code
ShippingCode = Annotated[str, Text("[a-z0-9_]{1,20}")]  # domain.models.ShippingOption.code
