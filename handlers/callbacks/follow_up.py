"""The buttons under the messages the bot sends a customer on its own: "received", the
delivery check, the survey, and turning reminders or surveys off."""

from __future__ import annotations

from typing import Annotated

from handlers.callbacks.base import DELIVERY_CHECK, PREFERENCES, RECEIVED, SURVEY, Callback
from handlers.callbacks.fields import Coded, OrderNumber, Score


class Received(Callback, prefix=RECEIVED):
    """rcv:<order no> — the customer confirms arrival."""

    number: OrderNumber


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


class PreferenceOff(Callback, prefix=PREFERENCES, word="off"):
    """pref:off:<rem|srv> — turn a topic off from a reminder or survey."""

    topic: Annotated[str, Coded(PREFERENCE_TOPICS)]
