"""Couriers (ekspedisi): which ones the shop uses, their tracking links and number formats."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, field_validator

from domain.errors import InvalidInput

# Any courier: letters and digits (a dash allowed inside), at least one digit, 6–30 long.
GENERIC_TRACKING = re.compile(r"^(?=.*\d)[A-Z0-9][A-Z0-9-]{4,28}[A-Z0-9]$")
_SEPARATORS = re.compile(r"[\s.]+")


class Courier(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str = Field(pattern=r"^[a-z0-9_]{1,12}$")
    name: str = Field(min_length=1, max_length=40)
    # `{number}` is replaced by the tracking number (URL-quoted).
    tracking_url: str | None = None
    # The courier's known format (full match on the normalised number); None: generic check.
    tracking_pattern: str | None = None
    example: str | None = None
    # A shop's own delivery or in-store pick-up has no tracking number.
    tracking_required: bool = True

    @field_validator("tracking_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v is not None and (not v.startswith(("http://", "https://")) or "{number}" not in v):
            raise ValueError("tracking_url must be an http(s) URL containing {number}")
        return v

    @field_validator("tracking_pattern")
    @classmethod
    def _pattern(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"tracking_pattern is not a regular expression: {exc}") from exc
        return v

    def link(self, number: str) -> str | None:
        if not self.tracking_url or not number:
            return None
        return self.tracking_url.replace("{number}", quote(number, safe=""))


_CEKRESI = "https://cekresi.com/?noresi={number}"

# Formats as commonly printed on Indonesian waybills; a shop can override them in settings.
DEFAULT_COURIERS: tuple[Courier, ...] = (
    Courier(code="jne", name="JNE", tracking_url=_CEKRESI, example="CGK1234567890"),
    Courier(
        code="jnt",
        name="J&T Express",
        tracking_url=_CEKRESI,
        tracking_pattern=r"J[A-Z]\d{10,12}|\d{12,15}",
        example="JP1234567890",
    ),
    Courier(
        code="sicepat",
        name="SiCepat",
        tracking_url=_CEKRESI,
        tracking_pattern=r"\d{12}",
        example="004123456789",
    ),
    Courier(
        code="anteraja",
        name="AnterAja",
        tracking_url="https://anteraja.id/tracking/{number}",
        tracking_pattern=r"\d{14,15}|[A-Z]{2}\d{10,14}",
        example="10001234567890",
    ),
    Courier(
        code="pos",
        name="Pos Indonesia",
        tracking_url=_CEKRESI,
        tracking_pattern=r"[A-Z]{2}\d{9}[A-Z]{2}|P\d{12,15}|\d{13,15}",
        example="P2311220012345",
    ),
    Courier(
        code="ninja",
        name="Ninja Xpress",
        tracking_url="https://www.ninjaxpress.co/id-id/tracking?id={number}",
        tracking_pattern=r"N[LV][A-Z0-9]{8,20}",
        example="NLIDAP12345678",
    ),
    Courier(code="toko", name="Kurir toko / ambil di toko", tracking_required=False),
)


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def normalize_tracking(raw: str) -> str:
    """What staff type (`jp 1234 5678 90`) → the stored form (`JP1234567890`)."""
    return _SEPARATORS.sub("", raw).upper()


class CourierBook:
    """The shop's couriers, looked up by code or by (a unique prefix of) the name."""

    def __init__(self, couriers: Iterable[Courier]) -> None:
        self.couriers: tuple[Courier, ...] = tuple(couriers)

    def __iter__(self) -> Iterator[Courier]:
        return iter(self.couriers)

    def names(self) -> str:
        return ", ".join(c.name for c in self.couriers)

    def get(self, text: str | None) -> Courier | None:
        """`jnt`, `J&T`, `j&t express`, `ninja` → the courier; None if unknown or ambiguous."""
        key = _key(text or "")
        if not key:
            return None
        for courier in self.couriers:
            if key in (courier.code, _key(courier.name)):
                return courier
        found = [c for c in self.couriers if _key(c.name).startswith(key)]
        return found[0] if len(found) == 1 else None

    def find(self, text: str) -> Courier:
        courier = self.get(text)
        if courier is None:
            raise InvalidInput("courier_unknown", courier=text[:40], couriers=self.names())
        return courier

    def tracking_url(self, courier: str | None, number: str | None) -> str | None:
        """The link for a stored order (`order.courier` holds the courier's name)."""
        found = self.get(courier)
        return found.link(number) if found and number else None


def validate_tracking(courier: Courier, raw: str) -> str:
    """The normalised tracking number, or InvalidInput naming the expected form."""
    number = normalize_tracking(raw)
    pattern = courier.tracking_pattern
    ok = bool(GENERIC_TRACKING.match(number)) and (
        pattern is None or re.fullmatch(pattern, number) is not None
    )
    if not ok:
        raise InvalidInput(
            "tracking_invalid",
            courier=courier.name,
            number=raw.strip()[:40],
            example=courier.example or "",
        )
    return number
