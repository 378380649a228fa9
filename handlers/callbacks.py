"""Every button's callback data, built and parsed in one place.

Data is short ASCII text, `prefix[:word]:field:field`, at most 64 bytes (Telegram's limit).
It comes back from the client and can be forged, so each kind of button is a small frozen
class with typed fields, and parsing is strict: whole numbers are ASCII digits within the
domain's bounds (`isdigit()` would take `²` and `٣`, and `int()` any length), order numbers
are in the order-number alphabet, SKUs follow the catalog's rule, codes come from a fixed set.
Anything else raises `BadCallback`, which is a `StaleAction`: the presser is told the button
is out of date (see handlers/pressed.py).

Parsing proves the shape only: handlers still check on the server that the thing named
exists and belongs to the presser.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Self, TypeVar, dataclass_transform, get_type_hints

from domain.catalog_import import SKU_PATTERN
from domain.errors import StaleAction
from domain.models import PaymentMethod, Status
from domain.orders import NUMBER_ALPHABET, NUMBER_LENGTH
from domain.validation import MAX_QUANTITY
from messages.render import LANGUAGES

MAX_BYTES = 64  # Telegram's limit for callback_data, in UTF-8 bytes
# Far past any shop's catalog or order list: a million orders are 100,000 queue pages of 10.
MAX_PAGE = 999_999
MAX_SCORE = 10  # the survey's 0–10 scale (domain/surveys.py)


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


Page = Annotated[int, Digits(0, MAX_PAGE)]
Quantity = Annotated[int, Digits(1, MAX_QUANTITY)]  # to add: at least one
LineQuantity = Annotated[int, Digits(0, MAX_QUANTITY)]  # a cart line's new quantity; 0 removes
Score = Annotated[int, Digits(0, MAX_SCORE)]
OrderNumber = Annotated[str, Text(f"[{re.escape(NUMBER_ALPHABET)}]{{{NUMBER_LENGTH}}}")]
Sku = Annotated[str, Text(SKU_PATTERN.pattern)]
CategoryKey = Annotated[str, Text("[0-9a-f]{8}")]  # category_key()
CourierCode = Annotated[str, Text("[a-z0-9_]{1,12}")]  # domain.couriers.Courier.code
ShippingCode = Annotated[str, Text("[a-z0-9_]{1,20}")]  # domain.models.ShippingOption.code


# ---------------------------------------------------------------- the base class


@dataclass_transform(frozen_default=True)
class Callback:
    """One kind of button: `class X(Callback, prefix="x", word="go"): field: Kind`.

    Written `prefix[:word]:field:…`, every field always present, in declaration order.
    Building (the constructor, hence pack()) checks every field and the 64-byte limit and
    raises ValueError: a bad button is a bug in the bot. unpack() raises BadCallback.
    """

    prefix: ClassVar[str]
    word: ClassVar[str | None]
    _fields: ClassVar[tuple[tuple[str, Kind], ...]]

    def __init_subclass__(cls, *, prefix: str, word: str | None = None, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        dataclasses.dataclass(frozen=True)(cls)  # in place: same class, now a dataclass
        hints = get_type_hints(cls, include_extras=True)
        fields = []
        for field in dataclasses.fields(cls):  # type: ignore[arg-type]
            metadata = getattr(hints[field.name], "__metadata__", ())
            kinds = [m for m in metadata if isinstance(m, Kind)]
            if len(kinds) != 1:
                raise TypeError(f"{cls.__name__}.{field.name} needs one Kind (Annotated)")
            if field.default is not dataclasses.MISSING:
                raise TypeError(f"{cls.__name__}.{field.name}: every part is always written")
            fields.append((field.name, kinds[0]))
        cls.prefix, cls.word, cls._fields = prefix, word, tuple(fields)

    def __post_init__(self) -> None:
        self.pack()

    @classmethod
    def _head(cls) -> list[str]:
        return [cls.prefix] if cls.word is None else [cls.prefix, cls.word]

    def pack(self) -> str:
        """The callback data; ValueError for a value the field does not allow or > 64 bytes."""
        parts = self._head() + [kind.format(getattr(self, name)) for name, kind in self._fields]
        data = ":".join(parts)
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def unpack(cls, data: str | None) -> Self:
        """Parse data of exactly this kind; BadCallback for anything else."""
        head = cls._head()
        parts = _split(data)
        if parts[: len(head)] != head:
            raise BadCallback(f"not {':'.join(head)}")
        values = parts[len(head) :]
        if len(values) != len(cls._fields):
            raise BadCallback(f"{':'.join(head)} takes {len(cls._fields)} field(s)")
        parsed = {
            name: kind.parse(text) for (name, kind), text in zip(cls._fields, values, strict=True)
        }
        try:
            return cls(**parsed)
        except ValueError as exc:  # all fields fine, yet not buildable: still just bad data
            raise BadCallback(str(exc)) from None

    @classmethod
    def pattern(cls) -> str:
        """A CallbackQueryHandler pattern for this kind's head (the fields are parsed later)."""
        return "^" + re.escape(":".join(cls._head())) + "(:|$)"


