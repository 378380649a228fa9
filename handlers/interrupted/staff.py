"""A press in the staff group that came too late: the toast, then what it was on re-drawn as
it is now: an order card (the living card through the outbox, a copy in place), a complaint's
card (its own buttons back), a refund's message (the refund's buttons now). Nothing is asked
and nothing is done."""

from __future__ import annotations

from domain.aftersales import refund_reads
from domain.errors import NotFound
from handlers import callbacks as cb
from handlers.callbacks import refunds as rcb
from handlers.keyboards import refunds as refund_kb
from handlers.staff import complaints
from handlers.staff.cards import redraw, set_markup
from handlers.staff.desk import Desk

# The staff buttons that carry an order's number (on its card or a copy of it).
ORDER_KINDS: tuple[type[cb.Callback], ...] = (cb.StaffPress, cb.StaffCourier, cb.OrderRts)
# The buttons on a complaint's card (and the menus it opens in place).
COMPLAINT_KINDS: tuple[type[cb.Callback], ...] = (
    cb.ComplaintPress, cb.ComplaintSolution, cb.StaffComplaintCourier, cb.ComplaintLine,
    cb.ComplaintInspect,
)


async def pressed(desk: Desk, data: str | None, cut: bool = False) -> None:
    await desk.answer(desk.render("interrupted", kind="toast", cut=cut))
    try:
        parsed = cb.unpack(data, *ORDER_KINDS, *COMPLAINT_KINDS, rcb.RefundStaffPress)
    except cb.BadCallback:  # a list, report or catalog button, or forged data: the toast only
        return
    try:
        if isinstance(parsed, rcb.RefundStaffPress):
            found = await refund_reads.refund(desk.deps.store, parsed.refund_id)
            await set_markup(desk, refund_kb.staff_refund(desk.deps.messages, desk.lang, found))
        elif isinstance(parsed, COMPLAINT_KINDS):
            await complaints.show(
                complaints.ComplaintDesk(desk.update, desk.context),
                parsed.complaint,  # type: ignore[attr-defined]
            )
        else:  # an unknown number redraws nothing (redraw checks the order exists)
            await redraw(desk, parsed.number)  # type: ignore[attr-defined]
            desk.kick()
    except NotFound:  # forged, or gone: the toast was enough
        return
