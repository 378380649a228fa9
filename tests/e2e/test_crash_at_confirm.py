"""Promised messages survive a crash: the bot dies around the commit of an order (before its
state is flushed and before anything is sent), a new process starts on the same database,
answers the press the dead one never finished (the inbox kept it) without the customer
pressing again, and the customer ends up with one order and exactly one confirmation.
Also: interactive replies ride out a 5xx or a dropped connection, and the outbox does not
retry twice."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot import retries
from domain.customers import ensure_customer
from domain.ordering import orders
from domain.ordering.cart import add_to_cart
from handlers.customer import checkout
from tests.e2e.harness import RunningBot, make_settings
from tests.fakebotapi import DROP, FakeBotApi, FakeMessage, FakeUser
from tests.fakebotapi.fixtures import fake_tg  # noqa: F401 - the server fixture


def text_of(message: FakeMessage) -> str:
    return message.text or message.caption or ""


def is_confirmation(number: str) -> Callable[[FakeMessage], bool]:
    return lambda m: f"#{number} diterima" in text_of(m) and "1234567890" in text_of(m)


class Processes(list[RunningBot]):
    """Processes of the bot on one database, started by the test; `release` lets a "killed"
    one's hung handler end, so it can be stopped for real at the end."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()


@pytest_asyncio.fixture
async def bots() -> AsyncIterator[Processes]:
    started = Processes()
    try:
        yield started
    finally:
        started.release.set()
        for bot in reversed(started):
            app = bot.app
            if app is not None and app.updater is not None and not app.updater.running:
                await app.updater.start_polling(poll_interval=0, timeout=0)  # for a clean stop
            await bot.stop()


async def new_process(tg: FakeBotApi, db: Path, started: Processes) -> RunningBot:
    # Processes of one test share this interpreter: tell their inbox claims apart.
    bot = RunningBot(tg, make_settings(tg, db, worker_name=f"process-{len(started) + 1}"))
    if not started:
        await bot.seed()
    await bot.start()
    started.append(bot)
    return bot


async def to_summary(tg: FakeBotApi, user: FakeUser, bot: RunningBot) -> FakeMessage:
    await ensure_customer(bot.store, user.id, first_name=user.first_name, username=None,
                          language_code="id", default_language="id")
    await add_to_cart(bot.store, user.id, "KOPI-GAYO-250", 2)
    await tg.send_text(user, "/checkout")
    await tg.wait_bot_message(user, lambda m: "Nama penerima" in text_of(m))
    await tg.send_text(user, "Budi Santoso")
    await tg.wait_bot_message(user, lambda m: "Nomor HP" in text_of(m))
    await tg.send_text(user, "0812-3456-7890")
    await tg.wait_bot_message(user, lambda m: "Alamat" in text_of(m))
    await tg.send_text(user, "Jl. Melati No. 5, Kebayoran Baru, Jakarta Selatan 12160")
    ship = await tg.wait_bot_message(user, lambda m: "Pengiriman" in text_of(m))
    await tg.press(user, ship, "co:ship:reg")
    pay = await tg.wait_bot_message(user, lambda m: "Pembayaran" in text_of(m))
    await tg.press(user, pay, "co:pay:transfer")
    note = await tg.wait_bot_message(user, lambda m: "Catatan" in text_of(m))
    await tg.press(user, note, "co:skip")
    return await tg.wait_bot_message(user, lambda m: "Periksa pesanan" in text_of(m))


async def kill(bot: RunningBot) -> None:
    """The process stops taking updates and sending, and flushes nothing more: as far as the
    fake server and the database can tell, it is dead. (It is stopped for real at the end.)"""
    assert bot.app is not None and bot.app.updater is not None
    await bot.app.updater.stop()
    # Its inbox stops claiming and renewing, and gives nothing back (a dead process cannot).
    inbox = bot.app.update_processor.inbox  # type: ignore[attr-defined]
    task, inbox._task = inbox._task, None
    task.cancel()


