"""A product from the staff group: /produk <sku> shows its card with edit buttons, each
change asked for by a question staff reply to (a photo for the photo); /produk baru asks for a
new product step by step. The questions are kept in the store, so a restart loses none."""

from __future__ import annotations

from typing import Any

from telegram import ForceReply, Message, ReplyParameters, Update
from telegram.constants import ParseMode

from domain.catalog import product_edit, stock
from domain.errors import DomainError, InvalidInput
from domain.models import Product
from handlers import callbacks as cb
from handlers.common import Context
from handlers.keyboards import staff as kb
from handlers.pressed import button
from handlers.staff import orders
from handlers.staff.cards import set_markup
from handlers.staff.catalog import may_change_catalog, refuse_non_admin
from handlers.staff.desk import Desk, command_text, show_usage

NEW_WORDS = ("baru", "new")


def card_text(desk: Desk, card: product_edit.Card) -> str:
    return desk.render(
        "staff_product_card",
        product=card.product,
        changes=card.changes,
        movements=card.movements,
    )


async def produk_command(update: Update, context: Context) -> None:
    """/produk <sku>: the card; /produk baru: a new product, step by step."""
    desk = Desk(update, context)
    args = command_text(update, 1)
    word = args[0].strip() if args else ""
    if not word or len(word.split()) != 1:
        await show_usage(desk, "produk")
        return
    if word.lower() in NEW_WORDS:
        if not may_change_catalog(desk):
            await refuse_non_admin(desk, "new product")
            return
        await ask(desk, "new_name", draft={})
        return
    try:
        card = await product_edit.card(desk.deps.store, word)
    except DomainError as exc:
        await desk.fail(exc)
        return
    markup = kb.product_card(desk.deps.messages, desk.lang, card.product)
    await desk.reply(card_text(desk, card), markup)


async def ask(
    desk: Desk,
    field: str,
    *,
    product: Product | None = None,
    draft: dict[str, Any] | None = None,
) -> None:
    """Post a question staff answer by replying to it, and remember it in the store."""
    chat_id = desk.chat_id
    assert chat_id is not None
    step = product_edit.STEPS.index(field[4:]) + 1 if field.startswith("new_") else 0
    text = desk.render(
        "staff_product_prompt",
        field=field,
        product=product,
        draft=draft or {},
        step=step,
        steps=len(product_edit.STEPS),
        # Named, so Telegram's forced reply opens for the one who asked (as order prompts do).
        actor_id=desk.actor.id or 0,
        actor_name=desk.actor.name,
    )
    query = desk.update.callback_query
    message = query.message if query is not None else desk.update.effective_message
    sent = await desk.context.bot.send_message(
        chat_id,
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=ForceReply(selective=True),
        message_thread_id=desk.thread_id,
        reply_parameters=(
            ReplyParameters(message.message_id, allow_sending_without_reply=True)
            if message is not None
            else None
        ),
    )
    await product_edit.open_prompt(
        desk.deps.store,
        chat_id,
        sent.message_id,
        product.sku if product else None,
        field,
        draft=draft,
        created_by=desk.actor.id,
    )
    await desk.answer()


async def _redraw_card(desk: Desk, sku: str) -> None:
    query = desk.update.callback_query
    if query is None or query.message is None:
        return
    card = await product_edit.card(desk.deps.store, sku)
    markup = kb.product_card(desk.deps.messages, desk.lang, card.product)
    await desk.edit(query.message.message_id, card_text(desk, card), markup)


@button(cb.StaffProductEdit)
async def product_button(update: Update, context: Context, data: cb.StaffProductEdit) -> None:
    """A button on a product's card: a question for the new value, the stock's choices, or
    on/off sale at once."""
    desk = Desk(update, context)
    if not await desk.button_allowed():
        return
    if not may_change_catalog(desk):
        await refuse_non_admin(desk, f"product edit {data.field}")
        return
    store = desk.deps.store
    try:
        item = await stock.product(store, data.sku)
        if data.field == "stock":
            await desk.answer()
            await set_markup(desk, kb.product_stock(desk.deps.messages, desk.lang, item))
        elif data.field == "card":
            await desk.answer()
            await set_markup(desk, kb.product_card(desk.deps.messages, desk.lang, item))
        elif data.field in ("on", "off"):
            edited = await product_edit.edit(
                store, item.sku, "active", data.field == "on", desk.actor
            )
            text = done_text(desk, edited)
            await desk.answer(text)
            await _redraw_card(desk, item.sku)
            if edited.changed:
                await desk.reply(text)
        else:
            await ask(desk, data.field, product=item)
    except DomainError as exc:
        await desk.fail(exc)


