"""The catalog file in the staff group: a .csv or .xlsx sent there is previewed (new,
changed field by field, unchanged, every bad row by line) with Import / Cancel; /katalog
export sends the catalog back as .xlsx and .csv in the import's format."""

from __future__ import annotations

from telegram import InputFile, ReplyParameters, Update
from telegram.constants import ParseMode

from domain.catalog import catalog_export, catalog_preview, stock
from domain.catalog.catalog_import import ImportFailed
from domain.catalog.catalog_preview import Preview, PreviewExpired, PreviewStale
from domain.errors import DomainError, InvalidInput
from handlers import callbacks as cb
from handlers.common import Context
from handlers.keyboards import staff as kb
from handlers.pressed import button
from handlers.staff.desk import Desk, command_text, show_usage

# Entries a preview lists at most (the rest are counted); within Telegram's length they are
# cut further by messages.render_list.
LISTED = 100


def may_change_catalog(desk: Desk) -> bool:
    """The same rule as stock: STAFF_ADMIN_IDS, or any staff member when it is empty."""
    return stock.may_change_stock(desk.actor.id, desk.deps.settings.staff_admin_ids)


async def refuse_non_admin(desk: Desk, what: str) -> None:
    desk.refused(f"{what} (not in STAFF_ADMIN_IDS)")
    await desk.fail(InvalidInput("catalog_admin_only"))


def preview_text(desk: Desk, preview: Preview) -> str:
    messages = desk.deps.messages
    if preview.errors:
        errors = preview.errors
        return messages.render_list(
            desk.lang,
            "staff_catalog_preview",
            lambda n: {
                "file_name": preview.file_name,
                "errors": errors[:n],
                "more": len(errors) - n,
                "diff": None,
                "entries": [],
                "ready": False,
            },
            min(len(errors), LISTED),
        )
    diff = preview.diff
    assert diff is not None
    entries = [("new", r) for r in diff.new] + [("changed", d) for d in diff.changed]
    return messages.render_list(
        desk.lang,
        "staff_catalog_preview",
        lambda n: {
            "file_name": preview.file_name,
            "errors": [],
            "more": len(entries) - n,
            "diff": diff,
            "entries": entries[:n],
            "ready": preview.id is not None,
        },
        min(len(entries), LISTED),
        keep=0,
    )


async def document_sent(update: Update, context: Context) -> None:
    """A .csv or .xlsx (or an old .xls, to be told) sent to the staff group: its preview."""
    message = update.effective_message
    document = message.document if message else None
    if document is None or not catalog_preview.accepted_name(document.file_name):
        return  # other files staff share are none of the bot's business
    desk = Desk(update, context)
    if not may_change_catalog(desk):
        await refuse_non_admin(desk, "catalog file")
        return
    store = desk.deps.store
    try:
        if (document.file_size or 0) > catalog_preview.MAX_FILE_BYTES:
            raise InvalidInput(
                "catalog_file_too_big", max_mb=catalog_preview.MAX_FILE_BYTES // (1024 * 1024)
            )
        file = await context.bot.get_file(document.file_id)
        data = bytes(await file.download_as_bytearray())
        chat_id = desk.chat_id
        assert chat_id is not None
        preview = await catalog_preview.make_preview(
            store, data, document.file_name or "catalog", chat_id, desk.actor
        )
    except DomainError as exc:
        await desk.fail(exc)
        return
    markup = (
        kb.catalog_preview(desk.deps.messages, desk.lang, preview.id) if preview.id else None
    )
    sent = await desk.reply(preview_text(desk, preview), markup)
    if preview.id is not None:
        await catalog_preview.set_message(store, preview.id, sent.message_id)


@button(cb.StaffCatalogImport)
async def preview_button(update: Update, context: Context, data: cb.StaffCatalogImport) -> None:
    """Import or Cancel under a preview: done once; a second press changes nothing."""
    desk = Desk(update, context)
    if not await desk.button_allowed():
        return
    if not may_change_catalog(desk):
        await refuse_non_admin(desk, "catalog import")
        return
    store, name = desk.deps.store, desk.actor.name
    try:
        if data.action == "import":
            done = await catalog_preview.import_preview(store, data.preview, desk.actor)
            text = desk.render(
                "staff_catalog_done",
                kind="imported",
                file_name=done.file_name,
                actor_name=name,
                diff=done.diff,
                errors=[],
            )
        else:
            file_name = await catalog_preview.cancel_preview(store, data.preview, desk.actor)
            text = desk.render(
                "staff_catalog_done",
                kind="cancelled",
                file_name=file_name,
                actor_name=name,
                diff=None,
                errors=[],
            )
    except (PreviewExpired, PreviewStale) as exc:
        kind = "expired" if isinstance(exc, PreviewExpired) else "stale"
        text = desk.render(
            "staff_catalog_done",
            kind=kind,
            file_name=exc.context["file_name"],
            actor_name=name,
            diff=None,
            errors=[],
        )
    except ImportFailed as failed:
        text = desk.render(
            "staff_catalog_done",
            kind="failed",
            file_name="",
            actor_name=name,
            diff=None,
            errors=failed.errors[:20],
        )
    except DomainError as exc:  # closed already (a second press), or unknown: nothing to do
        await desk.fail(exc)
        return
    await desk.answer(text)
    query = update.callback_query
    if query is not None and query.message is not None:
        await desk.edit(query.message.message_id, text, None)


async def katalog_command(update: Update, context: Context) -> None:
    """/katalog export: the catalog as .xlsx and .csv, ready to edit and send back."""
    desk = Desk(update, context)
    args = command_text(update, 1)
    if len(args) != 1 or args[0].strip().lower() not in ("export", "ekspor"):
        await show_usage(desk, "katalog")
        return
    exported = await catalog_export.export(desk.deps.store)
    chat_id = desk.chat_id
    assert chat_id is not None
    day = desk.deps.store.now().astimezone(desk.deps.messages.zone).strftime("%Y-%m-%d")
    message = update.effective_message
    reply = (
        ReplyParameters(message.message_id, allow_sending_without_reply=True)
        if message is not None
        else None
    )
    for data, suffix, kind in ((exported.xlsx, "xlsx", "Excel"), (exported.csv, "csv", "CSV")):
        caption = desk.deps.messages.render_caption(
            desk.lang, "staff_catalog_export", count=exported.count, kind=kind
        )
        await context.bot.send_document(
            chat_id,
            InputFile(data, filename=f"katalog-{day}.{suffix}"),
            caption=caption,
            parse_mode=ParseMode.HTML,
            reply_parameters=reply,
            message_thread_id=desk.thread_id,
        )
