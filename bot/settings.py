"""Settings from the environment and `.env` (pydantic-settings)."""

from __future__ import annotations

import os
import re
import socket
from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.durations import parse_duration
from domain.aftersales.windows import ReturnPolicy
from domain.fulfilment.couriers import DEFAULT_COURIERS, Courier, CourierBook
from domain.fulfilment.invoices import Issuer
from domain.models import ShippingOption
from domain.reports.report import ReportPolicy
from domain.schedule.policy import Policy
from domain.schedule.quiet_hours import QuietHours, parse_clock, parse_window
from domain.staff_group import TOPICS, StaffGroup
from domain.store.sqlite import parse_location

DEFAULT_SHIPPING = [
    ShippingOption(code="reg", name="JNE REG (2–3 hari)", fee=15_000),
    ShippingOption(code="yes", name="JNE YES (1 hari)", fee=28_000),
    ShippingOption(code="sicepat", name="SiCepat HALU", fee=12_000),
    ShippingOption(code="pickup", name="Ambil di toko", fee=0),
]


def default_worker_name() -> str:
    """`<hostname>-<pid>`: unique per process on a host, and says where a claim came from."""
    return f"{socket.gethostname()}-{os.getpid()}"


class BankAccount(BaseModel):
    bank: str = "BCA"
    number: str = "1234567890"
    holder: str = "Toko Kami"


_CONFIG = SettingsConfigDict(
    env_file=".env", env_file_encoding="utf-8", extra="ignore", env_nested_delimiter="__"
)


class StoreSettings(BaseSettings):
    """What commands that only touch the database need (e.g. the catalog import)."""

    model_config = _CONFIG

    database_path: Path = Path("data/orders.db")
    # `sqlite:///path` or `postgresql://user:password@host:port/db`; empty: DATABASE_PATH.
    database_url: str = ""

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, v: str) -> str:
        v = v.strip()
        if not v:
            return v
        if v.startswith(("postgresql://", "postgres://")):
            if not urlsplit(v).path.strip("/") and "dbname=" not in v:
                raise ValueError("names no database (postgresql://user:password@host/DBNAME)")
            return v
        if v.startswith("sqlite:///") and len(v) > len("sqlite:///"):
            return v
        raise ValueError("must be sqlite:///path/to/orders.db or postgresql://user@host/db")

    @property
    def database(self) -> Path | str:
        """Where the store is: a SQLite file's path, or a PostgreSQL URL."""
        if not self.database_url:
            return self.database_path
        return parse_location(self.database_url)


