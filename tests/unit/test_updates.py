"""Inbound updates: flood control on an injected clock, and the processor's per-chat order,
concurrency cap and staff lane driven by asyncio events (nothing sleeps)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from pydantic import ValidationError
from telegram import CallbackQuery, Chat, Message, Update, User

from bot.app import _flush_persistence
from bot.flood import FloodGuard, Verdict
from bot.ratelimit import TelegramRateLimiter
from bot.settings import Settings, describe_error
from bot.updates import GLOBAL_KEY, ChatOrderedProcessor, build_processor, chat_key
from domain.store.inbox import HANDLING, Ticket
from tests.unit.test_schedule_ratelimit import Api, VirtualTime, send

STAFF = -1001234567890
OTHER_GROUP = -1009999999999


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# ---------------------------------------------------------------- flood counter


def test_handles_up_to_the_limit_then_drops_with_one_first_drop() -> None:
    clock = FakeClock()
    guard = FloodGuard(3, 10, clock)
    verdicts = [guard.check(7) for _ in range(6)]
    assert verdicts == [Verdict.HANDLE] * 3 + [Verdict.DROP_FIRST] + [Verdict.DROP] * 2
    assert guard.dropped == 3
    assert guard.bursts == 1


def test_users_are_counted_apart() -> None:
    guard = FloodGuard(2, 10, FakeClock())
    assert [guard.check(1) for _ in range(3)][-1] is Verdict.DROP_FIRST
    assert guard.check(2) is Verdict.HANDLE


def test_window_slides_handled_updates_out() -> None:
    clock = FakeClock()
    guard = FloodGuard(2, 10, clock)
    assert guard.check(1) is Verdict.HANDLE
    clock.now += 6
    assert guard.check(1) is Verdict.HANDLE
    clock.now += 3.9  # the first is 9.9 s old: still in the window
    assert guard.check(1) is Verdict.DROP_FIRST
    clock.now += 0.1  # now 10 s old: out
    assert guard.check(1) is Verdict.HANDLE


def test_an_album_counts_once_then_ten_more_files_still_fit() -> None:
    """Complaint evidence: an album of 10 and 10 more files at the default 20 per 10 s."""
    guard = FloodGuard(20, 10, FakeClock())
    album = [guard.check(1, "album-1") for _ in range(10)]
    files = [guard.check(1) for _ in range(10)]
    assert album + files == [Verdict.HANDLE] * 20 and guard.dropped == 0
    assert guard.check(1) is Verdict.HANDLE  # 11 counted so far
    assert guard.check(2, "album-1") is Verdict.HANDLE  # another user: counted on its own


def test_an_album_that_starts_in_a_burst_is_dropped_whole_and_counts_past_ten() -> None:
    guard = FloodGuard(2, 10, FakeClock())
    assert [guard.check(1) for _ in range(2)] == [Verdict.HANDLE] * 2
    album = [guard.check(1, "album-2") for _ in range(3)]
    assert album == [Verdict.DROP_FIRST, Verdict.DROP, Verdict.DROP]
    guard = FloodGuard(1, 10, FakeClock())
    parts = [guard.check(1, "album-3") for _ in range(12)]  # more than an album can hold
    assert parts == [Verdict.HANDLE] * 10 + [Verdict.DROP_FIRST, Verdict.DROP]  # 11th counts


def test_a_user_who_keeps_flooding_stays_in_one_burst() -> None:
    """At 5 updates a second for a minute: a share handled as the window frees, but only
    one first drop (one note, one log line)."""
    clock = FakeClock()
    guard = FloodGuard(20, 10, clock)
    verdicts = []
    for _ in range(300):
        verdicts.append(guard.check(1))
        clock.now += 0.2
    assert verdicts.count(Verdict.DROP_FIRST) == 1
    assert verdicts.count(Verdict.HANDLE) == 20 * 6  # 20 per 10 s over 60 s
    assert guard.bursts == 1


def test_a_quiet_window_ends_the_burst() -> None:
    clock = FakeClock()
    guard = FloodGuard(2, 10, clock)
    assert [guard.check(1) for _ in range(2)] == [Verdict.HANDLE] * 2
    clock.now += 5
    assert [guard.check(1) for _ in range(2)] == [Verdict.DROP_FIRST, Verdict.DROP]
    clock.now += 5  # the handled ones left the window; the drops are 5 s old
    assert guard.check(1) is Verdict.HANDLE
    assert guard.check(1) is Verdict.HANDLE
    assert guard.check(1) is Verdict.DROP  # still the same burst
    clock.now += 10
    assert [guard.check(1) for _ in range(3)] == [
        Verdict.HANDLE,
        Verdict.HANDLE,
        Verdict.DROP_FIRST,
    ]
    assert guard.bursts == 2


def test_idle_users_are_forgotten() -> None:
    clock = FakeClock()
    guard = FloodGuard(2, 10, clock)
    for user in range(1000):
        guard.check(user)
    assert guard.tracked() == 1000
    clock.now += 10
    guard.check(5000)
    assert guard.tracked() == 1


def test_a_user_in_a_burst_is_kept_until_it_ends() -> None:
    clock = FakeClock()
    guard = FloodGuard(1, 10, clock)
    guard.check(1)
    clock.now += 5
    assert guard.check(1) is Verdict.DROP_FIRST
    clock.now += 6  # handled one is out of the window; the drop is not
    guard.check(2)
    assert guard.tracked() == 2


@pytest.mark.parametrize(("limit", "window"), [(0, 10), (5, 0)])
def test_bad_limits_are_refused(limit: int, window: float) -> None:
    with pytest.raises(ValueError):
        FloodGuard(limit, window)


# ---------------------------------------------------------------- processor

T = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
_ids = iter(range(1, 1_000_000))


def message(user_id: int, chat_id: int | None = None, text: str = "hi") -> Update:
    chat_id = user_id if chat_id is None else chat_id
    chat = Chat(chat_id, Chat.PRIVATE if chat_id > 0 else Chat.SUPERGROUP)
    user = User(user_id, f"U{user_id}", is_bot=False)
    msg = Message(next(_ids), T, chat, from_user=user, text=text)
    return Update(next(_ids), message=msg)


class Recorder:
    """Coroutines standing in for PTB's process_update: each logs its start and end and may
    wait on an event the test sets."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.gates: dict[str, asyncio.Event] = {}

    def job(self, name: str, *, hold: bool = False) -> Awaitable[None]:
        gate = self.gates.setdefault(name, asyncio.Event())
        if not hold:
            gate.set()

        async def run() -> None:
            self.events.append(f"{name}+")
            await gate.wait()
            self.events.append(f"{name}-")

        return run()

    def release(self, name: str) -> None:
        self.gates[name].set()


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


