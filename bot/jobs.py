"""The scheduled follow-up's periodic job: one run over everything due
(domain.schedule.passes), then the outbox is kicked so what was queued goes out now (paced by
the rate limiter)."""

from __future__ import annotations

import logging

from telegram.ext import Application

from domain.schedule.passes import run_due
from handlers.context import ShopContext

log = logging.getLogger(__name__)

FIRST_RUN_SECONDS = 1.0


async def schedule_job(context: ShopContext) -> None:
    shop = context.shop
    report = await run_due(shop.store, shop.schedule)
    handled = {name: n for name, n in report.items() if n}
    if handled:
        log.info("scheduled follow-up: %s", handled)
        shop.kick()


def register(app: Application) -> None:  # type: ignore[type-arg]
    settings = app.bot_data.shop.settings
    if not settings.schedule_enabled:
        log.info("scheduled follow-up is off (SCHEDULE_ENABLED=false)")
        return
    assert app.job_queue is not None
    app.job_queue.run_repeating(
        schedule_job,
        interval=settings.schedule_interval_seconds,
        first=FIRST_RUN_SECONDS,
        name="schedule",
    )