def _split(data: str | None) -> list[str]:
    text = data or ""
    # All our data is ASCII; the check also spares the regexes odd Unicode.
    if not text.isascii() or len(text) > MAX_BYTES:
        raise BadCallback("not ASCII or over 64 bytes")
    return text.split(":")


C = TypeVar("C", bound=Callback)


def unpack(data: str | None, *kinds: type[C]) -> C:
    """Parse data as one of `kinds`; BadCallback when it is none of them."""
    parts = _split(data)
    best: tuple[int, str] = (0, f"none of {[k.__name__ for k in kinds]}")
    for kind in kinds:
        try:
            return kind.unpack(data)
        except BadCallback as exc:
            # The kind that matched the longest head explains best what is wrong.
            head = kind._head()
            if parts[: len(head)] == head and len(head) > best[0]:
                best = (len(head), exc.reason)
    raise BadCallback(best[1])


def category_key(category: str) -> str:
    """A short stable key for a category name (names may be long or non-ASCII)."""
    return hashlib.sha1(category.encode()).hexdigest()[:8]


def pattern(prefix: str) -> str:
    return rf"^{re.escape(prefix)}(:|$)"


# ---------------------------------------------------------------- the buttons
# Prefixes, one place so patterns and classes agree.
MENU = "m"
CATEGORY = "c"
PRODUCT = "p"
ADD = "a"
ASK_QTY = "q"
CART = "k"
CHECKOUT = "co"
ORDERS = "o"
LANGUAGE = "lang"
STAFF = "st"
STAFF_QUEUE = "sq"
RECEIVED = "rcv"
SURVEY = "sv"
DELIVERY_CHECK = "dc"
PREFERENCES = "pref"


class MenuHome(Callback, prefix=MENU, word="home"):
    """m:home"""


class MenuCategories(Callback, prefix=MENU, word="cats"):
    """m:cats"""


class CategoryPage(Callback, prefix=CATEGORY):
    """c:<category key>:<page>"""

    key: CategoryKey
    page: Page


class ProductView(Callback, prefix=PRODUCT):
    """p:<sku>"""

    sku: Sku


class AddToCart(Callback, prefix=ADD):
    """a:<sku>:<quantity 1..99>"""

    sku: Sku
    quantity: Quantity


class AskQuantity(Callback, prefix=ASK_QTY):
    """q:<sku> — "other amount": the quantity is typed next."""

    sku: Sku


class CartView(Callback, prefix=CART, word="view"):
    """k:view"""


class CartSet(Callback, prefix=CART, word="set"):
    """k:set:<sku>:<quantity 0..99> — the quantity to set, so a repeated press is harmless."""

    sku: Sku
    quantity: LineQuantity


class CartClear(Callback, prefix=CART, word="clear"):
    """k:clear"""


class CartCheckout(Callback, prefix=CART, word="go"):
    """k:go — starts the checkout conversation."""


