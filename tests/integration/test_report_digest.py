"""The daily digest carries the net-sales chart of the last 14 days (DIGEST_CHART, on by
default) under its text; off, the text alone goes, as before."""

from __future__ import annotations

from telegram.ext import ExtBot

from bot.notices import NoticeKit
from bot.sender import OutboxSender
from bot.settings import courier_book, policy_from
from domain.store import Store
from messages import Messages
from tests.fakebotapi.fixtures import fake_tg  # noqa: F401  (fixture)
from tests.integration.schedule_support import place, run
from tests.integration.test_schedule_digest import wib
from tests.integration.test_schedule_sending import STAFF, World, world  # noqa: F401


async def digest_day(store: Store, clock_world: World) -> None:
    clock_world.clock.current = wib(22, 10, 0)
    await place(store, 1001, items={"KOPI-GAYO": 2})
    clock_world.clock.current = wib(23, 8, 0)
    await run(store)


async def test_the_digest_comes_with_the_sales_chart(world: World) -> None:  # noqa: F811
    await digest_day(world.store, world)
    await world.deliver()
    messages = world.tg.bot_messages(STAFF)
    assert "Ringkasan harian" in (messages[-2].text or "")
    assert messages[-1].photo  # the chart, right under the digest
    assert world.tg.calls_to("sendPhoto")[-1]["chat_id"] == STAFF


async def test_without_digest_chart_the_text_goes_alone(world: World) -> None:  # noqa: F811
    kit = world.sender.kit
    settings = kit.settings.model_copy(update={"digest_chart": False})
    sender = OutboxSender(
        NoticeKit(settings, world.store, Messages(), courier_book(settings), policy_from(settings))
    )
    await digest_day(world.store, world)
    await sender.run(world.bot)
    assert "Ringkasan harian" in (world.last(STAFF).text or "")
    assert not world.tg.calls_to("sendPhoto")
    assert isinstance(world.bot, ExtBot)
