"""A press in the staff group that came too late: the toast, then the order card it was on
re-drawn as the order is now (the living card through the outbox, a copy in place)."""

from __future__ import annotations

from handlers import callbacks as cb
from handlers.staff.cards import redraw
from handlers.staff.desk import Desk

# The staff buttons that carry an order's number (on its card or a copy of it).
ORDER_KINDS: tuple[type[cb.Callback], ...] = (cb.StaffPress, cb.StaffCourier, cb.OrderRts)


async def pressed(desk: Desk, data: str | None) -> None:
    await desk.answer(desk.render("interrupted", kind="toast"))
    try:
        parsed = cb.unpack(data, *ORDER_KINDS)
    except cb.BadCallback:  # another kind of staff button, or forged data: the toast only
        return
    # An unknown number redraws nothing (redraw checks the order exists).
    await redraw(desk, parsed.number)
    desk.kick()