class CheckoutStep(Callback, prefix=CHECKOUT):
    """co:<use|skip|back|x|ok> — use the saved value, skip the note, back, cancel, confirm."""

    step: Annotated[str, one_of("use", "skip", "back", "x", "ok")]


class CheckoutShipping(Callback, prefix=CHECKOUT, word="ship"):
    """co:ship:<shipping option code>"""

    code: ShippingCode


class CheckoutPayment(Callback, prefix=CHECKOUT, word="pay"):
    """co:pay:<transfer|cod>"""

    method: Annotated[str, one_of(*(m.value for m in PaymentMethod))]


class OrderList(Callback, prefix=ORDERS, word="list"):
    """o:list:<page>"""

    page: Page


class OrderView(Callback, prefix=ORDERS, word="view"):
    """o:view:<order no>"""

    number: OrderNumber


class OrderCancel(Callback, prefix=ORDERS, word="cancel"):
    """o:cancel:<order no> — asks "really cancel?"."""

    number: OrderNumber


class OrderCancelConfirm(Callback, prefix=ORDERS, word="cancelyes"):
    """o:cancelyes:<order no>"""

    number: OrderNumber


class LanguageChoice(Callback, prefix=LANGUAGE):
    """lang:<id|en>"""

    language: Annotated[str, one_of(*LANGUAGES)]


class Received(Callback, prefix=RECEIVED):
    """rcv:<order no> — the customer confirms arrival."""

    number: OrderNumber


# The staff card's actions, by the one-letter code they are written with.
STAFF_CODES = {
    "verify": "v",
    "reject": "r",
    "pack": "p",
    "ship": "s",
    "invoice": "i",
    "deliver": "d",
    "cancel": "x",
    "note": "n",
    "courier": "c",  # StaffCourier
    "back": "b",  # the card's own buttons again (leaves the courier choice)
    "open": "o",  # post the order's card and history
}


class StaffPress(Callback, prefix=STAFF):
    """st:<code>:<order no> — an action on a card in the staff group (`action` is its name)."""

    action: Annotated[
        str, Coded({code: name for name, code in STAFF_CODES.items() if name != "courier"})
    ]
    number: OrderNumber


class StaffCourier(Callback, prefix=STAFF, word=STAFF_CODES["courier"]):
    """st:c:<order no>:<courier code> — the courier chosen for shipping."""

    number: OrderNumber
    courier: CourierCode


class StaffQueuePage(Callback, prefix=STAFF_QUEUE):
    """sq:<open|status>:<page> — a page of a /queue answer."""

    stage: Annotated[str, one_of("open", *(s.value for s in Status))]
    page: Page


class SurveyScore(Callback, prefix=SURVEY):
    """sv:<order no>:<0..10>"""

    number: OrderNumber
    score: Score


class SurveySkip(Callback, prefix=SURVEY, word="skip"):
    """sv:skip:<order no> — no comment after the score."""

    number: OrderNumber


class DeliveryAnswer(Callback, prefix=DELIVERY_CHECK):
    """dc:<ok|wait|bad>:<order no> — "has it arrived?": received, not yet, a problem."""

    answer: Annotated[str, Coded({"ok": "received", "wait": "not_yet", "bad": "problem"})]
    number: OrderNumber


PREFERENCE_TOPICS = {"rem": "reminders", "srv": "surveys"}


class PreferenceSet(Callback, prefix=PREFERENCES):
    """pref:<rem|srv>:<0|1> — on the settings screen."""

    topic: Annotated[str, Coded(PREFERENCE_TOPICS)]
    on: Annotated[bool, Flag()]


class PreferenceOff(Callback, prefix=PREFERENCES, word="off"):
    """pref:off:<rem|srv> — turn a topic off from a reminder or survey."""

    topic: Annotated[str, Coded(PREFERENCE_TOPICS)]


# Every kind of button (for tests that try them all).
ALL: tuple[type[Callback], ...] = tuple(
    c for c in list(globals().values())
    if isinstance(c, type) and issubclass(c, Callback) and c is not Callback
)
