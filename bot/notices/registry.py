"""The outbox renderers' registry: one renderer per message kind, registered by decorator.

It also holds what every renderer shares: the kit's order and language look-ups, sending an
HTML text, and the customer's notice about their order.

bot/notices/__init__.py imports every module that registers, so importing `bot.notices`
gives the complete table; `check_complete` says whether every Kind has its renderer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.settings import Settings
from domain.customers import language_of
from domain.fulfilment.couriers import CourierBook
from domain.models import Order
from domain.ordering.order_reads import load_order
from domain.outbox import Kind, OutboxMessage
from domain.schedule.policy import Policy
from domain.store import Store
from handlers.keyboards import follow_up as notice_kb
from messages import Messages


@dataclass(frozen=True)
class NoticeKit:
    """What a renderer needs: built once by the composition root, handed to the sender."""

    settings: Settings
    store: Store
    messages: Messages
    couriers: CourierBook
    schedule: Policy  # the scheduled follow-up's limits (a nudge shows its stage's)

    async def order_of(self, message: OutboxMessage) -> Order:
        """The order a message is about (its kind is always queued with one)."""
        assert message.order_id is not None
        return await load_order(self.store.reader, message.order_id)

    async def language_of(self, chat_id: int) -> str:
        """The customer's language (the shop's default for someone not known)."""
        return await language_of(self.store, chat_id, self.settings.default_language)


# The forum thread (topic) of the staff message being rendered; None: the General topic or a
# customer's chat. Set by the sender around each render, so a renderer never routes itself:
# every send of a renderer passes `message_thread_id=thread()` (send_html does).
_thread: ContextVar[int | None] = ContextVar("staff_thread", default=None)


def thread() -> int | None:
    """The thread the message being rendered goes to (None: no thread)."""
    return _thread.get()


@contextmanager
def in_thread(thread_id: int | None) -> Iterator[None]:
    token = _thread.set(thread_id)
    try:
        yield
    finally:
        _thread.reset(token)


async def send_html(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> int:
    """Send a rendered (HTML) text, in its topic; the id of the message sent."""
    sent = await bot.send_message(
        chat_id,
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
        message_thread_id=thread(),
    )
    return sent.message_id


async def send_order_notice(
    kit: NoticeKit, bot: Bot, chat_id: int, message: OutboxMessage, template: str, **ctx: object
) -> int:
    """A message to the customer about their order, in their language, with the order's
    buttons; `template` gets the order and `ctx`."""
    order = await kit.order_of(message)
    lang = await kit.language_of(chat_id)
    text = kit.messages.render(lang, template, order=order, **ctx)
    return await send_html(bot, chat_id, text, notice_kb.order_notice(kit.messages, lang, order))


Renderer = Callable[[NoticeKit, Bot, int, OutboxMessage], Awaitable[int | None]]
RENDERERS: dict[Kind, Renderer] = {}


def renderer(kind: Kind) -> Callable[[Renderer], Renderer]:
    """Register the one renderer of `kind` (a second one for the same kind is a bug)."""

    def register(func: Renderer) -> Renderer:
        if kind in RENDERERS:
            raise RuntimeError(f"two renderers for outbox kind {kind!r}")
        RENDERERS[kind] = func
        return func

    return register


def is_not_modified(exc: BadRequest) -> bool:
    return "not modified" in exc.message.lower()


def check_complete() -> None:
    """Every Kind the domain may queue has a renderer, and nothing else has one: a missing
    renderer fails at start, not as a "failed" outbox row in production."""
    missing = sorted(str(k) for k in set(Kind) - set(RENDERERS))
    unknown = sorted(str(k) for k in set(RENDERERS) - set(Kind))
    if missing or unknown:
        raise RuntimeError(f"outbox renderers: missing {missing}, unknown {unknown}")
