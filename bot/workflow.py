"""The staff workflow's services, built from the settings (for handlers and renderers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.settings import Settings
from domain.couriers import CourierBook
from domain.fulfilment import Fulfilment, Policy
from domain.invoices import Issuer

if TYPE_CHECKING:
    from bot.deps import Deps


def courier_book(settings: Settings) -> CourierBook:
    return CourierBook(settings.couriers)


def issuer(settings: Settings) -> Issuer:
    return Issuer(
        shop_name=settings.shop_name,
        shop_address=settings.shop_address,
        tax_id=settings.shop_tax_id,
        bank_name=settings.bank.bank,
        bank_number=settings.bank.number,
        bank_holder=settings.bank.holder,
        timezone=settings.timezone,
    )


def fulfilment(deps: Deps) -> Fulfilment:
    settings = deps.settings
    return Fulfilment(
        deps.store,
        Policy(
            couriers=courier_book(settings),
            invoice_at=settings.invoice_at,
            issuer=issuer(settings),
        ),
    )
