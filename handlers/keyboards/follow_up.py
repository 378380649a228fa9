"""Keyboards under the messages the bot sends a customer on its own (bot/ renders them):
order notices, the shipment notice, reminders, the delivery check and the survey."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from domain.models import Order, Status
from handlers import callbacks as cb
from handlers.keyboards.base import Rows, button
from messages import Messages


def order_notice(messages: Messages, lang: str, order: Order) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(messages, lang, "see_order", cb.OrderView(number=order.number))]]
    )


def shipped_notice(
    messages: Messages, lang: str, order: Order, tracking_url: str | None
) -> InlineKeyboardMarkup:
    """The customer's shipment notice: confirm arrival, follow the parcel, see the order."""
    rows: Rows = []
    if order.status == Status.SHIPPED:
        rows.append([button(messages, lang, "received", cb.Received(number=order.number))])
    if tracking_url:
        rows.append([InlineKeyboardButton(messages.button(lang, "track_parcel"), url=tracking_url)])
    rows.append([button(messages, lang, "see_order", cb.OrderView(number=order.number))])
    return InlineKeyboardMarkup(rows)


def _off(messages: Messages, lang: str, topic: str) -> InlineKeyboardButton:
    """Turn reminders (rem) or surveys (srv) off straight from the message that asks."""
    off = cb.PreferenceOff(topic=cb.PREFERENCE_TOPICS[topic])
    return button(messages, lang, f"{topic}_off", off)


def payment_reminder(messages: Messages, lang: str, number: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(messages, lang, "see_order", cb.OrderView(number=number))],
            [_off(messages, lang, "rem")],
        ]
    )


def cart_reminder(messages: Messages, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(messages, lang, "cart", cb.CartView()),
                button(messages, lang, "checkout", cb.CartCheckout()),
            ],
            [_off(messages, lang, "rem")],
        ]
    )


def delivery_check(messages: Messages, lang: str, number: str) -> InlineKeyboardMarkup:
    def answer(key: str, code: str) -> InlineKeyboardButton:
        return button(messages, lang, key, cb.DeliveryAnswer(answer=code, number=number))

    return InlineKeyboardMarkup(
        [
            [answer("delivery_received", "received")],
            [answer("delivery_not_yet", "not_yet"), answer("delivery_problem", "problem")],
        ]
    )


def survey_scores(messages: Messages, lang: str, number: str) -> InlineKeyboardMarkup:
    def score(n: int) -> InlineKeyboardButton:
        data = cb.SurveyScore(number=number, score=n)
        return button(messages, lang, "survey_score", data, score=n)

    return InlineKeyboardMarkup(
        [
            [score(n) for n in range(0, 6)],
            [score(n) for n in range(6, 11)],
            [_off(messages, lang, "srv")],
        ]
    )
