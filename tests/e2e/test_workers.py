"""Several webhook workers behind a load balancer, sharing one PostgreSQL (issue 11).

Three real `python -m bot` processes get 1,000 updates from 100 chats through
tests.fakebotapi's Balancer: every update is posted twice (to two workers, at about the same
time), chats interleave at random, and one worker is killed with SIGKILL in the middle. Then:
no status change happened twice, no message went out twice beyond what the crash explains,
no update was lost (every row of the inbox is done), every chat's replies came in the order
of its updates, and a payment reminder due during the run went out once.

The multi-worker test needs the inbox (migration 011, bot/inbox.py: updates stored before the
webhook answers 200, claimed per chat with a lease, INBOX_LEASE): until it is on the branch it
is skipped with that reason. The balancer and the process harness are checked on their own.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from domain.clock import FrozenClock, utc_now
from domain.customers import ensure_customer
from domain.ordering.cart import add_to_cart
from domain.store import Store
from tests.e2e.harness import button
from tests.e2e.processes import (
    STAFF_CHAT_ID,
    WEBHOOK_PATH,
    Fleet,
    seed_catalog,
    webhook_worker,
)
from tests.fakebotapi import Balancer, FakeBotApi, FakeMessage, FakeUser
from tests.integration.schedule_support import place

CUSTOMERS = 99  # and the staff group: 100 chats
BUYERS = 50  # the first 50 customers check out; the others browse
STAFF_ORDERS = 5  # the staff verify and pack this many orders: 10 updates
UPDATES = BUYERS * 10 + (CUSTOMERS - BUYERS) * 10 + STAFF_ORDERS * 2
WAIT = 45.0  # a safety net per step; steps take well under a second


def text_of(message: FakeMessage) -> str:
    return message.text or message.caption or ""


def sent_texts(tg: FakeBotApi, chat_id: int) -> list[str]:
    """Every sendMessage the bot made to a chat, in order (repeats included)."""
    return [p.get("text", "") for p in tg.calls_to("sendMessage")
            if str(p.get("chat_id")) == str(chat_id)]


def first_index(texts: list[str], marker: str) -> int:
    for i, text in enumerate(texts):
        if marker in text:
            return i
    raise AssertionError(f"no reply with {marker!r} in {texts}")


# ---------------------------------------------------------------------- the balancer itself


async def test_the_balancer_retries_a_dead_worker_and_duplicates_to_another() -> None:
    got: dict[str, list[int]] = {"a": [], "b": []}

    def worker(name: str, status: int) -> web.Application:
        async def handle(request: web.Request) -> web.Response:
            got[name].append((await request.json())["update_id"])
            return web.Response(status=status)

        app = web.Application()
        app.router.add_post(WEBHOOK_PATH, handle)
        return app

    runners = []
    urls = []
    for name in ("a", "b"):
        runner = web.AppRunner(worker(name, 200))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        urls.append(f"http://127.0.0.1:{runner.addresses[0][1]}")
    dead = "http://127.0.0.1:1"  # nothing listens there
    try:
        async with Balancer([dead, *urls], duplicate=True, seed=3) as lb, \
                aiohttp.ClientSession() as session:
            for update_id in range(1, 21):
                async with session.post(lb.url + WEBHOOK_PATH,
                                        json={"update_id": update_id}) as answer:
                    assert answer.status == 200
            # Every update reached a live worker twice in all (two posts), never via the
            # dead one; a post that picked the dead worker went on to a live one.
            assert Counter(got["a"] + got["b"]) == {u: 2 for u in range(1, 21)}
            assert any(f.worker == dead and f.status == 0 for f in lb.forwards)
            assert all(f.status == 200 for f in lb.forwards if f.worker != dead)
    finally:
        for runner in runners:
            await runner.cleanup()


async def test_a_chat_waits_for_its_answer_while_other_chats_go_at_once() -> None:
    """The fake Bot API's concurrent webhook delivery keeps Telegram's rule."""
    in_flight: Counter[int] = Counter()
    overlap: list[int] = []
    clashes: list[int] = []
    order: dict[int, list[int]] = {}

    async def handle(request: web.Request) -> web.Response:
        update = await request.json()
        chat = FakeBotApi.update_lane(update)
        in_flight[chat] += 1
        overlap.append(sum(1 for n in in_flight.values() if n))
        if in_flight[chat] > 1:
            clashes.append(chat)  # two updates of one chat at once
        await asyncio.sleep(0.01)
        order.setdefault(chat, []).append(update["update_id"])
        in_flight[chat] -= 1
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        async with FakeBotApi() as tg, aiohttp.ClientSession() as session:
            tg.deliver_concurrently(8, window=4, seed=5)
            users = [tg.user(100 + i, f"U{i}") for i in range(6)]
            for i in range(30):
                await tg.send_text(users[i % 6], f"pesan {i}")
            url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
            async with session.post(f"{tg.base_url}{tg.token}/setWebhook",
                                    json={"url": url}) as answer:
                assert answer.status == 200
            await tg.wait_for(lambda: sum(map(len, order.values())) == 30, what="all 30")
    finally:
        await runner.cleanup()
    assert clashes == []
    assert all(ids == sorted(ids) for ids in order.values())  # each chat in update_id order
    assert max(overlap) > 1  # and chats went at once


# ---------------------------------------------------------------------- one worker, SIGKILL


async def test_a_killed_webhook_worker_restarts_and_serves_again(tmp_path: Path) -> None:
    """The harness: a real worker behind the balancer, kill -9, start again (SQLite)."""
    db = tmp_path / "shop.db"
    await seed_catalog(db)
    fleet = Fleet(tmp_path)
    async with FakeBotApi() as tg, Balancer() as lb:
        tg.group(STAFF_CHAT_ID, "Toko — Pesanan", bot_is_admin=True)
        worker = webhook_worker(fleet, "w1", tg, db, lb.url)
        lb.workers = [worker.url]
        try:
            await worker.start()
            await worker.wait_ready(tg)
            budi = tg.user(7001, "Budi")
            await tg.send_text(budi, "/start")
            await tg.wait_bot_message(budi, lambda m: "Selamat datang" in text_of(m), timeout=WAIT)
            await worker.kill()
            await worker.restart(tg)
            await tg.send_text(budi, "/help")
            await tg.wait_bot_message(budi, lambda m: "Cara belanja" in text_of(m), timeout=WAIT)
            assert tg.webhook_url == lb.url + WEBHOOK_PATH
            assert worker.starts == 2 and worker.kills == 1
        finally:
            await fleet.stop_all()
        tg.assert_clean()
    assert fleet.tracebacks() == []
    assert tg.token not in worker.log()


# ---------------------------------------------------------------------- three workers


class Shop:
    """The test's view of the run: the fake Bot API, the customers and staff, the checks."""

    def __init__(self, tg: FakeBotApi) -> None:
        self.tg = tg
        self.customers = [tg.user(20_000 + i, f"Pelanggan{i}", language_code="id")
                          for i in range(CUSTOMERS)]
        self.rina = tg.user(8001, "Rina")
        self.staff = tg.group(STAFF_CHAT_ID, "Toko — Pesanan", bot_is_admin=True,
                              members=[self.rina])
        self.numbers: list[str] = []  # orders placed by the buyers, in the order placed
        self.expected: dict[int, list[str]] = {}  # chat → its replies' markers, in order

    async def wait(self, chat: FakeUser, what: Callable[[FakeMessage], bool]) -> FakeMessage:
        return await self.tg.wait_bot_message(chat, what, after=0, timeout=WAIT)

    async def buyer(self, i: int, user: FakeUser) -> None:
        """A cart from yesterday: check out (the typed steps sent at once), track."""
        tg, tag = self.tg, f"A{i:02d}"
        self.expected[user.id] = [f"{tag}X1", "Nama penerima", "Nomor HP", "Alamat",
                                  "Pengiriman", f"{tag}X2"]
        await tg.send_text(user, f"/track {tag}X1")
        await tg.send_text(user, "/checkout")
        await tg.send_text(user, f"Pelanggan Nomor {i}")
        await tg.send_text(user, f"0812-3456-{7000 + i}")
        await tg.send_text(user, f"Jl. Melati No. {i + 1}, Kebayoran Baru, Jakarta Selatan 12160")
        ship = await self.wait(user, lambda m: "Pengiriman" in text_of(m))
        await tg.press(user, ship, "co:ship:reg")
        pay = await self.wait(user, lambda m: "Pembayaran" in text_of(m))
        await tg.press(user, pay, "co:pay:transfer")
        note = await self.wait(user, lambda m: "Catatan" in text_of(m))
        await tg.press(user, note, "co:skip")
        summary = await self.wait(user, lambda m: "Periksa pesanan" in text_of(m))
        await tg.press(user, summary, "co:ok")
        placed = await self.wait(user, lambda m: "diterima" in text_of(m))
        self.numbers.append(text_of(placed).split("#", 1)[1].split(" ", 1)[0])
        await tg.send_text(user, f"/track {tag}X2")
        await self.wait(user, lambda m: f"{tag}X2" in text_of(m))

    async def browser(self, i: int, user: FakeUser) -> None:
        """/start, /track, /help at once; browse to a product and add it; /cart, /track,
        /orders at once."""
        tg, tag = self.tg, f"B{i:02d}"
        self.expected[user.id] = ["Selamat datang", f"{tag}X1", "Cara belanja",
                                  "masuk keranjang", "<b>Keranjang</b>", f"{tag}X2",
                                  "belum punya pesanan"]
        await tg.send_text(user, "/start")
        await tg.send_text(user, f"/track {tag}X1")
        await tg.send_text(user, "/help")
        menu = await self.wait(user, lambda m: "Selamat datang" in text_of(m))
        await tg.press(user, menu, "m:cats")
        cats = await tg.wait_edit(menu, lambda m: "Pilih kategori" in text_of(m), timeout=WAIT)
        await tg.press(user, cats, button(cats, "Kopi & Teh"))
        listing = await tg.wait_edit(cats, lambda m: "Pilih kategori" not in text_of(m),
                                     timeout=WAIT)
        await tg.press(user, listing, "p:KOPI-TORAJA-250")
        card = await tg.wait_edit(listing, lambda m: "Rp92.000" in text_of(m), timeout=WAIT)
        await tg.press(user, card, "a:KOPI-TORAJA-250:1")
        await self.wait(user, lambda m: "masuk keranjang" in text_of(m))
        await tg.send_text(user, "/cart")
        await tg.send_text(user, f"/track {tag}X2")
        await tg.send_text(user, "/orders")
        await self.wait(user, lambda m: "belum punya pesanan" in text_of(m))

    async def staff_work(self) -> None:
        """Once five orders are placed: verify and pack each, sent one after another."""
        await self.tg.wait_for(lambda: len(self.numbers) >= STAFF_ORDERS, WAIT * 2,
                               "five orders placed")
        for number in self.numbers[:STAFF_ORDERS]:
            await self.tg.send_text(self.rina, f"/verify {number} transfer dicek",
                                    chat=self.staff)
            await self.tg.send_text(self.rina, f"/pack {number}", chat=self.staff)


