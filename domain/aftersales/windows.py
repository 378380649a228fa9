"""When a customer may still complain: the shop's return policy, counted from delivery.

The policy is a value passed in (the composition root builds it from RETURN_WINDOW,
RETURN_CHANGE_OF_MIND and its window), never read from settings here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.aftersales.models import CUSTOMER_REASONS, ComplaintReason
from domain.errors import InvalidInput

DEFAULT_RETURN_WINDOW = timedelta(hours=48)  # the marketplaces' 2×24 hours
DEFAULT_CHANGE_OF_MIND_WINDOW = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class ReturnPolicy:
    return_window: timedelta = DEFAULT_RETURN_WINDOW
    change_of_mind: bool = False  # RETURN_CHANGE_OF_MIND, default off
    change_of_mind_window: timedelta = DEFAULT_CHANGE_OF_MIND_WINDOW

    def window_for(self, reason: ComplaintReason) -> timedelta | None:
        """How long after delivery `reason` may be given; None when it may not at all."""
        if reason is ComplaintReason.CHANGE_OF_MIND:
            return self.change_of_mind_window if self.change_of_mind else None
        if reason is ComplaintReason.COD_REFUSED:
            return None
        return self.return_window

    def window_ends(self, reason: ComplaintReason, delivered_at: datetime) -> datetime | None:
        window = self.window_for(reason)
        return None if window is None else delivered_at + window

    def reasons_open(self, delivered_at: datetime | None, now: datetime) -> list[ComplaintReason]:
        """The reasons a customer may pick now (empty: no complaint button)."""
        if delivered_at is None:
            return []
        return [
            r
            for r in CUSTOMER_REASONS
            if (end := self.window_ends(r, delivered_at)) is not None and now <= end
        ]

    def may_complain(self, delivered_at: datetime | None, now: datetime) -> bool:
        return bool(self.reasons_open(delivered_at, now))

    def check(
        self, reason: ComplaintReason, delivered_at: datetime | None, now: datetime
    ) -> datetime:
        """The window's end for `reason`; InvalidInput when it is not (or no longer) open:
        `complaint_not_delivered`, `complaint_reason_not_allowed`, `complaint_window_closed`."""
        if delivered_at is None:
            raise InvalidInput("complaint_not_delivered")
        end = self.window_ends(reason, delivered_at)
        if end is None:
            raise InvalidInput("complaint_reason_not_allowed", reason=str(reason))
        if now > end:
            raise InvalidInput("complaint_window_closed", ended_at=end)
        return end
