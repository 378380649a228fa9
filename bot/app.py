"""The composition root: builds the PTB Application and the shop's services, each once.

Handlers and jobs reach the services through the custom context (handlers/context.py).
"""

from __future__ import annotations

import functools
import logging
import warnings
from pathlib import Path

from telegram import BotCommand, BotCommandScopeAllPrivateChats, Update
from telegram.constants import ParseMode
from telegram.error import NetworkError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, JobQueue, TypeHandler
from telegram.warnings import PTBUserWarning

from bot import jobs
from bot.inbox import Inbox, InboxQueue, NotStored, PollRequest
from bot.notices import NoticeKit, check_complete
from bot.persistence import SQLitePersistence
from bot.ratelimit import SharedRateLimiter, TelegramRateLimiter
from bot.sender import OutboxSender
from bot.settings import (
    Settings,
    courier_book,
    issuer,
    policy_from,
    report_policy,
    return_policy,
    staff_group,
)
from bot.updates import SlowDownNote, build_processor
from domain.clock import Clock, utc_now
from domain.customers import language_of
from domain.fulfilment.desk import OrderDesk
from domain.fulfilment.desk import Policy as DeskPolicy
from domain.staff_group import StaffGroup
from domain.store import Store
from domain.store.inbox import TakenOver
from handlers import membership, setup
from handlers.common import thread_of
from handlers.context import BotData, Shop, ShopContext
from handlers.customer import register as customer
from handlers.customer.ended import tell_ended
from handlers.interrupted import answer_interrupted
from handlers.staff import register as staff
from messages import Messages

log = logging.getLogger(__name__)

OUTBOX_INTERVAL_SECONDS = 2.0
# Runs after every other handler group: writes conversation states and user data at once,
# so a crash loses nothing a customer typed.
FLUSH_GROUP = 100

# Conversation buttons are per chat, not per message: that is intended.
warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message.*")



class AppData(BotData):
    """bot_data of this application: the shop, and the outbox sender behind its `kick`."""

    sender: OutboxSender


CONTEXT_TYPES = ContextTypes(context=ShopContext, bot_data=AppData)

CUSTOMER_COMMANDS = (
    "start",
    "catalog",
    "cart",
    "orders",
    "track",
    "language",
    "settings",
    "help",
)


