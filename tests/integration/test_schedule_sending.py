"""The scheduled messages as Telegram receives them: every kind rendered in both languages and
accepted by the strict fake Bot API; held reminders checked again at sending time; a blocked
customer skipped while the rest go out."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest_asyncio
from telegram.ext import ExtBot

from bot.notices import NoticeKit
from bot.ratelimit import TelegramRateLimiter
from bot.sender import OutboxSender
from bot.settings import Settings, courier_book, policy_from
from domain.clock import FrozenClock
from domain.models import PaymentMethod, PaymentStatus, Status
from domain.ordering import cart
from domain.ordering.order_reads import load_order
from domain.ordering.transitions import set_payment_status
from domain.schedule import surveys
from domain.schedule.delivery_checks import answer_check
from domain.schedule.quiet_hours import QuietHours
from domain.store import Store
from messages import Messages
from tests.fakebotapi import FakeBotApi, FakeMessage
from tests.fakebotapi.fixtures import fake_tg  # noqa: F401  (fixture)
from tests.integration.schedule_support import STAFF as STAFF_ACTOR
from tests.integration.schedule_support import move, opt_out, outbox, place, policy, run

STAFF = -1001234567890
WINDOW = timedelta(hours=1)
LOUD = policy(quiet=QuietHours.off())


@dataclasses.dataclass
class World:
    tg: FakeBotApi
    store: Store
    clock: FrozenClock
    sender: OutboxSender
    bot: ExtBot  # type: ignore[type-arg]

    async def deliver(self) -> int:
        return await self.sender.run(self.bot)

    def texts(self, chat: int) -> list[str]:
        return [m.text or "" for m in self.tg.bot_messages(chat)]

    def last(self, chat: int) -> FakeMessage:
        """The newest bot message in the chat."""
        message = self.tg.last_bot_message(chat)
        assert message is not None
        return message


def text(message: FakeMessage) -> str:
    return message.text or ""


@pytest_asyncio.fixture
async def world(
    fake_tg: FakeBotApi,  # noqa: F811
    seeded_store: Store,
    clock: FrozenClock,
    tmp_path: Path,
) -> AsyncIterator[World]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=fake_tg.token,
        staff_chat_id=STAFF,
        telegram_api_url=fake_tg.url,
        database_path=tmp_path / "unused.db",
        shop_name="Toko Kopi Nusantara",
    )
    sender = OutboxSender(
        NoticeKit(settings, seeded_store, Messages(), courier_book(settings), policy_from(settings))
    )
    fake_tg.group(STAFF, "Toko — Pesanan", bot_is_admin=True)
    for user_id, lang in ((1001, "id"), (1002, "en"), (1003, "id")):
        fake_tg.user(user_id, f"C{user_id}", language_code=lang)
    bot = ExtBot(
        fake_tg.token,
        base_url=fake_tg.base_url,
        rate_limiter=TelegramRateLimiter(overall_per_second=1000, chat_per_second=1000),
    )
    await bot.initialize()
    try:
        yield World(fake_tg, seeded_store, clock, sender, bot)
    finally:
        await bot.shutdown()


async def test_payment_reminders_and_expiry_in_both_languages(world: World) -> None:
    budi = await place(world.store, 1001, language="id")
    await place(world.store, 1002, language="en")
    world.clock.advance(hours=6)
    await run(world.store, LOUD)
    await world.deliver()
    assert "Pengingat pembayaran: pesanan #" + budi.number in text(world.last(1001))
    assert "1234567890" in text(world.last(1001))
    assert world.last(1001).callback_data() == [f"o:view:{budi.number}", "pref:off:rem"]
    assert "Payment reminder" in text(world.last(1002))

    world.clock.advance(hours=16)
    await run(world.store, LOUD)
    await world.deliver()
    assert "Pengingat terakhir" in text(world.last(1001))
    assert "Last reminder" in text(world.last(1002))

    world.clock.advance(hours=2)
    await run(world.store, LOUD)
    await world.deliver()
    assert "dibatalkan" in text(world.last(1001))
    assert "cancelled" in text(world.last(1002))
    staff = world.texts(STAFF)
    assert any("Dibatalkan otomatis" in t and budi.number in t for t in staff)


async def test_cart_delivery_check_survey_and_staff_messages(world: World) -> None:
    store, clock = world.store, world.clock
    # A cart left for a day.
    await place(store, 1003, method=PaymentMethod.COD)  # 1003 exists, and waits for staff
    await cart.add_to_cart(store, 1003, "TEH-MELATI", 2)
    # Shipped orders of two customers, a delivered one of a third.
    budi = await move(store, await place(store, 1001, language="id"), Status.SHIPPED)
    mary = await move(store, await place(store, 1002, language="en"), Status.SHIPPED)
    clock.advance(days=1)
    await run(store, LOUD)
    await world.deliver()
    assert "Keranjang Anda masih menunggu" in text(world.last(1003))
    assert world.last(1003).callback_data() == ["k:view", "k:go", "pref:off:rem"]
    nudge = next(
        m for m in world.tg.bot_messages(STAFF) if "menunggu terlalu lama" in (m.text or "")
    )
    assert "Menunggu verifikasi" in (nudge.text or "")
    assert [d[:5] for d in nudge.callback_data()] == ["st:o:"]
    assert any("Ringkasan harian" in t for t in world.texts(STAFF))

    clock.advance(days=2)
    await run(store, LOUD)
    await world.deliver()
    ask = world.last(1001)
    assert f"Apakah pesanan #{budi.number} sudah sampai?" in (ask.text or "")
    assert ask.callback_data() == [
        f"dc:ok:{budi.number}",
        f"dc:wait:{budi.number}",
        f"dc:bad:{budi.number}",
    ]
    assert f"Has order #{mary.number} arrived?" in (world.last(1002).text or "")

    await answer_check(store, 1002, mary.number, "problem", "Mary")
    await answer_check(store, 1001, budi.number, "received", "Budi")
    await world.deliver()
    assert any("Ada masalah" in t and mary.number in t for t in world.texts(STAFF))

    clock.advance(days=2)
    await run(store, LOUD)
    await world.deliver()
    survey = world.last(1001)
    assert "Bagaimana belanja Anda di Toko Kopi Nusantara?" in (survey.text or "")
    assert survey.callback_data()[:11] == [f"sv:{budi.number}:{n}" for n in range(11)]
    await surveys.record_score(store, 1001, budi.number, 2, window=WINDOW)
    await surveys.record_comment(store, 1001, budi.number, "Kemasan <rusak> & basah", window=WINDOW)
    await world.deliver()
    alert = world.texts(STAFF)[-1]
    assert "Nilai rendah: 2/10" in alert and "Kemasan <rusak> & basah" in alert


async def test_the_staff_group_is_told_in_the_shop_language_at_night(world: World) -> None:
    world.clock.advance(hours=13)  # 22:00 WIB
    await place(world.store, 1001, method=PaymentMethod.COD)
    world.clock.advance(hours=2)
    await run(world.store)  # quiet hours on: staff messages go all the same
    await world.deliver()
    assert any("menunggu terlalu lama" in t for t in world.texts(STAFF))


async def test_a_reminder_held_overnight_is_dropped_once_paid(world: World) -> None:
    world.clock.advance(hours=8)  # 17:00 WIB
    order = await place(world.store, 1001)
    world.clock.advance(hours=6)  # 23:00 WIB: the reminder waits for 08:00
    await run(world.store)
    await world.deliver()
    assert world.texts(1001) == []
    world.clock.advance(hours=8)  # 07:00 WIB: the money is seen in the bank
    async with world.store.transaction() as db:
        current = await load_order(db, order.id)
        await set_payment_status(db, current, PaymentStatus.PAID, STAFF_ACTOR, world.clock())
    world.clock.advance(hours=1)
    await world.deliver()
    assert world.texts(1001) == []
    [row] = await outbox(world.store, "payment_reminder")
    assert row["state"] == "sent" and row["message_id"] is None


async def test_turning_reminders_off_stops_a_queued_one_but_not_status_messages(
    world: World,
) -> None:
    order = await place(world.store, 1001)
    world.clock.advance(hours=6)
    await run(world.store, LOUD)
    await opt_out(world.store, 1001)
    await world.deliver()
    assert world.texts(1001) == []
    world.clock.advance(hours=18)
    await run(world.store, LOUD)
    await world.deliver()
    [expired] = world.texts(1001)
    assert f"Pesanan #{order.number} dibatalkan" in expired


async def test_a_blocked_customer_is_marked_and_the_rest_still_go(world: World) -> None:
    await place(world.store, 1001)
    await place(world.store, 1002, language="en")
    world.tg.block(1001)
    world.clock.advance(hours=6)
    await run(world.store, LOUD)
    await world.deliver()
    assert "Payment reminder" in (world.last(1002).text or "")
    row = await world.store.fetchone("SELECT reachable FROM customers WHERE user_id = 1001")
    assert row is not None and row["reachable"] == 0
    world.clock.advance(hours=16)
    await run(world.store, LOUD)
    rows = await outbox(world.store, "payment_last")
    assert [r["chat_id"] for r in rows] == [1002]  # the blocked one is skipped from now on
