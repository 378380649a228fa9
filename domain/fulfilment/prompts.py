"""Open questions in the staff group: the bot asked for a tracking number, a reason or a note
and waits for a reply to that message. Kept in the store, so a restart loses none."""

from __future__ import annotations

from dataclasses import dataclass

from domain.ordering.staff_actions import Action
from domain.store import Store
from domain.store import staff_messages as staff_message_rows

PROMPTED: frozenset[Action] = frozenset(
    {Action.VERIFY, Action.REJECT, Action.CANCEL, Action.NOTE, Action.SHIP}
)


@dataclass(frozen=True, slots=True)
class Prompt:
    chat_id: int
    message_id: int
    order_id: int
    action: Action
    courier: str | None
    closed: bool = False


async def open_prompt(
    store: Store,
    chat_id: int,
    message_id: int,
    order_id: int,
    action: Action,
    *,
    courier: str | None = None,
    created_by: int | None = None,
) -> Prompt:
    if action not in PROMPTED:
        raise ValueError(f"no prompt for {action}")
    async with store.transaction() as db:
        await staff_message_rows.add_prompt(
            db, chat_id, message_id, order_id, action, courier, created_by, store.now()
        )
    return Prompt(chat_id, message_id, order_id, action, courier)


async def find_prompt(store: Store, chat_id: int, message_id: int) -> Prompt | None:
    row = await staff_message_rows.prompt(store.reader, chat_id, message_id)
    if row is None:
        return None
    return Prompt(
        row["chat_id"],
        row["message_id"],
        row["order_id"],
        Action(row["action"]),
        row["courier"],
        closed=row["closed_at"] is not None,
    )


async def close_prompt(store: Store, chat_id: int, message_id: int) -> None:
    """Answered or overtaken; kept, so a late reply hears that it is closed."""
    async with store.transaction() as db:
        await staff_message_rows.close_prompt(db, chat_id, message_id, store.now())