def feed(
    processor: ChatOrderedProcessor, update: Update, job: Awaitable[None]
) -> asyncio.Task[None]:
    """As PTB does: one task per update, created in arrival order."""
    return asyncio.ensure_future(processor.process_update(update, job))


async def test_one_chat_in_order_other_chats_meanwhile() -> None:
    p = ChatOrderedProcessor(8)
    rec = Recorder()
    tasks = [
        feed(p, message(1), rec.job("a1", hold=True)),
        feed(p, message(1), rec.job("a2")),
        feed(p, message(1), rec.job("a3")),
        feed(p, message(2), rec.job("b1")),
    ]
    await settle()
    assert rec.events == ["a1+", "b1+", "b1-"]  # b ran while a1 held chat 1
    assert p.lanes() == 1
    rec.release("a1")
    await asyncio.gather(*tasks)
    assert rec.events[3:] == ["a1-", "a2+", "a2-", "a3+", "a3-"]
    assert p.lanes() == 0  # nothing kept once idle
    assert p.handled == 4


async def test_a_chat_waiting_for_its_turn_holds_no_slot() -> None:
    p = ChatOrderedProcessor(2)
    rec = Recorder()
    tasks = [feed(p, message(1), rec.job("a1", hold=True))]
    tasks += [feed(p, message(1), rec.job(f"a{i}")) for i in range(2, 50)]
    tasks.append(feed(p, message(2), rec.job("b1", hold=True)))
    await settle()
    assert rec.events == ["a1+", "b1+"]
    assert p.running == 2
    rec.release("a1")
    rec.release("b1")
    await asyncio.gather(*tasks)
    assert p.running == 0


async def test_running_updates_are_capped() -> None:
    p = ChatOrderedProcessor(2)
    assert p.max_running == 2
    rec = Recorder()
    tasks = [feed(p, message(u), rec.job(f"u{u}", hold=True)) for u in (1, 2, 3)]
    await settle()
    assert rec.events == ["u1+", "u2+"]
    rec.release("u1")
    await settle()
    assert rec.events == ["u1+", "u2+", "u1-", "u3+"]
    rec.release("u2")
    rec.release("u3")
    await asyncio.gather(*tasks)


async def test_the_staff_group_is_never_queued_behind_customers() -> None:
    p = ChatOrderedProcessor(1, exempt_chats=(STAFF,))
    rec = Recorder()
    tasks = [
        feed(p, message(1), rec.job("c1", hold=True)),
        feed(p, message(2), rec.job("c2")),
        feed(p, message(10, STAFF), rec.job("s1", hold=True)),
        feed(p, message(11, STAFF), rec.job("s2")),
    ]
    await settle()
    # c1 has the only slot, c2 waits for it; the staff group runs, still one at a time.
    assert rec.events == ["c1+", "s1+"]
    rec.release("s1")
    await settle()
    assert rec.events == ["c1+", "s1+", "s1-", "s2+", "s2-"]
    rec.release("c1")
    await asyncio.gather(*tasks)
    assert rec.events[-2:] == ["c2+", "c2-"]


