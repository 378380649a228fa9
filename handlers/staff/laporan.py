"""Reports in the staff group: `/laporan [period]` (alias /report) with period buttons —
text and charts; `/ekspor <kind> [period]` (alias /export) — an .xlsx and a .csv as
documents, admins only when STAFF_ADMIN_IDS is set; `/setor` — a courier's COD remittance.
The figures are domain/reports'; the charts are drawn in a worker thread."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path

from telegram import InputFile, Update
from telegram.constants import ChatAction

from domain.errors import DomainError, InvalidInput
from domain.reports import cod, exports, periods
from domain.reports.periods import Period
from domain.reports.report import Report, build, change
from handlers import callbacks as cb
from handlers.common import Context
from handlers.keyboards import staff as kb
from handlers.pressed import button
from handlers.staff.desk import Desk, command_text
from messages import charts
from messages.formatting import period_label

log = logging.getLogger(__name__)


def _label(period: Period, lang: str) -> str:
    return period_label(period.first, period.last, period.whole_month, lang)


def report_texts(report: Report, desk: Desk) -> list[str]:
    """The report as the group reads it: sales and work, products and stock, the rest."""
    ctx = {
        "r": report,
        "label": _label(report.period, desk.lang),
        "label_last": _label(Period("day", report.period.last, report.period.last,
                                    report.period.zone), desk.lang),
        "prev_label": _label(report.previous, desk.lang),
        "shop_name": desk.deps.settings.shop_name,
        "change_of": change,
    }
    return [desk.render(name, **ctx) for name in ("report_sales", "report_products", "report_more")]


async def send_report(desk: Desk, period: Period) -> None:
    shop = desk.deps
    chat_id = desk.chat_id
    assert chat_id is not None
    await desk.context.bot.send_chat_action(chat_id, ChatAction.TYPING)
    report = await build(shop.store, period, shop.reports)
    first, *rest = report_texts(report, desk)
    await desk.reply(first, kb.report_periods(shop.messages, desk.lang))
    for text in rest:
        await desk.say(text)
    # matplotlib works for a while (≤ 300 ms a chart): not on the event loop.
    pngs = await asyncio.to_thread(charts.report_charts, report, shop.messages, desk.lang)
    for n, png in enumerate(pngs, start=1):
        name = f"laporan_{period.code}_{n}.png"
        await desk.context.bot.send_photo(
            chat_id, InputFile(png, filename=name), message_thread_id=desk.thread_id
        )


async def report_command(update: Update, context: Context) -> None:
    desk = Desk(update, context)
    words = command_text(update, 1)
    shop = desk.deps
    try:
        period = periods.parse(words[0] if words else "", shop.store.now(), shop.settings.zone)
    except InvalidInput as exc:
        await desk.fail(exc)
        return
    await send_report(desk, period)


@button(cb.StaffReportPeriod)
async def report_button(update: Update, context: Context, data: cb.StaffReportPeriod) -> None:
    desk = Desk(update, context)
    if not await desk.button_allowed():
        return
    await desk.answer()
    shop = desk.deps
    await send_report(desk, periods.parse(data.period, shop.store.now(), shop.settings.zone))


# ---------------------------------------------------------------- exports


def may_export(desk: Desk) -> bool:
    """Exports hold personal data: with STAFF_ADMIN_IDS set, only those users."""
    admins = desk.deps.settings.staff_admin_ids
    return exports.may_export(desk.actor.id, admins)


async def export_command(update: Update, context: Context) -> None:
    desk = Desk(update, context)
    shop = desk.deps
    if not may_export(desk):
        desk.refused("export")
        await desk.reply(shop.messages.error(desk.lang, "export_refused"))
        return
    words = command_text(update, 2)
    try:
        kind = exports.parse_kind(words[0] if words else None)
        period = periods.parse(words[1] if len(words) > 1 else "month", shop.store.now(),
                               shop.settings.zone)
    except InvalidInput as exc:
        await desk.fail(exc)
        return
    chat_id = desk.chat_id
    assert chat_id is not None
    await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
    with tempfile.TemporaryDirectory(prefix="ekspor-") as folder:
        done = await exports.export(shop.store, kind, period, Path(folder))
        caption = desk.render(
            "report_export", kind=kind, label=_label(period, desk.lang), rows=done.rows
        )
        for path in (done.xlsx, done.csv):
            await context.bot.send_document(
                chat_id,
                _file(path),
                caption=caption,
                parse_mode="HTML",
                message_thread_id=desk.thread_id,
            )
    log.info("export %s %s: %d rows by %s", kind, period.code, done.rows, desk.actor.name)


def _file(path: Path) -> InputFile:
    return InputFile(path.read_bytes(), filename=path.name)


# ---------------------------------------------------------------- COD remittance


async def remit_command(update: Update, context: Context) -> None:
    desk = Desk(update, context)
    shop = desk.deps
    if not exports.may_export(desk.actor.id, shop.settings.staff_admin_ids):
        desk.refused("remittance")
        await desk.reply(shop.messages.error(desk.lang, "export_refused"))
        return
    today = periods.today(shop.store.now(), shop.settings.zone)
    try:
        words = command_text(update, cod.MAX_ORDERS_PER_REMITTANCE + 10)
        request = cod.parse_remittance(words, today)
        if request is None:
            await desk.reply(
                shop.messages.error(desk.lang, "cod_usage", couriers=shop.couriers.names())
            )
            return
        done = await cod.record_remittance(
            shop.store,
            courier_text=request.courier,
            remitted_on=request.day,
            amount=request.amount,
            numbers=request.numbers,
            actor=desk.actor,
            couriers=shop.couriers,
        )
    except DomainError as exc:
        await desk.fail(exc)
        return
    await desk.reply(desk.render("report_remitted", r=done))
