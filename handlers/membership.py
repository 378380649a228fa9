"""What Telegram tells about the bot's own place in a chat, and about the staff group moving.

- `my_chat_member` in a private chat: the customer blocked the bot ("kicked": nothing more is
  sent to them, what waited is dropped) or let it back ("member": reachable again).
- `my_chat_member` in the staff group: the bot removed, banned or muted (staff messages wait,
  one ERROR line an hour) or back (what waited goes out, in order).
- `migrate_to_chat_id` / `migrate_from_chat_id`: Telegram upgraded the staff group to a
  supergroup; the bot follows it at once (the sender does the same when a send tells it).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from telegram import Bot, ChatMember, ChatMemberRestricted, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ChatMemberHandler, MessageHandler, filters

from domain import customers
from domain.staff_group import StaffGroup
from handlers.common import Context
from handlers.staff.register import set_commands
from messages import Messages

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger("handlers.staff")

# Before every other group: these updates are the bot's own business, never a conversation's.
MEMBERSHIP_GROUP = -10


def can_post(member: ChatMember) -> bool:
    """Whether the bot, as this member, may send messages in the group."""
    if member.status in (ChatMember.LEFT, ChatMember.BANNED):
        return False
    if isinstance(member, ChatMemberRestricted):
        return member.is_member and member.can_send_messages
    return True


def why_out(member: ChatMember) -> str:
    if member.status == ChatMember.BANNED:
        return "the bot was removed and banned from the group"
    if member.status == ChatMember.LEFT:
        return "the bot was removed from the group"
    return "the bot may not send messages in the group"


def went_out(group: StaffGroup, chat_id: int, reason: str, now: datetime) -> None:
    """The bot cannot post in the staff group: its messages wait; ERROR once an hour."""
    if group.out(reason, now):
        log.error(
            "cannot post to the staff group %s: %s; staff messages wait until the bot is back"
            " in the group and may post (see `python -m bot doctor`)",
            chat_id,
            reason,
        )


async def member_changed(update: Update, context: Context) -> None:
    change = update.my_chat_member
    if change is None:
        return
    shop = context.shop
    chat, member = change.chat, change.new_chat_member
    if chat.type == ChatType.PRIVATE:
        if member.status == ChatMember.BANNED:
            log.info("customer %s blocked the bot; marked unreachable", chat.id)
            await customers.blocked_bot(shop.store, chat.id)
        elif member.status == ChatMember.MEMBER and await customers.unblocked_bot(
            shop.store, chat.id
        ):
            log.info("customer %s unblocked the bot; reachable again", chat.id)
        return
    if chat.id not in shop.staff:
        return
    if not can_post(member):
        went_out(shop.staff, chat.id, why_out(member), shop.store.now())
        return
    if shop.staff.back():
        log.warning("the bot is back in the staff group %s: sending what waited", chat.id)
    was_admin = change.old_chat_member.status == ChatMember.ADMINISTRATOR
    if was_admin and member.status != ChatMember.ADMINISTRATOR:
        log.warning(
            "the bot is no longer an admin of the staff group %s; it still posts there, but"
            " with privacy mode on it sees only commands and replies to it"
            " (see `python -m bot doctor`)",
            chat.id,
        )
    shop.kick()


async def migrated(update: Update, context: Context) -> None:
    """The old group says where it went (migrate_to), the new supergroup where it came from
    (migrate_from); whichever arrives first moves the staff group."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    shop = context.shop
    if await shop.staff.move(shop.store, old, new):
        await announce_move(context.bot, old, new, settings=shop.settings, messages=shop.messages)
        shop.kick()


async def announce_move(
    bot: Bot, old: int, new: int, *, settings: Settings, messages: Messages
) -> None:
    """Say it once: a WARNING with what to change in .env, a short note in the new group, and
    the staff command menu there."""
    log.warning(
        "Telegram upgraded the staff group %s to a supergroup: it is %s now. The bot follows"
        " it (kept in its database); set STAFF_CHAT_ID=%s in .env to match",
        old,
        new,
        new,
    )
    text = messages.render(settings.default_language, "staff_group_moved", old=old, new=new)
    try:
        await bot.send_message(new, text, parse_mode=ParseMode.HTML)
    except TelegramError as exc:  # a courtesy: the log line above says it all
        log.info("could not post the upgrade note in the staff group %s: %s", new, exc)
    await set_commands(bot, settings, messages, new)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handlers(
        [
            ChatMemberHandler(member_changed, ChatMemberHandler.MY_CHAT_MEMBER),
            MessageHandler(filters.StatusUpdate.MIGRATE, migrated),
        ],
        group=MEMBERSHIP_GROUP,
    )