async def test_a_failing_update_releases_its_chat() -> None:
    p = ChatOrderedProcessor(4)
    rec = Recorder()

    async def boom() -> None:
        raise RuntimeError("handler bug")

    first = feed(p, message(1), boom())
    second = feed(p, message(1), rec.job("a2"))
    with pytest.raises(RuntimeError):
        await first
    await second
    assert rec.events == ["a2+", "a2-"]
    assert p.lanes() == 0


def test_lane_keys() -> None:
    assert chat_key(message(5)) == 5
    assert chat_key(message(5, STAFF)) == STAFF
    user = User(9, "U", is_bot=False)
    inline_press = Update(1, callback_query=CallbackQuery("q", user, "ci", inline_message_id="m"))
    assert chat_key(inline_press) == 9
    assert chat_key(object()) == GLOBAL_KEY


class Notes:
    def __init__(self) -> None:
        self.sent: list[int] = []

    async def __call__(self, update: Update) -> None:
        assert update.effective_chat is not None
        self.sent.append(update.effective_chat.id)


def flood_processor(limit: int, clock: Callable[[], float]) -> tuple[ChatOrderedProcessor, Notes]:
    p = build_processor(16, flood_limit=limit, flood_window=10, staff_chat_id=STAFF, clock=clock)
    notes = Notes()
    p.on_burst = notes
    return p, notes


async def test_excess_is_dropped_before_any_work_with_one_note(
    caplog: pytest.LogCaptureFixture,
) -> None:
    p, notes = flood_processor(3, FakeClock())
    rec = Recorder()
    caplog.set_level(logging.INFO, logger="bot.updates")
    tasks = [feed(p, message(1), rec.job(f"m{i}", hold=i == 0)) for i in range(10)]
    tasks.append(feed(p, message(2), rec.job("other")))
    await settle()
    # Dropped updates finished at once, without waiting for the chat's turn.
    assert sum(t.done() for t in tasks) == 7 + 1
    assert notes.sent == [1]
    rec.release("m0")
    await asyncio.gather(*tasks)
    assert [e for e in rec.events if e.endswith("+")] == ["m0+", "other+", "m1+", "m2+"]
    assert p.dropped == 7
    flood_lines = [r for r in caplog.records if "flood control" in r.getMessage()]
    assert len(flood_lines) == 1
    assert flood_lines[0].levelno == logging.INFO


async def test_dropped_updates_never_start_their_work() -> None:
    p, _ = flood_processor(1, FakeClock())
    started: list[int] = []

    async def work(i: int) -> None:
        started.append(i)

    coros = [work(i) for i in range(3)]
    for c in coros:
        await p.process_update(message(1), c)
    assert started == [0]
    assert all(c.cr_frame is None for c in coros[1:])  # closed, never run


async def test_staff_group_is_never_throttled() -> None:
    p, notes = flood_processor(2, FakeClock())
    rec = Recorder()
    for i in range(30):  # one staff member, busy in the group
        await p.process_update(message(10, STAFF), rec.job(f"s{i}"))
    assert p.dropped == 0
    # Their own private chat is counted apart from the group.
    await p.process_update(message(10), rec.job("p1"))
    await p.process_update(message(10), rec.job("p2"))
    await p.process_update(message(10), rec.job("p3"))
    assert p.dropped == 1
    assert notes.sent == [10]


async def test_no_note_into_other_groups() -> None:
    p, notes = flood_processor(1, FakeClock())
    rec = Recorder()
    for i in range(3):
        await p.process_update(message(1, OTHER_GROUP), rec.job(f"g{i}"))
    assert p.dropped == 2
    assert notes.sent == []


async def test_a_failing_note_is_swallowed() -> None:
    p, _ = flood_processor(1, FakeClock())

    async def broken(update: Update) -> None:
        raise RuntimeError("network down")

    p.on_burst = broken
    rec = Recorder()
    await p.process_update(message(1), rec.job("a"))
    await p.process_update(message(1), rec.job("b"))  # must not raise
    assert rec.events == ["a+", "a-"]


async def test_flood_control_off() -> None:
    p = build_processor(4, flood_limit=0, flood_window=10, staff_chat_id=STAFF)
    assert p.guard is None
    rec = Recorder()
    for i in range(50):
        await p.process_update(message(1), rec.job(f"m{i}"))
    assert p.handled == 50


# ---------------------------------------------------------------- persistence flush


class FlushRecorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, object, object]] = []

    def mark_data_for_update_persistence(self, chat_ids: object, user_ids: object) -> None:
        self.calls.append(("mark", chat_ids, user_ids))

    async def update_persistence(self) -> None:
        self.calls.append(("flush", None, None))


async def test_flush_saves_the_updates_own_data() -> None:
    """PTB marks an update's user/chat data only after its last handler group: the flush
    handler marks them itself, so a crash right after the update loses nothing typed."""
    app = FlushRecorder()
    await _flush_persistence(message(42), SimpleNamespace(application=app))
    assert app.calls == [("mark", 42, 42), ("flush", None, None)]


# ---------------------------------------------------------------- settings

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, bot_token=TOKEN, staff_chat_id=STAFF, **values)  # type: ignore[call-arg, arg-type]


def test_inbound_defaults() -> None:
    s = settings()
    assert (s.concurrent_updates, s.flood_limit, s.flood_window_seconds) == (128, 20, 10)


@pytest.mark.parametrize(
    ("field", "value"),
    [("concurrent_updates", 0), ("flood_limit", -1), ("flood_window_seconds", 0)],
)
def test_bad_inbound_settings_are_named(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as excinfo:
        settings(**{field: value})
    assert describe_error(excinfo.value).startswith(f"Setting {field.upper()} is invalid")


# ---------------------------------------------------------------- outbound, seen from a chat


async def test_a_busy_chat_never_holds_up_other_chats_replies() -> None:
    """A flooder's 20 replies wait on their own chat's 1/s window; the other 29 chats (the
    rest of the 30/s overall window) go at once, and so does the staff group."""
    vt = VirtualTime()
    rl, api = TelegramRateLimiter(clock=vt.clock, sleep=vt.sleep), Api(vt)
    flooder = [send(rl, api, 1001) for _ in range(20)]
    others = [send(rl, api, 2000 + i) for i in range(28)] + [send(rl, api, STAFF)]
    await vt.run(*flooder, *others)
    assert [t for t, chat in api.calls if chat != 1001] == [0.0] * 29
    assert api.times(1001) == pytest.approx([float(i) for i in range(20)])


# ---------------------------------------------------------------- with the inbox


class FakeInbox:
    """What the processor asks of bot.inbox.Inbox: tickets, staleness, the interrupted
    answer, and "done"."""

    def __init__(self, stale: set[int] = frozenset()) -> None:  # type: ignore[assignment]
        self.stale = stale
        self.prepared: list[int] = []
        self.finished: list[tuple[int, str, bool]] = []
        self.interrupted: list[int] = []
        self.seen_tickets: list[int | None] = []

    def ticket(self, update: object) -> Ticket | None:
        assert isinstance(update, Update)
        return Ticket(update.update_id, "w1")

    async def prepare(self, update: Update) -> None:
        self.prepared.append(update.update_id)

    def replaced(self, update: Update) -> Awaitable[None] | None:
        if update.update_id not in self.stale:
            return None

        async def answer() -> None:
            self.interrupted.append(update.update_id)

        return answer()

    async def finish(self, ticket: Ticket) -> None:
        self.finished.append((ticket.update_id, ticket.outcome, ticket.worked))


async def test_inbox_updates_are_prepared_run_under_their_ticket_and_finished() -> None:
    p, _ = flood_processor(2, FakeClock())
    inbox = FakeInbox()
    p.inbox = inbox  # type: ignore[assignment]
    updates = [message(1) for _ in range(3)]

    async def work() -> None:
        ticket = HANDLING.get()
        inbox.seen_tickets.append(None if ticket is None else ticket.update_id)

    for u in updates:
        await p.process_update(u, work())
    ids = [u.update_id for u in updates]
    assert inbox.prepared == ids[:2]  # the third was over the flood limit: no work at all
    assert inbox.seen_tickets == ids[:2]
    assert inbox.finished == [(ids[0], "handled", False), (ids[1], "handled", False),
                              (ids[2], "dropped", False)]
    assert HANDLING.get() is None  # nothing leaks out of the update's own context


async def test_a_stale_update_gets_the_interrupted_answer_instead_of_its_handlers() -> None:
    p, _ = flood_processor(0, FakeClock())
    old, new = message(1), message(1)
    inbox = FakeInbox(stale={old.update_id})
    p.inbox = inbox  # type: ignore[assignment]
    ran: list[int] = []

    async def work(i: int) -> None:
        ran.append(i)

    handlers = work(old.update_id)
    await p.process_update(old, handlers)
    await p.process_update(new, work(new.update_id))
    assert ran == [new.update_id] and handlers.cr_frame is None  # closed, never run
    assert inbox.interrupted == [old.update_id]
    assert [(i, outcome) for i, outcome, _ in inbox.finished] == [
        (old.update_id, "interrupted"),
        (new.update_id, "handled"),
    ]
