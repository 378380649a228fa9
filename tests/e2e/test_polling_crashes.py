"""No update lost on a crash, in polling mode (issue 12): the real `python -m bot`, killed
with SIGKILL and started again on the same database, on each engine.

- 200 updates from 20 chats arrive while the bot is killed at 5 random moments and restarted
  each time: every update is answered, each chat's replies in the order of its updates.
- The headline: "Buat pesanan" (Confirm) pressed, the bot confirms the update to Telegram
  (the next getUpdates offset) and is killed that very moment, before it handled the press:
  after the restart the order is placed and the customer answered, without pressing again.

Both need the inbox (migration 011: an update is stored before its offset is sent): until it
is on the branch they are skipped with that reason. Without it they fail as the issue says
(tried on main before the inbox: the press is never answered; the bot idles, its offset past
the press) — after each one's safety-net wait, too long to spend in every run.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
from pathlib import Path
from typing import Any

from domain.customers import ensure_customer
from domain.ordering.cart import add_to_cart
from domain.store import Store
from tests.e2e.processes import STAFF_CHAT_ID, BotProcess, Fleet, polling_bot, seed_catalog
from tests.fakebotapi import FakeBotApi, FakeMessage, FakeUser

CHATS = 20
PER_CHAT = 10
KILLS = 5
IN_FLIGHT = 30  # updates sent ahead of the bot's replies
WAIT = 90.0  # a safety net: five restarts of a process on a loaded machine


def text_of(message: FakeMessage) -> str:
    return message.text or message.caption or ""


def sent_texts(tg: FakeBotApi, chat_id: int) -> list[str]:
    return [p.get("text", "") for p in tg.calls_to("sendMessage")
            if str(p.get("chat_id")) == str(chat_id)]


def script(chat: int) -> list[tuple[str, str]]:
    """(what the customer sends, what marks its reply) × 10: /start, /help, and /track with
    a number of its own, so each reply names the update it answers."""
    steps = [("/start", "Selamat datang")]
    steps += [(f"/track C{chat:02d}X{k}", f"C{chat:02d}X{k}") for k in range(2, PER_CHAT)]
    steps.append(("/help", "Cara belanja"))
    return steps


async def inbox(database: Path | str) -> list[dict[str, Any]]:
    async with Store(database) as store:
        rows = await store.fetchall("SELECT update_id, lane, attempts, done_at, outcome"
                                    " FROM inbox ORDER BY update_id")
    return [dict(r) for r in rows]


async def test_killed_five_times_while_200_updates_arrive_every_one_answered_in_order(
    db_location: Path | str, tmp_path: Path
) -> None:
    await seed_catalog(db_location)
    rng = random.Random(12)
    total = CHATS * PER_CHAT
    # Five moments, counted in replies sent: spread over the run, at least 30 apart.
    moments = sorted(rng.sample(range(15, total - 10, 30), KILLS))
    update_of: dict[tuple[int, str], int] = {}  # (chat, reply's marker) → its update_id
    fleet = Fleet(tmp_path)
    async with FakeBotApi() as tg:
        tg.group(STAFF_CHAT_ID, "Toko — Pesanan", bot_is_admin=True)
        users = [tg.user(30_000 + i, f"Pelanggan{i}", language_code="id") for i in range(CHATS)]
        bot = polling_bot(fleet, "bot", tg, db_location, INBOX_LEASE="2s")

        def replies() -> int:
            return len(tg.calls_to("sendMessage"))

        async def customers() -> None:
            """One update at a time, in a random chat, the chats' steps in their order;
            never more than IN_FLIGHT ahead of the bot's replies."""
            queues = {u.id: list(script(i)) for i, u in enumerate(users)}
            sent = 0
            while any(queues.values()):
                ahead = sent - IN_FLIGHT
                await tg.wait_for(lambda a=ahead: replies() >= a, WAIT, "the bot to catch up")
                user = rng.choice([u for u in users if queues[u.id]])
                text, marker = queues[user.id].pop(0)
                await tg.send_text(user, text)
                update_of[user.id, marker] = tg.last_update_id
                sent += 1

        async def killer() -> None:
            for moment in moments:
                await tg.wait_for(lambda m=moment: replies() >= m, WAIT, f"{moment} replies")
                await bot.kill()
                await bot.restart(tg)

        try:
            await bot.start()
            await bot.wait_ready(tg)
            async with asyncio.TaskGroup() as group:  # one failing cancels the other
                group.create_task(customers())
                group.create_task(killer())
            for i, user in enumerate(users):
                last = script(i)[-1][1]
                await tg.wait_for(lambda u=user, m=last: any(m in t for t in sent_texts(tg, u.id)),
                                  WAIT, f"the last reply in chat {user.id}")
            rows = await inbox(db_location)
        finally:
            await fleet.stop_all()
        tg.assert_clean()

    assert bot.kills == KILLS and bot.starts == KILLS + 1
    # Stored once each, all done.
    assert len(rows) == total and all(r["done_at"] is not None for r in rows)
    assert {r["outcome"] for r in rows} == {"handled"}
    claims = {r["update_id"]: r["attempts"] for r in rows}
    # Every update answered, each chat's replies in the order of its updates; an update
    # answered again only as often as a crash caught it in hand (claimed again after it).
    for i, user in enumerate(users):
        texts = sent_texts(tg, user.id)
        positions = []
        for _, marker in script(i):
            hits = [n for n, t in enumerate(texts) if marker in t]
            assert hits, f"chat {user.id}: no reply for {marker!r} in {texts}"
            assert len(hits) <= claims[update_of[user.id, marker]], (marker, texts)
            positions.append(hits[0])
        assert positions == sorted(positions), (user.id, texts)
    assert fleet.tracebacks() == []


