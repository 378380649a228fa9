"""Data kept by the fake Bot API server: users, chats, messages, files, records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


@dataclass
class FakeUser:
    """A Telegram user; their private chat with the bot has ``id == user id``."""

    id: int
    first_name: str
    language_code: str | None = "id"
    username: str | None = None
    last_name: str | None = None

    @property
    def chat_id(self) -> int:
        return self.id

    def to_api(self) -> JSON:
        out: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            out["last_name"] = self.last_name
        if self.username:
            out["username"] = self.username
        if self.language_code:
            out["language_code"] = self.language_code
        return out


@dataclass
class FakeChat:
    """A private chat (``user`` set) or a group/supergroup (negative id, ``title``)."""

    id: int
    type: str
    title: str | None = None
    user: FakeUser | None = None
    bot_is_admin: bool = False
    # The bot's own place in a group: "member" (or admin, see bot_is_admin), "left" (removed),
    # "kicked" (removed and banned) or "restricted" (a member that may not send messages).
    bot_status: str = "member"
    # Upgraded to a supergroup: the new chat id (the old one refuses every message).
    migrated_to: int | None = None
    # A forum (topics on): thread id -> topic name; "closed" topics refuse messages.
    is_forum: bool = False
    topics: dict[int, str] = field(default_factory=dict)
    closed_topics: set[int] = field(default_factory=set)
    # user id -> ChatMember status ("creator", "administrator", "member", ...)
    members: dict[int, str] = field(default_factory=dict)
    next_message_id: int = 1
    # wait_bot_message() cursor: only bot messages with a higher id are "new".
    cursor: int = 0
    # Server event sequence number at the test's last user action (for wait_edit).
    action_seq: int = 0

    @property
    def chat_id(self) -> int:
        return self.id

    @property
    def is_private(self) -> bool:
        return self.type == "private"

    def to_api(self) -> JSON:
        out: JSON = {"id": self.id, "type": self.type}
        if self.user is not None:
            out["first_name"] = self.user.first_name
            if self.user.last_name:
                out["last_name"] = self.user.last_name
            if self.user.username:
                out["username"] = self.user.username
        if self.title is not None:
            out["title"] = self.title
        if self.is_forum:
            out["is_forum"] = True
        return out

    @property
    def bot_inside(self) -> bool:
        return self.is_private or self.bot_status not in ("left", "kicked")

    def full_info(self) -> JSON:
        """ChatFullInfo with the fields PTB requires."""
        out = self.to_api()
        out.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        return out


@dataclass
class UploadedFile:
    """A multipart part the bot uploaded."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes

    def __repr__(self) -> str:  # keep recorded calls readable
        return f"UploadedFile({self.field!r}, {self.filename!r}, {len(self.data)} bytes)"


@dataclass
class StoredFile:
    """A file known to the server (uploaded by the bot or sent by a fake user)."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None

    def to_api(self) -> JSON:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass
class SentDocument:
    """A document the bot sent; ``data`` holds the bytes so tests can read e.g. a PDF."""

    chat_id: int
    message_id: int
    file_id: str
    file_name: str | None
    mime_type: str | None
    data: bytes
    caption: str | None


@dataclass
class CallbackAnswer:
    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None


@dataclass
class Violation:
    """A request Telegram would refuse (or an expected error, in ``soft_errors``)."""

    method: str
    error_code: int
    description: str
    params: JSON

    def __str__(self) -> str:
        shown = {
            k: (v if len(repr(v)) <= 120 else repr(v)[:117] + "...") for k, v in self.params.items()
        }
        return f"{self.method}: {self.error_code} {self.description} params={shown}"


@dataclass(eq=False)
class FakeMessage:
    """A message in a chat, with its latest (edited) content.

    Attribute access (``msg.text``) or dict-like access to the Bot API JSON
    (``msg["message_id"]``). ``text``/``caption`` are the visible text after
    HTML parsing; ``raw_text``/``raw_caption`` are what the bot sent.
    """

    chat: FakeChat
    message_id: int
    date: int
    sender: JSON
    from_bot: bool
    seq: int = 0
    text: str | None = None
    raw_text: str | None = None
    entities: list[JSON] | None = None
    caption: str | None = None
    raw_caption: str | None = None
    caption_entities: list[JSON] | None = None
    parse_mode: str | None = None
    # Inline keyboard (echoed in the API); reply keyboards are kept apart since
    # Telegram never echoes them in Message.reply_markup.
    reply_markup: JSON | None = None
    reply_keyboard: JSON | None = None
    photo: list[JSON] | None = None
    video: JSON | None = None
    # Several photos/videos sent at once (an album): one update each, sharing this id.
    media_group_id: str | None = None
    document: JSON | None = None
    contact: JSON | None = None
    reply_to: FakeMessage | None = None
    forward_origin: JSON | None = None
    # The forum topic the message is in (None: General, or no forum).
    message_thread_id: int | None = None
    # Service fields (migrate_to_chat_id, migrate_from_chat_id, ...), as Telegram sends them.
    service: JSON | None = None
    edit_date: int | None = None
    edit_count: int = 0
    edit_seq: int = 0
    deleted: bool = False

    @property
    def chat_id(self) -> int:
        return self.chat.id

    @property
    def inline_keyboard(self) -> list[list[JSON]]:
        return list((self.reply_markup or {}).get("inline_keyboard") or [])

    def callback_data(self) -> list[str]:
        """All callback_data values of the current inline keyboard."""
        return [
            b["callback_data"] for row in self.inline_keyboard for b in row if "callback_data" in b
        ]

    def button_texts(self) -> list[str]:
        return [b.get("text", "") for row in self.inline_keyboard for b in row]

    def to_api(self, *, with_reply: bool = True) -> JSON:
        out: JSON = {
            "message_id": self.message_id,
            "date": self.date,
            "chat": self.chat.to_api(),
            "from": dict(self.sender),
        }
        if self.text is not None:
            out["text"] = self.text
            if self.entities:
                out["entities"] = self.entities
        if self.caption is not None:
            out["caption"] = self.caption
            if self.caption_entities:
                out["caption_entities"] = self.caption_entities
        if self.photo is not None:
            out["photo"] = self.photo
        if self.video is not None:
            out["video"] = self.video
        if self.media_group_id is not None:
            out["media_group_id"] = self.media_group_id
        if self.document is not None:
            out["document"] = self.document
        if self.contact is not None:
            out["contact"] = self.contact
        if self.forward_origin is not None:
            out["forward_origin"] = self.forward_origin
        if self.edit_date is not None:
            out["edit_date"] = self.edit_date
        if self.message_thread_id is not None:
            out["message_thread_id"] = self.message_thread_id
            out["is_topic_message"] = True
        if self.service:
            out.update(self.service)
        if with_reply and self.reply_to is not None:
            out["reply_to_message"] = self.reply_to.to_api(with_reply=False)
        if self.reply_markup and self.reply_markup.get("inline_keyboard"):
            out["reply_markup"] = self.reply_markup
        return out

    def __getitem__(self, key: str) -> Any:
        return self.to_api()[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.to_api().get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self.to_api()

    def __repr__(self) -> str:
        body = self.text if self.text is not None else self.caption
        kind = (
            "photo"
            if self.photo
            else "document"
            if self.document
            else "contact"
            if self.contact
            else ""
        )
        who = "bot" if self.from_bot else f"user {self.sender.get('id')}"
        extra = f" [{kind}]" if kind else ""
        kb = f" buttons={self.button_texts()}" if self.inline_keyboard else ""
        return f"<FakeMessage {self.chat.id}/{self.message_id} from {who}{extra}: {body!r}{kb}>"
