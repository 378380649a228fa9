"""`python -m bot doctor`: the bot's standing in the staff group, and what to fix.

Asks Telegram (getMe, getChat, getChatMember) about the staff group as the bot knows it now
(STAFF_CHAT_ID followed through the upgrades kept in the store) and prints what it found:
member, admin, may post, privacy mode, topics, and how many staff messages wait. Each problem
comes with one line saying what to do. Exit status 0 when nothing needs fixing, else 1.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from telegram import Bot, ChatFullInfo, ChatMember
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError

from bot.settings import Settings, staff_group
from bot.startup import TOKEN_REJECTED, unreachable_reason
from domain import outbox
from domain.store import Store
from domain.store import inbox as inbox_rows
from handlers.membership import can_post

ADMIN = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)


@dataclass
class Checkup:
    found: list[str] = field(default_factory=list)  # what Telegram and the store say
    fixes: list[str] = field(default_factory=list)  # what the shop should do, one line each

    @property
    def healthy(self) -> bool:
        return not self.fixes

    def report(self) -> str:
        lines = list(self.found)
        if self.fixes:
            lines.append("To fix:")
            lines.extend(f"  - {fix}" for fix in self.fixes)
        else:
            lines.append("All good: the bot can work in the staff group.")
        return "\n".join(lines)


async def examine(settings: Settings, bot: Bot, store: Store) -> Checkup:
    """What the doctor finds; Telegram's errors about the group become findings."""
    up = Checkup()
    group = staff_group(settings)
    chat_id = await group.load(store)
    me = await bot.get_me()
    privacy = not me.can_read_all_group_messages
    up.found.append(f"Bot: @{me.username} (id {me.id})")
    if group.moved:
        up.found.append(
            f"STAFF_CHAT_ID {group.configured} was upgraded by Telegram to {chat_id};"
            " the bot follows it"
        )
        up.fixes.append(f"Set STAFF_CHAT_ID={chat_id} in .env (the bot uses it already)")
    chat = await _chat(bot, chat_id, up)
    if chat is not None:
        await _membership(bot, chat, me.id, privacy, up)
        _topics(settings, chat, up)
    up.found.append(f"  staff messages waiting: {await outbox.waiting(store, 'staff')}")
    updates = await inbox_rows.counts(store.reader, store.now())
    up.found.append(
        f"Updates waiting in the inbox: {updates['waiting']} (being handled: {updates['running']})"
    )
    return up


async def _chat(bot: Bot, chat_id: int, up: Checkup) -> ChatFullInfo | None:
    try:
        return await bot.get_chat(chat_id)
    except ChatMigrated as exc:
        up.found.append(
            f"Staff group {chat_id}: upgraded by Telegram to a supergroup, {exc.new_chat_id}"
        )
        up.fixes.append(
            f"Set STAFF_CHAT_ID={exc.new_chat_id} in .env (a running bot follows the upgrade"
            " by itself at its next staff message)"
        )
        return await _chat(bot, exc.new_chat_id, up)
    except Forbidden as exc:
        up.found.append(f"Staff group {chat_id}: the bot is not in it ({exc.message})")
        up.fixes.append(
            "Add the bot to the staff group again and make it an admin; the staff messages"
            " waiting go out then, in order"
        )
    except BadRequest as exc:
        up.found.append(f"Staff group {chat_id}: {exc.message}")
        up.fixes.append(
            "STAFF_CHAT_ID is not a group the bot is in: add the bot to the staff group, send"
            " /chatid there and put that id in .env"
        )
    return None


async def _membership(
    bot: Bot, chat: ChatFullInfo, bot_id: int, privacy: bool, up: Checkup
) -> None:
    kind = chat.type + (", topics on" if chat.is_forum else "")
    up.found.append(f'Staff group {chat.id} "{chat.title}": {kind}')
    member = await bot.get_chat_member(chat.id, bot_id)
    admin = member.status in ADMIN
    posts = can_post(member)
    up.found.append(f"  member: yes ({member.status}); admin: {_yes(admin)}")
    up.found.append(f"  can post: {_yes(posts)}")
    if not privacy:
        up.found.append("  privacy mode: off")
    else:
        up.found.append("  privacy mode: on" + (" (fine: an admin sees replies)" if admin else ""))
    if not posts:
        up.fixes.append(
            "Let the bot send messages in the staff group (it is restricted): make it an admin"
        )
    if privacy and not admin:
        up.fixes.append(
            "Make the bot an admin of the staff group, or turn its privacy mode off"
            " (@BotFather: /setprivacy → Disable), so it sees staff replies to its questions"
        )


def _topics(settings: Settings, chat: ChatFullInfo, up: Checkup) -> None:
    topics = settings.staff_topics
    if topics and not chat.is_forum:
        up.found.append("  topics: STAFF_TOPICS is set but the group has no topics")
        up.fixes.append(
            "Turn topics on in the staff group, or leave STAFF_TOPICS empty (everything goes"
            " to the main chat meanwhile)"
        )
    elif topics:
        mapped = ", ".join(f"{name} → {thread}" for name, thread in topics.items())
        up.found.append(f"  topics: {mapped}; the rest goes to General")
    elif chat.is_forum:
        up.found.append(
            "  topics: every staff message goes to General (set STAFF_TOPICS, e.g."
            " orders=12,reports=18, to route them)"
        )


def _yes(value: bool) -> str:
    return "yes" if value else "no"


async def run(settings: Settings) -> int:
    """Print the checkup; exit status 0 when healthy, 1 when something needs fixing."""
    url = settings.telegram_api_url
    bot = Bot(
        settings.bot_token.get_secret_value(),
        base_url=f"{url}/bot",
        base_file_url=f"{url}/file/bot",
    )
    try:
        async with Store(settings.database) as store, bot:
            checkup = await examine(settings, bot, store)
    except InvalidToken:
        print(TOKEN_REJECTED, file=sys.stderr)
        return 2
    except NetworkError as exc:
        print(
            f"Telegram Bot API at {url} is unreachable ({unreachable_reason(exc)})",
            file=sys.stderr,
        )
        return 1
    print(checkup.report())
    return 0 if checkup.healthy else 1
