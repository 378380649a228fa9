"""The bot's questions in the staff group about a complaint (part B): why it is rejected, what
evidence is missing, a return or follow-up parcel's tracking number, a split inspection, a
staff note. Kept in the staff_prompts table of the order's questions, so a restart loses none.

staff_prompts.action has a CHECK of the order actions (migration 002) and no migration number
was given to this part: an after-sales question is stored under the nearest order action and
told apart by its `courier` column, `cs:<ask>:<complaint id>[:<extra>]` (an order's courier
code never holds a colon). When a migration is available, widen the CHECK and store `ask`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.fulfilment import prompts
from domain.ordering.staff_actions import Action
from domain.store import Store

TAG = "cs"


class Ask(StrEnum):
    REJECT = "reject"  # the reason told to the customer
    EVIDENCE = "evidence"  # what more evidence the customer should send
    RETURN = "return"  # the return parcel's tracking number (extra: courier code)
    FOLLOW_UP = "follow_up"  # the follow-up parcel's tracking number (extra: courier code)
    INSPECT = "inspect"  # "resellable damaged" for one line (extra: line index)
    NOTE = "note"  # staff's own note


# The order action each question is stored under (the CHECK allows only those).
_STORED_AS: dict[Ask, Action] = {
    Ask.REJECT: Action.REJECT,
    Ask.EVIDENCE: Action.NOTE,
    Ask.RETURN: Action.SHIP,
    Ask.FOLLOW_UP: Action.SHIP,
    Ask.INSPECT: Action.NOTE,
    Ask.NOTE: Action.NOTE,
}


@dataclass(frozen=True, slots=True)
class ComplaintPrompt:
    chat_id: int
    message_id: int
    complaint_id: int
    ask: Ask
    extra: str | None
    closed: bool = False


def encode(ask: Ask, complaint_id: int, extra: str | None = None) -> str:
    return ":".join([TAG, ask.value, str(complaint_id), *([extra] if extra else [])])


def decode(prompt: prompts.Prompt) -> ComplaintPrompt | None:
    """The after-sales question a stored prompt is, or None (an order's own question)."""
    parts = (prompt.courier or "").split(":")
    if len(parts) not in (3, 4) or parts[0] != TAG or not parts[2].isdigit():
        return None
    try:
        ask = Ask(parts[1])
    except ValueError:
        return None
    return ComplaintPrompt(
        prompt.chat_id,
        prompt.message_id,
        int(parts[2]),
        ask,
        parts[3] if len(parts) == 4 else None,
        prompt.closed,
    )


async def open_prompt(
    store: Store,
    chat_id: int,
    message_id: int,
    order_id: int,
    complaint_id: int,
    ask: Ask,
    *,
    extra: str | None = None,
    created_by: int | None = None,
) -> ComplaintPrompt:
    await prompts.open_prompt(
        store,
        chat_id,
        message_id,
        order_id,
        _STORED_AS[ask],
        courier=encode(ask, complaint_id, extra),
        created_by=created_by,
    )
    return ComplaintPrompt(chat_id, message_id, complaint_id, ask, extra)
