"""Domain errors. Each carries a stable `code` that handlers map to a template."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "error"

    def __init__(self, **context: Any) -> None:
        super().__init__(f"{self.code}: {context}" if context else self.code)
        self.context = context


class InvalidInput(DomainError):
    """Input failed validation; `code` names what was wrong (e.g. "phone_invalid")."""

    def __init__(self, code: str, **context: Any) -> None:
        self.code = code
        super().__init__(**context)


class NotFound(DomainError):
    """Unknown, or not visible to the asker: the two answer alike on purpose."""

    code = "not_found"


class OutOfStock(DomainError):
    code = "out_of_stock"  # context: sku, name, available, requested


class OffSale(DomainError):
    """The product was taken off sale: no more of it goes into a cart (a line may go)."""

    code = "product_off_sale"  # context: sku, name


class EmptyCart(DomainError):
    code = "cart_empty"


class StaleAction(DomainError):
    """The action no longer fits the current state (a stale button, a moved-on order)."""

    code = "stale"


class AlreadyPlaced(DomainError):
    """This checkout's order exists already (Confirm pressed again, e.g. after a restart)."""

    code = "already_placed"  # context: number


class TransitionNotAllowed(DomainError):
    code = "transition_not_allowed"  # context: number, status, wanted


class AlreadyDone(DomainError):
    """Someone else made this very change first (compare-and-set lost)."""

    code = "already_done"  # context: number, status, actor_name, at
