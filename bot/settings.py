"""Settings from the environment and `.env` (pydantic-settings)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from domain.couriers import DEFAULT_COURIERS, Courier
from domain.models import ShippingOption

DEFAULT_SHIPPING = [
    ShippingOption(code="reg", name="JNE REG (2–3 hari)", fee=15_000),
    ShippingOption(code="yes", name="JNE YES (1 hari)", fee=28_000),
    ShippingOption(code="sicepat", name="SiCepat HALU", fee=12_000),
    ShippingOption(code="pickup", name="Ambil di toko", fee=0),
]


class BankAccount(BaseModel):
    bank: str = "BCA"
    number: str = "1234567890"
    holder: str = "Toko Kami"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_nested_delimiter="__"
    )

    bot_token: SecretStr
    staff_chat_id: int
    database_path: Path = Path("data/orders.db")
    telegram_api_url: str = "https://api.telegram.org"
    default_language: Literal["id", "en"] = "id"
    timezone: str = "Asia/Jakarta"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    shop_name: str = "Toko Kami"
    shop_address: str = "Jl. Contoh No. 1, Jakarta"
    shop_tax_id: str = ""
    bank: BankAccount = Field(default_factory=BankAccount)
    shipping_options: list[ShippingOption] = Field(default_factory=lambda: list(DEFAULT_SHIPPING))
    cod_enabled: bool = True

    # Staff workflow.
    couriers: list[Courier] = Field(default_factory=lambda: list(DEFAULT_COURIERS))
    invoice_at: Literal["verification", "shipment", "manual"] = "shipment"
    # Empty: every staff member may change stock; else only these Telegram user ids.
    staff_admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)

    # Outbound limits (Telegram: ~30 msg/s overall, 20 msg/min per group).
    rate_limit_overall_per_second: float = Field(30, gt=0)
    rate_limit_group_per_minute: float = Field(20, gt=0)

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, v: SecretStr) -> SecretStr:
        head, _, tail = v.get_secret_value().partition(":")
        if not head.isdigit() or not tail:
            raise ValueError("must look like 123456:ABC… (from @BotFather)")
        return v

    @field_validator("staff_chat_id")
    @classmethod
    def _group_id(cls, v: int) -> int:
        if v >= 0:
            raise ValueError("must be a group chat id (negative, e.g. -1001234567890)")
        return v

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {v!r}") from exc
        return v

    @field_validator("telegram_api_url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return v.rstrip("/")

    @field_validator("couriers")
    @classmethod
    def _couriers(cls, v: list[Courier]) -> list[Courier]:
        if not v:
            raise ValueError("needs at least one courier")
        codes = [c.code for c in v]
        if len(set(codes)) != len(codes):
            raise ValueError("courier codes must be unique")
        return v

    @field_validator("staff_admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, v: object) -> object:
        """`123,456`, `[123, 456]` or nothing."""
        if isinstance(v, str):
            text = v.strip().strip("[]")
            try:
                return [int(x) for x in text.replace(",", " ").split()]
            except ValueError:
                raise ValueError("must be Telegram user ids, e.g. 123456,789012") from None
        return v

    @field_validator("shipping_options")
    @classmethod
    def _shipping(cls, v: list[ShippingOption]) -> list[ShippingOption]:
        if not v:
            raise ValueError("needs at least one shipping option")
        codes = [o.code for o in v]
        if len(set(codes)) != len(codes):
            raise ValueError("shipping option codes must be unique")
        return v

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def shipping(self, code: str) -> ShippingOption | None:
        return next((o for o in self.shipping_options if o.code == code), None)


def describe_error(exc: ValidationError) -> str:
    """One line naming the first bad setting, as the environment variable a user would set."""
    err = exc.errors()[0]
    name = "__".join(str(p) for p in err["loc"]).upper() or "settings"
    if err["type"] == "missing":
        return f"Setting {name} is missing (set it in the environment or .env)"
    return f"Setting {name} is invalid: {err['msg'].removeprefix('Value error, ')}"
