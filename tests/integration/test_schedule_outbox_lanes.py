"""The sender keeps the one limiter busy: chats in parallel, each chat in order, and the staff
group's slow lane (20 a minute) never holds up the customers' messages."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.notices import RENDERERS, NoticeKit
from bot.sender import OutboxSender
from bot.settings import Settings, courier_book, policy_from
from domain import outbox
from domain.outbox import Kind, OutboxMessage
from domain.store import Store
from messages import Messages

# Any kind will do: each test puts its own renderer in for it.
LANE_TEST = Kind.DAILY_DIGEST


def sender_for(store: Store) -> OutboxSender:
    settings = Settings(_env_file=None, bot_token="1:a", staff_chat_id=-100)  # type: ignore[call-arg]
    return OutboxSender(
        NoticeKit(settings, store, Messages(), courier_book(settings), policy_from(settings))
    )


async def queue(store: Store, audience: str, n: int, chat_id: int | None = None) -> None:
    async with store.transaction() as db:
        await outbox.enqueue(
            db,
            audience=audience,  # type: ignore[arg-type]
            chat_id=chat_id,
            kind=LANE_TEST,
            payload={"n": n},
            now=store.now(),
        )


async def test_a_staff_backlog_does_not_hold_customer_messages(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = asyncio.Event()
    sent: list[tuple[int, int]] = []

    async def render(deps: Any, bot: Any, chat_id: int, message: OutboxMessage) -> int:
        if message.audience == "staff":
            await gate.wait()  # as if the group's limit made it wait
        sent.append((chat_id, message.payload["n"]))
        return len(sent)

    monkeypatch.setitem(RENDERERS, LANE_TEST, render)
    sender = sender_for(store)
    await queue(store, "staff", 1)
    await queue(store, "customer", 2, chat_id=1001)
    first = asyncio.create_task(sender.run(None))  # type: ignore[arg-type]
    # Until the customers' drain has recorded its send and stopped (not merely rendered):
    # a kick while it still runs is left to that drain, and would count there.
    customers_done = False
    for _ in range(500):
        await asyncio.sleep(0.01)
        customers_done = bool(sent) and not sender._locks["customer"].locked()
        if customers_done:
            break
    assert customers_done
    assert sent == [(1001, 2)]

    await queue(store, "customer", 3, chat_id=1002)
    assert await sender.run(None) == 1  # type: ignore[arg-type]  # staff still draining
    assert sent == [(1001, 2), (1002, 3)]

    gate.set()
    assert await first == 2
    assert sent[-1] == (-100, 1)


async def test_one_chat_in_order_many_chats_at_once(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[int] = []
    sent: list[tuple[int, int]] = []
    both_started = asyncio.Event()

    async def render(deps: Any, bot: Any, chat_id: int, message: OutboxMessage) -> int:
        started.append(chat_id)
        if len(set(started)) == 2:
            both_started.set()
        await asyncio.wait_for(both_started.wait(), 1)  # needs the other chat in parallel
        sent.append((chat_id, message.payload["n"]))
        return len(sent)

    monkeypatch.setitem(RENDERERS, LANE_TEST, render)
    for n in range(3):
        await queue(store, "customer", n, chat_id=1001)
    await queue(store, "customer", 9, chat_id=1002)
    assert await sender_for(store).run(None) == 4  # type: ignore[arg-type]
    assert [n for chat, n in sent if chat == 1001] == [0, 1, 2]


async def test_a_kick_during_a_drain_is_not_lost(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Handlers run concurrently: one may queue and kick while a drain is on its last batch."""
    gate = asyncio.Event()
    sent: list[int] = []

    async def render(deps: Any, bot: Any, chat_id: int, message: OutboxMessage) -> int:
        if message.payload["n"] == 1:
            await gate.wait()  # the drain has read its batch and is sending
        sent.append(message.payload["n"])
        return len(sent)

    monkeypatch.setitem(RENDERERS, LANE_TEST, render)
    sender = sender_for(store)
    await queue(store, "customer", 1, chat_id=1001)
    first = asyncio.create_task(sender.run(None))  # type: ignore[arg-type]
    for _ in range(50):
        await asyncio.sleep(0.01)
        if first.done() or sender._locks["customer"].locked():
            break
    await queue(store, "customer", 2, chat_id=1002)
    assert await sender.run(None) == 0  # type: ignore[arg-type]  # the kick finds it busy
    gate.set()
    assert await first == 2
    assert sent == [1, 2]


async def test_a_misspelled_kind_is_refused_when_queued(store: Store) -> None:
    """Not a "failed" row later: the change that queues it fails, and nothing is written."""
    with pytest.raises(ValueError, match="order_crad"):
        async with store.transaction() as db:
            await outbox.enqueue(
                db, audience="staff", kind="order_crad", now=store.now()  # type: ignore[arg-type]
            )
    assert await outbox.counts(store) == {}
