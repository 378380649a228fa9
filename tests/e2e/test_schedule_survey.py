"""The scheduled follow-up through the real Application and the strict fake Bot API: the
survey after delivery (score buttons, comment, refusals), the detractor post and /nps in the
staff group, the delivery check buttons, and /settings."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest_asyncio

from domain.clock import FrozenClock
from domain.models import PaymentMethod, Status
from tests.conftest import START
from tests.e2e.harness import STAFF_CHAT_ID, RunningBot, make_settings
from tests.fakebotapi import FakeBotApi, FakeMessage
from tests.fakebotapi.fixtures import fake_tg  # noqa: F401 - the server fixture
from tests.integration.schedule_support import move, place

KOPI = {"KOPI-GAYO-250": 1}


def text_of(message: FakeMessage) -> str:
    return message.text or message.caption or ""


@pytest_asyncio.fixture
async def timed_shop(fake_tg: FakeBotApi, db_location: Path | str) -> AsyncIterator[RunningBot]:  # noqa: F811
    """The real bot on a frozen clock, its schedule job running every 0.2 s."""
    settings = make_settings(
        fake_tg,
        db_location,
        schedule_enabled=True,
        schedule_interval_seconds=0.2,
        quiet_hours="off",
    )
    bot = RunningBot(fake_tg, settings, clock=FrozenClock(START))
    async with bot.running():
        yield bot


async def test_survey_score_comment_and_refusals(timed_shop: RunningBot) -> None:
    tg, shop = timed_shop.tg, timed_shop
    clock: FrozenClock = shop.clock  # type: ignore[assignment]
    budi = tg.user(7001, "Budi", language_code="id")
    sari = tg.user(7002, "Sari", language_code="id")
    rina = tg.user(8001, "Rina")
    tg.group(STAFF_CHAT_ID, "Toko — Pesanan", members=[rina])
    order = await move(shop.store, await place(shop.store, 7001, items=KOPI), Status.DELIVERED)
    await place(shop.store, 7002, items=KOPI)  # Sari is a customer too

    clock.advance(days=2)
    survey = await tg.wait_bot_message(budi, lambda m: "Bagaimana belanja" in text_of(m))
    assert f"sv:{order.number}:10" in survey.callback_data()

    # Sari forges a press on Budi's survey: refused, as if it did not exist.
    query = await tg.press_raw(sari, sari.id, 1, f"sv:{order.number}:10")
    answer = await tg.wait_callback_answer(query)
    assert answer.show_alert and "tidak ditemukan" in (answer.text or "")

    await tg.press(budi, survey, f"sv:{order.number}:3")
    prompt = await tg.wait_edit(survey, lambda m: "Nilai Anda" in text_of(m))
    assert "<b>3</b>" in (prompt.raw_text or "")
    assert prompt.callback_data() == [f"sv:skip:{order.number}"]

    await tg.send_text(budi, "x" * 600)
    await tg.wait_bot_message(budi, lambda m: "terlalu panjang" in text_of(m))
    await tg.send_text(budi, "Kemasan <penyok> & kopinya tumpah")
    await tg.wait_bot_message(budi, lambda m: "Terima kasih atas masukan" in text_of(m))

    post = await tg.wait_bot_message(shop.staff, lambda m: "Nilai rendah" in text_of(m))
    assert "3/10" in text_of(post) and "Kemasan <penyok> & kopinya tumpah" in text_of(post)

    # A second answer to the same survey: refused politely.
    query = await tg.press_raw(budi, budi.id, survey.message_id, f"sv:{order.number}:10")
    answer = await tg.wait_callback_answer(query)
    assert "sudah Anda jawab" in (answer.text or "")

    # Text after the survey is closed is an ordinary message again, not a comment.
    await tg.send_text(budi, "halo")
    await tg.wait_bot_message(budi, lambda m: "tidak mengerti" in text_of(m))

    clock.advance(minutes=1)
    await tg.send_text(rina, "/nps", chat=STAFF_CHAT_ID)
    report = await tg.wait_bot_message(shop.staff, lambda m: "Net Promoter Score" in text_of(m))
    assert "NPS: -100" in text_of(report) and "Detraktor (0–6): 1" in text_of(report)
    await tg.send_text(rina, "/nps kemarin", chat=STAFF_CHAT_ID)
    await tg.wait_bot_message(shop.staff, lambda m: "Periode tidak dikenal" in text_of(m))


async def test_delivery_check_buttons_and_settings(timed_shop: RunningBot) -> None:
    tg, shop = timed_shop.tg, timed_shop
    clock: FrozenClock = shop.clock  # type: ignore[assignment]
    budi = tg.user(7001, "Budi", language_code="id")
    order = await move(shop.store, await place(shop.store, 7001, items=KOPI), Status.SHIPPED)

    clock.advance(days=3)
    ask = await tg.wait_bot_message(budi, lambda m: "sudah sampai?" in text_of(m))
    await tg.press(budi, ask, f"dc:wait:{order.number}")
    await tg.wait_edit(ask, lambda m: "bertanya lagi dalam 3 hari" in text_of(m))
    await tg.wait_bot_message(shop.staff, lambda m: "Belum sampai" in text_of(m))
    await tg.press(budi, ask, f"dc:ok:{order.number}")
    await tg.wait_edit(ask, lambda m: "diterima" in text_of(m))
    assert (await shop.store.fetchone("SELECT status FROM orders WHERE id = ?", (order.id,)))[
        "status"
    ] == "delivered"

    await tg.send_text(budi, "/settings")
    screen = await tg.wait_bot_message(budi, lambda m: "Pengingat & survei" in text_of(m))
    assert "Survei kepuasan: aktif" in text_of(screen)
    await tg.press(budi, screen, "pref:srv:0")
    await tg.wait_edit(screen, lambda m: "Survei kepuasan: mati" in text_of(m))

    # No survey for someone who turned them off; the delivery itself was told all the same.
    clock.advance(days=3)
    await tg.send_text(budi, "/settings")
    await tg.wait_bot_message(budi, lambda m: "Pengingat & survei" in text_of(m))
    assert not any("Bagaimana belanja" in text_of(m) for m in tg.bot_messages(budi))


async def test_promoters_skip_the_comment_or_cancel_it(timed_shop: RunningBot) -> None:
    tg, shop = timed_shop.tg, timed_shop
    clock: FrozenClock = shop.clock  # type: ignore[assignment]
    mary = tg.user(7003, "Mary", language_code="en")
    rina = tg.user(8001, "Rina")
    tg.group(STAFF_CHAT_ID, "Toko — Pesanan", members=[rina])
    first = await move(
        shop.store, await place(shop.store, 7003, items=KOPI, language="en"), Status.DELIVERED
    )
    second = await move(
        shop.store, await place(shop.store, 7003, items=KOPI, language="en"), Status.DELIVERED
    )

    clock.advance(days=2)

    def survey_of(number: str) -> Callable[[FakeMessage], bool]:
        return lambda m: "How was your shopping" in text_of(m) and f"#{number}" in text_of(m)

    one = await tg.wait_bot_message(mary, survey_of(first.number))
    two = await tg.wait_bot_message(mary, survey_of(second.number), after=0)

    await tg.press(mary, one, f"sv:{first.number}:9")
    prompt = await tg.wait_edit(one, lambda m: "Your score" in text_of(m))
    await tg.press(mary, prompt, f"sv:skip:{first.number}")
    await tg.wait_edit(one, lambda m: "Thank you for your feedback" in text_of(m))

    await tg.press(mary, two, f"sv:{second.number}:10")
    await tg.wait_edit(two, lambda m: "Glad to hear it" in text_of(m))
    await tg.send_text(mary, "/cancel")
    await tg.wait_bot_message(mary, lambda m: f"feedback on order #{second.number}" in text_of(m))

    clock.advance(minutes=1)
    await tg.send_text(rina, "/nps 7d", chat=STAFF_CHAT_ID)
    report = await tg.wait_bot_message(shop.staff, lambda m: "Net Promoter Score" in text_of(m))
    assert "NPS: +100" in text_of(report) and "Promoter (9–10): 2" in text_of(report)
    assert not any("Nilai rendah" in text_of(m) for m in tg.bot_messages(shop.staff))


async def test_staff_nudge_buttons_open_the_order(timed_shop: RunningBot) -> None:
    tg, shop = timed_shop.tg, timed_shop
    clock: FrozenClock = shop.clock  # type: ignore[assignment]
    tg.user(7001, "Budi", language_code="id")
    rina = tg.user(8001, "Rina")
    tg.group(STAFF_CHAT_ID, "Toko — Pesanan", members=[rina])
    order = await place(shop.store, 7001, items=KOPI, method=PaymentMethod.COD)

    clock.advance(hours=2)
    nudge = await tg.wait_bot_message(shop.staff, lambda m: "menunggu terlalu lama" in text_of(m))
    assert f"#{order.number}" in text_of(nudge) and "Menunggu verifikasi" in text_of(nudge)
    await tg.press(rina, nudge, f"st:o:{order.number}")
    await tg.wait_bot_message(shop.staff, lambda m: "Riwayat lengkap" in text_of(m))