def build_application(
    settings: Settings,
    *,
    clock: Clock = utc_now,
    outbox_interval: float = OUTBOX_INTERVAL_SECONDS,
    use_inbox: bool = True,
) -> Application:  # type: ignore[type-arg]
    """The bot. `use_inbox=False` only for benchmarks measuring what the inbox costs: updates are
    then handled from memory, as python-telegram-bot does by itself."""
    check_complete()  # every outbox kind has its one renderer
    store = Store(settings.database, clock)
    messages = Messages(settings.timezone, settings.default_language)
    token = settings.bot_token.get_secret_value()
    # The staff group's one source of truth: handlers, the flood guard and the sender all
    # read it, so an upgrade to a supergroup switches everything at once.
    group = staff_group(settings)
    inbox = Inbox(
        store,
        worker=settings.worker_name,
        lease=settings.inbox_lease,
        replay_age=settings.update_replay_age,
        retention=settings.update_retention,
        # Polling has one getUpdates consumer, and SQLite one process: no other worker.
        only_process=not settings.webhook_url or isinstance(settings.database, Path),
        conversation_timeout=settings.conversation_timeout,
    )
    processor = build_processor(
        settings.concurrent_updates,
        flood_limit=settings.flood_limit,
        flood_window=settings.flood_window_seconds,
        staff_chat_id=group,
    )
    builder = ApplicationBuilder()
    if use_inbox:
        processor.inbox = inbox
        builder = builder.update_queue(InboxQueue(inbox))
        if not settings.webhook_url:
            builder = builder.get_updates_request(PollRequest(inbox))
    app = (
        builder.context_types(CONTEXT_TYPES)
        .concurrent_updates(processor)
        .token(token)
        .base_url(f"{settings.telegram_api_url}/bot")
        .base_file_url(f"{settings.telegram_api_url}/file/bot")
        .rate_limiter(_rate_limiter(settings, store))
        .persistence(SQLitePersistence(store))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    assert app.job_queue is not None
    inbox.attach(app)
    # Too old to replay, or cut short after its work: told so, never run (again).
    inbox.interrupted = _interrupted
    inbox.ended = _ended  # conversations left longer than CONVERSATION_TIMEOUT: said once
    shop = _build_shop(settings, store, messages, group, app.job_queue, app.bot_data)
    processor.on_burst = SlowDownNote(app.bot, shop)

    membership.register(app)  # the bot's own place in chats, and the staff group's upgrade
    customer.register(app)  # the private chat; its fallbacks come last
    setup.register(app)
    staff.register(app, group)
    customer.register_fallbacks(app)
    app.add_handler(TypeHandler(Update, _flush_persistence), group=FLUSH_GROUP)
    app.add_error_handler(_on_error)
    # Overlapping runs are allowed: one may be busy with the staff group's backlog (20 a
    # minute) while the next delivers the customers' messages.
    app.job_queue.run_repeating(
        app.bot_data.sender.job,
        interval=outbox_interval,
        first=0.5,
        name="outbox",
        job_kwargs={"max_instances": 3},
    )
    jobs.register(app)
    return app


def _rate_limiter(settings: Settings, store: Store) -> TelegramRateLimiter:
    """Telegram's limits are the bot's: on PostgreSQL (where several workers may run) one
    budget in the database for all of them; one SQLite process keeps it in memory."""
    limits = {
        "overall_per_second": settings.rate_limit_overall_per_second,
        "chat_per_second": settings.rate_limit_chat_per_second,
        "group_per_minute": settings.rate_limit_group_per_minute,
    }
    if store.dialect == "postgresql":
        return SharedRateLimiter(store, **limits)
    return TelegramRateLimiter(**limits)


def _build_shop(
    settings: Settings,
    store: Store,
    messages: Messages,
    group: StaffGroup,
    job_queue: JobQueue,  # type: ignore[type-arg]
    bot_data: AppData,
) -> Shop:
    """Each service once, for every update and job of the application's life."""
    couriers = courier_book(settings)
    # The sender gets what its renderers need, not the Shop: the Shop only holds its kick.
    schedule = policy_from(settings)
    sender = OutboxSender(
        NoticeKit(settings, store, messages, couriers, schedule),
        group,
        on_move=functools.partial(membership.announce_move, settings=settings, messages=messages),
        worker=settings.worker_name,
        lease=settings.inbox_lease,  # a dead worker's messages wait as long as its updates
    )
    shop = Shop(
        settings=settings,
        store=store,
        messages=messages,
        couriers=couriers,
        desk=OrderDesk(store, DeskPolicy(couriers, settings.invoice_at, issuer(settings))),
        schedule=schedule,
        staff=group,
        reports=report_policy(settings),
        kick=functools.partial(sender.kick, job_queue),
        returns=return_policy(settings),
    )
    bot_data.shop = shop
    bot_data.sender = sender
    return shop


async def _post_init(app: Application) -> None:  # type: ignore[type-arg]
    shop: Shop = app.bot_data.shop
    await shop.store.ensure_open()
    await _load_staff_group(shop)
    await _register_commands(app, shop)
    await staff.set_commands(app.bot, shop.settings, shop.messages, shop.staff.chat_id)


async def _load_staff_group(shop: Shop) -> None:
    """Where the staff group is now: STAFF_CHAT_ID followed through the upgrades kept."""
    group = shop.staff
    await group.load(shop.store)
    if group.moved:
        log.warning(
            "the staff group moved from STAFF_CHAT_ID %s to %s (Telegram upgraded it); the"
            " bot uses %s. Set STAFF_CHAT_ID=%s in .env to match",
            group.configured,
            group.chat_id,
            group.chat_id,
            group.chat_id,
        )


async def _register_commands(app: Application, shop: Shop) -> None:  # type: ignore[type-arg]
    lang = shop.settings.default_language
    for code in ("id", "en"):
        commands = [
            BotCommand(c, shop.messages.button(code, f"cmd_{c}")) for c in CUSTOMER_COMMANDS
        ]
        await app.bot.set_my_commands(
            commands,
            scope=BotCommandScopeAllPrivateChats(),
            language_code=None if code == lang else code,
        )


async def _post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
    await app.bot_data.shop.store.close()


async def _flush_persistence(update: object, context: object) -> None:
    app = context.application  # type: ignore[attr-defined]
    # PTB marks an update's user and chat data for saving only after its last handler group,
    # i.e. after this one: mark them now so this flush saves what this update changed.
    if isinstance(update, Update):
        chat, user = update.effective_chat, update.effective_user
        app.mark_data_for_update_persistence(
            chat_ids=chat.id if chat else None, user_ids=user.id if user else None
        )
    # Updates of other chats run meanwhile: PTB deep-copies their data under its own lock and
    # each of them flushes again when it ends, so the last write for a chat is its final state.
    await app.update_persistence()


async def _interrupted(
    update: Update, app: Application, cut: bool  # type: ignore[type-arg]
) -> None:
    """Instead of an update's handlers (it waited longer than UPDATE_REPLAY_AGE, or was cut
    short after its work was saved): the context they would get (user and chat data as
    stored now), and the interrupted answer."""
    context = ShopContext.from_update(update, app)
    await context.refresh_data()
    await answer_interrupted(update, context, cut=cut)


async def _ended(
    update: Update, app: Application, names: list[str]  # type: ignore[type-arg]
) -> None:
    await tell_ended(update, ShopContext.from_update(update, app), names)


async def _on_error(update: object, context: object) -> None:
    """Log, and say something went wrong where it happened: never a traceback in a chat."""
    error = getattr(context, "error", None)
    if isinstance(error, NotStored):  # said once where it happened (bot/inbox.py)
        return
    if update is None and isinstance(error, NetworkError):
        # Polling lost Telegram for a moment; PTB retries by itself. One line, no traceback.
        log.warning("Telegram Bot API unreachable while polling (%s); retrying", error)
        return
    if isinstance(error, TakenOver):  # another worker has it: its answer is the one
        log.warning("update %s was taken over by another worker; not handled here", error)
        return
    log.error("error while handling an update", exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    shop: Shop = context.shop  # type: ignore[attr-defined]
    chat = update.effective_chat
    if chat.type != "private" and chat.id not in shop.staff:
        return  # someone else's group: stay quiet
    try:
        lang = shop.settings.default_language
        if chat.type == "private":
            lang = await language_of(shop.store, chat.id, lang)
        if update.callback_query is not None:
            await update.callback_query.answer()
        await context.bot.send_message(  # type: ignore[attr-defined]
            chat.id,
            shop.messages.error(lang, "generic"),
            parse_mode=ParseMode.HTML,
            message_thread_id=thread_of(update),
        )
    except Exception:  # the chat or the store may be the problem; the log has the cause
        log.debug("could not tell the chat about the error", exc_info=True)