async def to_summary(tg: FakeBotApi, user: FakeUser) -> FakeMessage:
    """Through the checkout's steps to the summary with its Confirm button."""
    async def step(
        send: str | None, press: tuple[FakeMessage, str] | None, want: str
    ) -> FakeMessage:
        if send is not None:
            await tg.send_text(user, send)
        if press is not None:
            await tg.press(user, *press)
        return await tg.wait_bot_message(user, lambda m: want in text_of(m), timeout=WAIT)

    await step("/checkout", None, "Nama penerima")
    await step("Budi Santoso", None, "Nomor HP")
    await step("0812-3456-7890", None, "Alamat")
    ship = await step("Jl. Melati No. 5, Kebayoran Baru, Jakarta Selatan 12160", None,
                      "Pengiriman")
    pay = await step(None, (ship, "co:ship:reg"), "Pembayaran")
    note = await step(None, (pay, "co:pay:transfer"), "Catatan")
    return await step(None, (note, "co:skip"), "Periksa pesanan")


async def test_confirm_pressed_right_before_kill_9_is_answered_after_the_restart(
    db_location: Path | str, tmp_path: Path
) -> None:
    await seed_catalog(db_location)
    async with Store(db_location) as store:
        await ensure_customer(store, 7101, first_name="Budi", username=None,
                              language_code="id", default_language="id")
        await add_to_cart(store, 7101, "KOPI-GAYO-250", 2)
    fleet = Fleet(tmp_path)
    async with FakeBotApi() as tg:
        tg.group(STAFF_CHAT_ID, "Toko — Pesanan", bot_is_admin=True)
        budi = tg.user(7101, "Budi", language_code="id")
        bot: BotProcess = polling_bot(fleet, "bot", tg, db_location, INBOX_LEASE="2s")
        try:
            await bot.start()
            await bot.wait_ready(tg)
            summary = await to_summary(tg, budi)

            # The press; the bot fetches it and, with its next getUpdates, tells Telegram it
            # has it: SIGKILL right then, before the answer to that request.
            killed = asyncio.Event()
            pressed = tg.last_update_id + 1  # the press's update, about to be made

            def kill_on_confirm(params: dict[str, Any]) -> None:
                if not killed.is_set() and int(params.get("offset") or 0) > pressed:
                    assert bot.proc is not None
                    os.kill(bot.proc.pid, signal.SIGKILL)
                    killed.set()

            async def hold_the_answer(method: str, params: dict[str, Any]) -> None:
                # The bot answers a press before it acts on it: held here until the kill, so
                # the bot cannot get further whatever its pace (the press is stored and
                # confirmed, not acted on: the case a customer would be left with).
                if method == "answerCallbackQuery" and not killed.is_set():
                    await killed.wait()

            tg.on_get_updates = kill_on_confirm
            tg.before_method = hold_the_answer
            await tg.press(budi, summary, "co:ok")
            assert tg.last_update_id == pressed
            await asyncio.wait_for(killed.wait(), WAIT)
            tg.on_get_updates = tg.before_method = None
            assert bot.proc is not None
            await bot.proc.wait()
            bot.kills += 1
            assert "Periksa pesanan" in text_of(summary)
            async with Store(db_location) as store:
                assert await store.fetchall("SELECT 1 FROM orders") == []

            # Started again; nobody presses anything.
            await bot.restart(tg)
            placed = await tg.wait_bot_message(budi, lambda m: "diterima" in text_of(m),
                                               after=0, timeout=WAIT)
            number = text_of(placed).split("#", 1)[1].split(" ", 1)[0]
            await tg.wait_edit(summary, lambda m: "Periksa pesanan" not in text_of(m),
                               timeout=WAIT)
            async with Store(db_location) as store:
                orders = await store.fetchall("SELECT number FROM orders WHERE user_id = ?",
                                              (budi.id,))
                rows = await store.fetchall("SELECT outcome FROM inbox WHERE update_id = ?",
                                            (pressed,))
        finally:
            await fleet.stop_all()
        tg.assert_clean()
    assert [r["number"] for r in orders] == [number]  # placed once
    assert f"#{number}" in text_of(summary) and summary.inline_keyboard == []
    confirmations = [t for t in sent_texts(tg, budi.id) if f"#{number} diterima" in t]
    assert len(confirmations) == 1
    assert [r["outcome"] for r in rows] == ["handled"]
    assert fleet.tracebacks() == []
