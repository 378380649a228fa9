"""The staff group on a real store and the outbox sender: an upgrade is kept and followed after
a restart; a migration error moves every staff message to the new id; while the bot is out of
the group staff messages wait in order (one ERROR an hour); topics route each kind; a customer
known to have blocked the bot costs no send."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden

from bot.notices import NoticeKit
from bot.sender import OutboxSender
from bot.settings import Settings, courier_book, policy_from, staff_group
from domain import customers
from domain.clock import FrozenClock
from domain.staff_group import StaffGroup
from domain.store import Store
from messages import Messages
from tests.integration.staff_support import SARI, flow, placed
from tests.integration.test_staff_outbox import STAFF_CHAT, FakeBot

NEW_CHAT = -1009998887776


def sender_for(store: Store, **values: object) -> tuple[OutboxSender, list[tuple[int, int]]]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, bot_token="123456:ABCDEF", staff_chat_id=STAFF_CHAT, **values
    )
    moves: list[tuple[int, int]] = []

    async def on_move(bot: Bot, old: int, new: int) -> None:
        moves.append((old, new))

    kit = NoticeKit(settings, store, Messages(), courier_book(settings), policy_from(settings))
    return OutboxSender(kit, staff_group(settings), on_move=on_move), moves


async def staff_rows(store: Store) -> list[tuple[str, str]]:
    rows = await store.fetchall("SELECT kind, state FROM outbox WHERE audience = 'staff'")
    return [(r["kind"], r["state"]) for r in rows]


async def test_an_upgrade_is_kept_and_followed_after_a_restart(
    db_location: Path | str, clock: FrozenClock
) -> None:
    path = db_location
    async with Store(path, clock) as store:
        group = StaffGroup(STAFF_CHAT)
        assert await group.move(store, -42, NEW_CHAT) is False  # not the staff group
        assert await group.move(store, STAFF_CHAT, NEW_CHAT) is True
        assert await group.move(store, STAFF_CHAT, NEW_CHAT) is False  # told twice: once
        assert group.chat_id == NEW_CHAT
    async with Store(path, clock) as store:
        again = StaffGroup(STAFF_CHAT)  # STAFF_CHAT_ID not updated in .env
        assert await again.load(store) == NEW_CHAT and again.moved
        updated = StaffGroup(NEW_CHAT)  # updated: the same group, nothing to say
        assert await updated.load(store) == NEW_CHAT and not updated.moved
        elsewhere = StaffGroup(-1001111111111)  # the shop chose another group: it wins
        assert await elsewhere.load(store) == -1001111111111


async def test_a_migration_error_moves_staff_messages_to_the_new_id(
    seeded_store: Store,
) -> None:
    store = seeded_store
    await flow(store).verify((await placed(store)).number, SARI)
    bot = FakeBot(failures={STAFF_CHAT: [ChatMigrated(NEW_CHAT)] * 20})
    sender, moves = sender_for(store)
    await sender.run(bot)  # type: ignore[arg-type]
    assert moves == [(STAFF_CHAT, NEW_CHAT)]  # announced once
    assert sender.staff.chat_id == NEW_CHAT
    staff_calls = [chat for _, chat, _ in bot.calls if chat < 0]
    assert staff_calls and set(staff_calls) == {NEW_CHAT}
    assert {state for _, state in await staff_rows(store)} == {"sent"}
    reopened = StaffGroup(STAFF_CHAT)
    assert await reopened.load(store) == NEW_CHAT


async def test_out_of_the_group_messages_wait_in_order_and_the_error_is_hourly(
    seeded_store: Store, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    store = seeded_store
    for user in (1001, 1002, 1003):
        await placed(store, user)
    bot = FakeBot(failures={STAFF_CHAT: [Forbidden("Forbidden: bot was kicked")] * 1000})
    sender, _ = sender_for(store)
    caplog.set_level(logging.ERROR)
    for _ in range(90):  # an hour and a half of the outbox job, a minute apart
        await sender.run(bot)  # type: ignore[arg-type]
        clock.advance(minutes=1)
    errors = [r for r in caplog.records if "cannot post to the staff group" in r.getMessage()]
    assert len(errors) == 2  # at once, and an hour later
    assert {state for _, state in await staff_rows(store)} == {"pending"}
    tries = 1000 - len(bot.failures[STAFF_CHAT])
    assert 80 <= tries <= 91  # the oldest message, once a minute: not the whole queue
    attempts = await store.fetchall("SELECT attempts FROM outbox WHERE audience = 'staff'")
    assert {r["attempts"] for r in attempts} == {0}  # waiting is not failing

    bot.failures[STAFF_CHAT].clear()  # added back
    await sender.run(bot)  # type: ignore[arg-type]
    cards = [kw["text"] for m, chat, kw in bot.calls if chat == STAFF_CHAT and m == "send_message"]
    numbers = [
        r["number"] for r in await store.fetchall("SELECT number FROM orders ORDER BY id")
    ]
    assert [next(n for n in numbers if n in text) for text in cards] == numbers
    assert not sender.staff.is_out


async def test_no_right_to_post_waits_like_being_removed(seeded_store: Store) -> None:
    store = seeded_store
    await placed(store)
    refusal = BadRequest("Not enough rights to send text messages to the chat")
    bot = FakeBot(failures={STAFF_CHAT: [refusal]})
    sender, _ = sender_for(store)
    await sender.run(bot)  # type: ignore[arg-type]
    rows = await staff_rows(store)
    assert ("order_card", "pending") in rows and {state for _, state in rows} == {"pending"}
    assert sender.staff.is_out


async def test_topics_route_each_kind_and_a_lost_topic_falls_back_to_general(
    seeded_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    store = seeded_store
    order = await placed(store)
    await flow(store).verify(order.number, SARI)
    bot = FakeBot(failures={STAFF_CHAT: [BadRequest("Message thread not found")]})
    sender, _ = sender_for(store, staff_topics="orders=12,alerts=20")
    caplog.set_level(logging.WARNING)
    await sender.run(bot)  # type: ignore[arg-type]
    threads = [
        kw.get("message_thread_id")
        for method, chat, kw in bot.calls
        if chat == STAFF_CHAT and method.startswith("send_")
    ]
    assert threads[0] is None  # the topic was gone: General
    assert len(threads) > 1 and set(threads[1:]) == {12}  # the receipt: the orders topic
    assert any("goes to the General topic" in r.getMessage() for r in caplog.records)
    customer_threads = {kw.get("message_thread_id") for _, chat, kw in bot.calls if chat > 0}
    assert customer_threads == {None}  # customers never get a thread


async def test_a_customer_known_to_have_blocked_the_bot_costs_no_send(
    seeded_store: Store,
) -> None:
    store = seeded_store
    order = await placed(store, 1001)
    await customers.blocked_bot(store, 1001)
    await flow(store).verify(order.number, SARI)  # a status notice queued after the block
    bot = FakeBot()
    sender, _ = sender_for(store)
    await sender.run(bot)  # type: ignore[arg-type]
    assert [c for _, c, _ in bot.calls if c == 1001] == []
    rows = await store.fetchall("SELECT state FROM outbox WHERE chat_id = 1001")
    assert rows and {r["state"] for r in rows} == {"unreachable"}

    assert await customers.unblocked_bot(store, 1001) is True
    assert await customers.unblocked_bot(store, 1001) is False
    await flow(store).pack(order.number, SARI)
    await sender.run(bot)  # type: ignore[arg-type]
    assert [c for _, c, _ in bot.calls if c == 1001] == [1001]
