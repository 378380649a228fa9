"""Renderers of the scheduled follow-up's outbox kinds (registered in bot.notices.registry).

A reminder is checked again when it is sent, not only when it was queued: one held overnight
by quiet hours is dropped if the order was paid, the cart emptied or the customer opted out
meanwhile (the renderer then returns None and nothing is sent). Whether it is still due is
the domain's answer (the module that queued it); a renderer loads, asks, renders and sends.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta
from typing import Literal

from telegram import Bot, InputFile
from telegram.error import TelegramError

from bot.notices.registry import NoticeKit, renderer, send_html, send_order_notice, thread
from domain.clock import from_db
from domain.ordering import cart as carts
from domain.ordering.order_reads import load_order
from domain.outbox import Kind, OutboxMessage
from domain.reports.periods import Period
from domain.reports.sales import sales_report
from domain.schedule import delivery_checks, nudges, payment_reminders, surveys
from domain.schedule.preferences import get_preferences
from handlers.keyboards import follow_up as notice_kb
from handlers.keyboards import staff as staff_kb
from messages import charts

log = logging.getLogger(__name__)
DIGEST_CHART_DAYS = 14


def _skip(message: OutboxMessage, why: str) -> None:
    log.info("outbox %s (%s) not sent: %s", message.id, message.kind, why)


# ---------------------------------------------------------------- customers


@renderer(Kind.PAYMENT_REMINDER)
async def payment_reminder(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    return await _payment_reminder(kit, bot, chat_id, message, last=False)


@renderer(Kind.PAYMENT_LAST)
async def payment_last(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    return await _payment_reminder(kit, bot, chat_id, message, last=True)


async def _still_to_send(
    kit: NoticeKit,
    chat_id: int,
    message: OutboxMessage,
    kind: Literal["reminders", "surveys"],
    stale: str | None,
) -> str | None:
    """The customer's language if the message is still to go; None (the reason logged) when
    `stale` says why it is no longer due, or the customer turned `kind` off meanwhile.
    Checked again at sending: a message held for quiet hours respects a later opt-out."""
    if stale is not None:
        _skip(message, stale)
        return None
    if not getattr(await get_preferences(kit.store, chat_id), kind):
        _skip(message, f"customer turned {kind} off")
        return None
    return await kit.language_of(chat_id)


async def _payment_reminder(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage, *, last: bool
) -> int | None:
    order = await kit.order_of(message)
    stale = None if payment_reminders.still_awaiting(order) else "no longer awaiting payment"
    lang = await _still_to_send(kit, chat_id, message, "reminders", stale)
    if lang is None:
        return None
    text = kit.messages.render(
        lang,
        "reminder_payment",
        order=order,
        bank=kit.settings.bank,
        expires_at=from_db(message.payload["expires_at"]),
        last=last,
    )
    return await send_html(
        bot, chat_id, text, notice_kb.payment_reminder(kit.messages, lang, order.number)
    )


@renderer(Kind.PAYMENT_EXPIRED)
async def payment_expired(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    """A status message (sent even to customers who turned reminders off)."""
    return await send_order_notice(kit, bot, chat_id, message, "reminder_payment_expired")


@renderer(Kind.CART_REMINDER)
async def cart_reminder(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    content = await carts.get_cart(kit.store, chat_id)
    stale = "cart is empty now" if content.is_empty else None
    lang = await _still_to_send(kit, chat_id, message, "reminders", stale)
    if lang is None:
        return None
    text = kit.messages.render(lang, "reminder_cart", cart=content)
    return await send_html(bot, chat_id, text, notice_kb.cart_reminder(kit.messages, lang))


@renderer(Kind.DELIVERY_CHECK)
async def delivery_check(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    order = await kit.order_of(message)
    asks = await delivery_checks.open_check(kit.store, order)
    stale = "no longer on its way" if asks is None else None
    lang = await _still_to_send(kit, chat_id, message, "reminders", stale)
    if lang is None or asks is None:
        return None
    text = kit.messages.render(
        lang,
        "delivery_check_ask",
        order=order,
        shipped_at=order.shipped_at,
        again=asks > 1,
    )
    return await send_html(
        bot, chat_id, text, notice_kb.delivery_check(kit.messages, lang, order.number)
    )


@renderer(Kind.AUTO_DELIVERED)
async def auto_delivered(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    """A status message (sent even to customers who turned reminders off)."""
    return await send_order_notice(
        kit, bot, chat_id, message, "delivery_check_auto", shop_name=kit.settings.shop_name
    )


@renderer(Kind.SURVEY)
async def survey(kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage) -> int | None:
    order = await kit.order_of(message)
    current = await surveys.survey_of_order(kit.store, order.id)
    is_open = current is not None and surveys.is_open(current, kit.store.now())
    lang = await _still_to_send(
        kit, chat_id, message, "surveys", None if is_open else "survey no longer open"
    )
    if lang is None:
        return None
    text = kit.messages.render(lang, "survey_ask", order=order, shop_name=kit.settings.shop_name)
    return await send_html(
        bot, chat_id, text, notice_kb.survey_scores(kit.messages, lang, order.number)
    )


# ---------------------------------------------------------------- staff group


@renderer(Kind.PAYMENT_EXPIRED_STAFF)
async def payment_expired_staff(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    orders = [await load_order(kit.store.reader, i) for i in message.payload["orders"]]
    hours = round(kit.settings.payment_expire_after.total_seconds() / 3600)
    # A whole batch may expire at once: as many as fit, and how many more.
    text = kit.messages.render_list(
        kit.settings.default_language,
        "nudge_payment_expired",
        lambda n: {"orders": orders[:n], "more": len(orders) - n, "hours": hours},
        len(orders),
    )
    return await send_html(bot, chat_id, text)


@renderer(Kind.DELIVERY_REPORT)
async def delivery_report(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    order = await kit.order_of(message)
    lang = kit.settings.default_language
    text = kit.messages.render(
        lang,
        "nudge_delivery_report",
        order=order,
        answer=message.payload["answer"],
        shipped_at=order.shipped_at,
    )
    return await send_html(
        bot, chat_id, text, staff_kb.staff_nudge(kit.messages, lang, [order.number])
    )


@renderer(Kind.SURVEY_DETRACTOR)
async def survey_detractor(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    order = await kit.order_of(message)
    current = await surveys.survey_of_order(kit.store, order.id)
    if current is None or current.score is None:
        _skip(message, "no score")
        return None
    lang = kit.settings.default_language
    text = kit.messages.render(lang, "survey_detractor", order=order, survey=current)
    return await send_html(
        bot, chat_id, text, staff_kb.staff_nudge(kit.messages, lang, [order.number])
    )


@renderer(Kind.STAFF_NUDGE)
async def staff_nudge(kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage) -> int | None:
    """Orders listed when the nudge was queued and still at that stage when it is sent."""
    groups = await nudges.still_waiting(kit.store, message.payload["items"], kit.schedule)
    if not groups:
        _skip(message, "every order listed has moved on")
        return None
    lang = kit.settings.default_language
    text = kit.messages.render(lang, "nudge_staff", groups=groups)
    numbers = [o["number"] for group in groups for o in group["orders"]]
    return await send_html(bot, chat_id, text, staff_kb.staff_nudge(kit.messages, lang, numbers))


@renderer(Kind.DAILY_DIGEST)
async def daily_digest(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage
) -> int | None:
    text = kit.messages.render(
        kit.settings.default_language,
        "digest_daily",
        d=message.payload,
        day=message.payload["day"],
        shop_name=kit.settings.shop_name,
    )
    sent = await send_html(bot, chat_id, text)
    if kit.settings.digest_chart:
        await _digest_chart(kit, bot, chat_id, date.fromisoformat(message.payload["day"]))
    return sent


async def _digest_chart(kit: NoticeKit, bot: Bot, chat_id: int, day: date) -> None:
    """The last 14 days' net sales under the digest. Optional: a failure is logged, and the
    digest (already sent) is not sent again for it."""
    lang = kit.settings.default_language
    period = Period("days", day - timedelta(days=DIGEST_CHART_DAYS - 1), day, kit.settings.zone)
    try:
        report = await sales_report(kit.store.reader, period)
        png = await asyncio.to_thread(charts.sales_chart, report, kit.messages, lang)
        await bot.send_photo(
            chat_id, InputFile(png, filename=f"penjualan_{day}.png"), message_thread_id=thread()
        )
    except TelegramError as exc:
        log.warning("digest chart not sent: %s", exc)
    except Exception:
        log.exception("digest chart failed")
