"""What staff can do to an order, as data: the buttons on a card follow from its status."""

from __future__ import annotations

from enum import StrEnum

from domain.models import Status
from domain.ordering import lifecycle


class Action(StrEnum):
    VERIFY = "verify"
    REJECT = "reject"
    PACK = "pack"
    SHIP = "ship"
    INVOICE = "invoice"
    DELIVER = "deliver"
    CANCEL = "cancel"
    NOTE = "note"


# The status each lifecycle action leads to.
TARGET: dict[Action, Status] = {
    Action.VERIFY: Status.VERIFIED,
    Action.REJECT: Status.REJECTED,
    Action.PACK: Status.PACKED,
    Action.SHIP: Status.SHIPPED,
    Action.DELIVER: Status.DELIVERED,
    Action.CANCEL: Status.CANCELLED,
}

# An invoice bills goods the shop has agreed to deliver: not before verification, never for
# an order that was turned down or cancelled before it was issued.
INVOICEABLE: frozenset[Status] = frozenset(
    {Status.VERIFIED, Status.PACKED, Status.SHIPPED, Status.DELIVERED}
)

# Display order on the card: the next step first, cancel and note last.
_ORDER = (
    Action.VERIFY,
    Action.REJECT,
    Action.PACK,
    Action.SHIP,
    Action.DELIVER,
    Action.INVOICE,
    Action.CANCEL,
    Action.NOTE,
)


def allowed_actions(status: Status) -> tuple[Action, ...]:
    """Exactly the actions that make sense now; a note can always be added."""

    def allowed(action: Action) -> bool:
        if action is Action.NOTE:
            return True
        if action is Action.INVOICE:
            return status in INVOICEABLE
        return lifecycle.can_transition(status, TARGET[action])

    return tuple(a for a in _ORDER if allowed(a))