@pytest.mark.parametrize("when", ["before-commit", "after-commit"])
async def test_a_crash_at_confirm_gives_one_order_and_one_confirmation(
    fake_tg: FakeBotApi,  # noqa: F811
    bots: Processes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    when: str,
) -> None:
    tg, db = fake_tg, tmp_path / "shop.db"
    budi = tg.user(7101, "Budi", language_code="id")
    first = await new_process(tg, db, bots)
    summary = await to_summary(tg, budi, first)

    # The first process: its outbox sends nothing, and placing the order hangs forever
    # right before or right after the commit — until it is killed.
    async def silent(*_: Any) -> int:
        return 0

    monkeypatch.setattr(first.app.bot_data.sender, "run", silent)  # type: ignore[union-attr]
    reached = asyncio.Event()
    real_place = orders.place_checkout

    async def dies_at_commit(*args: Any) -> orders.Placement:
        if when == "after-commit":
            await real_place(*args)
        reached.set()
        await bots.release.wait()  # the process is "killed" here; released at the very end
        raise RuntimeError("killed")

    monkeypatch.setattr(checkout.order_service, "place_checkout", dies_at_commit)
    await tg.press(budi, summary, "co:ok")
    await asyncio.wait_for(reached.wait(), 5)
    await kill(first)
    placed_before = await first.store.fetchall("SELECT number FROM orders WHERE user_id = ?",
                                               (budi.id,))
    assert len(placed_before) == (1 if when == "after-commit" else 0)
    monkeypatch.setattr(checkout.order_service, "place_checkout", real_place)

    second = await new_process(tg, db, bots)
    if when == "after-commit":
        # The press was marked done in the order's own commit: it is not handled again. The
        # confirmation was queued with the order: it arrives without the customer asking,
        # and a second press on the summary hears the order exists.
        number = placed_before[0]["number"]
        await tg.wait_bot_message(budi, is_confirmation(number))
        await tg.press(budi, summary, "co:ok")
        expected = (1, "process-1")
    else:
        # Nothing of the press was committed: the new process handles it first, and the
        # customer does not press again.
        expected = (2, "process-2")
    answer = await tg.wait_edit(summary, lambda m: "Periksa pesanan" not in text_of(m))
    pressed = await second.store.fetchall(
        "SELECT attempts, worker, outcome FROM inbox WHERE payload LIKE '%co:ok%'"
        " ORDER BY update_id"
    )
    assert (pressed[0]["attempts"], pressed[0]["worker"]) == expected
    assert pressed[0]["outcome"] == "handled"
    rows = await second.store.fetchall("SELECT number FROM orders WHERE user_id = ?", (budi.id,))
    assert len(rows) == 1  # the order exists once
    number = rows[0]["number"]
    if when == "after-commit":
        # Not "your cart is empty": the order is there, and where to find it.
        assert "sudah dibuat sebelumnya" in text_of(answer) and "/orders" in text_of(answer)
    else:
        assert "sudah dibuat." in text_of(answer) and "menyusul" in text_of(answer)
        await tg.wait_bot_message(budi, is_confirmation(number))
    assert f"#{number}" in text_of(answer)
    assert answer.inline_keyboard == []  # the summary's buttons are gone

    # A stale press of Confirm after that (the conversation has ended) says the same.
    query = await tg.press_raw(budi, budi.id, summary.message_id, "co:ok")
    alert = await tg.wait_callback_answer(query)
    assert alert.show_alert and f"#{number}" in (alert.text or "")
    assert "sudah dibuat sebelumnya" in (alert.text or "")

    # Exactly one confirmation reached the customer, and one was ever queued.
    await tg.send_text(budi, "/orders")  # a round trip: anything in flight has landed
    await tg.wait_bot_message(budi, lambda m: "/orders" not in text_of(m))
    confirmations = [m for m in tg.bot_messages(budi) if is_confirmation(number)(m)]
    assert len(confirmations) == 1
    queued = await second.store.fetchall("SELECT state FROM outbox WHERE kind = 'order_placed'")
    assert [r["state"] for r in queued] == ["sent"]
    calls = [p for p in tg.calls_to("sendMessage") if f"#{number} diterima" in p.get("text", "")]
    assert len(calls) == 1


# ---------------------------------------------------------------- interactive replies


@pytest_asyncio.fixture
async def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retries, "BACKOFF", (0.01, 0.01))


