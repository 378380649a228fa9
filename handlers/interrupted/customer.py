"""A customer's press or message that came too late: a note that it was not carried out, then
where things stand now, sent as new messages at the bottom of the chat where they are seen
(the pressed message may be far up; it is left as it is)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from domain.errors import DomainError
from handlers import callbacks as cb
from handlers.callbacks import refunds as rcb
from handlers.common import Screen
from handlers.customer.orders import show_order, show_orders
from handlers.interrupted import steps

Kinds = tuple[type[cb.Callback], ...]

# The customer's buttons by what they were on.
CHECKOUT_KINDS: Kinds = (
    cb.CheckoutStep, cb.CheckoutShipping, cb.CheckoutPayment, cb.CartCheckout, cb.AskQuantity,
)
COMPLAINT_KINDS: Kinds = (
    *cb.complaint.STEP_KINDS, cb.ComplaintMoreEvidence, cb.ComplaintReturnShipment,
)
REFUND_KINDS: Kinds = (rcb.RefundDetails, rcb.RefundReuse, rcb.RefundBank, rcb.RefundQuit)
ORDER_KINDS: Kinds = (
    cb.OrderView, cb.OrderCancel, cb.OrderCancelConfirm, cb.ComplaintStart,
    cb.Received, cb.SurveyScore, cb.SurveySkip, cb.DeliveryAnswer,
)
CART_KINDS: Kinds = (cb.CartView, cb.CartSet, cb.CartClear, cb.AddToCart)
STAFF_PREFIXES = frozenset(
    {cb.STAFF, cb.STAFF_QUEUE, cb.STAFF_CATALOG, cb.STAFF_PRODUCT, cb.STAFF_REPORT,
     cb.STAFF_COMPLAINT, rcb.REFUND_STAFF}
)
CUSTOMER_KINDS: Kinds = tuple(c for c in cb.ALL if c.prefix not in STAFF_PREFIXES)
# Which conversation a button belongs to (its step is asked again while it is open).
CONVERSATIONS: list[tuple[Kinds, tuple[str, ...]]] = [
    (CHECKOUT_KINDS, (steps.SHOPPING,)),
    (COMPLAINT_KINDS, (steps.COMPLAINT,)),
    (REFUND_KINDS, (steps.REFUND,)),
]


class Below(Screen):
    """Shows by sending, never by editing the old pressed message."""

    async def show(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        await self.send(text, markup)


async def pressed(screen: Screen, data: str | None, cut: bool = False) -> None:
    await screen.answer(screen.render("interrupted", kind="toast", cut=cut))
    try:
        parsed = cb.unpack(data, *CUSTOMER_KINDS)
    except cb.BadCallback:  # forged, or no button of ours: the toast only
        return
    below = Below(screen.update, screen.context, screen.who)
    names = next((n for kinds, n in CONVERSATIONS if isinstance(parsed, kinds)), ())
    if names and await steps.open_in(below, names):
        await below.send(note(below, "press", "step", cut))
        if not await steps.ask_again(below, names):
            await show_orders(below, 0)
    elif isinstance(parsed, CHECKOUT_KINDS):  # checkout is over: its order, else the cart
        await below.send(note(below, "press", "view", cut))
        await steps.placed_or_cart(below)
    elif isinstance(parsed, ORDER_KINDS):
        await below.send(note(below, "press", "view", cut))
        try:
            await show_order(below, parsed.number)  # type: ignore[attr-defined]
        except DomainError:  # no such order of theirs: their list
            await show_orders(below, 0)
    elif isinstance(parsed, cb.OrderList):
        await below.send(note(below, "press", "view", cut))
        await show_orders(below, 0)
    elif isinstance(parsed, CART_KINDS):
        await below.send(note(below, "press", "view", cut))
        await steps.show_cart(below)
    else:  # the menu, the catalog, settings, a finished conversation: where to look
        await below.send(note(below, "press", "pointer", cut))


async def typed(screen: Screen, cut: bool = False) -> None:
    below = Below(screen.update, screen.context, screen.who)
    names = await steps.latest_first(below, steps.ALL)  # the step the text would answer first
    if names:
        await below.send(note(below, "message", "step", cut))
        if not await steps.ask_again(below, names):
            await show_orders(below, 0)
    else:
        await below.send(note(below, "message", "pointer", cut))


def note(screen: Screen, what: str, then: str, cut: bool) -> str:
    return screen.render("interrupted", kind="note", what=what, then=then, cut=cut)