def done_text(desk: Desk, edited: product_edit.Edited) -> str:
    return desk.render(
        "staff_product_done",
        kind="edited",
        field=edited.field,
        before=edited.before,
        after=edited.after,
        product=edited.product,
        actor_name=desk.actor.name,
    )


# ---------------------------------------------------------------- replies to the questions


async def prompt_reply(update: Update, context: Context) -> None:
    """A reply in the staff group: to a question about a product, or else to one about an
    order (handlers.staff.orders)."""
    message = update.effective_message
    if message is None or message.reply_to_message is None:
        return
    target = message.reply_to_message
    if target.from_user is None or target.from_user.id != context.bot.id:
        return  # staff talking among themselves
    desk = Desk(update, context)
    store = desk.deps.store
    prompt = await product_edit.find_prompt(store, message.chat.id, target.message_id)
    if prompt is None:
        if message.text is not None:
            await orders.prompt_reply(update, context)
        return
    if prompt.closed:
        await desk.fail(InvalidInput("prompt_closed"))
        return
    if not may_change_catalog(desk):
        await refuse_non_admin(desk, f"product reply {prompt.field}")
        return
    try:
        if prompt.field.startswith("new_"):
            await _new_step(desk, prompt, message)
            return
        done = await _answer(desk, prompt, message)
    except DomainError as exc:
        await desk.fail(exc)  # the question stays open: reply again
        return
    await product_edit.close_prompt(store, prompt.chat_id, prompt.message_id)
    desk.kick()  # a low-stock alert may be queued
    await desk.edit(prompt.message_id, done, None)


async def _answer(desk: Desk, prompt: product_edit.Prompt, message: Message) -> str:
    """Make the change the reply asks for; the text saying what changed."""
    store, sku, key = desk.deps.store, prompt.sku or "", desk.message_key
    if prompt.field.startswith("stock_"):
        how = prompt.field.removeprefix("stock_")
        value, note = stock.parse_adjustment(how, message.text or "")
        adjusted = await stock.adjust(store, sku, how, value, desk.actor, note, source=key)
        return desk.render(
            "staff_product_done",
            kind="stock",
            how=how,
            before=adjusted.before,
            after=adjusted.after,
            note=adjusted.note,
            product=adjusted.product,
            actor_name=desk.actor.name,
        )
    if prompt.field == "photo":
        if not message.photo:
            raise InvalidInput("product_photo_needed")
        raw = message.photo[-1].file_id  # the largest size; Telegram serves it by its id
    elif message.text is None:
        raise InvalidInput("product_value", field=prompt.field, problem="", detail={})
    else:
        raw = message.text
    value = product_edit.check_value(prompt.field, raw)
    edited = await product_edit.edit(store, sku, prompt.field, value, desk.actor, source=key)
    return done_text(desk, edited)


async def _new_step(desk: Desk, prompt: product_edit.Prompt, message: Message) -> None:
    """One step of /produk baru: the answer kept with the next question, or the product."""
    store = desk.deps.store
    step = await product_edit.answer_step(
        store, prompt.draft, prompt.field.removeprefix("new_"), message.text or ""
    )
    if not await product_edit.close_prompt(store, prompt.chat_id, prompt.message_id):
        raise InvalidInput("prompt_closed")  # answered at the same moment by someone else
    if step.next is not None:
        await ask(desk, f"new_{step.next}", draft=step.draft)
        return
    product = await product_edit.create(store, step.draft, desk.actor)
    await desk.reply(
        desk.render("staff_product_done", kind="created", product=product,
                    actor_name=desk.actor.name),
        kb.product_card(desk.deps.messages, desk.lang, product),
    )