async def started(
    fake_tg: FakeBotApi, bots: Processes, tmp_path: Path  # noqa: F811
) -> RunningBot:
    return await new_process(fake_tg, tmp_path / "shop.db", bots)


def welcomes(tg: FakeBotApi, user: FakeUser) -> list[dict[str, Any]]:
    return [p for p in tg.calls_to("sendMessage")
            if str(p.get("chat_id")) == str(user.id) and "Selamat datang" in p.get("text", "")]


@pytest.mark.parametrize("status", [500, 502])
async def test_a_reply_is_retried_after_a_server_error(
    fake_tg: FakeBotApi,  # noqa: F811
    bots: Processes,
    tmp_path: Path,
    quick_retries: None,
    status: int,
) -> None:
    await started(fake_tg, bots, tmp_path)
    ani = fake_tg.user(7201, "Ani")
    fake_tg.fail_next("sendMessage", status, times=2)
    await fake_tg.send_text(ani, "/start")
    menu = await fake_tg.wait_bot_message(ani)
    assert "Selamat datang" in text_of(menu)
    assert fake_tg.faults_served == [("sendMessage", status)] * 2
    assert len(welcomes(fake_tg, ani)) == 3  # two failures, then it went through


async def test_an_edit_is_retried_after_a_dropped_connection(
    fake_tg: FakeBotApi,  # noqa: F811
    bots: Processes,
    tmp_path: Path,
    quick_retries: None,
) -> None:
    await started(fake_tg, bots, tmp_path)
    ani = fake_tg.user(7301, "Ani")
    await fake_tg.send_text(ani, "/start")
    menu = await fake_tg.wait_bot_message(ani)
    fake_tg.fail_next("editMessageText", DROP)
    await fake_tg.press(ani, menu, "m:cats")
    cats = await fake_tg.wait_edit(menu)
    assert "Pilih kategori" in text_of(cats)
    assert fake_tg.faults_served == [("editMessageText", DROP)]


async def test_a_send_that_may_have_arrived_is_not_sent_twice(
    fake_tg: FakeBotApi,  # noqa: F811
    bots: Processes,
    tmp_path: Path,
    quick_retries: None,
) -> None:
    await started(fake_tg, bots, tmp_path)
    ani = fake_tg.user(7401, "Ani")
    fake_tg.fail_next("sendMessage", DROP)
    await fake_tg.send_text(ani, "/start")
    # The error handler apologises; the welcome itself was tried once only.
    apology = await fake_tg.wait_bot_message(ani)
    assert "Selamat datang" not in text_of(apology)
    assert len(welcomes(fake_tg, ani)) == 1


async def test_the_outbox_does_not_retry_twice(
    fake_tg: FakeBotApi,  # noqa: F811
    bots: Processes,
    tmp_path: Path,
    quick_retries: None,
) -> None:
    bot = await started(fake_tg, bots, tmp_path)
    budi = fake_tg.user(7501, "Budi")
    summary = await to_summary(fake_tg, budi, bot)
    fake_tg.fail_next("sendMessage", 500, chat_id=budi.id)  # the confirmation, by the outbox
    await fake_tg.press(budi, summary, "co:ok")
    await fake_tg.wait_for(lambda: fake_tg.faults_served, what="the fault")

    def recorded() -> dict[str, Any] | None:
        # Read beside the bot (WAL); re-checked after each request the bot makes.
        with closing(sqlite3.connect(tmp_path / "shop.db")) as conn:
            conn.row_factory = sqlite3.Row
            row = conn.execute(
                "SELECT state, attempts, last_error FROM outbox WHERE kind = 'order_placed'"
            ).fetchone()
        return dict(row) if row is not None and row["attempts"] else None

    row = await fake_tg.wait_for(recorded, what="the outbox recording the failure")
    # One attempt, recorded for the outbox's own backoff (5 s), not retried in the limiter.
    assert (row["state"], row["attempts"]) == ("pending", 1)
    assert "Internal Server Error" in row["last_error"]
    tries = [p for p in fake_tg.calls_to("sendMessage") if "diterima" in p.get("text", "")]
    assert len(tries) == 1

