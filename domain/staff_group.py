"""The staff group as it really changes: which chat it is now, whether the bot can post there,
and which forum topic each kind of staff message goes to.

- Telegram upgrades a group to a supergroup (made public, history shown to new members, topics
  turned on, grown big): the chat id changes and the old one refuses every message. Each move
  is kept in the store, so the id followed from STAFF_CHAT_ID survives a restart; the old id
  is no longer the staff group.
- Removed, banned or unable to post: staff messages wait in the outbox (never dropped), the
  sender tries again now and then, and the bot's owner hears about it once an hour.
- A forum: STAFF_TOPICS names a thread id per topic; each kind of staff message goes to its
  topic's thread, the General topic when none is set.

One StaffGroup is built by the composition root and shared by the handlers (which chat is the
staff group) and the outbox sender (where to send, whether to try).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.outbox import Kind
from domain.store import Store
from domain.store import staff_group as rows

# The topics a shop may map to threads (STAFF_TOPICS=orders=12,returns=15,...).
TOPICS = ("orders", "returns", "reports", "alerts")

# Which topic each kind of staff message belongs to. A kind not listed, or a topic the shop did
# not map, goes to the General topic. A new staff kind needs one line here.
TOPIC_OF: dict[str, str] = {
    Kind.ORDER_CARD: "orders",
    Kind.PAYMENT_PROOF: "orders",
    Kind.INVOICE_STAFF: "orders",
    Kind.DELIVERY_REPORT: "returns",  # a customer's word on a parcel: after-sales
    Kind.DAILY_DIGEST: "reports",
    Kind.SURVEY_DETRACTOR: "reports",
    Kind.STAFF_NUDGE: "alerts",
    Kind.PAYMENT_EXPIRED_STAFF: "alerts",
    Kind.LOW_STOCK: "alerts",
    Kind.COMPLAINT_CARD: "returns",
    Kind.COMPLAINT_EVIDENCE: "returns",
    Kind.REFUND_STAFF: "returns",
    Kind.COMPLAINT_NUDGE: "alerts",
}

ERROR_EVERY = timedelta(hours=1)  # one ERROR line per this while the bot is out of the group
TRY_EVERY = timedelta(minutes=1)  # while out, the sender tries the oldest staff message again


def follow(chat_id: int, moves: Mapping[int, int]) -> int:
    """Where `chat_id` is now, after every recorded move (a loop stops where it began)."""
    seen = {chat_id}
    while chat_id in moves and moves[chat_id] not in seen:
        chat_id = moves[chat_id]
        seen.add(chat_id)
    return chat_id


@dataclass
class _Out:
    reason: str
    since: datetime
    logged_at: datetime | None
    next_try: datetime


class StaffGroup:
    """The staff group now: `chat_id` (followed through upgrades), whether the bot is out of
    it, and the thread of each kind of staff message. `chat_id in group` is the test every
    handler and the flood guard use."""

    def __init__(self, configured: int, topics: Mapping[str, int] | None = None) -> None:
        self.configured = configured  # STAFF_CHAT_ID, the starting point
        self._chat_id = configured
        self.topics: dict[str, int] = dict(topics or {})
        self._out: _Out | None = None

    @property
    def chat_id(self) -> int:
        return self._chat_id

    @property
    def moved(self) -> bool:
        """Whether the group is no longer at STAFF_CHAT_ID (the setting is out of date)."""
        return self._chat_id != self.configured

    def __contains__(self, chat_id: object) -> bool:
        return chat_id == self._chat_id

    async def load(self, store: Store) -> int:
        """Follow STAFF_CHAT_ID through the upgrades recorded in the store; the id now."""
        self._chat_id = follow(self.configured, await rows.moves(store.reader))
        return self._chat_id

    async def move(self, store: Store, old: int, new: int) -> bool:
        """The group `old` became `new`. True when this switched the staff group just now;
        False when it had already (the update and a failed send both tell it), or when `old`
        is not the staff group."""
        if old != self._chat_id or new == old:
            return False
        # Switched before the first await: the update in the old group, the one in the new
        # group and a failed send may all arrive at once, and only one may announce it.
        self._chat_id = new
        try:
            async with store.transaction() as db:
                await rows.add_move(db, old, new, store.now())
        except BaseException:
            self._chat_id = old
            raise
        return True

    # ------------------------------------------------------------ out of the group

    @property
    def is_out(self) -> bool:
        return self._out is not None

    @property
    def out_reason(self) -> str | None:
        return self._out.reason if self._out else None

    def out(self, reason: str, now: datetime) -> bool:
        """The bot cannot post in the group (removed, banned, no right to post). Staff messages
        wait; True when this deserves an ERROR line (the first time, then once an hour)."""
        if self._out is None:
            self._out = _Out(reason, now, None, now + TRY_EVERY)
        else:
            self._out.reason = reason
            self._out.next_try = now + TRY_EVERY
        logged = self._out.logged_at
        if logged is None or now - logged >= ERROR_EVERY:
            self._out.logged_at = now
            return True
        return False

    @property
    def out_since(self) -> datetime | None:
        return self._out.since if self._out else None

    def back(self) -> bool:
        """The bot can post again; True when it was out."""
        was_out, self._out = self._out is not None, None
        return was_out

    def may_send(self, now: datetime) -> bool:
        """Whether the sender should try the staff group now: always when in it; once every
        TRY_EVERY while out (the oldest waiting message is the probe, so order is kept)."""
        return self._out is None or now >= self._out.next_try

    # ------------------------------------------------------------ forum topics

    def thread_for(self, kind: str) -> int | None:
        """The forum thread of this kind of staff message; None: the General topic."""
        topic = TOPIC_OF.get(kind)
        return None if topic is None else self.topics.get(topic)
