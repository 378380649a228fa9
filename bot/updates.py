"""How incoming updates are run: chats at once, each chat in order, flooders dropped up front.

PTB hands every update to `ChatOrderedProcessor.do_process_update` in a task of its own, in
the order Telegram sent them. Per update, before anything awaits:

1. Flood control (customers only; the staff group is never counted): an update over the
   user's limit is dropped here, before any lock, handler or database access. The first drop
   of a burst sends the user one short note and writes one log line.
2. The chat's lock (asyncio.Lock is FIFO), so one chat's updates run one after another:
   the checkout ConversationHandler and PTB's user/chat data see them strictly in order.
3. A slot among `max_running`, taken only once it is the chat's turn, so a chat's backlog
   waits on its own lock instead of holding slots. The staff group skips this step: its
   lock already keeps it to one update at a time, and it is never queued behind customers.

Locks exist only while a chat has updates running or waiting, so memory stays bounded.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Awaitable, Callable, Container
from typing import TYPE_CHECKING, Any

from telegram import Bot, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import BaseUpdateProcessor

from bot.flood import FloodGuard, Verdict
from domain.customers import language_of, pick_language
from domain.store.inbox import HANDLING, Ticket
from handlers.context import Shop

if TYPE_CHECKING:
    from bot.inbox import Inbox  # which builds on chat_key here

log = logging.getLogger(__name__)

ChatKey = int | str
# Updates without a chat or a user (none the bot asks for today) share one lane.
GLOBAL_KEY = "*"
Notifier = Callable[[Update], Awaitable[None]]


def chat_key(update: object) -> ChatKey:
    """The lane an update runs in: its chat, else its user, else the shared one."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id  # same as the user's private chat: on purpose
    return GLOBAL_KEY


class _Lane:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0  # updates running or waiting in this chat


class ChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        max_running: int,
        *,
        guard: FloodGuard | None = None,
        exempt_chats: Container[ChatKey] = (),
        on_burst: Notifier | None = None,
    ) -> None:
        # PTB's own semaphore (max_concurrent_updates) is taken before do_process_update, where
        # an update may still wait for its chat's turn: keep it out of the way and count
        # running updates ourselves (step 3).
        super().__init__(sys.maxsize)
        if max_running < 1:
            raise ValueError("max_running must be at least 1")
        self.max_running = max_running
        self._slots = asyncio.Semaphore(max_running)
        self._lanes: dict[ChatKey, _Lane] = {}
        self._active = 0
        self.guard = guard
        self.exempt_chats = exempt_chats  # asked per update: it may change (an upgrade)
        self.on_burst = on_burst
        self.inbox: Inbox | None = None  # where updates come from and are marked done
        self.handled = 0
        self.dropped = 0

    @property
    def running(self) -> int:
        """Updates whose handlers run now (not those waiting for their chat's turn)."""
        return self._active

    def lanes(self) -> int:
        """Chats with updates running or waiting."""
        return len(self._lanes)

    async def initialize(self) -> None:
        """Start claiming updates from the inbox (Application.initialize calls this)."""
        if self.inbox is not None:
            await self.inbox.start()

    async def shutdown(self) -> None:
        """Stop claiming; give back what was claimed and not done."""
        if self.inbox is not None:
            await self.inbox.stop()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        exempt = key in self.exempt_chats
        ticket = self.inbox.ticket(update) if self.inbox is not None else None
        verdict = Verdict.HANDLE if exempt else self._flood_verdict(update)
        if verdict is not Verdict.HANDLE:
            _discard(coroutine)
            self.dropped += 1
            if ticket is not None:
                ticket.outcome = "dropped"
                await self._finish(ticket)
            if verdict is Verdict.DROP_FIRST:
                await self._burst_started(update)
            return
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = _Lane()
        lane.users += 1
        try:
            async with lane.lock:
                if exempt:
                    await self._run(update, coroutine, ticket)
                else:
                    async with self._slots:
                        await self._run(update, coroutine, ticket)
        finally:
            lane.users -= 1
            if lane.users == 0:
                del self._lanes[key]

    async def _run(self, update: object, coroutine: Awaitable[Any], ticket: Ticket | None) -> None:
        self._active += 1
        try:
            if ticket is not None:
                assert self.inbox is not None and isinstance(update, Update)
                await self.inbox.prepare(update)
                instead = self.inbox.replaced(update)
                if instead is not None:
                    _discard(coroutine)
                    coroutine, ticket.outcome = instead, "interrupted"
            token = HANDLING.set(ticket)
            try:
                await coroutine  # its first write transaction marks the update worked
            finally:
                HANDLING.reset(token)
            if ticket is not None:
                await self._finish(ticket)
        finally:
            self._active -= 1
            self.handled += 1

    async def _finish(self, ticket: Ticket) -> None:
        assert self.inbox is not None
        await self.inbox.finish(ticket)

    def _flood_verdict(self, update: object) -> Verdict:
        if self.guard is None or not isinstance(update, Update):
            return Verdict.HANDLE
        user = update.effective_user
        if user is None:
            return Verdict.HANDLE
        album = update.message.media_group_id if update.message is not None else None
        return self.guard.check(user.id, album)

    async def _burst_started(self, update: object) -> None:
        assert isinstance(update, Update) and update.effective_user is not None
        guard = self.guard
        assert guard is not None
        chat = update.effective_chat
        log.info(
            "flood control: user %s sent more than %s updates in %g s; dropping the excess"
            " until a quiet %g s",
            update.effective_user.id,
            guard.limit,
            guard.window,
            guard.window,
        )
        # Only in the user's own chat: never post into a group because of one member.
        if self.on_burst is None or chat is None or chat.type != ChatType.PRIVATE:
            return
        try:
            await self.on_burst(update)
        except Exception:  # the note is a courtesy; its failure must not surface anywhere
            log.debug("could not send the slow-down note", exc_info=True)


def _discard(coroutine: Awaitable[Any]) -> None:
    """Close PTB's never-started process_update coroutine (no 'never awaited' warning)."""
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()


class SlowDownNote:
    """The one note a flooding customer gets per burst, in their language, through the bot's
    rate limiter like any other message."""

    def __init__(self, bot: Bot, deps: Shop) -> None:
        self.bot = bot
        self.deps = deps

    async def __call__(self, update: Update) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        settings = self.deps.settings
        first_choice = pick_language(user.language_code, settings.default_language)
        try:
            lang = await language_of(self.deps.store, user.id, first_choice)
        except Exception:  # the store being busy or gone must not stop the note
            lang = first_choice
        text = self.deps.messages.render(
            lang, "flood_slow_down", seconds=round(settings.flood_window_seconds)
        )
        try:
            await self.bot.send_message(chat.id, text, parse_mode=ParseMode.HTML)
        except TelegramError as exc:
            log.info("slow-down note to %s not sent: %s", chat.id, exc)


def build_processor(
    max_running: int,
    *,
    flood_limit: int,
    flood_window: float,
    staff_chat_id: int | Container[ChatKey],
    clock: Callable[[], float] = time.monotonic,
) -> ChatOrderedProcessor:
    """The processor for the bot; flood control off when `flood_limit` is 0. `staff_chat_id`:
    the staff group's id, or what says whether a chat is it (the StaffGroup, which follows
    an upgrade to a supergroup)."""
    guard = FloodGuard(flood_limit, flood_window, clock) if flood_limit > 0 else None
    exempt = frozenset({staff_chat_id}) if isinstance(staff_chat_id, int) else staff_chat_id
    return ChatOrderedProcessor(max_running, guard=guard, exempt_chats=exempt)
