"""One customer floods the bot: others are answered meanwhile, the flooder gets one note, the
excess is dropped, and the staff group is never throttled."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from tests.e2e.harness import STAFF_CHAT_ID, RunningBot, make_settings
from tests.fakebotapi import FakeBotApi

LIMIT = 8
BURST = 40
SLOW_DOWN = "Pelan-pelan"


@pytest_asyncio.fixture
async def guarded(fake_tg: FakeBotApi, db_location: Path | str) -> AsyncIterator[RunningBot]:
    settings = make_settings(
        fake_tg,
        db_location,
        flood_limit=LIMIT,
        flood_window_seconds=600,  # no update leaves the window during the test
        # Each private chat gets at most 5 replies in any second, so the last of the
        # flooder's 8 handled messages waits a second: others must be answered meanwhile.
        rate_limit_chat_per_second=5,
    )
    bot = RunningBot(fake_tg, settings)
    async with bot.running():
        yield bot


def sends_to(tg: FakeBotApi, chat_id: int) -> list[tuple[int, str]]:
    """(position among all calls, text) of each sendMessage to `chat_id`."""
    return [
        (i, str(params.get("text", "")))
        for i, (name, params) in enumerate(tg.calls)
        if name == "sendMessage" and int(params.get("chat_id", 0)) == chat_id
    ]


async def test_a_flooder_does_not_hold_up_others(guarded: RunningBot) -> None:
    tg = guarded.tg
    flooder = tg.user(7001, "Banjir")
    other = tg.user(7002, "Sabar")
    for i in range(BURST):
        await tg.send_text(flooder, f"halo {i}")
    await tg.send_text(other, "/start")

    welcome = await tg.wait_bot_message(other)
    assert "Selamat datang" in (welcome.text or "")
    # The flooder's handled messages drain one reply at a time, plus one note.
    await tg.wait_for(
        lambda: len(tg.bot_messages(flooder)) >= LIMIT + 1, what="the flooder's replies"
    )

    flood_sends = sends_to(tg, flooder.id)
    notes = [pos for pos, text in flood_sends if SLOW_DOWN in text]
    replies = [pos for pos, text in flood_sends if SLOW_DOWN not in text]
    assert len(notes) == 1
    assert len(replies) == LIMIT  # the other 32 were dropped without an answer
    ((welcome_pos, _),) = sends_to(tg, other.id)
    # Answered while the flooder's backlog was still draining, not after it.
    assert welcome_pos < replies[-1]
    # The note does not wait for the backlog either.
    assert notes[0] < replies[-1]

    # Still over the limit: one more is dropped too, without a second note.
    await tg.send_text(flooder, "halo lagi")
    await tg.send_text(other, "/help")
    await tg.wait_bot_message(other)
    assert len(sends_to(tg, flooder.id)) == LIMIT + 1
    assert guarded.app is not None
    assert guarded.app.update_processor.dropped == BURST + 1 - LIMIT  # type: ignore[attr-defined]


async def test_the_staff_group_is_never_throttled(guarded: RunningBot) -> None:
    tg = guarded.tg
    admin = tg.user(9001, "Rina")
    tg.group(STAFF_CHAT_ID, "Toko — Pesanan", admins=[admin])
    count = LIMIT * 2
    for _ in range(count):
        await tg.send_text(admin, "/help", chat=guarded.staff)
    await tg.wait_for(lambda: len(sends_to(tg, STAFF_CHAT_ID)) >= count, what="every staff reply")
    staff_sends = sends_to(tg, STAFF_CHAT_ID)
    assert len(staff_sends) == count
    assert not any(SLOW_DOWN in text for _, text in staff_sends)
    assert not sends_to(tg, admin.id)  # no note to the staff member either
