"""Renderers of the scheduled follow-up's outbox kinds (registered with bot.notifications).

A reminder is checked again when it is sent, not only when it was queued: one held overnight
by quiet hours is dropped if the order was paid, the cart emptied or the customer opted out
meanwhile (the renderer then returns None and nothing is sent).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode

from bot.notifications import renderer
from domain import cart as carts
from domain.clock import from_db
from domain.customers import language_of
from domain.models import Order, PaymentMethod, PaymentStatus, Status
from domain.order_reads import load_order
from domain.preferences import get_preferences
from domain.surveys import survey_of_order
from handlers import keyboards

if TYPE_CHECKING:
    from bot.deps import Deps
    from domain.outbox import OutboxMessage

log = logging.getLogger(__name__)


async def _send(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> int:
    sent = await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup)
    return sent.message_id


def _skip(message: OutboxMessage, why: str) -> None:
    log.info("outbox %s (%s) not sent: %s", message.id, message.kind, why)


def shipped_at(order: Order) -> datetime | None:
    return next(
        (e.at for e in reversed(order.events) if e.kind == "status" and e.to_status == "shipped"),
        None,
    )


async def _order(deps: Deps, message: OutboxMessage) -> Order:
    assert message.order_id is not None
    return await load_order(deps.store.reader, message.order_id)


# ---------------------------------------------------------------- customers


@renderer("payment_reminder")
async def payment_reminder(
    deps: Deps, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    return await _payment_reminder(deps, bot, chat_id, message, last=False)


@renderer("payment_last")
async def payment_last(deps: Deps, bot: Bot, chat_id: int, message: OutboxMessage) -> int | None:
    return await _payment_reminder(deps, bot, chat_id, message, last=True)


async def _opted_out(
    deps: Deps, chat_id: int, message: OutboxMessage, kind: Literal["reminders", "surveys"]
) -> bool:
    """Checked again at sending: a message held for quiet hours respects a later opt-out."""
    if getattr(await get_preferences(deps.store, chat_id), kind):
        return False
    _skip(message, f"customer turned {kind} off")
    return True


async def _payment_reminder(
    deps: Deps, bot: Bot, chat_id: int, message: OutboxMessage, *, last: bool
) -> int | None:
    order = await _order(deps, message)
    if not (
        order.status == Status.PLACED
        and order.payment_method == PaymentMethod.TRANSFER
        and order.payment_status == PaymentStatus.UNPAID
    ):
        _skip(message, "no longer awaiting payment")
        return None
    if await _opted_out(deps, chat_id, message, "reminders"):
        return None
    lang = await language_of(deps.store, chat_id, deps.settings.default_language)
    text = deps.messages.render(
        lang,
        "reminder_payment",
        order=order,
        bank=deps.settings.bank,
        expires_at=from_db(message.payload["expires_at"]),
        last=last,
    )
    return await _send(
        bot, chat_id, text, keyboards.payment_reminder(deps.messages, lang, order.number)
    )


@renderer("payment_expired")
async def payment_expired(deps: Deps, bot: Bot, chat_id: int, message: OutboxMessage) -> int | None:
    """A status message (sent even to customers who turned reminders off)."""
    order = await _order(deps, message)
    lang = await language_of(deps.store, chat_id, deps.settings.default_language)
    text = deps.messages.render(lang, "reminder_payment_expired", order=order)
    return await _send(bot, chat_id, text, keyboards.order_notice(deps.messages, lang, order))


@renderer("cart_reminder")
async def cart_reminder(deps: Deps, bot: Bot, chat_id: int, message: OutboxMessage) -> int | None:
    content = await carts.get_cart(deps.store, chat_id)
    if content.is_empty:
        _skip(message, "cart is empty now")
        return None
    if await _opted_out(deps, chat_id, message, "reminders"):
        return None
    lang = await language_of(deps.store, chat_id, deps.settings.default_language)
    text = deps.messages.render(lang, "reminder_cart", cart=content)
    return await _send(bot, chat_id, text, keyboards.cart_reminder(deps.messages, lang))


@renderer("delivery_check")
async def delivery_check(deps: Deps, bot: Bot, chat_id: int, message: OutboxMessage) -> int | None:
    order = await _order(deps, message)
    check = await deps.store.fetchone(
        "SELECT asks, answer FROM delivery_checks WHERE order_id = ?", (order.id,)
    )
    if order.status != Status.SHIPPED or check is None or check["answer"] is not None:
        _skip(message, "no longer on its way")
        return None
    if await _opted_out(deps, chat_id, message, "reminders"):
        return None
    lang = await language_of(deps.store, chat_id, deps.settings.default_language)
    text = deps.messages.render(
        lang,
        "delivery_check_ask",
        order=order,
        shipped_at=shipped_at(order),
        again=check["asks"] > 1,
    )
    return await _send(
        bot, chat_id, text, keyboards.delivery_check(deps.messages, lang, order.number)
    )


@renderer("auto_delivered")
async def auto_delivered(deps: Deps, bot: Bot, chat_id: int, message: OutboxMessage) -> int | None:
    """A status message (sent even to customers who turned reminders off)."""
    order = await _order(deps, message)
    lang = await language_of(deps.store, chat_id, deps.settings.default_language)
    text = deps.messages.render(
        lang, "delivery_check_auto", order=order, shop_name=deps.settings.shop_name
    )
    return await _send(bot, chat_id, text, keyboards.order_notice(deps.messages, lang, order))


@renderer("survey")
async def survey(deps: Deps, bot: Bot, chat_id: int, message: OutboxMessage) -> int | None:
    order = await _order(deps, message)
    current = await survey_of_order(deps.store, order.id)
    if current is None or current.state != "open" or deps.store.now() >= current.closes_at:
        _skip(message, "survey no longer open")
        return None
    if await _opted_out(deps, chat_id, message, "surveys"):
        return None
    lang = await language_of(deps.store, chat_id, deps.settings.default_language)
    text = deps.messages.render(lang, "survey_ask", order=order, shop_name=deps.settings.shop_name)
    return await _send(
        bot, chat_id, text, keyboards.survey_scores(deps.messages, lang, order.number)
    )


# ---------------------------------------------------------------- staff group


@renderer("payment_expired_staff")
async def payment_expired_staff(
    deps: Deps, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    orders = [await load_order(deps.store.reader, i) for i in message.payload["orders"]]
    hours = round(deps.settings.payment_expire_after.total_seconds() / 3600)
    # A whole batch may expire at once: as many as fit, and how many more.
    text = deps.messages.render_list(
        deps.settings.default_language,
        "nudge_payment_expired",
        lambda n: {"orders": orders[:n], "more": len(orders) - n, "hours": hours},
        len(orders),
    )
    return await _send(bot, chat_id, text)


@renderer("delivery_report")
async def delivery_report(deps: Deps, bot: Bot, chat_id: int, message: OutboxMessage) -> int | None:
    order = await _order(deps, message)
    lang = deps.settings.default_language
    text = deps.messages.render(
        lang,
        "nudge_delivery_report",
        order=order,
        answer=message.payload["answer"],
        shipped_at=shipped_at(order),
    )
    return await _send(
        bot, chat_id, text, keyboards.staff_nudge(deps.messages, lang, [order.number])
    )


@renderer("survey_detractor")
async def survey_detractor(
    deps: Deps, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    order = await _order(deps, message)
    current = await survey_of_order(deps.store, order.id)
    if current is None or current.score is None:
        _skip(message, "no score")
        return None
    lang = deps.settings.default_language
    text = deps.messages.render(lang, "survey_detractor", order=order, survey=current)
    return await _send(
        bot, chat_id, text, keyboards.staff_nudge(deps.messages, lang, [order.number])
    )


@renderer("staff_nudge")
async def staff_nudge(deps: Deps, bot: Bot, chat_id: int, message: OutboxMessage) -> int | None:
    """Orders listed when the nudge was queued and still at that stage when it is sent."""
    stage_status = {"verification": "placed", "packing": "verified", "shipment": "packed"}
    limits = {
        "verification": deps.settings.nudge_verification_after,
        "packing": deps.settings.nudge_packing_after,
        "shipment": deps.settings.nudge_shipment_after,
    }
    now = deps.store.now()
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in message.payload["items"]:
        row = await deps.store.fetchone(
            "SELECT status FROM orders WHERE id = ?", (item["order_id"],)
        )
        if row is None or row["status"] != stage_status[item["stage"]]:
            continue
        hours = int((now - from_db(item["since"])).total_seconds() // 3600)
        groups.setdefault(item["stage"], []).append({"number": item["number"], "hours": hours})
    if not groups:
        _skip(message, "every order listed has moved on")
        return None
    lang = deps.settings.default_language
    text = deps.messages.render(
        lang,
        "nudge_staff",
        groups=[
            {
                "stage": stage,
                "limit_hours": int(limits[stage].total_seconds() // 3600),
                "orders": items,
            }
            for stage, items in groups.items()
        ],
    )
    numbers = [i["number"] for items in groups.values() for i in items]
    return await _send(bot, chat_id, text, keyboards.staff_nudge(deps.messages, lang, numbers))


@renderer("daily_digest")
async def daily_digest(deps: Deps, bot: Bot, chat_id: int, message: OutboxMessage) -> int | None:
    text = deps.messages.render(
        deps.settings.default_language,
        "digest_daily",
        d=message.payload,
        day=message.payload["day"],
        shop_name=deps.settings.shop_name,
    )
    return await _send(bot, chat_id, text)
