"""The scheduled follow-up's periodic job: one run over everything due
(domain.schedule.passes), then the outbox is kicked so what was queued goes out now (paced by
the rate limiter)."""

from __future__ import annotations

import asyncio
import logging

from telegram.ext import Application

from domain.schedule.passes import run_due
from handlers.context import ShopContext

log = logging.getLogger(__name__)

FIRST_RUN_SECONDS = 1.0
# Where APScheduler 3 (PTB's JobQueue, executor "default") reports a job's end.
EXECUTOR_LOGGER = "apscheduler.executors.default"


class StopIsNotAnError(logging.Filter):
    """APScheduler 3 logs a job cancelled by the application's stop as 'raised an exception'
    with a traceback at ERROR; a stop is not an error, so it is told at INFO, without one."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, asyncio.CancelledError):
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.msg, record.args = "%s stopped with the bot", (record.args or ("a job",))[:1]
            record.exc_info = record.exc_text = None
        return True


STOP_IS_NOT_AN_ERROR = StopIsNotAnError()


async def schedule_job(context: ShopContext) -> None:
    shop = context.shop
    report = await run_due(shop.store, shop.schedule)
    handled = {name: n for name, n in report.items() if n}
    if handled:
        log.info("scheduled follow-up: %s", handled)
        shop.kick()


def register(app: Application) -> None:  # type: ignore[type-arg]
    logging.getLogger(EXECUTOR_LOGGER).addFilter(STOP_IS_NOT_AN_ERROR)  # once: same object
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
