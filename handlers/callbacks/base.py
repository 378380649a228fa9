"""The frame of every button's data: the prefixes, the Callback base class each kind of
button is declared with, and parsing data that may be one of several kinds.

Data is short ASCII text, `prefix[:word]:field:field`, at most 64 bytes (Telegram's limit).
Parsing proves the shape only: handlers still check on the server that the thing named
exists and belongs to the presser.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, ClassVar, Self, TypeVar, dataclass_transform, get_type_hints

from handlers.callbacks.fields import BadCallback, Kind

MAX_BYTES = 64  # Telegram's limit for callback_data, in UTF-8 bytes

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
STAFF_CATALOG = "ci"
STAFF_PRODUCT = "pe"
STAFF_REPORT = "rp"
STAFF_COMPLAINT = "cs"  # after-sales: the complaint card in the staff group (part B)
RECEIVED = "rcv"
SURVEY = "sv"
DELIVERY_CHECK = "dc"
PREFERENCES = "pref"


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


def pattern(prefix: str) -> str:
    return rf"^{re.escape(prefix)}(:|$)"
