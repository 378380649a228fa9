"""The inbox: no update is lost on a crash, and several workers share the work.

Intake. Every update is written to the store before Telegram is told it arrived: the webhook
answers 200 only after `InboxQueue.put` stored it; in polling mode the next getUpdates (whose
offset confirms the batch) is sent only after every update of the batch is stored. A store
that cannot take them fails the webhook request (Telegram sends it again) or the poll (the
same batch is fetched again). A repeated update_id is stored once.

Dispatch. A worker claims lanes (a chat's updates; domain/store/inbox.py) with a lease,
renewed while it works, and hands their updates to the application in update_id order; the
processor (bot/updates.py) runs them one at a time per chat. A lane is claimed again only once
everything claimed in it is done, so one chat's updates never run on two workers at once. A
worker that dies stops renewing; when its lease runs out another worker takes the lane. Updates
left from before a restart are claimed first (the oldest lane first).

Each update, before its handlers run: the checkout and other conversations' state and the
user's and chat's data are read from the store (never a copy from start, which another worker
may have moved on since); a conversation left longer than CONVERSATION_TIMEOUT ends there
(domain/conversation_age.py). An update waiting longer than UPDATE_REPLAY_AGE is not replayed: the
person gets a short "interrupted; here is where things stand" answer instead; so does one a
worker died on after its work was saved (domain/store/handling.py), instead of doing it twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.error import NetworkError
from telegram.ext import Application, ConversationHandler
from telegram.request import HTTPXRequest

from bot.updates import chat_key
from domain import conversation_age
from domain.store import Store
from domain.store import inbox as inbox_rows
from domain.store.inbox import Claimed, Ticket

log = logging.getLogger(__name__)

# (update, application, cut short after its work was saved)
Interrupted = Callable[[Update, Any, bool], Awaitable[None]]
# (update, application, the conversations that were left too long and ended before it)
Ended = Callable[[Update, Any, list[str]], Awaitable[None]]

POLL_SECONDS = 0.5  # look for work other workers stored, or leases that ran out
PRUNE_EVERY = timedelta(minutes=10)
LANES_PER_CLAIM = 64
STORE_ATTEMPTS = 3


class NotStored(NetworkError):
    """The store could not take updates: they are not confirmed to Telegram, which delivers
    them again (a NetworkError, so polling's retry loop backs off and asks again)."""


def lane_of(update: Update) -> int:
    """The lane an update runs in: its chat, else its user, else 0 (the shared one)."""
    key = chat_key(update)
    return key if isinstance(key, int) else 0


class Inbox:
    def __init__(
        self,
        store: Store,
        *,
        worker: str,
        lease: timedelta,
        replay_age: timedelta,
        retention: timedelta,
        only_process: bool,
        conversation_timeout: timedelta,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.store = store
        self.worker = worker
        self.lease = lease
        self.replay_age = replay_age
        self.retention = retention
        # Polling (one getUpdates consumer) or SQLite: no other worker can be alive, so every
        # lease found at start is a dead process's.
        self.only_process = only_process
        self.conversation_timeout = conversation_timeout
        self.poll_seconds = poll_seconds
        self.interrupted: Interrupted | None = None
        self.ended: Ended | None = None
        # Polling: updates of a getUpdates answer, stored together before the next request.
        self.batched = False
        self._batch: list[Update] = []
        self._app: Application | None = None  # type: ignore[type-arg]
        self._claims: dict[int, Claimed] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._renewed = 0.0
        self._pruned = 0.0

    # ------------------------------------------------------------------ intake

    async def record(self, updates: list[Update]) -> None:
        """Store updates (one transaction); raises NetworkError when the store cannot."""
        rows = [(u.update_id, lane_of(u), json.dumps(u.to_dict())) for u in updates]
        for attempt in range(STORE_ATTEMPTS):
            try:
                await self.store.ensure_open()
                async with self.store.transaction() as db:
                    await inbox_rows.record(db, rows, self.store.now())
                break
            except Exception as exc:
                if attempt + 1 == STORE_ATTEMPTS:
                    log.warning(
                        "inbox: %s update(s) not stored (%s); not confirmed to Telegram, which"
                        " delivers them again",
                        len(rows),
                        exc,
                    )
                    raise NotStored(f"updates not stored: {exc}") from exc
                await asyncio.sleep(0.2 * (attempt + 1))
        self._wake.set()

    async def take(self, update: Update) -> None:
        """An update arrived: stored now (webhook), or with its batch (polling)."""
        if self.batched:
            self._batch.append(update)
        else:
            await self.record([update])

    async def flush(self) -> None:
        """Store the batch taken since the last getUpdates; called before the next one, whose
        offset tells Telegram they arrived. On failure they stay for the next try."""
        if self._batch:
            await self.record(self._batch)
            self._batch = []

    # ------------------------------------------------------------------ dispatch

    def attach(self, app: Application) -> None:  # type: ignore[type-arg]
        self._app = app

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="inbox")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._claims.clear()
        try:  # what we held and did not finish goes to the next worker (or our next start)
            async with self.store.transaction() as db:
                given = await inbox_rows.release(db, self.worker)
            if given:
                log.info("inbox: %s unfinished update(s) given back at stop", given)
        except Exception:  # the store may be the reason we stop
            log.warning("inbox: could not give back unfinished updates", exc_info=True)

    async def _loop(self) -> None:
        await self._begin()
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()
            try:
                await self._tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("inbox: claiming updates failed; trying again")
                await asyncio.sleep(1.0)

    async def _begin(self) -> None:
        while True:
            try:
                await self.store.ensure_open()
                async with self.store.transaction() as db:
                    given = await inbox_rows.release(
                        db, None if self.only_process else self.worker
                    )
                if given:
                    log.warning(
                        "inbox: %s update(s) were being handled when the bot stopped;"
                        " handling them first",
                        given,
                    )
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("inbox: store not ready; trying again")
                await asyncio.sleep(1.0)

    async def _tick(self) -> None:
        app = self._app
        if app is None or not app.running:
            return
        now_mono = time.monotonic()
        if self._claims and now_mono - self._renewed > self.lease.total_seconds() / 3:
            async with self.store.transaction() as db:
                await inbox_rows.renew(db, self.worker, self.store.now() + self.lease)
            self._renewed = now_mono
        if now_mono - self._pruned > PRUNE_EVERY.total_seconds():
            self._pruned = now_mono
            async with self.store.transaction() as db:
                gone = await inbox_rows.prune(db, self.store.now() - self.retention)
            if gone:
                log.debug("inbox: %s done update(s) pruned", gone)
            left = await conversation_age.prune(self.store, self.conversation_timeout)
            if left:
                log.debug("%s conversation(s) nobody came back to deleted", left)
        now = self.store.now()
        # A cheap read first: no write transaction while nothing is free.
        if not await inbox_rows.free_lanes(self.store.reader, now, 1):
            return
        async with self.store.transaction() as db:
            claimed = await inbox_rows.claim(
                db, self.worker, now, now + self.lease, LANES_PER_CLAIM
            )
        if claimed:
            self._renewed = time.monotonic()
        await self._hand_on(claimed)

    async def _hand_on(self, claimed: list[Claimed]) -> None:
        """Give claimed updates to the application, in their order."""
        app = self._app
        assert app is not None
        queue = app.update_queue
        assert isinstance(queue, InboxQueue)
        for claim in claimed:
            if claim.update_id in self._claims:
                continue  # still running here (its lease outran a clock moved on): not twice
            self._claims[claim.update_id] = claim
            if claim.attempts > 1:
                log.warning(
                    "inbox: update %s taken over (claim %s): its worker stopped before it was"
                    " done",
                    claim.update_id,
                    claim.attempts,
                )
            await queue.deliver(Update.de_json(json.loads(claim.payload), app.bot))

    # ------------------------------------------------------------------ the processor's hooks

    def ticket(self, update: object) -> Ticket | None:
        """The update's ticket, when it came from the inbox (claimed by this worker)."""
        if isinstance(update, Update) and update.update_id in self._claims:
            return Ticket(update.update_id, self.worker)
        return None

    def replaced(self, update: Update) -> Awaitable[None] | None:
        """What runs instead of the update's handlers, if they must not run: the update was
        cut short after its work was saved (a crash), or it waited longer than the replay
        age since it reached the store. None: handle it."""
        claim = self._claims.get(update.update_id)
        if claim is None or self.interrupted is None or self._app is None:
            return None
        if claim.worked:
            return self.interrupted(update, self._app, True)
        if self.store.now() - claim.received_at > self.replay_age:
            return self.interrupted(update, self._app, False)
        return None

    async def prepare(self, update: Update) -> None:
        """Read the update's conversation states from the store (PTB keeps a copy loaded at
        start and never reads it again: another worker may have moved the chat on). One left
        at a step longer than CONVERSATION_TIMEOUT ends instead, and the customer is told."""
        if self._app is None:
            return
        ended = await refresh_conversations(
            self._app, update, self.store, self.conversation_timeout
        )
        if ended and self.ended is not None:
            await self.ended(update, self._app, ended)  # the customer is told which ended

    async def finish(self, ticket: Ticket) -> None:
        """The update is done: handled and answered. When it was the last one held in its
        lane, the lane's next waiting updates are claimed in the same transaction and handed
        on at once (no round through the claiming loop between a chat's updates)."""
        claim = self._claims.pop(ticket.update_id, None)
        lane_free = claim is not None and not any(
            c.lane == claim.lane for c in self._claims.values()
        )
        following: list[Claimed] = []
        try:
            async with self.store.transaction() as db:
                now = self.store.now()
                if not await inbox_rows.mark_done(
                    db, ticket.update_id, ticket.worker, ticket.outcome, now
                ):
                    log.warning(
                        "inbox: update %s was taken over by another worker", ticket.update_id
                    )
                elif lane_free and self._running():
                    assert claim is not None
                    following = await inbox_rows.claim(
                        db, self.worker, now, now + self.lease, 1, claim.lane
                    )
        except Exception:  # it stays claimed: our next start or another worker answers it
            log.exception("inbox: could not mark update %s done", ticket.update_id)
        if following:
            await self._hand_on(following)
        elif claim is None or lane_free:
            self._wake.set()  # the lane is free: its next updates can be claimed

    def _running(self) -> bool:
        return self._app is not None and self._app.running

async def refresh_conversations(
    app: Application,  # type: ignore[type-arg]
    update: Update,
    store: Store,
    max_left: timedelta,
) -> list[str]:
    """Set the update's conversation states as stored now; the names of those that were left
    longer than `max_left` and end here (not set: the update is not an answer to them)."""
    handlers = [
        h
        for group in app.handlers.values()
        for h in group
        if isinstance(h, ConversationHandler) and h.persistent and h.name
    ]
    keys: dict[ConversationHandler, tuple[int | str, ...]] = {}  # type: ignore[type-arg]
    for handler in handlers:
        try:
            keys[handler] = handler._get_key(update)  # PTB's own key rule (private)
        except RuntimeError:  # no chat or user: this conversation cannot apply
            continue
    if not keys:
        return []
    states, ended = await conversation_age.open_states(
        store, sorted({k for k in keys.values()}, key=str), max_left
    )
    if update.message is not None and len(states) > 1:
        # Typed input answers one conversation: the last question asked. The others stay
        # open in the store; they are only out of this update's way.
        # In the handlers' order: at the same moment, the first registered (checkout) wins.
        ranked = {(h.name, k): states[h.name, k] for h, k in keys.items() if (h.name, k) in states}
        answered = conversation_age.answered_by(ranked)
        states = {k: s for k, s in states.items() if k == answered}
    for handler, key in keys.items():
        # PTB's TrackingDict: written without marking it for saving (it is what is saved).
        conversations = handler._conversations
        stored = states.get((handler.name, key))
        if stored is None:
            conversations.data.pop(key, None)
        else:
            conversations.update_no_track({key: stored.state})
    return ended


class InboxQueue(asyncio.Queue):  # type: ignore[type-arg]
    """The application's update queue: an update put here (by the webhook or the poller) is
    stored, not queued; the inbox hands it to the application once claimed (`deliver`)."""

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self.inbox = inbox

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            await self.inbox.take(item)
        else:  # PTB's stop signal
            await super().put(item)

    async def deliver(self, update: Update) -> None:
        await super().put(update)


class PollRequest(HTTPXRequest):
    """The getUpdates connection: stores the last batch before asking for the next (the
    request whose offset confirms it)."""

    def __init__(self, inbox: Inbox) -> None:
        super().__init__(connection_pool_size=1)
        self.inbox = inbox
        inbox.batched = True

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        await self.inbox.flush()
        return await super().do_request(*args, **kwargs)