class Settings(StoreSettings):
    bot_token: SecretStr
    staff_chat_id: int
    telegram_api_url: str = "https://api.telegram.org"
    # Webhook mode when WEBHOOK_URL is set (the public URL Telegram posts to); else polling.
    webhook_url: str = ""
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0:8443"  # host:port the bot's HTTP server binds
    # This process's name on the claims it takes in a shared database (outbox rows, updates):
    # unique per running worker; default `<hostname>-<pid>`.
    worker_name: str = Field(default_factory=default_worker_name, min_length=1, max_length=200)
    inbox_lease: timedelta = timedelta(seconds=30)  # a dead worker's updates wait this long
    update_replay_age: timedelta = timedelta(minutes=10)  # older: "interrupted", not replayed
    update_retention: timedelta = timedelta(days=7)  # done updates kept this long
    conversation_timeout: timedelta = timedelta(hours=24)  # a step left longer: it ends
    default_language: Literal["id", "en"] = "id"
    timezone: str = "Asia/Jakarta"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    shop_name: str = "Toko Kami"
    shop_address: str = "Jl. Contoh No. 1, Jakarta"
    shop_tax_id: str = ""
    # VAT (PPN): only a registered seller (PKP) may show it; prices then include it.
    shop_vat_registered: bool = False
    vat_rate: Decimal = Field(Decimal(11), gt=0, le=100)  # percent
    bank: BankAccount = Field(default_factory=BankAccount)
    shipping_options: list[ShippingOption] = Field(default_factory=lambda: list(DEFAULT_SHIPPING))
    cod_enabled: bool = True
    # COD no longer offered to a customer with this many refused COD parcels (off: none/0).
    cod_max_refusals: int | None = Field(None, ge=0, le=1000)

    # Staff workflow.
    couriers: list[Courier] = Field(default_factory=lambda: list(DEFAULT_COURIERS))
    invoice_at: Literal["verification", "shipment", "manual"] = "shipment"
    # Empty: every staff member may change stock; else only these Telegram user ids.
    staff_admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    # A forum staff group: topic name → thread id (`orders=12,returns=15`); empty: General.
    staff_topics: Annotated[dict[str, int], NoDecode] = Field(default_factory=dict)

    # Outbound limits (Telegram: ~30 msg/s overall, 20 msg/min per group).
    rate_limit_overall_per_second: float = Field(30, gt=0)
    rate_limit_group_per_minute: float = Field(20, gt=0)
    rate_limit_chat_per_second: float = Field(1, gt=0)  # per private chat

    # Inbound: updates handled at once (each chat still in order), and flood control per
    # customer: past FLOOD_LIMIT updates in FLOOD_WINDOW_SECONDS the rest is dropped (0: off).
    concurrent_updates: int = Field(128, ge=1, le=1024)
    flood_limit: int = Field(20, ge=0)
    flood_window_seconds: float = Field(10, gt=0, le=3600)

    # Scheduled follow-up. Durations: hours (6, 0.5), units (90m, 2d, 1d12h) or ISO (PT6H).
    payment_reminder_after: timedelta = timedelta(hours=6)
    payment_last_reminder_before: timedelta = timedelta(hours=2)  # before expiry
    payment_expire_after: timedelta = timedelta(hours=24)
    nudge_verification_after: timedelta = timedelta(hours=2)
    nudge_packing_after: timedelta = timedelta(hours=24)
    nudge_shipment_after: timedelta = timedelta(hours=48)
    nudge_every: timedelta = timedelta(hours=1)  # at most one nudge message per period
    digest_at: time = time(8, 0)  # shop's zone
    delivery_check_after: timedelta = timedelta(days=3)  # after shipment
    auto_deliver_after: timedelta = timedelta(days=7)  # after shipment, without an answer
    survey_after: timedelta = timedelta(days=2)  # after delivery
    abandoned_cart_after: timedelta = timedelta(days=1)
    quiet_hours: str = "21:00-08:00"  # shop's zone; "off" for none
    # Off for tests that must not depend on the time of day. Several workers on one database
    # may all run it: each due item is taken once (compare-and-set), whoever runs first.
    schedule_enabled: bool = True
    schedule_interval_seconds: float = Field(60, gt=0, le=3600)
    schedule_batch: int = Field(50, ge=1, le=10_000)  # per kind per run: spreads a backlog

    # Reports (/laporan, /ekspor, the digest's chart).
    shipment_sla: timedelta = timedelta(hours=48)  # verified → shipped, for late dispatch
    digest_chart: bool = True
    # After-sales, the customer's side: complaints within RETURN_WINDOW of delivery; "change of
    # mind" only when the shop allows it, within its own window.
    return_window: timedelta = timedelta(hours=48)
    return_change_of_mind: bool = False
    return_change_of_mind_window: timedelta = timedelta(days=7)

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

    @field_validator(
        "payment_reminder_after",
        "payment_last_reminder_before",
        "payment_expire_after",
        "nudge_verification_after",
        "nudge_packing_after",
        "nudge_shipment_after",
        "nudge_every",
        "delivery_check_after",
        "auto_deliver_after",
        "survey_after",
        "abandoned_cart_after",
        "shipment_sla",
        "return_window",
        "return_change_of_mind_window",
        "inbox_lease",
        "update_replay_age",
        "update_retention",
        "conversation_timeout",
        mode="before",
    )
    @classmethod
    def _duration(cls, v: object) -> timedelta:
        return parse_duration(v)

    @field_validator("cod_max_refusals", mode="before")
    @classmethod
    def _refusals(cls, v: object) -> object:
        if isinstance(v, str) and v.strip().lower() in ("", "off", "none", "no"):
            return None
        return v

    @field_validator("digest_at", mode="before")
    @classmethod
    def _clock(cls, v: object) -> object:
        return parse_clock(v) if isinstance(v, str) else v

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, v: str) -> str:
        window = parse_window(v)
        return "off" if window is None else f"{window[0]:%H:%M}-{window[1]:%H:%M}"

    @model_validator(mode="after")
    def _schedule_order(self) -> Settings:
        if self.payment_reminder_after >= self.payment_expire_after:
            raise ValueError("PAYMENT_REMINDER_AFTER must be shorter than PAYMENT_EXPIRE_AFTER")
        if self.payment_last_reminder_before >= self.payment_expire_after:
            raise ValueError(
                "PAYMENT_LAST_REMINDER_BEFORE must be shorter than PAYMENT_EXPIRE_AFTER"
            )
        if self.shop_vat_registered and not self.shop_tax_id.strip():
            raise ValueError("SHOP_VAT_REGISTERED needs SHOP_TAX_ID (the seller's NPWP)")
        if self.delivery_check_after >= self.auto_deliver_after:
            raise ValueError("DELIVERY_CHECK_AFTER must be shorter than AUTO_DELIVER_AFTER")
        return self

    @field_validator("telegram_api_url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return v.rstrip("/")

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, v: str) -> str:
        v = v.strip()
        if v and (not v.startswith(("https://", "http://")) or not urlsplit(v).hostname):
            raise ValueError("must be the public https:// URL Telegram posts updates to")
        return v

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", v.get_secret_value()):
            raise ValueError("must be 1–256 characters: letters, digits, _ and - (Telegram's rule)")
        return v

    @field_validator("worker_name", mode="before")
    @classmethod
    def _worker_name(cls, v: object) -> object:
        """Blank means the default; spaces around are dropped."""
        if isinstance(v, str):
            return v.strip() or default_worker_name()
        return v

    @field_validator("webhook_listen")
    @classmethod
    def _listen(cls, v: str) -> str:
        host, sep, port = v.strip().rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("must be host:port, e.g. 0.0.0.0:8443")
        return v.strip()

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError("WEBHOOK_URL needs WEBHOOK_SECRET (checked on every request)")
        return self

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

    @field_validator("staff_topics", mode="before")
    @classmethod
    def _topics(cls, v: object) -> object:
        """`orders=12,returns=15,reports=18,alerts=20` (or nothing): each name once, a known
        topic, with a positive thread id."""
        if not isinstance(v, str):
            return v
        topics: dict[str, int] = {}
        for part in v.replace(";", ",").split(","):
            if not part.strip():
                continue
            name, sep, value = (x.strip() for x in part.partition("="))
            name = name.lower()
            if not sep or not value.isdigit() or int(value) < 1:
                raise ValueError(
                    f"{part.strip()!r} is not topic=thread id, e.g. orders=12,returns=15"
                )
            if name not in TOPICS:
                raise ValueError(f"unknown topic {name!r} (known: {', '.join(TOPICS)})")
            if name in topics:
                raise ValueError(f"topic {name!r} is given twice")
            topics[name] = int(value)
        return topics

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


