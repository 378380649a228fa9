"""Where a customer stands in a conversation, and its step's question asked again.

The state is read from the store (PTB's persistence writes it after every update, and it is
what a restart loads); the answers so far are in user_data, loaded with the context. Asking
again changes neither: the conversation stays at its step.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from domain import conversation_age
from domain.aftersales import reads as aftersales_reads
from domain.aftersales import refund_reads
from domain.aftersales.models import ComplaintStatus
from domain.catalog import catalog
from domain.errors import DomainError
from domain.ordering import cart as carts
from domain.ordering import orders as order_service
from domain.store import conversations
from handlers.common import Screen
from handlers.customer import checkout_place, checkout_steps, complaint_follow, complaint_steps
from handlers.customer import refund_details as refund
from handlers.customer.orders import show_order
from handlers.customer.quantity import QTY, SKU
from handlers.keyboards import complaint as complaint_kb
from handlers.keyboards import customer as kb

# The conversations that ask a customer something, by their ConversationHandler's name.
SHOPPING, COMPLAINT, REFUND = "shopping", "complaint", "refund_details"
ALL = (SHOPPING, COMPLAINT, REFUND)

Ask = Callable[[Screen, str], Awaitable[bool]]


async def state(screen: Screen, name: str) -> str | None:
    """The conversation's step for this customer (its key: chat, user); None when closed."""
    chat, user = screen.update.effective_chat, screen.update.effective_user
    if chat is None or user is None:
        return None
    found = await conversations.state_of(screen.deps.store.reader, name, (chat.id, user.id))
    return found if isinstance(found, str) else None


async def latest_first(screen: Screen, names: tuple[str, ...]) -> tuple[str, ...]:
    """Those of these conversations open for the customer, the one whose question came last
    first: the one a typed message answers (as bot/inbox.py routes it)."""
    chat, user = screen.update.effective_chat, screen.update.effective_user
    if chat is None or user is None:
        return ()
    key = (chat.id, user.id)
    found = await conversations.states_for(screen.deps.store.reader, [key])
    open_ = {(n, key): found[n, key] for n in names if (n, key) in found}
    return tuple(name for name, _ in conversation_age.latest_first(open_))


async def open_in(screen: Screen, names: tuple[str, ...]) -> bool:
    """Whether one of these conversations is open for the customer."""
    for name in names:
        if await state(screen, name) is not None:
            return True
    return False


async def ask_again(screen: Screen, names: tuple[str, ...]) -> bool:
    """Ask the step of the first of these conversations the customer is in (in the order
    given); False when none is open, or its step cannot be asked any more."""
    for name in names:
        step = await state(screen, name)
        try:
            if step is not None and await ASKS[name](screen, step):
                return True
        except KeyError:  # a draft without what its step needs: no step to ask
            continue
    return False


async def ask_shopping(screen: Screen, step: str) -> bool:
    if step == QTY:
        sku = screen.context.user_data.get(SKU)  # type: ignore[union-attr]
        product = await catalog.get_product(screen.deps.store, sku) if sku else None
        if product is None:
            return False
        await screen.send(screen.render("ask_qty", product=product))
        return True
    if step not in checkout_steps.STEPS:
        return False
    if step == checkout_steps.CONFIRM:
        content = await carts.get_cart(screen.deps.store, screen.who.user_id)
        if content.is_empty:  # placed before the bot went down, or emptied meanwhile
            await placed_or_cart(screen)
            return True
    await checkout_steps.prompt(screen, step)
    return True


async def placed_or_cart(screen: Screen) -> None:
    """After checkout: the order this checkout (or the last one) placed, else the cart."""
    data = screen.context.user_data or {}
    key = data.get(checkout_steps.DRAFT, {}).get(checkout_steps.KEY)
    placed = None
    if key:
        placed = await order_service.placed_by_checkout_key(
            screen.deps.store, screen.who.user_id, key
        )
    number = placed.number if placed is not None else data.get(checkout_place.PLACED)
    if number:
        try:
            await show_order(screen, number)
            return
        except DomainError:
            pass
    await show_cart(screen)


async def show_cart(screen: Screen) -> None:
    content = await carts.get_cart(screen.deps.store, screen.who.user_id)
    await screen.show(
        screen.render("cart", cart=content), kb.cart(screen.deps.messages, screen.lang, content)
    )


async def ask_complaint(screen: Screen, step: str) -> bool:
    if step in complaint_steps.STEPS:
        if not complaint_steps.draft(screen.context).get("order"):
            return False
        await complaint_steps.prompt(screen, step)
        return True
    more = step == complaint_steps.MORE
    key = complaint_steps.MORE_DRAFT if more else complaint_steps.RETURN_DRAFT
    data = screen.context.user_data.get(key) or {}  # type: ignore[union-attr]
    try:
        found = await aftersales_reads.complaint(screen.deps.store, data["id"])
    except (DomainError, KeyError):
        return False
    if more:
        text = screen.render(
            "aftersales_customer_more_ask", number=found.order_number, note=found.staff_reason,
            asked=found.status == ComplaintStatus.NEEDS_EVIDENCE,
        )
        await screen.send(text, complaint_kb.more_evidence(screen.deps.messages, screen.lang))
    elif step == complaint_steps.TRACKING and data.get("courier"):
        await complaint_follow.ask_tracking(screen, found.order_number, data["courier"])
    elif step in (complaint_steps.COURIER, complaint_steps.TRACKING):
        await complaint_follow.ask_courier(screen, found.order_number)
    else:
        return False
    return True


async def ask_refund(screen: Screen, step: str) -> bool:
    data = screen.context.user_data.get(refund.DRAFT) or {}  # type: ignore[union-attr]
    try:
        found = await refund_reads.own_refund(
            screen.deps.store, screen.who.user_id, data["refund"]
        )
    except (DomainError, KeyError):
        return False
    if found.status not in refund.OPEN:
        return False
    if step == refund.NUMBER and data.get("bank"):
        await refund.keep_bank(screen, data["bank"])  # asks the number again, changes nothing
    elif step == refund.HOLDER and data.get("bank") and data.get("number"):
        await refund.ask_holder(screen, data)
    else:
        await refund.ask_bank(screen, found)
    return True


ASKS: dict[str, Ask] = {SHOPPING: ask_shopping, COMPLAINT: ask_complaint, REFUND: ask_refund}
