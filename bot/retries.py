"""Interactive replies (a handler's sends and edits) survive a short network hiccup.

The rate limiter wraps every request that sends or edits a message, so it is the one place
that retries them: up to ATTEMPTS in all, BACKOFF seconds apart. What is retried depends on
whether Telegram may already have done the request, because a sendMessage done twice is a
duplicate message the customer sees, while a reply that never comes is one they can ask for
again (every step answers a repeated press or text):

- Never reached Telegram: connection refused or failed (httpx ConnectError), connect timeout,
  no free connection in the pool. Nothing was done, so every request is retried.
- Telegram answered with a server error (5xx; PTB raises a plain NetworkError carrying no
  transport error): an answer other than ok means it was not done, so every request is
  retried. (A 504 from a proxy between us and Telegram could hide a done request: accepted.)
- Lost after it was sent: read or write timeout, the connection dropped while waiting for the
  answer. Telegram may have done it, so only requests harmless twice are retried: edits (a
  repeated edit answers "message is not modified", which the handlers treat as done) and
  deletes. Sends, copies and forwards are not: the error reaches the handler, which answers
  "something went wrong" through the error handler.

The outbox sender turns these retries off (`without_retries`): it retries with its own
backoff across restarts, and a second layer would multiply the attempts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import httpx
from telegram.error import BadRequest, NetworkError

ATTEMPTS = 3
BACKOFF = (0.5, 1.5)  # seconds before the 2nd and the 3rd attempt

# Transport errors raised before the request left this process.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

_enabled: ContextVar[bool] = ContextVar("interactive_retries", default=True)


@contextmanager
def without_retries() -> Iterator[None]:
    """Requests made inside (in this task and tasks it starts) are not retried here."""
    token = _enabled.set(False)
    try:
        yield
    finally:
        _enabled.reset(token)


def harmless_twice(endpoint: str) -> bool:
    return endpoint.lower().startswith(("edit", "delete"))


def not_done(exc: NetworkError) -> bool:
    """True when Telegram certainly did not carry the request out."""
    cause = exc.__cause__
    if isinstance(cause, NOT_SENT):
        return True
    # PTB raises the bare class for an error status (5xx) it has no better class for;
    # its subclasses (BadRequest, TimedOut) mean something else.
    return type(exc) is NetworkError and cause is None


def retry_delay(exc: NetworkError, endpoint: str, failures: int) -> float | None:
    """Seconds to wait before trying again after the `failures`-th failure, or None."""
    if not _enabled.get() or failures >= ATTEMPTS or isinstance(exc, BadRequest):
        return None  # a refusal (400) is the same the next time
    if not (not_done(exc) or harmless_twice(endpoint)):
        return None
    return BACKOFF[min(failures - 1, len(BACKOFF) - 1)]
