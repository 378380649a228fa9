"""The staff group's rules without Telegram: following upgrades, the hourly ERROR while out,
the topic of each kind of staff message, STAFF_TOPICS, and the filter on the current id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import ValidationError
from telegram import (
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberRestricted,
    User,
)

from bot.settings import Settings, describe_error
from bot.updates import build_processor
from domain.outbox import Kind
from domain.staff_group import TOPIC_OF, TOPICS, StaffGroup, follow
from handlers.membership import can_post
from handlers.staff.register import InStaffGroup

T0 = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
OLD, NEW, NEWER = -4012, -1004012, -1005555


def test_follow_walks_every_recorded_move_and_stops_on_a_loop() -> None:
    assert follow(OLD, {}) == OLD
    assert follow(OLD, {OLD: NEW}) == NEW
    assert follow(OLD, {OLD: NEW, NEW: NEWER}) == NEWER
    assert follow(NEW, {OLD: NEW}) == NEW  # .env already updated: the same group
    assert follow(OLD, {OLD: NEW, NEW: OLD}) == NEW  # a loop cannot hang the start


def test_the_group_is_the_current_id_only() -> None:
    group = StaffGroup(OLD)
    assert OLD in group and NEW not in group and None not in group
    group._chat_id = NEW  # what a move does (tested on a real store in integration)
    assert NEW in group and OLD not in group
    assert group.moved


def test_an_error_line_the_first_time_then_once_an_hour() -> None:
    group = StaffGroup(OLD)
    assert group.may_send(T0)
    assert group.out("kicked", T0) is True
    assert group.out("kicked", T0 + timedelta(minutes=1)) is False
    assert group.out("kicked", T0 + timedelta(minutes=59)) is False
    assert group.out("kicked", T0 + timedelta(minutes=60)) is True
    assert group.out_since == T0 and group.out_reason == "kicked"
    assert group.back() is True and group.back() is False
    assert group.out("again", T0 + timedelta(hours=2)) is True  # a new outage: said at once


def test_while_out_the_sender_tries_once_a_minute() -> None:
    group = StaffGroup(OLD)
    group.out("kicked", T0)
    assert not group.may_send(T0 + timedelta(seconds=59))
    assert group.may_send(T0 + timedelta(seconds=60))
    group.out("kicked", T0 + timedelta(seconds=60))  # the try failed: a minute more
    assert not group.may_send(T0 + timedelta(seconds=61))


def test_each_staff_kind_has_its_topic_and_general_is_the_default() -> None:
    group = StaffGroup(NEW, {"orders": 12, "reports": 18})
    assert group.thread_for(Kind.ORDER_CARD) == 12
    assert group.thread_for(Kind.INVOICE_STAFF) == 12
    assert group.thread_for(Kind.DAILY_DIGEST) == 18
    assert group.thread_for(Kind.LOW_STOCK) is None  # "alerts" not mapped: General
    assert group.thread_for("a_kind_of_another_version") is None
    assert StaffGroup(NEW).thread_for(Kind.ORDER_CARD) is None


def test_the_topic_table_names_known_topics_and_kinds_only() -> None:
    assert set(TOPIC_OF.values()) <= set(TOPICS)
    assert set(TOPIC_OF) <= {str(k) for k in Kind}
    assert "returns" in TOPICS  # after-sales kinds only need their line


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, bot_token="1:a", staff_chat_id=-1, **values)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        ("orders=12,returns=15,reports=18,alerts=20",
         {"orders": 12, "returns": 15, "reports": 18, "alerts": 20}),
        (" Orders = 12 ; alerts=20 ", {"orders": 12, "alerts": 20}),
        ("", {}),
    ],
)
def test_staff_topics_are_read(text: str, topics: dict[str, int]) -> None:
    assert settings(staff_topics=text).staff_topics == topics


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("orders", "'orders' is not topic=thread id, e.g. orders=12,returns=15"),
        ("orders=x", "'orders=x' is not topic=thread id"),
        ("orders=0", "'orders=0' is not topic=thread id"),
        ("pesanan=12", "unknown topic 'pesanan' (known: orders, returns, reports, alerts)"),
        ("orders=12,orders=13", "topic 'orders' is given twice"),
    ],
)
def test_a_bad_staff_topics_stops_the_start_with_one_line(text: str, line: str) -> None:
    with pytest.raises(ValidationError) as caught:
        settings(staff_topics=text)
    message = describe_error(caught.value)
    assert message.startswith(f"Setting STAFF_TOPICS is invalid: {line}")
    assert "\n" not in message


def test_staff_topics_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "1:a")
    monkeypatch.setenv("STAFF_CHAT_ID", "-1001234567890")
    monkeypatch.setenv("STAFF_TOPICS", "orders=12,alerts=20")
    assert Settings(_env_file=None).staff_topics == {"orders": 12, "alerts": 20}  # type: ignore[call-arg]


def _message(chat_id: int) -> Any:
    return SimpleNamespace(chat_id=chat_id)


def test_staff_commands_follow_the_current_id_and_refuse_the_old_one() -> None:
    group = StaffGroup(OLD)
    staff = InStaffGroup(group)
    assert staff.filter(_message(OLD)) and not staff.filter(_message(NEW))
    group._chat_id = NEW
    assert staff.filter(_message(NEW)) and not staff.filter(_message(OLD))


def test_the_flood_guard_exempts_the_group_wherever_it_moved() -> None:
    group = StaffGroup(OLD)
    processor = build_processor(4, flood_limit=1, flood_window=10, staff_chat_id=group)
    assert OLD in processor.exempt_chats
    group._chat_id = NEW
    assert NEW in processor.exempt_chats and OLD not in processor.exempt_chats


BOT = User(1, "Bot", is_bot=True)
RESTRICTED_RIGHTS = (
    "can_change_info", "can_invite_users", "can_pin_messages", "can_send_messages",
    "can_send_polls", "can_send_other_messages", "can_add_web_page_previews",
    "can_manage_topics", "can_send_audios", "can_send_documents", "can_send_photos",
    "can_send_videos", "can_send_video_notes", "can_send_voice_notes", "can_edit_tag",
    "can_react_to_messages",
)  # fmt: skip
ADMIN_RIGHTS = (
    "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
    "can_manage_video_chats", "can_restrict_members", "can_promote_members",
    "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
    "can_delete_stories",
)  # fmt: skip
NO_RIGHTS = dict.fromkeys(RESTRICTED_RIGHTS, False)


def test_when_the_bot_may_post() -> None:
    admin_rights = dict.fromkeys(ADMIN_RIGHTS, True)
    assert can_post(ChatMemberMember(BOT))
    assert can_post(ChatMemberAdministrator(BOT, **admin_rights))
    assert not can_post(ChatMemberLeft(BOT))
    assert not can_post(ChatMemberBanned(BOT, until_date=T0))
    muted = ChatMemberRestricted(BOT, is_member=True, until_date=T0, **NO_RIGHTS)
    assert not can_post(muted)
    allowed = ChatMemberRestricted(
        BOT, is_member=True, until_date=T0, **(NO_RIGHTS | {"can_send_messages": True})
    )
    assert can_post(allowed)
