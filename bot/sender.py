"""Delivers the outbox: renders each due message, sends it, records the outcome.

Runs as a repeating JobQueue job and is kicked right after a handler queues something.
Telegram's flood control (429) postpones by `retry_after`; network errors retry with backoff;
a customer who blocked the bot is marked unreachable and skipped; nothing stops the loop.
The staff group is followed when Telegram upgrades it (the failed message goes again to the new
id); while the bot is out of it, staff messages wait in order and are tried once a minute.

The bot's rate limiter paces every send; the sender only keeps it busy: each chat's messages
go in order, different chats at once, and the staff group (20 a minute) is drained beside
the customers so a backlog there never holds up anyone's status message.

Several workers may share the outbox: the sender claims each batch under its worker name
(WORKER_NAME) before sending it, whole chat lanes that no other worker holds, and keeps the
claim alive while the batch runs; what a stopped lane left pending is let go at the end.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import timedelta
from enum import Enum, auto

from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import JobQueue

from bot.notices import RENDERERS, NoticeKit
from bot.notices.registry import in_thread
from bot.ratelimit import retry_seconds
from bot.retries import without_retries
from bot.settings import default_worker_name, staff_group
from domain import customers, outbox
from domain.outbox import Audience, OutboxMessage
from domain.staff_group import TOPIC_OF, StaffGroup
from handlers.membership import went_out

log = logging.getLogger(__name__)

BATCH = 50


class Outcome(Enum):
    NEXT = auto()  # done with this message (sent, skipped, failed for good, or later)
    STOP = auto()  # the chat cannot take messages now: the rest of its lane waits or goes
    AGAIN = auto()  # send this message again now (the group moved, or its topic is gone)


# Telegram's words when the bot may not post in a group it is still in (demoted, muted).
NO_RIGHTS = ("not enough rights", "have no rights", "chat_write_forbidden", "chat not found")
# A forum thread that is not there (deleted, closed, or the group is no forum).
NO_THREAD = ("thread not found", "topic_closed", "topic_deleted", "topic not found")

Moved = Callable[[Bot, int, int], Awaitable[None]]


class OutboxSender:
    def __init__(
        self,
        kit: NoticeKit,
        staff: StaffGroup | None = None,
        on_move: Moved | None = None,
        *,
        worker: str | None = None,
        lease: timedelta = outbox.LEASE,
        renew_every: float | None = None,
    ) -> None:
        self.kit = kit  # what the renderers need; the sender itself needs the store and chat
        self.worker = worker or default_worker_name()  # the name its claims carry
        self.lease = lease
        self.renew_every = renew_every or lease.total_seconds() / 3  # seconds
        # The staff group now (followed through upgrades); the one the application shares.
        self.staff = staff or staff_group(kit.settings)
        self.on_move = on_move  # says so in the log and the new group
        self._locks: dict[Audience, asyncio.Lock] = {
            "staff": asyncio.Lock(),
            "customer": asyncio.Lock(),
        }
        self._again: set[Audience] = set()
        self._general: set[int] = set()  # staff messages whose topic failed: General instead

    async def run(self, bot: Bot) -> int:
        """Send what is due now; returns how many were handled. Each audience drains on its
        own: an overlapping run skips the one already draining (a slow staff group backlog)
        and still delivers the other."""
        staff, customers = await asyncio.gather(
            self._drain_once(bot, "staff"), self._drain_once(bot, "customer")
        )
        return staff + customers

    async def _drain_once(self, bot: Bot, audience: Audience) -> int:
        lock = self._locks[audience]
        if lock.locked():
            # A handler kicked while this audience drains: what it queued may be newer than
            # the running drain's last look, so that drain looks once more before it stops.
            self._again.add(audience)
            return 0
        async with lock:
            handled = 0
            while True:
                self._again.discard(audience)
                handled += await self._drain(bot, audience)
                if audience not in self._again:
                    return handled

    async def _drain(self, bot: Bot, audience: Audience) -> int:
        handled = 0
        while True:
            if audience == "staff" and not self.staff.may_send(self.kit.store.now()):
                return handled  # out of the group: the messages wait, in order
            store = self.kit.store
            batch = await outbox.claim(store, self.worker, audience, BATCH, self.lease)
            if not batch:
                return handled
            lanes: dict[int, list[OutboxMessage]] = {}
            for message in batch:
                lanes.setdefault(self._chat_of(message), []).append(message)
            ids = [m.id for m in batch]
            keeper = asyncio.create_task(self._keep_claims(ids))
            try:
                done = await asyncio.gather(
                    *(self._deliver_lane(bot, lane) for lane in lanes.values())
                )
            finally:
                keeper.cancel()
                with suppress(asyncio.CancelledError):
                    await keeper
                # What a stopped lane left pending: any worker may send it from now on.
                await outbox.release(store, self.worker, ids)
            handled += len(batch)
            # A staff lane that stopped left its rows pending: the next look would find them.
            if len(batch) < BATCH or not all(done):
                return handled

    async def _keep_claims(self, ids: list[int]) -> None:
        """Renew the batch's claims every third of the lease while its lanes run (the staff
        group's 20 a minute makes a batch of 50 last minutes)."""
        while True:
            await asyncio.sleep(self.renew_every)
            try:
                await outbox.renew(self.kit.store, self.worker, ids, self.lease)
            except Exception:  # the next renewal may succeed; the lease has time left
                log.warning("could not renew the outbox claims", exc_info=True)

    async def _deliver_lane(self, bot: Bot, lane: list[OutboxMessage]) -> bool:
        """One chat's messages, in order; a customer who blocked the bot, or a staff group
        the bot cannot post in, ends the lane. False when rows were left pending."""
        first = lane[0]
        if first.audience == "customer":
            assert first.chat_id is not None
            # Known blocked (my_chat_member or an earlier 403): no send wasted on them. (Not
            # marked again: they may have unblocked the bot since the first read.)
            if not await customers.reachable(
                self.kit.store, first.chat_id
            ) and await outbox.drop_if_unreachable(
                self.kit.store, first.chat_id, "blocked the bot"
            ):
                return True
        for message in lane:
            outcome = Outcome.AGAIN
            for _ in range(3):  # a move and a lost topic at most, then the next run
                outcome = await self._deliver(bot, message)
                if outcome is not Outcome.AGAIN:
                    break
            if outcome is not Outcome.NEXT:
                return message.audience == "customer"  # a customer's rest is dropped
        return True

    def _chat_of(self, message: OutboxMessage) -> int:
        if message.audience == "staff":
            return self.staff.chat_id
        assert message.chat_id is not None
        return message.chat_id

    def _thread_of(self, message: OutboxMessage) -> int | None:
        if message.audience != "staff" or message.id in self._general:
            return None
        return self.staff.thread_for(message.kind)

    async def _deliver(self, bot: Bot, message: OutboxMessage) -> Outcome:
        """Send one message and record the outcome; what the lane does next."""
        store = self.kit.store
        chat_id = self._chat_of(message)
        thread_id = self._thread_of(message)
        render = RENDERERS.get(message.kind)
        if render is None:
            log.error("outbox %s: no renderer for kind %r", message.id, message.kind)
            await outbox.mark_failed(store, message.id, f"unknown kind {message.kind}")
            return Outcome.NEXT
        try:
            # The outbox retries with its own backoff (and across restarts): not twice.
            with without_retries(), in_thread(thread_id):
                sent_id = await render(self.kit, bot, chat_id, message)
        except RetryAfter as exc:
            seconds = retry_seconds(exc)
            await outbox.postpone(
                store, message.id, store.now() + timedelta(seconds=seconds), "429 flood control"
            )
        except ChatMigrated as exc:
            # Only a group is upgraded: the staff group, at its new id from now on.
            if await self.staff.move(store, chat_id, exc.new_chat_id) and self.on_move:
                try:
                    await self.on_move(bot, chat_id, exc.new_chat_id)
                except Exception:  # saying so must not hold up the messages themselves
                    log.exception("could not announce the staff group's upgrade")
            return Outcome.AGAIN if self.staff.chat_id != chat_id else Outcome.STOP
        except Forbidden as exc:
            if message.audience == "customer":
                log.info("customer %s blocked the bot; marked unreachable", chat_id)
                await outbox.mark_unreachable(store, chat_id, str(exc))
                return Outcome.STOP
            return self._staff_out(chat_id, str(exc))
        except BadRequest as exc:
            text = exc.message.lower()
            if message.audience == "staff" and thread_id is not None and any(
                words in text for words in NO_THREAD
            ):
                log.warning(
                    "the staff group's topic %s (thread %s) is gone (%s): %s goes to the"
                    " General topic; check STAFF_TOPICS",
                    TOPIC_OF.get(message.kind),
                    thread_id,
                    exc.message,
                    message.kind,
                )
                self._general.add(message.id)
                return Outcome.AGAIN
            if message.audience == "staff" and any(words in text for words in NO_RIGHTS):
                return self._staff_out(chat_id, str(exc))
            log.error("outbox %s (%s) refused by Telegram: %s", message.id, message.kind, exc)
            await outbox.mark_failed(store, message.id, str(exc))
        except (NetworkError, TelegramError) as exc:  # includes TimedOut
            if message.attempts + 1 >= outbox.MAX_ATTEMPTS:
                log.error(
                    "outbox %s gave up after %s attempts: %s", message.id, message.attempts + 1, exc
                )
                await outbox.mark_failed(store, message.id, str(exc))
            else:
                retry_at = store.now() + outbox.backoff(message.attempts)
                await outbox.mark_retry(store, message.id, str(exc), retry_at)
        except Exception:
            # A bug in one renderer must not stop the rest of the outbox.
            log.exception("outbox %s (%s) failed to render", message.id, message.kind)
            await outbox.mark_failed(store, message.id, "render error")
        else:
            await outbox.mark_sent(store, message.id, sent_id)
            self._general.discard(message.id)
            if message.audience == "staff" and self.staff.back():
                log.warning(
                    "the bot can post in the staff group %s again: sending what waited", chat_id
                )
        return Outcome.NEXT

    def _staff_out(self, chat_id: int, reason: str) -> Outcome:
        """The bot may not post in the staff group: its messages wait (never dropped), tried
        again every minute, and the log says so once an hour."""
        went_out(self.staff, chat_id, reason, self.kit.store.now())
        return Outcome.STOP

    def kick(self, job_queue: JobQueue | None) -> None:  # type: ignore[type-arg]
        """Deliver soon, without waiting for the next periodic run (a handler just queued)."""
        if job_queue is not None:
            job_queue.run_once(self.job, 0, name="outbox-kick")

    async def job(self, context: object) -> None:
        await self.run(context.bot)  # type: ignore[attr-defined]
