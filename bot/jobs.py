"""The scheduled follow-up's periodic job: one run over everything due (domain.schedule), then
the outbox is kicked so what was queued goes out now (paced by the rate limiter)."""

from __future__ import annotations

import logging

from telegram.ext import Application, ContextTypes

from bot.deps import deps
from bot.settings import Settings
from domain.quiet_hours import QuietHours, parse_window
from domain.schedule import run_due
from domain.schedule_policy import Policy

log = logging.getLogger(__name__)

FIRST_RUN_SECONDS = 1.0


def policy_from(settings: Settings) -> Policy:
    zone = settings.zone
    window = parse_window(settings.quiet_hours)
    quiet = QuietHours(*window, zone) if window else QuietHours.off(zone)
    return Policy(
        zone=zone,
        quiet=quiet,
        payment_reminder_after=settings.payment_reminder_after,
        payment_last_before=settings.payment_last_reminder_before,
        payment_expire_after=settings.payment_expire_after,
        verification_limit=settings.nudge_verification_after,
        packing_limit=settings.nudge_packing_after,
        shipment_limit=settings.nudge_shipment_after,
        nudge_every=settings.nudge_every,
        digest_at=settings.digest_at,
        delivery_check_after=settings.delivery_check_after,
        auto_deliver_after=settings.auto_deliver_after,
        survey_after=settings.survey_after,
        abandoned_cart_after=settings.abandoned_cart_after,
        batch=settings.schedule_batch,
    )


async def schedule_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    report = await run_due(d.store, policy_from(d.settings))
    handled = {name: n for name, n in report.items() if n}
    if handled:
        log.info("scheduled follow-up: %s", handled)
        d.sender.kick(context)


def register(app: Application) -> None:  # type: ignore[type-arg]
    settings: Settings = app.bot_data["deps"].settings
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
