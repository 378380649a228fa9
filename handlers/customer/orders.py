"""The customer's orders: the list, one order (and cancelling it), /track, and a transfer
receipt sent as a photo."""

from __future__ import annotations

from telegram import Update

from domain.aftersales import reads as aftersales_reads
from domain.aftersales import refunds as refund_service
from domain.aftersales import shipments
from domain.aftersales.complaints import delivered_at
from domain.aftersales.models import Complaint, ComplaintReason, ComplaintView, RefundStatus
from domain.errors import DomainError, NotFound
from domain.models import Order, Status
from domain.ordering import order_reads
from domain.ordering import orders as order_service
from domain.ordering.timeline import Audience
from handlers import callbacks as cb
from handlers.common import Context, Screen
from handlers.keyboards import complaint as complaint_kb
from handlers.keyboards import customer as kb
from handlers.keyboards import follow_up as notice_kb
from handlers.keyboards import refunds as refund_kb
from handlers.pressed import button

ORDERS_PAGE = 8
CUSTOMER_RECENT_EVENTS = 12  # an order's view shows its newest updates, and how many more


def tracking_url(screen: Screen, courier: str | None, number: str | None) -> str | None:
    """The courier's tracking link, when the staff workflow knows one."""
    return screen.deps.couriers.tracking_url(courier, number) if courier and number else None


async def show_orders(screen: Screen, page: int) -> None:
    items, total = await order_reads.customer_orders(
        screen.deps.store, screen.who.user_id, limit=ORDERS_PAGE, offset=page * ORDERS_PAGE
    )
    pages = max((total + ORDERS_PAGE - 1) // ORDERS_PAGE, 1)
    await screen.show(
        screen.render("orders_list", total=total),
        kb.orders_list(screen.deps.messages, screen.lang, items, page, pages),
    )


async def orders_command(update: Update, context: Context) -> None:
    await show_orders(await Screen.of(update, context), 0)


async def show_order(screen: Screen, number: str) -> None:
    order = await order_reads.customer_order(screen.deps.store, screen.who.user_id, number)
    complaint, view, may_open = await complaint_of(screen, order)
    rows = complaint_kb.order_rows(
        screen.deps.messages, screen.lang, order.number, complaint, may_open
    )
    # A refund still owed its bank details: its button here too ("see order" on the refund
    # notice turns that notice into this view).
    owed = [
        r for r in await aftersales_reads.refunds_of_order(screen.deps.store, order.id)
        if r.status == RefundStatus.AWAITING_DETAILS
    ]
    if owed:
        last = await refund_service.last_bank_details(screen.deps.store, screen.who.user_id)
        rows += refund_kb.refund_rows(screen.deps.messages, screen.lang, owed[-1], last)
    await screen.show(
        screen.deps.messages.render_order(
            screen.lang,
            "order_detail",
            order=order,
            audience=Audience.CUSTOMER,  # staff notes stay internal
            recent=CUSTOMER_RECENT_EVENTS,
            tracking_url=tracking_url(screen, order.courier, order.tracking_number),
            aftersales=view,
        ),
        kb.order_detail(screen.deps.messages, screen.lang, order, rows),
    )


async def complaint_of(
    screen: Screen, order: Order
) -> tuple[Complaint | None, ComplaintView | None, bool]:
    """The order's complaint (open, else newest) as the customer may read it, and whether
    a new one may be filed now (delivered, within the window, units left to claim)."""
    store = screen.deps.store
    complaint = await aftersales_reads.complaint_for_order(store, order.id)
    if complaint is not None and complaint.reason == ComplaintReason.COD_REFUSED:
        complaint = None  # the shop's record of a refused parcel, not the customer's complaint
    view = None
    if complaint is not None:
        view = await aftersales_reads.complaint_view(store, complaint.id, Audience.CUSTOMER)
    may_open = (
        order.status == Status.DELIVERED
        and (complaint is None or not complaint.is_open)
        and screen.deps.returns.may_complain(delivered_at(order), store.now())
        and any((await aftersales_reads.claimable(store, order)).values())
    )
    return complaint, view, may_open


@button(cb.OrderList, cb.OrderView, cb.OrderCancel, cb.OrderCancelConfirm)
async def orders_button(
    update: Update,
    context: Context,
    data: cb.OrderList | cb.OrderView | cb.OrderCancel | cb.OrderCancelConfirm,
) -> None:
    """The list, one order, "cancel?" and "yes, cancel".

    The number comes from the client: every lookup is limited to the presser's own orders.
    """
    screen = await Screen.of(update, context)
    try:
        if isinstance(data, cb.OrderList):
            await screen.answer()
            await show_orders(screen, data.page)
        elif isinstance(data, cb.OrderView):
            await show_order(screen, data.number)
            await screen.answer()
        elif isinstance(data, cb.OrderCancel):
            order = await order_reads.customer_order(
                screen.deps.store, screen.who.user_id, data.number
            )
            await screen.answer()
            await screen.show(
                screen.render("cancel_confirm", order=order),
                kb.confirm_cancel(screen.deps.messages, screen.lang, order),
            )
        else:
            order = await order_service.cancel_by_customer(
                screen.deps.store,
                screen.who.user_id,
                data.number,
                screen.who.name or screen.who.first_name,
            )
            # "Cancelled" itself was queued with the change (the outbox sends it); the
            # question turns back into the order's view, now showing it cancelled.
            screen.deps.kick()
            await screen.answer()
            await show_order(screen, order.number)
    except DomainError as exc:
        await screen.fail(exc)


async def track_command(update: Update, context: Context) -> None:
    screen = await Screen.of(update, context)
    if not context.args:
        await screen.send(screen.render("track_usage", example="K7Q3MX"))
        return
    store, query = screen.deps.store, " ".join(context.args)
    try:
        try:
            order = await order_reads.track(store, screen.who.user_id, query)
        except NotFound:
            # A follow-up parcel's own tracking number (after-sales: replacement, missing part)
            parcel = await aftersales_reads.follow_up_by_tracking(
                store, screen.who.user_id, query.strip()[:40]
            )
            if parcel is None:
                raise
            order = await order_reads.load_order(store.reader, parcel.order_id)
    except DomainError as exc:
        await screen.fail(exc)
        return
    parcels = [
        (p, tracking_url(screen, p.courier, p.tracking_number))
        for p in await shipments.follow_ups_of_order(store, order.id)
        if p.courier is not None
    ]
    await screen.send(
        screen.render(
            "track",
            order=order,
            tracking_url=tracking_url(screen, order.courier, order.tracking_number),
            follow_ups=parcels,
        ),
        notice_kb.order_notice(screen.deps.messages, screen.lang, order),
    )


async def payment_photo(update: Update, context: Context) -> None:
    """A photo in the private chat is a transfer receipt for the open transfer order."""
    screen = await Screen.of(update, context)
    photos = update.effective_message.photo  # type: ignore[union-attr]
    try:
        order = await order_service.submit_payment_proof(
            screen.deps.store,
            screen.who.user_id,
            photos[-1].file_id,
            screen.who.name or screen.who.first_name,
        )
    except NotFound:
        await screen.send(screen.deps.messages.error(screen.lang, "no_open_transfer"))
        return
    except DomainError as exc:
        await screen.fail(exc)
        return
    screen.deps.kick()
    await screen.send(screen.render("proof_received", order=order))
