"""Staff look-ups and stock: /queue, /find, /stock (with a product's stock movements and
changes), /restock, /help, and refusals elsewhere."""

from __future__ import annotations

from telegram import Update

from domain.catalog import product_edit, stock
from domain.errors import DomainError, InvalidInput
from domain.fulfilment import search, worklist
from handlers import callbacks as cb
from handlers.common import Context
from handlers.keyboards import staff as kb
from handlers.pressed import button
from handlers.staff.desk import Desk, command_text, show_usage

STOCK_LIST_LIMIT = 30


async def help_command(update: Update, context: Context) -> None:
    desk = Desk(update, context)
    settings = desk.deps.settings
    await desk.reply(
        desk.render(
            "staff_help",
            shop_name=settings.shop_name,
            couriers=desk.deps.couriers.names(),
            invoice_at=settings.invoice_at,
        )
    )


async def refuse(update: Update, context: Context) -> None:
    """A staff command outside the staff group: refused, and logged."""
    desk = Desk(update, context)
    message = update.effective_message
    desk.refused(f"command {(message.text or '')[:40]!r}" if message else "command")
    chat = update.effective_chat
    await desk.reply(desk.render("staff_refused", private=bool(chat and chat.type == "private")))


# ---------------------------------------------------------------- queue and search


async def _queue_screen(desk: Desk, word: str | None, page: int) -> tuple[str, object]:
    stages = worklist.parse_stage(word)
    found = await worklist.queue(desk.deps.store, stages, page)
    text = desk.render("staff_queue", page=found, now=desk.deps.store.now())
    return text, kb.staff_queue(desk.deps.messages, desk.lang, found)


async def queue_command(update: Update, context: Context) -> None:
    desk = Desk(update, context)
    args = command_text(update, 1)
    word = args[0] if args else None
    if word is not None and len(word.split()) != 1:
        await show_usage(desk, "queue")
        return
    try:
        text, markup = await _queue_screen(desk, word, 0)
    except InvalidInput as exc:
        await desk.fail(exc)
        return
    await desk.reply(text, markup)


@button(cb.StaffQueuePage)
async def queue_button(update: Update, context: Context, data: cb.StaffQueuePage) -> None:
    """Turn the pages of a /queue answer in place."""
    desk = Desk(update, context)
    query = update.callback_query
    assert query is not None
    if not await desk.button_allowed():
        return
    try:
        text, markup = await _queue_screen(desk, data.stage, data.page)
    except DomainError as exc:
        await desk.fail(exc)
        return
    await desk.answer()
    if query.message is not None:
        await desk.edit(query.message.message_id, text, markup)  # type: ignore[arg-type]


async def find_command(update: Update, context: Context) -> None:
    desk = Desk(update, context)
    args = command_text(update, 1)
    if not args:
        await show_usage(desk, "find")
        return
    query = " ".join(args[0].split())
    try:
        orders = await search.find_orders(desk.deps.store, query)
    except InvalidInput as exc:
        await desk.fail(exc)
        return
    await desk.reply(
        desk.render("staff_find", query=query, orders=orders, limit=search.LIMIT),
        kb.staff_open_orders(desk.deps.messages, desk.lang, [o.number for o in orders], []),
    )


# ---------------------------------------------------------------- stock


async def stock_command(update: Update, context: Context) -> None:
    """/stock: every product, scarcest first; /stock low: those at or under the threshold;
    /stock <sku>: one product with its last restocks."""
    desk = Desk(update, context)
    args = command_text(update, 1)
    word = args[0].strip() if args else ""
    if len(word.split()) > 1:
        await show_usage(desk, "stock")
        return
    store = desk.deps.store
    if word and word.lower() not in ("low", "menipis", "habis"):
        try:
            card = await product_edit.card(store, word)
        except DomainError as exc:
            await desk.fail(exc)
            return
        await desk.reply(
            desk.render(
                "staff_stock_item",
                product=card.product,
                movements=card.movements,
                changes=card.changes,
            )
        )
        return
    low_only = bool(word)
    items, total = await stock.levels(store, low_only=low_only, limit=STOCK_LIST_LIMIT)
    # The scarcest first: as many as fit, the rest counted in `more`.
    text = desk.deps.messages.render_list(
        desk.lang,
        "staff_stock",
        lambda n: {"products": items[:n], "low_only": low_only, "more": total - n},
        len(items),
    )
    await desk.reply(text)


async def restock_command(update: Update, context: Context) -> None:
    desk = Desk(update, context)
    args = command_text(update, 2)
    if len(args) != 2 or len(args[1].split()) != 1:
        await show_usage(desk, "restock")
        return
    if not stock.may_change_stock(desk.actor.id, desk.deps.settings.staff_admin_ids):
        desk.refused("restock (not in STAFF_ADMIN_IDS)")
        await desk.reply(desk.deps.messages.error(desk.lang, "admin_only"))
        return
    try:
        quantity = stock.parse_restock_quantity(args[1])
        result = await stock.restock(
            desk.deps.store, args[0], quantity, desk.actor, source=desk.message_key
        )
    except DomainError as exc:
        await desk.fail(exc)
        return
    desk.kick()
    await desk.reply(desk.render("staff_restocked", result=result, actor_name=desk.actor.name))
