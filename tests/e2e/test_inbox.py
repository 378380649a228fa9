"""The inbox through the real Application: polling stores each batch before the getUpdates
that confirms it; an update left unfinished by a dead process is handled at the next start,
first; a repeated update is answered once; another worker's conversation step is seen."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from domain.clock import to_db
from domain.store import Store
from tests.e2e.harness import RunningBot, make_settings
from tests.e2e.test_customer_bad_input import fill_cart, text_of
from tests.e2e.test_staff_workflow import has
from tests.e2e.test_webhook import SECRET, free_port, hooked  # noqa: F401 - a fixture
from tests.fakebotapi import FakeBotApi
from tests.fakebotapi.fixtures import fake_tg  # noqa: F401 - the server fixture


async def inbox_rows(store: Store) -> list[dict[str, Any]]:
    rows = await store.fetchall(
        "SELECT update_id, outcome, attempts, done_at FROM inbox ORDER BY update_id"
    )
    return [{k: r[k] for k in ("update_id", "outcome", "attempts", "done_at")} for r in rows]


async def test_polling_stores_a_batch_before_the_request_that_confirms_it(
    shop: RunningBot,
) -> None:
    tg = shop.tg
    seen: list[tuple[int, set[int]]] = []
    original = tg._handlers["getUpdates"]

    async def watched(params: dict[str, Any], request: Any) -> Any:
        offset = params.get("offset")
        if offset:
            stored = await shop.store.fetchall("SELECT update_id FROM inbox")
            seen.append((int(offset), {r["update_id"] for r in stored}))
        return await original(params, request)

    tg._handlers["getUpdates"] = watched
    try:
        budi = tg.user(7001, "Budi")
        for text in ("/start", "/help", "/cart"):
            await tg.send_text(budi, text)
        await tg.wait_bot_message(budi, lambda m: "/cart" not in (m.text or "") and m.text)
        await tg.wait_for(lambda: len(seen) >= 2)
    finally:
        tg._handlers["getUpdates"] = original
    confirming = [(offset, ids) for offset, ids in seen if offset > 1]
    assert confirming
    for offset, ids in confirming:
        # Everything the offset confirms (update_id < offset) is in the store already.
        assert set(range(1, offset)) <= ids, (offset, ids)
    rows = await inbox_rows(shop.store)
    assert [r["update_id"] for r in rows][:3] == [1, 2, 3]


async def test_an_update_a_dead_process_left_is_handled_first_at_the_next_start(
    shop: RunningBot,
) -> None:
    tg = shop.tg
    budi = tg.user(7001, "Budi")
    await tg.send_text(budi, "/start")
    await tg.wait_bot_message(budi, has("Selamat datang"))
    await shop.stop()
    # Stored and claimed by a process that died while handling it (its lease still running).
    async with Store(shop.settings.database) as store:
        now = store.now()
        update = {
            "update_id": 5000,
            "message": {
                "message_id": 900, "date": int(now.timestamp()), "text": "/help",
                "chat": {"id": budi.id, "type": "private", "first_name": "Budi"},
                "from": {"id": budi.id, "is_bot": False, "first_name": "Budi"},
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            },
        }
        async with store.transaction() as db:
            await db.execute(
                "INSERT INTO inbox (update_id, lane, payload, received_at, worker, lease_until,"
                " attempts) VALUES (?, ?, ?, ?, 'dead-1', ?, 1)",
                (5000, budi.id, json.dumps(update), to_db(now), "9999-12-31T00:00:00.000000+00:00"),
            )
    await shop.start()
    await tg.wait_bot_message(budi, lambda m: bool(m.text))
    rows = {r["update_id"]: r for r in await inbox_rows(shop.store)}
    assert rows[5000]["attempts"] == 2


async def test_a_repeated_update_is_acknowledged_and_answered_once(
    hooked: RunningBot,  # noqa: F811
) -> None:
    tg = hooked.tg
    budi = tg.user(7001, "Budi")
    sent = await tg.send_text(budi, "/start")
    await tg.wait_bot_message(budi, has("Selamat datang"))
    update = {"update_id": tg.webhook_posts[-1][0], "message": sent.to_api()}
    tg._updates.append(update)  # Telegram sends it again (it saw no answer in time)
    await tg._notify()
    await tg.wait_for(lambda: len(tg.webhook_posts) == 2)
    await tg.send_text(budi, "/help")
    await tg.wait_bot_message(budi, lambda m: bool(m.text))
    welcomes = [m for m in tg.bot_messages(budi) if "Selamat datang" in (m.text or "")]
    assert len(welcomes) == 1
    assert [status for _, status in tg.webhook_posts] == [200, 200, 200]
    rows = await inbox_rows(hooked.store)
    assert [r["update_id"] for r in rows] == [update["update_id"], update["update_id"] + 1]


@pytest.mark.postgresql_only
async def test_two_workers_agree_where_a_customer_is_in_checkout(
    fake_tg: FakeBotApi, db_location: Path | str  # noqa: F811
) -> None:
    """Two workers on one database, started before the customer began: the steps handled by
    one are where the other continues (each reads the conversation and the draft per update,
    never its copy from start)."""
    tg = fake_tg
    workers = []
    for _ in range(2):
        port = free_port()
        settings = make_settings(
            tg,
            db_location,
            webhook_url=f"http://127.0.0.1:{port}/telegram",
            webhook_secret=SECRET,
            webhook_listen=f"127.0.0.1:{port}",
            worker_name=f"worker-{len(workers) + 1}",
        )
        workers.append(RunningBot(tg, settings))
    one, two = workers
    await one.seed()
    for worker in workers:
        await worker.start()
    try:
        sari = tg.user(8601, "Sari")
        tg.webhook_url = one.settings.webhook_url  # the balancer sends to worker 1 …
        await fill_cart(one, sari, "TEH-MELATI-100", 2)
        await tg.send_text(sari, "/checkout")
        await tg.wait_bot_message(sari, lambda m: "Nama penerima" in text_of(m))
        await tg.send_text(sari, "Sari Dewi")
        await tg.wait_bot_message(sari, lambda m: "Nomor HP" in text_of(m))
        await one.stop()  # worker 1 goes (a deploy); worker 2 has run since before all this
        tg.webhook_url = two.settings.webhook_url
        await tg.send_text(sari, "081298765432")
        await tg.wait_bot_message(sari, lambda m: "Alamat" in text_of(m))
        assert two.app is not None
        assert two.app.user_data[sari.id]["checkout"]["name"] == "Sari Dewi"
        handled_by = await two.store.fetchall(
            "SELECT worker FROM inbox WHERE lane = ? ORDER BY update_id", (sari.id,)
        )
        assert [r["worker"] for r in handled_by][-1] == "worker-2"
    finally:
        for worker in workers:
            await worker.stop()
