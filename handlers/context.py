"""The shop's services as handlers and jobs see them.

Built once by the composition root (bot/app.py) and reached through python-telegram-bot's
custom context (`ContextTypes(context=ShopContext, bot_data=<a BotData>)`, as in PTB's
contexttypesbot example): `context.shop.store`, `.messages`, `.desk`… — typed attributes, no
string keys, and nothing rebuilt per update. bot_data is an object, not a dict: bot/app.py
sets `shop` (and keeps its outbox sender there) once, before the first update. Handlers
import nothing from bot/ at run time: `Settings` is named here for type checkers only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from telegram.ext import CallbackContext, ExtBot

from domain.aftersales.windows import ReturnPolicy
from domain.fulfilment.couriers import CourierBook
from domain.fulfilment.desk import OrderDesk
from domain.reports.report import ReportPolicy
from domain.schedule.policy import Policy
from domain.staff_group import StaffGroup
from domain.store import Store
from messages import Messages

if TYPE_CHECKING:
    from bot.settings import Settings


@dataclass(frozen=True)
class Shop:
    settings: Settings
    store: Store
    messages: Messages
    couriers: CourierBook
    desk: OrderDesk  # the staff's use cases (verify, pack, ship, …) with their policy
    schedule: Policy  # the scheduled follow-up's timings, quiet hours and limits
    # The staff group now (followed through upgrades): `chat_id in shop.staff` says whether
    # a chat is it. Never read STAFF_CHAT_ID from the settings: it may be out of date.
    staff: StaffGroup
    reports: ReportPolicy  # /laporan: the shipment SLA, VAT
    # Deliver the outbox soon, without waiting for the next periodic run (something was
    # just queued). The sender itself stays in bot/: handlers only ask it to hurry.
    kick: Callable[[], None]
    # When a customer may still complain about a delivered order (RETURN_* settings).
    returns: ReturnPolicy = field(default_factory=ReturnPolicy)


class BotData:
    """The application's bot_data (not persisted: rebuilt at every start)."""

    def __init__(self) -> None:
        self._shop: Shop | None = None

    @property
    def shop(self) -> Shop:
        if self._shop is None:
            raise RuntimeError("the shop is set by bot.app.build_application")
        return self._shop

    @shop.setter
    def shop(self, shop: Shop) -> None:
        self._shop = shop


class ShopContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """The `context` of every handler, error handler and job of the bot."""

    @property
    def shop(self) -> Shop:
        return self.bot_data.shop