async def inbox_rows(url: str) -> list[dict[str, Any]]:
    async with Store(url) as store:
        rows = await store.fetchall("SELECT update_id, lane, attempts, done_at, outcome"
                                    " FROM inbox ORDER BY update_id")
    return [dict(r) for r in rows]


async def wait_inbox_done(url: str, count: int, timeout: float) -> list[dict[str, Any]]:  # noqa: ASYNC109
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        rows = await inbox_rows(url)
        if len(rows) >= count and all(r["done_at"] is not None for r in rows):
            return rows
        if loop.time() > deadline:
            waiting = [r for r in rows if r["done_at"] is None]
            raise AssertionError(f"{len(rows)} updates stored, {len(waiting)} not done:"
                                 f" {waiting[:10]}")
        await asyncio.sleep(0.2)  # reading the store; no request follows a done update


@pytest.mark.postgresql_only
async def test_three_workers_a_thousand_updates_twice_each_one_killed(
    engine: str, new_location: Callable[..., Path | str], tmp_path: Path
) -> None:
    url = new_location(utc_now())
    assert isinstance(url, str)
    await seed_catalog(url)
    async with Store(url) as store:
        for user_id in range(20_000, 20_000 + BUYERS):  # the buyers' carts, from yesterday
            await ensure_customer(store, user_id, first_name="Pelanggan", username=None,
                                  language_code="id", default_language="id")
            await add_to_cart(store, user_id, "TEH-MELATI-100", 1)
    # An unpaid transfer order placed 6.5 h ago: its payment reminder falls due in the run.
    async with Store(url, clock=FrozenClock(utc_now() - timedelta(hours=6, minutes=30))) as old:
        overdue = await place(old, 9999, items={"KOPI-ROBUSTA-500": 1})

    fleet = Fleet(tmp_path)
    async with FakeBotApi() as tg, Balancer(duplicate=True, seed=11) as lb:
        tg.deliver_concurrently(40, window=8, seed=11)
        shop = Shop(tg)
        waiting = tg.user(9999, "Wati")
        workers = [webhook_worker(fleet, f"w{n}", tg, url, lb.url, SCHEDULE_ENABLED="true",
                                  SCHEDULE_INTERVAL_SECONDS="1", INBOX_LEASE="10s")
                   for n in (1, 2, 3)]
        lb.workers = [w.url for w in workers]
        victim = random.Random(11).choice(workers)
        try:
            await asyncio.gather(*(w.start() for w in workers))
            await asyncio.gather(*(w.wait_ready(tg) for w in workers))

            async def kill_in_the_middle() -> None:
                await tg.wait_for(lambda: len(tg.webhook_posts) >= UPDATES // 2, WAIT * 2,
                                  "half the updates posted")
                await victim.kill()

            scripts = [shop.buyer(i, u) if i < BUYERS else shop.browser(i, u)
                       for i, u in enumerate(shop.customers)]
            async with asyncio.TaskGroup() as group:  # one failing cancels the others
                for job in [*scripts, shop.staff_work(), kill_in_the_middle()]:
                    group.create_task(job)
            rows = await wait_inbox_done(url, UPDATES, WAIT)
            await tg.wait_for(
                lambda: any("Pengingat pembayaran" in t for t in sent_texts(tg, waiting.id)),
                WAIT, "the payment reminder")
            # Whatever the workers still had in hand lands (each answered or sent).
            async with Store(url) as store:
                packed = await store.fetchall(
                    "SELECT number, status FROM orders WHERE number IN ("
                    + ",".join("?" * STAFF_ORDERS) + ")", tuple(shop.numbers[:STAFF_ORDERS]))
                events = await store.fetchall(
                    "SELECT order_id, from_status, to_status FROM order_events"
                    " WHERE kind = 'status'")
        finally:
            await fleet.stop_all()
        tg.assert_clean()

    # Nothing lost: 1,000 updates stored once each (a repeat is acknowledged and ignored),
    # every one done; the killed worker's claims were finished by the others.
    assert len(rows) == UPDATES
    # Handled, except an update the killed worker had worked but not answered: another worker
    # claims it again and, not to do its work twice, answers "cut short" (outcome interrupted).
    cut = [r for r in rows if r["outcome"] != "handled"]
    assert all(r["outcome"] == "interrupted" and r["attempts"] > 1 for r in cut), cut
    assert len({r["lane"] for r in cut}) == len(cut)  # one in hand per chat at most
    posts = Counter(f.update_id for f in lb.forwards if f.status == 200)
    assert len(posts) == UPDATES and min(posts.values()) >= 2  # each went to two workers
    assert victim.kills == 1 and lb.forwarded_to(victim.url)

    # No status change twice; the staff's verify and pack each once per order.
    changes = Counter((e["order_id"], e["from_status"], e["to_status"]) for e in events)
    assert [c for c, n in changes.items() if n > 1] == []
    assert sorted(r["status"] for r in packed) == ["packed"] * STAFF_ORDERS
    assert len(shop.numbers) == BUYERS

    # Each chat's replies in the order of its updates, each reply once — except what the
    # crash explains (at-least-once: a worker killed between a send and its record).
    reclaimed = {r["lane"] for r in rows if r["attempts"] > 1}
    repeats: dict[int, int] = {}
    for user in shop.customers:
        texts = sent_texts(tg, user.id)
        markers = shop.expected[user.id]
        positions = [first_index(texts, marker) for marker in markers]
        assert positions == sorted(positions), (user.id, markers, texts)
        extra = sum(n - 1 for n in Counter(texts).values())
        if extra:
            repeats[user.id] = extra

    staff_texts = sent_texts(tg, STAFF_CHAT_ID)
    staff_extra = sum(n - 1 for n in Counter(staff_texts).values())
    # A chat repeats at most the update the killed worker had in hand (its lane claimed
    # again) and one message its outbox was sending there (each chat's outbox is one lane).
    assert all(n <= (2 if chat in reclaimed else 1) for chat, n in repeats.items()), (
        repeats,
        reclaimed,
    )
    assert staff_extra <= 1, staff_texts

    # The reminder due during the run went out once, whichever workers were alive.
    reminders = [t for t in sent_texts(tg, waiting.id) if "Pengingat pembayaran" in t]
    assert len(reminders) == 1 and f"#{overdue.number}" in reminders[0]
    assert fleet.tracebacks() == []
