"""Delivers the outbox: renders each due message, sends it, records the outcome.

Runs as a repeating JobQueue job and is kicked right after a handler queues something.
Telegram's flood control (429) postpones by `retry_after`; network errors retry with backoff;
a customer who blocked the bot is marked unreachable and skipped; nothing stops the loop.

The bot's rate limiter paces every send; the sender only keeps it busy: each chat's messages
go in order, different chats at once, and the staff group (20 a minute) is drained beside
the customers so a backlog there never holds up anyone's status message.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import JobQueue

from bot.notices import RENDERERS, NoticeKit
from bot.ratelimit import retry_seconds
from bot.retries import without_retries
from domain import outbox
from domain.outbox import Audience, OutboxMessage

log = logging.getLogger(__name__)

BATCH = 50


class OutboxSender:
    def __init__(self, kit: NoticeKit) -> None:
        self.kit = kit  # what the renderers need; the sender itself needs the store and chat
        self._locks: dict[Audience, asyncio.Lock] = {
            "staff": asyncio.Lock(),
            "customer": asyncio.Lock(),
        }
        self._again: set[Audience] = set()

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
            batch = await outbox.due(self.kit.store, limit=BATCH, audience=audience)
            lanes: dict[int, list[OutboxMessage]] = {}
            for message in batch:
                lanes.setdefault(self._chat_of(message), []).append(message)
            await asyncio.gather(*(self._deliver_lane(bot, lane) for lane in lanes.values()))
            handled += len(batch)
            if len(batch) < BATCH:
                return handled

    async def _deliver_lane(self, bot: Bot, lane: list[OutboxMessage]) -> None:
        """One chat's messages, in order; a customer who blocked the bot ends the lane."""
        for message in lane:
            if not await self._deliver(bot, message):
                return

    def _chat_of(self, message: OutboxMessage) -> int:
        if message.audience == "staff":
            return self.kit.settings.staff_chat_id
        assert message.chat_id is not None
        return message.chat_id

    async def _deliver(self, bot: Bot, message: OutboxMessage) -> bool:
        """Send one message and record the outcome; False once the chat is unreachable."""
        store = self.kit.store
        chat_id = self._chat_of(message)
        render = RENDERERS.get(message.kind)
        if render is None:
            log.error("outbox %s: no renderer for kind %r", message.id, message.kind)
            await outbox.mark_failed(store, message.id, f"unknown kind {message.kind}")
            return True
        try:
            # The outbox retries with its own backoff (and across restarts): not twice.
            with without_retries():
                sent_id = await render(self.kit, bot, chat_id, message)
        except RetryAfter as exc:
            seconds = retry_seconds(exc)
            await outbox.postpone(
                store, message.id, store.now() + timedelta(seconds=seconds), "429 flood control"
            )
        except Forbidden as exc:
            if message.audience == "customer":
                log.info("customer %s blocked the bot; marked unreachable", chat_id)
                await outbox.mark_unreachable(store, chat_id, str(exc))
                return False
            else:
                log.error("cannot post to the staff group %s: %s", chat_id, exc)
                await outbox.mark_failed(store, message.id, str(exc))
        except BadRequest as exc:
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
        return True

    def kick(self, job_queue: JobQueue | None) -> None:  # type: ignore[type-arg]
        """Deliver soon, without waiting for the next periodic run (a handler just queued)."""
        if job_queue is not None:
            job_queue.run_once(self.job, 0, name="outbox-kick")

    async def job(self, context: object) -> None:
        await self.run(context.bot)  # type: ignore[attr-defined]