# ---------------------------------------------------------------- the domain's policies
# What the settings mean to the domain, built once by the composition root (bot/app.py).


def courier_book(settings: Settings) -> CourierBook:
    return CourierBook(settings.couriers)


def staff_group(settings: Settings) -> StaffGroup:
    """The staff group starting from STAFF_CHAT_ID (followed through upgrades once loaded)."""
    return StaffGroup(settings.staff_chat_id, settings.staff_topics)


def issuer(settings: Settings) -> Issuer:
    return Issuer(
        shop_name=settings.shop_name,
        shop_address=settings.shop_address,
        tax_id=settings.shop_tax_id,
        bank_name=settings.bank.bank,
        bank_number=settings.bank.number,
        bank_holder=settings.bank.holder,
        timezone=settings.timezone,
        vat_rate=settings.vat_rate if settings.shop_vat_registered else Decimal(0),
    )


def report_policy(settings: Settings) -> ReportPolicy:
    return ReportPolicy(
        shipment_sla=settings.shipment_sla,
        vat_registered=settings.shop_vat_registered,
        vat_rate=settings.vat_rate,
    )


def return_policy(settings: Settings) -> ReturnPolicy:
    """When customers may complain (domain/aftersales/windows.py), built once at start."""
    return ReturnPolicy(
        return_window=settings.return_window,
        change_of_mind=settings.return_change_of_mind,
        change_of_mind_window=settings.return_change_of_mind_window,
    )


def policy_from(settings: Settings) -> Policy:
    """The scheduled follow-up's policy."""
    zone = settings.zone
    window = parse_window(settings.quiet_hours)
    quiet = QuietHours(*window, zone) if window else QuietHours.off(zone)
    return Policy(
        zone=zone,
        quiet=quiet,
        payment_reminder_after=settings.payment_reminder_after,
        payment_last_before=settings.payment_last_reminder_before,
        payment_expire_after=settings.payment_expire_after,
        verification_limit=settings.nudge_verification_after,
        packing_limit=settings.nudge_packing_after,
        shipment_limit=settings.nudge_shipment_after,
        nudge_every=settings.nudge_every,
        digest_at=settings.digest_at,
        delivery_check_after=settings.delivery_check_after,
        auto_deliver_after=settings.auto_deliver_after,
        survey_after=settings.survey_after,
        abandoned_cart_after=settings.abandoned_cart_after,
        batch=settings.schedule_batch,
    )


def describe_error(exc: ValidationError) -> str:
    """One line naming the first bad setting, as the environment variable a user would set."""
    err = exc.errors()[0]
    message = err["msg"].removeprefix("Value error, ")
    if not err["loc"]:  # a rule between settings: its message names them
        return f"Settings do not fit together: {message}"
    name = "__".join(str(p) for p in err["loc"]).upper()
    if err["type"] == "missing":
        return f"Setting {name} is missing (set it in the environment or .env)"
    return f"Setting {name} is invalid: {message}"
