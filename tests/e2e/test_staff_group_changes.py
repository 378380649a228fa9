"""The staff group as it really changes, through the real Application and the fake Bot API:
Telegram upgrades it to a supergroup in the middle of a day's work (also across a restart),
the bot is removed and added back, the group runs topics; customers block and unblock."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from pathlib import Path

import psycopg
import pytest

from domain.customers import get_customer
from tests.e2e.harness import RunningBot, make_settings
from tests.e2e.test_staff_workflow import checkout, has, text_of
from tests.fakebotapi import FakeBotApi, FakeChat, FakeUser

OLD_GROUP = -4012345678  # a basic group, as a new shop creates it
NEW_GROUP = -1009876543210  # the supergroup Telegram makes of it


async def started(tg: FakeBotApi, db_location: Path | str, **settings: object) -> RunningBot:
    bot = RunningBot(tg, make_settings(tg, db_location, **settings))
    await bot.seed()
    await bot.start()
    return bot


def group_with_staff(tg: FakeBotApi, chat_id: int, *staff: FakeUser) -> FakeChat:
    return tg.group(chat_id, "Toko — Pesanan", bot_is_admin=True, admins=staff)


def sends_to(tg: FakeBotApi, chat_id: int) -> list[dict[str, object]]:
    return [
        p
        for name, p in tg.calls
        if name in ("sendMessage", "sendPhoto", "sendDocument") and p.get("chat_id") == chat_id
    ]


async def test_an_upgrade_mid_day_moves_cards_notices_and_commands_to_the_new_id(
    fake_tg: FakeBotApi, db_location: Path | str, caplog: pytest.LogCaptureFixture
) -> None:
    tg = fake_tg
    sari, budi, ani = tg.user(8001, "Sari"), tg.user(7001, "Budi"), tg.user(7002, "Ani")
    old = group_with_staff(tg, OLD_GROUP, sari)
    shop = await started(tg, db_location, staff_chat_id=OLD_GROUP)
    try:
        first = await checkout(tg, budi, "KOPI-GAYO-250")
        await tg.wait_bot_message(old, has(f"#{first}"))

        # Telegram upgrades the group; the bot is not told (it hears it from the next send).
        new = await tg.upgrade_to_supergroup(old, NEW_GROUP, by=sari, announce=False)
        caplog.set_level(logging.WARNING)
        second = await checkout(tg, ani, "KOPI-TORAJA-250")
        card = await tg.wait_bot_message(new, has(f"#{second}"))
        assert "Menunggu verifikasi" in text_of(card)
        failed = [v for v in tg.soft_errors if v.params.get("chat_id") == OLD_GROUP]
        old_sends = len(sends_to(tg, OLD_GROUP))
        assert [v.description for v in failed] == [
            "Bad Request: group chat was upgraded to a supergroup chat"
        ]
        note = await tg.wait_bot_message(new, has("supergrup", str(NEW_GROUP)), after=0)
        assert f"STAFF_CHAT_ID={NEW_GROUP}" in text_of(note)
        moved = [r for r in caplog.records if "upgraded the staff group" in r.getMessage()]
        assert len(moved) == 1 and moved[0].levelno == logging.WARNING
        assert f"set STAFF_CHAT_ID={NEW_GROUP} in .env" in moved[0].getMessage()
        # The staff command menu follows the group.
        scoped = tg.get_commands({"type": "chat", "chat_id": NEW_GROUP})
        assert "queue" in {c["command"] for c in scoped}

        # Staff commands work at once in the new group; later notices go there too.
        await tg.send_text(sari, f"/verify {first} transfer dicek", chat=new)
        await tg.wait_bot_message(budi, has("Terverifikasi"))
        redrawn = await tg.wait_bot_message(new, has(f"#{first}", "Terverifikasi"))
        assert redrawn.chat.id == NEW_GROUP  # the old card could not be edited: posted anew

        # After a restart the bot still knows where the group is (STAFF_CHAT_ID unchanged),
        # and says once that the setting is out of date.
        caplog.clear()
        await shop.restart()
        stale = [r for r in caplog.records if "moved from STAFF_CHAT_ID" in r.getMessage()]
        assert len(stale) == 1 and f"Set STAFF_CHAT_ID={NEW_GROUP}" in stale[0].getMessage()
        await tg.send_text(sari, "/queue", chat=new)
        queue = await tg.wait_bot_message(new)
        assert second in text_of(queue)
        await tg.send_text(sari, f"/pack {first}", chat=new)
        await tg.wait_bot_message(budi, has("Dikemas"))
        await tg.wait_for(
            lambda: any(f"#{first}" in text_of(m) and "Dikemas" in text_of(m)
                        for m in tg.bot_messages(new)),
            what="the card redrawn in the new group",
        )
        assert len(sends_to(tg, OLD_GROUP)) == old_sends  # nothing tried there after the move
        assert len(tg.bot_messages(old)) == 1  # the first card only
        tg.assert_clean()
    finally:
        await shop.stop()


async def test_the_upgrade_told_by_telegram_switches_at_once_and_once(
    fake_tg: FakeBotApi, db_location: Path | str, caplog: pytest.LogCaptureFixture
) -> None:
    tg = fake_tg
    sari, budi = tg.user(8001, "Sari"), tg.user(7001, "Budi")
    old = group_with_staff(tg, OLD_GROUP, sari)
    shop = await started(tg, db_location, staff_chat_id=OLD_GROUP)
    try:
        caplog.set_level(logging.WARNING)
        new = await tg.upgrade_to_supergroup(old, NEW_GROUP, by=sari)  # both service messages
        await tg.wait_bot_message(new, has("supergrup"))
        await tg.send_text(sari, "/queue", chat=new)
        await tg.wait_bot_message(new)  # answered: the new id is the staff group
        number = await checkout(tg, budi, "KOPI-GAYO-250")
        await tg.wait_bot_message(new, has(f"#{number}"))
        assert sends_to(tg, OLD_GROUP) == []  # never a failed send: the update came first
        moved = [r for r in caplog.records if "upgraded the staff group" in r.getMessage()]
        assert len(moved) == 1
        assert len([m for m in tg.bot_messages(new) if "supergrup" in text_of(m)]) == 1
        tg.assert_clean()
    finally:
        await shop.stop()


async def test_removed_then_added_back_loses_nothing_and_keeps_the_order(
    fake_tg: FakeBotApi, db_location: Path | str, caplog: pytest.LogCaptureFixture
) -> None:
    tg = fake_tg
    sari = tg.user(8001, "Sari")
    buyers = [tg.user(7001 + i, f"Pembeli{i}") for i in range(3)]
    shop = await started(tg, db_location)
    group = shop.staff
    group.members[sari.id] = "administrator"
    try:
        caplog.set_level(logging.ERROR)
        await tg.set_bot_status(group, "kicked", by=sari)
        await tg.wait_for(
            lambda: any("cannot post to the staff group" in r.getMessage() for r in caplog.records),
            what="the ERROR line",
        )
        numbers = [await checkout(tg, b, "KOPI-GAYO-250") for b in buyers]
        # The customers heard; the group got nothing, and nothing was given up or dropped.
        assert tg.bot_messages(group) == []
        waiting = await shop.store.fetchall(
            "SELECT state FROM outbox WHERE audience = 'staff'"
        )
        assert waiting and {r["state"] for r in waiting} == {"pending"}
        errors = [r for r in caplog.records if "cannot post to the staff group" in r.getMessage()]
        assert len(errors) == 1  # once an hour, not once per message
        for b in buyers:
            assert (await get_customer(shop.store, b.id)).reachable  # type: ignore[union-attr]

        await tg.set_bot_status(group, "member", by=sari, admin=True)
        await tg.wait_for(
            lambda: len([m for m in tg.bot_messages(group) if "#" in text_of(m)]) >= 3,
            what="the three cards",
        )
        cards = [m for m in tg.bot_messages(group) if "Menunggu verifikasi" in text_of(m)]
        assert [next(n for n in numbers if f"#{n}" in text_of(c)) for c in cards] == numbers
        tg.assert_clean()
    finally:
        await shop.stop()


async def test_each_kind_lands_in_its_topic_and_answers_go_where_asked(
    fake_tg: FakeBotApi, db_location: Path | str
) -> None:
    tg = fake_tg
    sari, budi = tg.user(8001, "Sari"), tg.user(7001, "Budi")
    forum = group_with_staff(tg, NEW_GROUP, sari)
    tg.enable_topics(forum)
    orders = tg.create_topic(forum, "Pesanan", by=sari)
    alerts = tg.create_topic(forum, "Peringatan", by=sari)
    chat = tg.create_topic(forum, "Obrolan", by=sari)
    shop = await started(
        tg, db_location, staff_chat_id=NEW_GROUP, staff_topics=f"orders={orders},alerts={alerts}"
    )
    try:
        number = await checkout(tg, budi, "BATIK-TULIS-S", qty=2)  # 4 in stock, alert at 2
        card = await tg.wait_bot_message(forum, has(f"#{number}"))
        assert card.message_thread_id == orders
        low = await tg.wait_bot_message(forum, has("BATIK-TULIS-S"), after=0)
        assert low.message_thread_id == alerts and low is not card

        # A command in a topic is answered in that topic; in General, in General.
        await tg.send_text(sari, "/queue", chat=forum, thread=chat)
        answer = await tg.wait_bot_message(forum, has(number))
        assert answer.message_thread_id == chat
        await tg.send_text(sari, "/queue", chat=forum)
        general = await tg.wait_bot_message(forum, has(number))
        assert general.message_thread_id is None

        # A report asked in a topic: its texts and its charts (photos) all come there.
        before = len(tg.bot_messages(forum))
        await tg.send_text(sari, "/laporan", chat=forum, thread=chat)
        await tg.wait_for(
            lambda: sum(1 for m in tg.bot_messages(forum)[before:] if m.photo) == 2 or None,
            timeout=60,
            what="the report's two charts",
        )
        assert {m.message_thread_id for m in tg.bot_messages(forum)[before:]} == {chat}

        # A button on the card asks in the card's topic; the reply there is understood.
        await tg.press(sari, card, f"st:r:{number}")
        prompt = await tg.wait_bot_message(forum, has(number))
        assert prompt.message_thread_id == orders
        await tg.send_text(sari, "stok rusak", chat=forum, reply_to=prompt)
        await tg.wait_bot_message(budi, has("stok rusak"))
        tg.assert_clean()
    finally:
        await shop.stop()


async def test_a_lost_topic_sends_to_general_instead(
    fake_tg: FakeBotApi, db_location: Path | str
) -> None:
    tg = fake_tg
    sari, budi = tg.user(8001, "Sari"), tg.user(7001, "Budi")
    forum = group_with_staff(tg, NEW_GROUP, sari)
    tg.enable_topics(forum)
    orders = tg.create_topic(forum, "Pesanan", by=sari)
    tg.delete_topic(forum, orders)
    shop = await started(tg, db_location, staff_chat_id=NEW_GROUP, staff_topics=f"orders={orders}")
    try:
        number = await checkout(tg, budi, "KOPI-GAYO-250")
        card = await tg.wait_bot_message(forum, has(f"#{number}"))
        assert card.message_thread_id is None
        assert [v.description for v in tg.soft_errors] == ["Bad Request: message thread not found"]
    finally:
        await shop.stop()


async def test_a_customer_who_blocks_gets_no_send_until_they_come_back(
    shop: RunningBot,
) -> None:
    tg = shop.tg
    budi, sari = tg.user(7001, "Budi"), tg.user(8001, "Sari")
    number = await checkout(tg, budi, "KOPI-GAYO-250", cod=True)
    await tg.wait_bot_message(shop.staff, has(f"#{number}"))
    await tg.block_bot(budi)
    await tg.wait_for(
        lambda: _unreachable(shop, budi), timeout=20, what="the customer marked unreachable"
    )  # the block reaches the bot with the next long poll: a generous net under load
    sent_before = len(sends_to(tg, budi.id))
    await tg.send_text(sari, f"/verify {number}", chat=shop.staff)
    await tg.wait_bot_message(shop.staff, has(number))
    await shop.app.bot_data.sender.run(shop.app.bot)  # type: ignore[union-attr]
    assert len(sends_to(tg, budi.id)) == sent_before  # not even tried: no 403 wasted
    assert not [v for v in tg.soft_errors if v.params.get("chat_id") == budi.id]

    await tg.unblock_bot(budi)
    await tg.wait_for(lambda: not _unreachable(shop, budi), timeout=20, what="reachable again")
    await tg.send_text(sari, f"/pack {number}", chat=shop.staff)
    await tg.wait_bot_message(budi, has("Dikemas"))


def _unreachable(shop: RunningBot, user: FakeUser) -> bool:
    """Read synchronously from the store file (wait_for predicates are not coroutines)."""
    sql = "SELECT reachable FROM customers WHERE user_id = ?"
    where = shop.settings.database
    if isinstance(where, str):  # PostgreSQL
        with psycopg.connect(where) as pg:
            row = pg.execute(sql.replace("?", "%s"), (user.id,)).fetchone()
    else:
        with closing(sqlite3.connect(where)) as db:
            row = db.execute(sql, (user.id,)).fetchone()
    return row is not None and row[0] == 0


async def test_turning_topics_on_keeps_working_without_touching_the_settings(
    fake_tg: FakeBotApi, db_location: Path | str
) -> None:
    """Topics on upgrades a basic group to a supergroup forum: the bot follows, posts in
    General, and answers a command in the topic it came from; STAFF_CHAT_ID is the old id."""
    tg = fake_tg
    sari, budi = tg.user(8001, "Sari"), tg.user(7001, "Budi")
    old = group_with_staff(tg, OLD_GROUP, sari)
    shop = await started(tg, db_location, staff_chat_id=OLD_GROUP)
    try:
        forum = tg.enable_topics(await tg.upgrade_to_supergroup(old, NEW_GROUP, by=sari))
        await tg.wait_bot_message(forum, has("supergrup"))
        packing = tg.create_topic(forum, "Packing", by=sari)
        number = await checkout(tg, budi, "KOPI-GAYO-250")
        card = await tg.wait_bot_message(forum, has(f"#{number}"))
        assert card.message_thread_id is None  # General
        await tg.send_text(sari, f"/order {number}", chat=forum, thread=packing)
        answer = await tg.wait_bot_message(forum, has(number))
        assert answer.message_thread_id == packing
        tg.assert_clean()
    finally:
        await shop.stop()
