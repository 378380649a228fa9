"""Strict in-process fake of the Telegram Bot API HTTP server.

The real PTB ``Application`` long-polls it over HTTP on 127.0.0.1. Every
request is checked against the generated Bot API table and against the limits
Telegram enforces; a refused request is answered like Telegram does and
recorded in ``violations`` (protocol mistakes) or ``soft_errors`` (errors a
well-behaved bot may legitimately hit: "message is not modified", blocked
user, ...). Tests act as users through ``send_text``/``press``/... and wait for
the bot through ``wait_*`` helpers that are woken by every request.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import mimetypes
import random
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from http import HTTPStatus
from types import TracebackType
from typing import Any, TypeVar

import aiohttp
from aiohttp import web

from .html_check import HtmlParseError, parse_html
from .ratelimit import RateLimiter, counts_toward_limits
from .state import (
    JSON,
    CallbackAnswer,
    FakeChat,
    FakeMessage,
    FakeUser,
    SentDocument,
    StoredFile,
    UploadedFile,
    Violation,
)
from .table import BotApiTable, MethodSpec, load_table

T = TypeVar("T")

DEFAULT_TOKEN = "123456789:AAFakeTokenForTestsOnly-0123456789ab"

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER = 200
MAX_DOWNLOAD = 20 * 1024 * 1024  # getFile: the largest file a bot may download
MAX_COMMANDS = 100
COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
# A leading /command (optionally /command@bot_username) gets a bot_command entity.
LEADING_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
# Inline button keys that are not the button's "action".
NON_ACTION_BUTTON_KEYS = frozenset({"text", "icon_custom_emoji_id", "style"})
KEYBOARD_REQUEST_KEYS = frozenset(
    {
        "request_users",
        "request_chat",
        "request_managed_bot",
        "request_contact",
        "request_location",
        "request_poll",
        "web_app",
    }
)
# Telegram's default when allowed_updates was never set.
NOT_DELIVERED_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)


DROP = 0  # fail_next(..., status=DROP): close the connection without an answer


class ApiError(Exception):
    """An error answer. ``soft`` errors are expected ones, not protocol violations."""

    def __init__(
        self,
        code: int,
        description: str,
        *,
        soft: bool = False,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.soft = soft
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id


def _bad(description: str, *, soft: bool = False) -> ApiError:
    return ApiError(400, f"Bad Request: {description}", soft=soft)


def _utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def _short(value: Any, limit: int = 200) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class FakeBotApi:
    """The fake server plus the test-side API (users, updates, recordings, waits)."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        rate_limits: bool = False,
        clock: Callable[[], float] = time.monotonic,
        strict_html: bool = True,
        bot_username: str = "fake_test_bot",
        bot_first_name: str = "Fake Test Bot",
        privacy_mode: bool = True,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        # BotFather's /setprivacy: on, the bot sees only commands and replies in groups
        # (getMe's can_read_all_group_messages is its opposite).
        self.privacy_mode = privacy_mode
        self.rate_limits = rate_limits
        self.strict_html = strict_html
        self.clock = clock
        self.table: BotApiTable = load_table()

        # Recordings.
        self.calls: list[tuple[str, JSON]] = []
        self.violations: list[Violation] = []
        self.soft_errors: list[Violation] = []
        self.count_429 = 0
        self.sent_documents: list[SentDocument] = []
        self.callback_answers: list[CallbackAnswer] = []
        # (canonical scope JSON, language_code) -> list of BotCommand
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        # (update_id, HTTP status or 0 for no answer) of every webhook post, in order.
        self.webhook_posts: list[tuple[int, int]] = []
        self._webhook_task: asyncio.Task[None] | None = None
        # deliver_concurrently(): Telegram's way with many chats (one post per chat at once).
        self._webhook_connections = 1
        self._webhook_window = 1
        self._webhook_rng = random.Random(0)

        # World state.
        self.users: dict[int, FakeUser] = {}
        self.chats: dict[int, FakeChat] = {}
        self.files: dict[str, StoredFile] = {}
        self._photo_sizes: dict[str, list[JSON]] = {}  # file_id of any size -> all sizes
        self._videos: dict[str, JSON] = {}  # file_id -> the Video object
        self._messages: dict[int, list[FakeMessage]] = {}
        self._blocked: set[int] = set()
        self._queries: dict[str, bool] = {}  # issued callback query id -> answered?
        self._expired: set[str] = set()  # queries Telegram has forgotten (held too long)

        # Updates / long polling.
        self._updates: list[JSON] = []
        self._next_update_id = 1
        # Called with each getUpdates' parameters as it arrives, before its offset confirms
        # anything (a test can kill the bot at the very moment it confirms an update).
        self.on_get_updates: Callable[[JSON], None] | None = None
        # Awaited with each method's name and parameters before it takes effect: a test can
        # hold the bot's request (the bot waits for Telegram's answer meanwhile).
        self.before_method: Callable[[str, JSON], Awaitable[None]] | None = None
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._closing = False

        # Injected faults: method name → what its next calls get instead of an answer
        # (an HTTP server error status, or DROP: the connection closes without an answer).
        self._faults: dict[str, list[tuple[int, int | None]]] = {}  # (status, only chat)
        self.faults_served: list[tuple[str, int]] = []

        self._limiter = RateLimiter(clock)
        self._seq = itertools.count(1)
        self._ids = itertools.count(1)
        self._last_seq = 0
        self._mark_calls = 0  # len(calls) when the test last acted as a user
        self._cond = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._url: str | None = None

        self._handlers: dict[str, Callable[[JSON, web.Request], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendVideo": self._send_video,
            "sendDocument": self._send_document,
            "sendChatAction": self._send_chat_action,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "answerCallbackQuery": self._answer_callback_query,
            "getFile": self._get_file,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "copyMessage": self._copy_message,
            "forwardMessage": self._forward_message,
        }

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        """Root URL; the bot calls ``{url}/bot{token}/{method}``."""
        if self._url is None:
            raise RuntimeError("FakeBotApi is not started")
        return self._url

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)`` / ``Bot(base_url=...)``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)`` / ``Bot(base_file_url=...)``."""
        return f"{self.url}/file/bot"

    async def start(self) -> FakeBotApi:
        self._closing = False
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown_path)
        # handler_cancellation: a poller whose client went away stops waiting.
        runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        host, port = runner.addresses[0][:2]
        self._url = f"http://{host}:{port}"
        return self

    async def stop(self) -> None:
        # Release long polls first so the runner does not wait for them.
        self._closing = True
        await self._notify()
        await self._stop_webhook()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def set_rate_limits(self, enabled: bool) -> None:
        self.rate_limits = enabled

    def fail_next(
        self, method: str, status: int = 500, times: int = 1, chat_id: int | None = None
    ) -> None:
        """The next `times` calls to `method` (to `chat_id` only, if given) fail: HTTP
        `status` (a 5xx with Telegram's error body), or with ``status=DROP`` the connection
        closes without an answer (a network error after the request was sent). The failed
        calls have no effect."""
        self._faults.setdefault(method.lower(), []).extend([(status, chat_id)] * times)

    def _take_fault(self, method: str, params: JSON) -> int | None:
        faults = self._faults.get(method.lower(), [])
        for i, (status, chat_id) in enumerate(faults):
            if chat_id is None or str(params.get("chat_id")) == str(chat_id):
                del faults[i]
                return status
        return None

    # ------------------------------------------------------------------ HTTP layer

    async def _notify(self) -> None:
        async with self._cond:
            self._cond.notify_all()

    def _record_error(self, method: str, params: JSON, err: ApiError) -> JSON:
        entry = Violation(method, err.code, err.description, dict(params))
        if err.code == 429:
            self.count_429 += 1
        elif err.soft:
            self.soft_errors.append(entry)
        else:
            self.violations.append(entry)
        body: JSON = {"ok": False, "error_code": err.code, "description": err.description}
        if err.retry_after is not None:
            body["parameters"] = {"retry_after": err.retry_after}
        if err.migrate_to_chat_id is not None:
            body["parameters"] = {"migrate_to_chat_id": err.migrate_to_chat_id}
        return body

    async def _handle_method(self, request: web.Request) -> web.Response:
        raw_method = request.match_info["method"]
        spec = self.table.method(raw_method)
        name = spec.name if spec is not None else raw_method
        params: JSON = {}
        try:
            try:
                params, files = await self._read_params(request)
            finally:
                self.calls.append((name, params))
            fault = self._take_fault(name, params)
            if fault is not None:
                return await self._serve_fault(request, name, fault)
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            if spec is None:
                raise ApiError(404, "Not Found")
            self._check_fields(spec, params, files)
            self._coerce(spec, params, files)
            if self.before_method is not None:
                await self.before_method(spec.name, params)
            handler = self._handlers.get(spec.name)
            # Methods without a modelled effect just succeed.
            result = True if handler is None else await handler(params, request)
            body: JSON = {"ok": True, "result": result}
        except ApiError as err:
            body = self._record_error(name, params, err)
        await self._notify()
        return web.json_response(body, status=200 if body["ok"] else body["error_code"])

    async def _serve_fault(self, request: web.Request, method: str, status: int) -> web.Response:
        self.faults_served.append((method, status))
        await self._notify()
        if status == DROP:
            assert request.transport is not None
            request.transport.close()
            return web.Response()  # never reaches the client: the connection is gone
        body = {"ok": False, "error_code": status, "description": HTTPStatus(status).phrase}
        return web.json_response(body, status=status)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        self.calls.append(("<file download>", {"file_path": path}))
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            for stored in self.files.values():
                if stored.file_path == path:
                    return web.Response(body=stored.data, content_type="application/octet-stream")
            raise ApiError(404, "Not Found")
        except ApiError as err:
            body = self._record_error("<file download>", {"file_path": path}, err)
            return web.json_response(body, status=err.code)
        finally:
            await self._notify()

    async def _handle_unknown_path(self, request: web.Request) -> web.Response:
        err = ApiError(404, "Not Found")
        body = self._record_error(f"<{request.method} {request.path}>", {}, err)
        await self._notify()
        return web.json_response(body, status=404)

    async def _read_params(self, request: web.Request) -> tuple[JSON, dict[str, UploadedFile]]:
        """Merge query string and body (JSON, url-encoded or multipart)."""
        params: JSON = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if not request.body_exists:
            return params, files
        ctype = request.content_type
        if ctype == "application/json":
            raw = await request.read()
            if raw.strip():
                try:
                    body = json.loads(raw)
                except ValueError:
                    raise _bad("can't parse JSON encoded request body") from None
                if not isinstance(body, dict):
                    raise _bad("JSON request body must be an object")
                params.update(body)
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = UploadedFile(
                        key, value.filename, value.content_type, value.file.read()
                    )
                else:
                    params[key] = value
        return params, files

    def _check_fields(self, spec: MethodSpec, params: JSON, files: dict[str, UploadedFile]) -> None:
        # Files may be referenced as attach://<part name> from any parameter (e.g. media).
        refs = set(re.findall(r"attach://([A-Za-z0-9_.\-]+)", json.dumps(params)))
        unknown = sorted(k for k in params if k not in spec.fields)
        unknown += sorted(k for k in files if k not in spec.fields and k not in refs)
        if unknown:
            raise _bad(f"unknown parameter(s) for {spec.name}: {', '.join(unknown)}")
        for key in sorted(spec.required):
            if key in files:
                continue
            if key not in params or params[key] == "" or params[key] is None:
                if key == "text":
                    raise _bad("message text is empty")
                raise _bad(f"{key} is empty" if key in params else f'parameter "{key}" is required')

    def _coerce(self, spec: MethodSpec, params: JSON, files: dict[str, UploadedFile]) -> None:
        """Give form values (all strings) their Bot API types, in place."""
        for key, part in files.items():
            if key in spec.fields:
                params[key] = part
        for key, value in list(params.items()):
            kind = spec.kind(key)
            if isinstance(value, UploadedFile):
                if kind not in ("file", "file|str"):
                    raise _bad(f'parameter "{key}" can\'t be a file')
                continue
            if value is None:
                continue
            if (
                kind in ("file", "file|str")
                and isinstance(value, str)
                and value.startswith("attach://")
            ):
                part_name = value[len("attach://") :]
                if part_name not in files:
                    raise _bad(f'file "{part_name}" referenced by "{key}" was not uploaded')
                params[key] = files[part_name]
            elif kind == "file":
                raise _bad(f'parameter "{key}" must be an uploaded file')
            elif kind == "int":
                params[key] = self._to_int(key, value)
            elif kind == "int|str":
                if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
                    params[key] = int(value)
                elif isinstance(value, bool) or not isinstance(value, int | str):
                    raise _bad(f'invalid value for parameter "{key}"')
            elif kind == "float":
                try:
                    params[key] = float(value)
                except (TypeError, ValueError):
                    raise _bad(f'invalid value for parameter "{key}"') from None
            elif kind == "bool":
                params[key] = self._to_bool(key, value)
            elif kind == "json" and isinstance(value, str):
                try:
                    params[key] = json.loads(value)
                except ValueError:
                    what = "reply keyboard markup" if key == "reply_markup" else key
                    raise _bad(f"can't parse {what} JSON object") from None

    @staticmethod
    def _to_int(key: str, value: Any) -> int:
        if isinstance(value, bool):
            raise _bad(f'invalid value for parameter "{key}"')
        if isinstance(value, int):
            return value
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value)
        raise _bad(f'invalid value for parameter "{key}"')

    @staticmethod
    def _to_bool(key: str, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "1", "false", "0"):
            return value.lower() in ("true", "1")
        if isinstance(value, int):
            return bool(value)
        raise _bad(f'invalid value for parameter "{key}"')

    # ------------------------------------------------------------------ validation helpers

    def _chat(self, p: JSON, key: str = "chat_id") -> FakeChat:
        value = p.get(key)
        chat: FakeChat | None = None
        if isinstance(value, int):
            chat = self.chats.get(value)
        elif isinstance(value, str) and value.startswith("@"):
            uname = value[1:].lower()
            chat = next(
                (
                    c
                    for c in self.chats.values()
                    if c.user and (c.user.username or "").lower() == uname
                ),
                None,
            )
        if chat is None:
            raise _bad("chat not found")
        return chat

    def _check_blocked(self, chat: FakeChat) -> None:
        """Whether the bot may send to the chat at all, in Telegram's words when not."""
        if chat.id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user", soft=True)
        self._check_migrated(chat)
        self._check_inside(chat)
        if chat.bot_status == "restricted":
            raise _bad("not enough rights to send text messages to the chat", soft=True)

    def _check_migrated(self, chat: FakeChat) -> None:
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                soft=True,
                migrate_to_chat_id=chat.migrated_to,
            )

    def _check_inside(self, chat: FakeChat) -> None:
        if chat.bot_inside:
            return
        kind = "supergroup chat" if chat.type == "supergroup" else "group chat"
        if chat.bot_status == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {kind}", soft=True)
        raise ApiError(403, f"Forbidden: bot is not a member of the {kind}", soft=True)

    def _thread(self, p: JSON, chat: FakeChat) -> int | None:
        """The forum topic a message is sent to (message_thread_id), checked like Telegram."""
        thread = p.get("message_thread_id")
        if thread is None:
            return None
        if chat.is_private or not chat.is_forum or thread not in chat.topics:
            raise _bad("message thread not found", soft=True)
        if thread in chat.closed_topics:
            raise _bad("TOPIC_CLOSED", soft=True)
        return int(thread)

    def _check_rate(self, method: str, chat: FakeChat) -> None:
        if not self.rate_limits or not counts_toward_limits(method):
            return
        retry = self._limiter.check(chat.id)
        if retry is not None:
            raise ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)

    def _formatted(
        self, p: JSON, key: str, limit: int
    ) -> tuple[str, list[JSON] | None, str] | None:
        """Validate text/caption with its parse_mode; return (visible, entities, raw)."""
        raw = p.get(key)
        if raw is None:
            return None
        if not isinstance(raw, str):
            raise _bad(f'parameter "{key}" must be a string')
        mode = p.get("parse_mode")
        visible, entities = raw, None
        if mode is not None and mode != "":
            lowered = str(mode).lower()
            if lowered not in ("html", "markdown", "markdownv2"):
                raise _bad("unsupported parse_mode")
            if lowered == "html":
                try:
                    parsed = parse_html(raw, strict=self.strict_html)
                except HtmlParseError as exc:
                    raise _bad(str(exc)) from None
                visible = parsed.text
                entities = [e.to_api(visible) for e in parsed.entities] or None
            # Markdown(V2) is not validated; its raw length is counted (stricter).
        explicit = p.get("entities" if key == "text" else "caption_entities")
        if explicit is not None:
            # Explicit entities replace parse_mode formatting (PTB sends them when editing
            # a message with its own entities).
            if not isinstance(explicit, list) or not all(isinstance(e, dict) for e in explicit):
                raise _bad(f"can't parse {key} entities JSON array")
            entities = [dict(e) for e in explicit] or None
        # Limits count Unicode code points of the visible text (after entity parsing).
        if len(visible) > limit:
            raise _bad("message is too long" if key == "text" else "message caption is too long")
        if key == "text" and not visible.strip():
            raise _bad("message text is empty")
        return visible, entities, raw

    def _check_object(self, obj: Any, type_name: str, what: str) -> JSON:
        if not isinstance(obj, dict):
            raise _bad(f"can't parse {what}: {type_name} must be an Object")
        spec = self.table.types.get(type_name)
        if spec is not None:
            unknown = sorted(k for k in obj if k not in spec.fields)
            if unknown:
                raise _bad(f"can't parse {what}: unknown field(s) {', '.join(unknown)}")
            missing = sorted(k for k in spec.required if k not in obj)
            if missing:
                raise _bad(f'can\'t parse {what}: field "{missing[0]}" is required')
        return obj

    def _markup(self, p: JSON, *, inline_only: bool = False) -> tuple[JSON | None, JSON | None]:
        """Validate reply_markup; return (inline keyboard, reply keyboard/remove/force_reply)."""
        markup = p.get("reply_markup")
        if markup is None:
            return None, None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            self._check_inline_keyboard(markup)
            return markup, None
        if inline_only:
            raise _bad("inline keyboard expected")
        if "keyboard" in markup:
            self._check_reply_keyboard(markup)
        elif "remove_keyboard" in markup:
            self._check_object(markup, "ReplyKeyboardRemove", "reply keyboard remove")
            if markup["remove_keyboard"] is not True:
                raise _bad("can't parse reply keyboard markup JSON object")
        elif "force_reply" in markup:
            self._check_object(markup, "ForceReply", "force reply")
            if markup["force_reply"] is not True:
                raise _bad("can't parse reply keyboard markup JSON object")
        else:
            raise _bad("can't parse reply keyboard markup JSON object")
        return None, markup

    def _rows(self, keyboard: Any, what: str) -> list[list[Any]]:
        if not isinstance(keyboard, list) or not all(isinstance(row, list) for row in keyboard):
            raise _bad(f"can't parse {what}: field must be an Array of Arrays")
        return keyboard

    def _check_inline_keyboard(self, markup: JSON) -> None:
        self._check_object(markup, "InlineKeyboardMarkup", "inline keyboard")
        for row in self._rows(markup["inline_keyboard"], "inline keyboard"):
            for button in row:
                self._check_object(button, "InlineKeyboardButton", "inline keyboard button")
                text = button.get("text")
                if not isinstance(text, str) or not text.strip():
                    raise _bad("can't parse inline keyboard button: Text must be non-empty")
                actions = [k for k in button if k not in NON_ACTION_BUTTON_KEYS]
                if not actions:
                    raise _bad(
                        "can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard"
                    )
                if len(actions) > 1:
                    raise _bad(
                        "can't parse inline keyboard button: "
                        f"exactly one action field must be used, got {actions}"
                    )
                if "callback_data" in button:
                    data = button["callback_data"]
                    if (
                        not isinstance(data, str)
                        or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
                    ):
                        raise _bad("BUTTON_DATA_INVALID")
                if "url" in button and (
                    not isinstance(button["url"], str) or not button["url"].strip()
                ):
                    raise _bad("BUTTON_URL_INVALID")

    def _check_reply_keyboard(self, markup: JSON) -> None:
        self._check_object(markup, "ReplyKeyboardMarkup", "reply keyboard")
        for row in self._rows(markup["keyboard"], "reply keyboard"):
            for button in row:
                if isinstance(button, str):
                    text = button
                else:
                    self._check_object(button, "KeyboardButton", "keyboard button")
                    text = button.get("text")
                    requests = [k for k in button if k in KEYBOARD_REQUEST_KEYS]
                    if len(requests) > 1:
                        raise _bad(
                            "can't parse keyboard button: "
                            f"at most one request field allowed, got {requests}"
                        )
                if not isinstance(text, str) or not text.strip():
                    raise _bad("can't parse keyboard button: Text must be non-empty")

    def _find_message(self, chat: FakeChat, message_id: Any) -> FakeMessage | None:
        for msg in self._messages.get(chat.id, []):
            if msg.message_id == message_id and not msg.deleted:
                return msg
        return None

    def _reply_target(self, p: JSON, chat: FakeChat) -> FakeMessage | None:
        rp = p.get("reply_parameters")
        if rp is None:
            return None
        self._check_object(rp, "ReplyParameters", "reply parameters")
        target_chat = chat
        if "chat_id" in rp:
            target_chat = self._chat({"chat_id": rp["chat_id"]})
        msg = self._find_message(target_chat, rp["message_id"])
        if msg is None and not rp.get("allow_sending_without_reply"):
            raise _bad("message to be replied not found", soft=True)
        return msg

    # ------------------------------------------------------------------ state helpers

    @property
    def bot_user(self) -> JSON:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _next_seq(self) -> int:
        self._last_seq = next(self._seq)
        return self._last_seq

    def _add_message(
        self, chat: FakeChat, sender: JSON, from_bot: bool, **content: Any
    ) -> FakeMessage:
        msg = FakeMessage(
            chat=chat,
            message_id=chat.next_message_id,
            date=int(time.time()),
            sender=sender,
            from_bot=from_bot,
            seq=self._next_seq(),
            **content,
        )
        chat.next_message_id += 1
        self._messages.setdefault(chat.id, []).append(msg)
        return msg

    def _store_file(
        self, data: bytes, folder: str, file_name: str | None, mime_type: str | None
    ) -> StoredFile:
        n = next(self._ids)
        ext = (file_name or "").rpartition(".")[2] if file_name and "." in file_name else "bin"
        stored = StoredFile(
            file_id=f"FAKE{folder.upper()}{n:06d}-{self.bot_id}",
            file_unique_id=f"U{n:06d}",
            data=data,
            file_path=f"{folder}/file_{n}.{ext}",
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        return stored

    def _photo(self, data: bytes) -> list[JSON]:
        """Register a photo as two PhotoSizes (thumbnail + full) sharing the bytes."""
        sizes: list[JSON] = []
        for width, height in ((90, 90), (800, 800)):
            stored = self._store_file(data, "photos", "photo.jpg", "image/jpeg")
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": width,
                    "height": height,
                    "file_size": len(data),
                }
            )
        for size in sizes:
            self._photo_sizes[size["file_id"]] = sizes
        return sizes

    def _video(self, data: bytes, *, duration: int, file_size: int | None = None) -> JSON:
        """Register a video (a Video object, its required fields per the table). `file_size`
        may claim more than the bytes kept: a bot never downloads what it only passes on."""
        stored = self._store_file(data, "videos", "video.mp4", "video/mp4")
        video = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": 1280,
            "height": 720,
            "duration": duration,
            "mime_type": "video/mp4",
            "file_size": len(data) if file_size is None else file_size,
        }
        self._check_object(video, "Video", "video")
        self._videos[stored.file_id] = video
        return video

    def _input_file(self, value: Any, folder: str) -> tuple[StoredFile | None, UploadedFile | None]:
        """Resolve an InputFile-or-String parameter to a known or newly uploaded file."""
        if isinstance(value, UploadedFile):
            return None, value
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            # Telegram would download it; nothing is fetched here.
            return None, UploadedFile("url", value.rsplit("/", 1)[-1] or None, None, b"")
        if isinstance(value, str) and value in self.files:
            return self.files[value], None
        raise _bad("wrong file identifier/HTTP URL specified")

    def _content_of(self, src: FakeMessage) -> JSON:
        return {
            "text": src.text,
            "raw_text": src.raw_text,
            "entities": src.entities,
            "caption": src.caption,
            "raw_caption": src.raw_caption,
            "caption_entities": src.caption_entities,
            "photo": src.photo,
            "video": src.video,
            "document": src.document,
            "contact": src.contact,
        }

    # ------------------------------------------------------------------ method effects

    async def _get_me(self, p: JSON, request: web.Request) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            self._updates = self._updates[offset:]
        else:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]

    def _deliverable(self, limit: int) -> list[JSON]:
        kept: list[JSON] = []
        for update in list(self._updates):
            kind = next(k for k in update if k != "update_id")
            allowed = (
                kind in self._allowed_updates
                if self._allowed_updates
                else kind not in NOT_DELIVERED_BY_DEFAULT
            )
            if allowed:
                kept.append(update)
            else:
                # Telegram never delivers it; make the silent drop visible to tests.
                self._updates.remove(update)
                self.soft_errors.append(
                    Violation(
                        "getUpdates", 0, f"{kind} update dropped: not in allowed_updates", update
                    )
                )
        return kept[:limit]

    async def _get_updates(self, p: JSON, request: web.Request) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(409, CONFLICT_WEBHOOK)
        if self.on_get_updates is not None:
            self.on_get_updates(p)
        offset = p.get("offset")
        limit = min(max(p.get("limit", 100), 1), 100)
        timeout = max(p.get("timeout", 0), 0)
        if "allowed_updates" in p:
            allowed = p["allowed_updates"]
            if not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed):
                raise _bad("can't parse allowed_updates JSON array")
            self._allowed_updates = allowed or None
        self._confirm(offset)
        # A newer getUpdates terminates an older pending one, as on Telegram.
        self._poll_generation += 1
        generation = self._poll_generation
        await self._notify()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with self._cond:
            while True:
                batch = self._deliverable(limit)
                if batch or self._closing:
                    return batch
                if generation != self._poll_generation:
                    if request.transport is None or request.transport.is_closing():
                        return []  # client already gone (e.g. PTB stopping); nobody to tell
                    raise ApiError(409, CONFLICT_POLL, soft=True)
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return []
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._cond.wait(), remaining)

    async def _delete_webhook(self, p: JSON, request: web.Request) -> bool:
        self.webhook_url = ""
        await self._stop_webhook()
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _set_webhook(self, p: JSON, request: web.Request) -> bool:
        self.webhook_url = str(p["url"])
        self.webhook_secret = p.get("secret_token")
        if "allowed_updates" in p:
            allowed = p["allowed_updates"]
            self._allowed_updates = (allowed or None) if isinstance(allowed, list) else None
        if p.get("drop_pending_updates"):
            self._updates.clear()
        if self._webhook_task is None:
            self._webhook_task = asyncio.create_task(self._deliver_webhook())
        await self._notify()
        return True

    async def _stop_webhook(self) -> None:
        task, self._webhook_task = self._webhook_task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def deliver_concurrently(
        self, connections: int = 40, *, window: int = 8, seed: int = 0
    ) -> None:
        """Webhook posts as Telegram makes them for a busy bot: up to `connections` at once
        (setWebhook's max_connections), never two of one chat at once: a chat's next update
        waits for the answer to its previous one. Which waiting chat goes next is drawn at
        random among the `window` oldest, so chats interleave differently on every run."""
        self._webhook_connections = max(1, connections)
        self._webhook_window = max(1, window)
        self._webhook_rng = random.Random(seed)

    @staticmethod
    def update_lane(update: JSON) -> int:
        """The chat an update belongs to (its user's for chatless ones; 0 for neither)."""
        for kind, body in update.items():
            if kind == "update_id" or not isinstance(body, dict):
                continue
            chat = body.get("chat") or (body.get("message") or {}).get("chat")
            if isinstance(chat, dict):
                return int(chat["id"])
            user = body.get("from")
            if isinstance(user, dict):
                return int(user["id"])
        return 0

    async def _post_update(self, session: aiohttp.ClientSession, update: JSON) -> int:
        headers = {"Content-Type": "application/json"}
        if self.webhook_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
        try:
            async with session.post(
                self.webhook_url, data=json.dumps(update), headers=headers
            ) as answer:
                status = answer.status
        except aiohttp.ClientError:
            status = 0
        self.webhook_posts.append((update["update_id"], status))
        if 200 <= status < 300:
            with contextlib.suppress(ValueError):
                self._updates.remove(update)
        return status

    async def _deliver_webhook(self) -> None:
        """As Telegram does: one update of a chat at a time, in order, to the webhook URL with
        the secret header; an update leaves the queue when answered 2xx, else it is retried.
        By default one post at a time overall; see deliver_concurrently."""
        if self._webhook_connections > 1:
            await self._deliver_webhook_concurrently()
            return
        async with aiohttp.ClientSession() as session:
            while self.webhook_url and not self._closing:
                batch = self._deliverable(1)
                if not batch:
                    async with self._cond:
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(self._cond.wait(), 0.5)
                    continue
                status = await self._post_update(session, batch[0])
                if not 200 <= status < 300:
                    await asyncio.sleep(0.05)  # Telegram backs off too

    async def _deliver_webhook_concurrently(self) -> None:
        busy: dict[int, asyncio.Task[None]] = {}  # lane -> its post in flight

        async def post(session: aiohttp.ClientSession, lane: int, update: JSON) -> None:
            try:
                status = await self._post_update(session, update)
                if not 200 <= status < 300:
                    await asyncio.sleep(0.05)  # this chat waits; the others go on
            finally:
                busy.pop(lane, None)
                await self._notify()

        connector = aiohttp.TCPConnector(limit=self._webhook_connections)
        async with aiohttp.ClientSession(connector=connector) as session:
            try:
                while self.webhook_url and not self._closing:
                    heads: list[tuple[int, JSON]] = []
                    seen: set[int] = set()
                    for update in self._deliverable(10_000):
                        lane = self.update_lane(update)
                        if lane not in seen:  # only a chat's oldest update may go
                            seen.add(lane)
                            if lane not in busy:
                                heads.append((lane, update))
                    free = self._webhook_connections - len(busy)
                    if not heads or free <= 0:
                        async with self._cond:
                            with contextlib.suppress(TimeoutError):
                                await asyncio.wait_for(self._cond.wait(), 0.5)
                        continue
                    for _ in range(min(free, len(heads))):
                        pick = self._webhook_rng.randrange(min(self._webhook_window, len(heads)))
                        lane, update = heads.pop(pick)
                        busy[lane] = asyncio.create_task(post(session, lane, update))
            finally:
                for task in list(busy.values()):
                    task.cancel()
                await asyncio.gather(*busy.values(), return_exceptions=True)

    async def _get_webhook_info(self, p: JSON, request: web.Request) -> JSON:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _commands_key(self, p: JSON) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in SCOPE_TYPES:
            raise _bad("can't parse BotCommandScope JSON object")
        if scope["type"] in ("chat", "chat_administrators", "chat_member"):
            self._chat({"chat_id": scope.get("chat_id")})
        lang = p.get("language_code") or ""
        if lang and not re.fullmatch(r"[a-z]{2}", lang):
            raise _bad("invalid language code specified")
        return json.dumps(scope, sort_keys=True), lang

    async def _set_my_commands(self, p: JSON, request: web.Request) -> bool:
        commands = p["commands"]
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON array")
        if len(commands) > MAX_COMMANDS:
            raise _bad("too many commands")
        for cmd in commands:
            self._check_object(cmd, "BotCommand", "BotCommand")
            if not isinstance(cmd["command"], str) or not COMMAND_RE.fullmatch(cmd["command"]):
                raise _bad("BOT_COMMAND_INVALID")
            desc = cmd["description"]
            if not isinstance(desc, str) or not 1 <= len(desc.strip()) <= 256 or len(desc) > 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._commands_key(p)] = [dict(c) for c in commands]
        return True

    async def _get_my_commands(self, p: JSON, request: web.Request) -> list[JSON]:
        return list(self.commands.get(self._commands_key(p), []))

    async def _delete_my_commands(self, p: JSON, request: web.Request) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True

    async def _send_message(self, p: JSON, request: web.Request) -> JSON:
        chat = self._chat(p)
        formatted = self._formatted(p, "text", MAX_TEXT)
        assert formatted is not None  # required field, checked by the table
        inline, keyboard = self._markup(p)
        reply_to = self._reply_target(p, chat)
        self._check_blocked(chat)
        thread = self._thread(p, chat)
        self._check_rate("sendMessage", chat)
        msg = self._add_message(
            chat,
            self.bot_user,
            True,
            message_thread_id=thread,
            text=formatted[0],
            entities=formatted[1],
            raw_text=formatted[2],
            parse_mode=p.get("parse_mode"),
            reply_markup=inline,
            reply_keyboard=keyboard,
            reply_to=reply_to,
        )
        return msg.to_api()

    def _media_common(self, p: JSON, method: str) -> tuple[FakeChat, JSON]:
        chat = self._chat(p)
        caption = self._formatted(p, "caption", MAX_CAPTION)
        inline, keyboard = self._markup(p)
        reply_to = self._reply_target(p, chat)
        content: JSON = {
            "parse_mode": p.get("parse_mode"),
            "reply_markup": inline,
            "reply_keyboard": keyboard,
            "reply_to": reply_to,
        }
        self._check_blocked(chat)
        content["message_thread_id"] = self._thread(p, chat)
        if caption is not None:
            content.update(caption=caption[0], caption_entities=caption[1], raw_caption=caption[2])
        return chat, content

    async def _send_photo(self, p: JSON, request: web.Request) -> JSON:
        chat, content = self._media_common(p, "sendPhoto")
        known, upload = self._input_file(p["photo"], "photos")
        self._check_blocked(chat)
        self._check_rate("sendPhoto", chat)
        if known is not None:
            sizes = self._photo_sizes.get(known.file_id)
            if sizes is None:
                raise _bad("wrong file identifier/HTTP URL specified: not a photo")
        else:
            assert upload is not None
            sizes = self._photo(upload.data)
        return self._add_message(chat, self.bot_user, True, photo=sizes, **content).to_api()

    async def _send_video(self, p: JSON, request: web.Request) -> JSON:
        """A video by file id (one this server knows as a video) or uploaded."""
        chat, content = self._media_common(p, "sendVideo")
        known, upload = self._input_file(p["video"], "videos")
        self._check_blocked(chat)
        self._check_rate("sendVideo", chat)
        if known is not None:
            video = self._videos.get(known.file_id)
            if video is None:
                raise _bad("wrong file identifier/HTTP URL specified: not a video")
        else:
            assert upload is not None
            video = self._video(upload.data, duration=0)
        return self._add_message(chat, self.bot_user, True, video=video, **content).to_api()

    async def _send_document(self, p: JSON, request: web.Request) -> JSON:
        chat, content = self._media_common(p, "sendDocument")
        known, upload = self._input_file(p["document"], "documents")
        self._check_blocked(chat)
        self._check_rate("sendDocument", chat)
        if known is None:
            assert upload is not None
            mime = upload.content_type
            if not mime or mime == "application/octet-stream":
                mime = mimetypes.guess_type(upload.filename or "")[0] or mime
            known = self._store_file(upload.data, "documents", upload.filename, mime)
        document = {
            "file_id": known.file_id,
            "file_unique_id": known.file_unique_id,
            "file_size": len(known.data),
        }
        if known.file_name:
            document["file_name"] = known.file_name
        if known.mime_type:
            document["mime_type"] = known.mime_type
        msg = self._add_message(chat, self.bot_user, True, document=document, **content)
        self.sent_documents.append(
            SentDocument(
                chat_id=chat.id,
                message_id=msg.message_id,
                file_id=known.file_id,
                file_name=known.file_name,
                mime_type=known.mime_type,
                data=known.data,
                caption=msg.caption,
            )
        )
        return msg.to_api()

    async def _send_chat_action(self, p: JSON, request: web.Request) -> bool:
        chat = self._chat(p)
        if p["action"] not in CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        self._check_blocked(chat)
        return True

    def _edit_target(self, p: JSON) -> FakeMessage:
        if p.get("inline_message_id") is not None:
            raise _bad("MESSAGE_ID_INVALID: this fake never issues inline messages")
        if "chat_id" not in p or "message_id" not in p:
            raise _bad("message identifier is not specified")
        chat = self._chat(p)
        msg = self._find_message(chat, p["message_id"])
        if msg is None:
            raise _bad("message to edit not found", soft=True)
        if not msg.from_bot:
            raise _bad("message can't be edited")
        return msg

    def _apply_edit(self, msg: FakeMessage, method: str, **changes: Any) -> JSON:
        self._check_blocked(msg.chat)
        self._check_rate(method, msg.chat)
        for key, value in changes.items():
            setattr(msg, key, value)
        msg.edit_date = int(time.time())
        msg.edit_count += 1
        msg.edit_seq = self._next_seq()
        return msg.to_api()

    @staticmethod
    def _same_markup(a: JSON | None, b: JSON | None) -> bool:
        def norm(m: JSON | None) -> Any:
            return m.get("inline_keyboard") or None if m else None

        return bool(norm(a) == norm(b))

    async def _edit_message_text(self, p: JSON, request: web.Request) -> JSON:
        msg = self._edit_target(p)
        if "text" not in p:
            raise _bad("message text is empty")
        formatted = self._formatted(p, "text", MAX_TEXT)
        assert formatted is not None
        # Omitting reply_markup removes the inline keyboard, as on Telegram.
        inline, _ = self._markup(p, inline_only=True)
        if msg.text is None:
            raise _bad("there is no text in the message to edit")
        if (
            msg.text == formatted[0]
            and msg.entities == formatted[1]
            and self._same_markup(msg.reply_markup, inline)
        ):
            raise _bad(NOT_MODIFIED, soft=True)
        return self._apply_edit(
            msg,
            "editMessageText",
            text=formatted[0],
            entities=formatted[1],
            raw_text=formatted[2],
            parse_mode=p.get("parse_mode"),
            reply_markup=inline,
        )

    async def _edit_message_caption(self, p: JSON, request: web.Request) -> JSON:
        msg = self._edit_target(p)
        formatted = self._formatted(p, "caption", MAX_CAPTION)
        inline, _ = self._markup(p, inline_only=True)
        if msg.photo is None and msg.video is None and msg.document is None:
            raise _bad("there is no caption in the message to edit")
        caption, entities, raw = formatted if formatted is not None else (None, None, None)
        if (
            msg.caption == caption
            and msg.caption_entities == entities
            and self._same_markup(msg.reply_markup, inline)
        ):
            raise _bad(NOT_MODIFIED, soft=True)
        return self._apply_edit(
            msg,
            "editMessageCaption",
            caption=caption,
            caption_entities=entities,
            raw_caption=raw,
            parse_mode=p.get("parse_mode"),
            reply_markup=inline,
        )

    async def _edit_message_reply_markup(self, p: JSON, request: web.Request) -> JSON:
        msg = self._edit_target(p)
        inline, _ = self._markup(p, inline_only=True)
        if self._same_markup(msg.reply_markup, inline):
            raise _bad(NOT_MODIFIED, soft=True)
        return self._apply_edit(msg, "editMessageReplyMarkup", reply_markup=inline)

    def _can_delete(self, msg: FakeMessage) -> bool:
        # Bots delete their own messages anywhere, incoming ones in private chats,
        # and others' messages in groups only as admins.
        return msg.from_bot or msg.chat.is_private or msg.chat.bot_is_admin

    async def _delete_message(self, p: JSON, request: web.Request) -> bool:
        chat = self._chat(p)
        msg = self._find_message(chat, p["message_id"])
        if msg is None:
            raise _bad("message to delete not found", soft=True)
        if not self._can_delete(msg):
            raise _bad("message can't be deleted", soft=True)
        msg.deleted = True
        msg.edit_seq = self._next_seq()
        return True

    async def _delete_messages(self, p: JSON, request: web.Request) -> bool:
        chat = self._chat(p)
        ids = p["message_ids"]
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise _bad("message_ids must be an array of 1-100 message identifiers")
        for message_id in ids:
            msg = self._find_message(chat, message_id)
            if msg is not None and self._can_delete(msg):  # others are skipped, as on Telegram
                msg.deleted = True
                msg.edit_seq = self._next_seq()
        return True

    async def _answer_callback_query(self, p: JSON, request: web.Request) -> bool:
        query_id = str(p["callback_query_id"])
        text = p.get("text")
        if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER:
            raise _bad("MESSAGE_TOO_LONG")
        if query_id in self._expired:
            raise _bad(QUERY_TOO_OLD, soft=True)  # unavoidable for an old press: not a fault
        if query_id not in self._queries:
            raise _bad(QUERY_TOO_OLD)
        if self._queries[query_id]:
            raise _bad(QUERY_TOO_OLD, soft=True)  # answered twice
        self._queries[query_id] = True
        self.callback_answers.append(
            CallbackAnswer(query_id, text, bool(p.get("show_alert", False)), p.get("url"))
        )
        return True

    async def _get_file(self, p: JSON, request: web.Request) -> JSON:
        stored = self.files.get(str(p["file_id"]))
        if stored is None:
            raise _bad("invalid file_id")
        if len(stored.data) > MAX_DOWNLOAD:  # bots download files up to 20 MB
            raise _bad("file is too big")
        return stored.to_api()

    async def _get_chat(self, p: JSON, request: web.Request) -> JSON:
        chat = self._chat(p)
        self._check_migrated(chat)
        self._check_inside(chat)
        return chat.full_info()

    def _member(self, user: JSON, status: str) -> JSON:
        if status == "creator":
            return {"status": "creator", "user": user, "is_anonymous": False}
        if status == "administrator":
            rights = dict.fromkeys(
                (
                    "can_be_edited",
                    "is_anonymous",
                    "can_promote_members",
                    "can_post_stories",
                    "can_edit_stories",
                    "can_delete_stories",
                ),
                False,
            )
            rights.update(
                dict.fromkeys(
                    (
                        "can_manage_chat",
                        "can_delete_messages",
                        "can_manage_video_chats",
                        "can_restrict_members",
                        "can_change_info",
                        "can_invite_users",
                    ),
                    True,
                )
            )
            return {"status": "administrator", "user": user, **rights}
        if status == "kicked":
            return {"status": "kicked", "user": user, "until_date": 0}
        if status == "restricted":  # a member that may send nothing
            rights = dict.fromkeys(
                (
                    "can_change_info",
                    "can_invite_users",
                    "can_pin_messages",
                    "can_send_messages",
                    "can_send_polls",
                    "can_send_other_messages",
                    "can_add_web_page_previews",
                    "can_manage_topics",
                    "can_send_audios",
                    "can_send_documents",
                    "can_send_photos",
                    "can_send_videos",
                    "can_send_video_notes",
                    "can_send_voice_notes",
                    "can_edit_tag",
                    "can_react_to_messages",
                ),
                False,
            )
            return {"status": "restricted", "user": user, "is_member": True, "until_date": 0,
                    **rights}
        return {"status": status, "user": user}

    def _bot_member(self, chat: FakeChat) -> JSON:
        if chat.bot_status == "member" and chat.bot_is_admin:
            return self._member(self.bot_user, "administrator")
        return self._member(self.bot_user, chat.bot_status)

    async def _get_chat_member(self, p: JSON, request: web.Request) -> JSON:
        chat = self._chat(p)
        user_id = p["user_id"]
        if user_id == self.bot_id:
            self._check_migrated(chat)
            self._check_inside(chat)
            return self._bot_member(chat)
        user = self.users.get(user_id)
        if user is None:
            raise _bad("user not found")
        if chat.is_private:
            status = "member" if chat.id == user_id else "left"
        else:
            status = chat.members.get(user_id, "left")
        return self._member(user.to_api(), status)

    async def _copy_message(self, p: JSON, request: web.Request) -> JSON:
        chat = self._chat(p)
        source_chat = self._chat(p, "from_chat_id")
        src = self._find_message(source_chat, p["message_id"])
        if src is None:
            raise _bad("message to copy not found", soft=True)
        content = self._content_of(src)
        if "caption" in p:
            if src.photo is None and src.video is None and src.document is None:
                raise _bad("caption can be specified only for media messages")
            caption = self._formatted(p, "caption", MAX_CAPTION)
            assert caption is not None
            content.update(caption=caption[0], caption_entities=caption[1], raw_caption=caption[2])
        inline, keyboard = self._markup(p)
        reply_to = self._reply_target(p, chat)
        self._check_blocked(chat)
        self._check_rate("copyMessage", chat)
        msg = self._add_message(
            chat,
            self.bot_user,
            True,
            reply_markup=inline,
            reply_keyboard=keyboard,
            reply_to=reply_to,
            **content,
        )
        return {"message_id": msg.message_id}

    async def _forward_message(self, p: JSON, request: web.Request) -> JSON:
        chat = self._chat(p)
        source_chat = self._chat(p, "from_chat_id")
        src = self._find_message(source_chat, p["message_id"])
        if src is None:
            raise _bad("message to forward not found", soft=True)
        self._check_blocked(chat)
        self._check_rate("forwardMessage", chat)
        origin = {"type": "user", "date": src.date, "sender_user": dict(src.sender)}
        msg = self._add_message(
            chat, self.bot_user, True, forward_origin=origin, **self._content_of(src)
        )
        return msg.to_api()

    # ------------------------------------------------------------------ test side: world

    def user(
        self,
        id: int,
        first_name: str | None = None,
        language_code: str | None = "id",
        username: str | None = None,
        last_name: str | None = None,
    ) -> FakeUser:
        """Create (or return the existing) user and their private chat with the bot."""
        if id <= 0:
            raise ValueError("user ids are positive")
        if id in self.users:
            return self.users[id]
        user = FakeUser(id, first_name or f"User{id}", language_code, username, last_name)
        self.users[id] = user
        self.chats[id] = FakeChat(id=id, type="private", user=user)
        return user

    def group(
        self,
        chat_id: int,
        title: str,
        *,
        bot_is_admin: bool = False,
        members: Iterable[FakeUser] = (),
        admins: Iterable[FakeUser] = (),
    ) -> FakeChat:
        """Create (or return) a group; ids below -10**12 are supergroups (-100...)."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        chat = self.chats.get(chat_id)
        if chat is None:
            kind = "supergroup" if chat_id <= -(10**12) else "group"
            chat = FakeChat(id=chat_id, type=kind, title=title, bot_is_admin=bot_is_admin)
            self.chats[chat_id] = chat
        for member in members:
            chat.members.setdefault(member.id, "member")
        for admin in admins:
            chat.members[admin.id] = "administrator"
        return chat

    def block(self, user: FakeUser | int) -> None:
        """The user blocks the bot: sends to their chat answer 403 (silently: see
        ``block_bot`` for the my_chat_member update Telegram also sends)."""
        self._blocked.add(user if isinstance(user, int) else user.id)

    def unblock(self, user: FakeUser | int) -> None:
        self._blocked.discard(user if isinstance(user, int) else user.id)

    async def block_bot(self, user: FakeUser) -> JSON:
        """The user blocks the bot, as Telegram tells it: a my_chat_member update in their
        private chat ("member" → "kicked"), and sends to them answer 403."""
        self.block(user)
        return await self._my_member(self._chat_of(user), user, "member", "kicked")

    async def unblock_bot(self, user: FakeUser) -> JSON:
        """The user unblocks the bot (or restarts it): my_chat_member "kicked" → "member"."""
        self.unblock(user)
        return await self._my_member(self._chat_of(user), user, "kicked", "member")

    # ------------------------------------------------------------------ test side: groups

    def _bot_state(self, chat: FakeChat) -> str:
        if chat.bot_status == "member" and chat.bot_is_admin:
            return "administrator"
        return chat.bot_status

    async def _my_member(self, chat: FakeChat, by: FakeUser, old: str, new: str) -> JSON:
        """Push a my_chat_member update: the bot's status in `chat` went `old` → `new`."""
        payload = {
            "chat": chat.to_api(),
            "from": by.to_api(),
            "date": int(time.time()),
            "old_chat_member": self._member(self.bot_user, old),
            "new_chat_member": self._member(self.bot_user, new),
        }
        return await self._push_update("my_chat_member", payload, chat)

    async def set_bot_status(
        self,
        chat: FakeChat | int,
        status: str,
        *,
        by: FakeUser,
        admin: bool | None = None,
        notify: bool = True,
    ) -> None:
        """A group admin changes the bot's place: "left" (removed), "kicked" (removed and
        banned), "restricted" (may not send), "member" (added back; `admin` to promote or
        demote). Telegram then sends a my_chat_member update (unless `notify` is False: an
        update the bot never got) and answers sends accordingly."""
        target = self._chat_of(chat)
        if status not in ("member", "left", "kicked", "restricted"):
            raise ValueError(f"unknown bot status {status!r}")
        before = self._bot_state(target)
        target.bot_status = status
        if admin is not None:
            target.bot_is_admin = admin
        if notify:
            await self._my_member(target, by, before, self._bot_state(target))

    async def upgrade_to_supergroup(
        self,
        chat: FakeChat | int,
        new_id: int,
        *,
        by: FakeUser,
        announce: bool = True,
    ) -> FakeChat:
        """Telegram upgrades a group to a supergroup (made public, history visible, topics,
        grown): a new chat `new_id` (-100…) with the same members and bot; the old id answers
        every send with 400 "group chat was upgraded to a supergroup chat" and
        parameters.migrate_to_chat_id. With `announce`, the old group gets a message with
        migrate_to_chat_id and the new one a message with migrate_from_chat_id, as on
        Telegram. The history stays in the old chat here (the bot posts anew what it cannot
        edit)."""
        old = self._chat_of(chat)
        if old.type != "group" or old.migrated_to is not None:
            raise ValueError(f"chat {old.id} is not a basic group")
        if new_id > -(10**12) or new_id in self.chats:
            raise ValueError("a supergroup id is a new -100… id")
        new = FakeChat(
            id=new_id,
            type="supergroup",
            title=old.title,
            bot_is_admin=old.bot_is_admin,
            bot_status=old.bot_status,
            members=dict(old.members),
        )
        self.chats[new_id] = new
        old.migrated_to = new_id
        if announce:
            moved = self._add_message(
                old, by.to_api(), False, service={"migrate_to_chat_id": new_id}
            )
            await self._push_update("message", moved.to_api(), old)
            came = self._add_message(
                new, by.to_api(), False, service={"migrate_from_chat_id": old.id}
            )
            await self._push_update("message", came.to_api(), new)
        return new

    def enable_topics(self, chat: FakeChat | int) -> FakeChat:
        """Topics on: the supergroup becomes a forum (a basic group is upgraded first, with
        ``upgrade_to_supergroup``, as Telegram does)."""
        target = self._chat_of(chat)
        if target.type != "supergroup":
            raise ValueError("only a supergroup can be a forum")
        target.is_forum = True
        return target

    def create_topic(self, chat: FakeChat | int, name: str, *, by: FakeUser) -> int:
        """A forum topic; its thread id is the id of its service message, as on Telegram."""
        target = self._chat_of(chat)
        if not target.is_forum:
            raise ValueError("topics need a forum")
        created = self._add_message(
            target,
            by.to_api(),
            False,
            service={"forum_topic_created": {"name": name, "icon_color": 7322096}},
        )
        target.topics[created.message_id] = name
        created.message_thread_id = created.message_id
        return created.message_id

    def close_topic(self, chat: FakeChat | int, thread_id: int) -> None:
        self._chat_of(chat).closed_topics.add(thread_id)

    def delete_topic(self, chat: FakeChat | int, thread_id: int) -> None:
        target = self._chat_of(chat)
        target.topics.pop(thread_id, None)

    def _chat_of(self, chat: FakeChat | FakeUser | int) -> FakeChat:
        chat_id = chat if isinstance(chat, int) else chat.id
        if chat_id not in self.chats:
            raise KeyError(f"unknown chat {chat_id}: create it with user()/group() first")
        return self.chats[chat_id]

    def _sender_chat(self, user: FakeUser, chat: FakeChat | int | None) -> FakeChat:
        if user.id not in self.users:
            raise KeyError(f"unknown user {user.id}: create it with user() first")
        target = self._chat_of(user) if chat is None else self._chat_of(chat)
        if not target.is_private:
            target.members.setdefault(user.id, "member")
        elif target.id != user.id:
            raise ValueError("a user can only write in their own private chat")
        return target

    async def _push_update(self, kind: str, payload: JSON, chat: FakeChat) -> JSON:
        update = {"update_id": self._next_update_id, kind: payload}
        self._next_update_id += 1
        self._updates.append(update)
        # Anything the bot does from now on is "new" for wait_* helpers.
        self._mark_calls = len(self.calls)
        chat.cursor = max((m.message_id for m in self._messages.get(chat.id, [])), default=0)
        chat.action_seq = self._last_seq
        await self._notify()
        return update

    @property
    def last_update_id(self) -> int:
        """The update_id of the newest update the test made (0 before any)."""
        return self._next_update_id - 1

    def _resolve_reply(
        self, chat: FakeChat, reply_to: FakeMessage | Mapping[str, Any] | int | None
    ) -> FakeMessage | None:
        if reply_to is None:
            return None
        message_id = reply_to if isinstance(reply_to, int) else reply_to["message_id"]
        msg = self._find_message(chat, message_id)
        if msg is None:
            raise KeyError(f"no message {message_id} in chat {chat.id}")
        return msg

    async def send_text(
        self,
        user: FakeUser,
        text: str,
        chat: FakeChat | int | None = None,
        reply_to: FakeMessage | Mapping[str, Any] | int | None = None,
        thread: int | None = None,
    ) -> FakeMessage:
        """The user sends ``text`` (private chat by default; in a forum, in the topic
        ``thread``, General when None); a leading /command gets its entity."""
        target = self._sender_chat(user, chat)
        if thread is not None and thread not in target.topics:
            raise KeyError(f"no topic {thread} in chat {target.id}")
        replied = self._resolve_reply(target, reply_to)
        entities = None
        match = LEADING_COMMAND_RE.match(text)
        if match:
            entities = [{"type": "bot_command", "offset": 0, "length": _utf16_len(match.group(0))}]
        msg = self._add_message(
            target,
            user.to_api(),
            False,
            text=text,
            raw_text=text,
            entities=entities,
            reply_to=replied,
            # A reply in a forum is in the topic of the message it answers.
            message_thread_id=thread if replied is None else replied.message_thread_id,
        )
        await self._push_update("message", msg.to_api(), target)
        return msg

    async def send_contact(
        self,
        user: FakeUser,
        phone_number: str,
        *,
        first_name: str | None = None,
        contact_user_id: int | None = None,
        chat: FakeChat | int | None = None,
    ) -> FakeMessage:
        """The user shares a contact; by default their own (user_id = sender) as with
        a request_contact button."""
        target = self._sender_chat(user, chat)
        contact: JSON = {
            "phone_number": phone_number,
            "first_name": first_name or user.first_name,
            "user_id": user.id if contact_user_id is None else contact_user_id,
        }
        msg = self._add_message(target, user.to_api(), False, contact=contact)
        await self._push_update("message", msg.to_api(), target)
        return msg

    async def send_photo(
        self,
        user: FakeUser,
        file_id: str | None = None,
        caption: str | None = None,
        *,
        data: bytes = b"\xff\xd8\xff\xe0fake-jpeg\xff\xd9",
        chat: FakeChat | int | None = None,
        reply_to: FakeMessage | Mapping[str, Any] | int | None = None,
        media_group_id: str | None = None,
    ) -> FakeMessage:
        """The user sends a photo (registered so getFile + download work), optionally as a
        reply; with `media_group_id`, as one photo of an album (send_album sends a whole one)."""
        target = self._sender_chat(user, chat)
        sizes = self._photo(data)
        if file_id is not None:
            # Re-key the largest size under the requested id.
            stored = self.files.pop(sizes[-1]["file_id"])
            stored.file_id = file_id
            self.files[file_id] = stored
            sizes[-1]["file_id"] = file_id
            self._photo_sizes[file_id] = sizes
        msg = self._add_message(
            target,
            user.to_api(),
            False,
            photo=sizes,
            caption=caption,
            raw_caption=caption,
            reply_to=self._resolve_reply(target, reply_to),
            media_group_id=media_group_id,
        )
        await self._push_update("message", msg.to_api(), target)
        return msg

    async def send_video(
        self,
        user: FakeUser,
        caption: str | None = None,
        *,
        duration: int = 42,
        file_size: int | None = None,
        data: bytes = b"\x00\x00\x00\x18ftypmp42fake-video",
        chat: FakeChat | int | None = None,
        media_group_id: str | None = None,
    ) -> FakeMessage:
        """The user sends a video (an unboxing video); `file_size` as Telegram reports it
        (up to 2 GB from a client; nothing that large is kept here)."""
        target = self._sender_chat(user, chat)
        video = self._video(data, duration=duration, file_size=file_size)
        msg = self._add_message(
            target, user.to_api(), False, video=video, caption=caption, raw_caption=caption,
            media_group_id=media_group_id,
        )
        await self._push_update("message", msg.to_api(), target)
        return msg

    async def send_album(
        self, user: FakeUser, kinds: Iterable[str], *, chat: FakeChat | int | None = None
    ) -> list[FakeMessage]:
        """Several photos/videos sent at once ("photo", "video", …): as Telegram delivers an
        album, one message update per file, all with the same media_group_id."""
        group = f"{next(self._ids):017d}"
        sent = []
        for kind in kinds:
            if kind == "photo":
                sent.append(await self.send_photo(user, chat=chat, media_group_id=group))
            elif kind == "video":
                sent.append(await self.send_video(user, chat=chat, media_group_id=group))
            else:
                raise ValueError(f"an album holds photos and videos, not {kind!r}")
        return sent

    def register_media(self, kind: str = "photo") -> tuple[str, str]:
        """A photo or video the bot may send by file_id, as if a user had sent it earlier
        (tests that set up a complaint through domain services): (file_id, file_unique_id)."""
        if kind == "video":
            video = self._video(b"fake-video", duration=12)
            return video["file_id"], video["file_unique_id"]
        sizes = self._photo(b"\xff\xd8\xff\xe0fake-jpeg\xff\xd9")
        return sizes[-1]["file_id"], sizes[-1]["file_unique_id"]

    async def send_document(
        self,
        user: FakeUser,
        file_name: str = "file.pdf",
        data: bytes = b"%PDF-1.4\n%fake\n",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        *,
        chat: FakeChat | int | None = None,
    ) -> FakeMessage:
        target = self._sender_chat(user, chat)
        stored = self._store_file(data, "documents", file_name, mime_type)
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(data),
        }
        msg = self._add_message(
            target, user.to_api(), False, document=document, caption=caption, raw_caption=caption
        )
        await self._push_update("message", msg.to_api(), target)
        return msg

    def _message_ref(self, message: FakeMessage | Mapping[str, Any]) -> FakeMessage | None:
        if isinstance(message, FakeMessage):
            return message
        chat = self.chats.get(message["chat"]["id"])
        return None if chat is None else self._find_message(chat, message["message_id"])

    async def press(
        self, user: FakeUser, message: FakeMessage | Mapping[str, Any], callback_data: str
    ) -> str:
        """The user presses the inline button carrying ``callback_data``; returns the query id."""
        msg = self._message_ref(message)
        if msg is None or msg.deleted:
            raise AssertionError(f"cannot press a button on a missing/deleted message: {message!r}")
        if not msg.from_bot:
            raise AssertionError(f"cannot press a button on a user message: {msg!r}")
        if callback_data not in msg.callback_data():
            raise AssertionError(
                f"message {msg!r} has no button with callback_data={callback_data!r}; "
                f"available: {msg.callback_data()}"
            )
        return await self.press_raw(user, msg.chat.id, msg.message_id, callback_data)

    async def press_raw(self, user: FakeUser, chat_id: int, message_id: int, data: str) -> str:
        """Send a callback query without checking the button exists (forged-data tests)."""
        chat, query = self._callback_query(user, chat_id, message_id, data)
        self._queries[query["id"]] = False
        await self._push_update("callback_query", query, chat)
        return str(query["id"])

    def _callback_query(
        self, user: FakeUser, chat_id: int, message_id: int, data: str
    ) -> tuple[FakeChat, JSON]:
        """A callback query on a message (as much of it as is known), with a new id."""
        chat = self._chat_of(chat_id)
        msg = self._find_message(chat, message_id)
        message = (
            msg.to_api() if msg else {"chat": chat.to_api(), "message_id": message_id, "date": 0}
        )
        return chat, {
            "id": f"{self.bot_id}{next(self._ids):010d}",
            "from": user.to_api(),
            "message": message,
            "chat_instance": str(abs(hash((self.bot_id, chat.id)))),
            "data": data,
        }

    # ------------------------------------------------------------------ held updates

    def _held(self, kind: str, payload: JSON) -> JSON:
        update = {"update_id": self._next_update_id, kind: payload}
        self._next_update_id += 1
        return update

    def held_press(
        self, user: FakeUser, chat_id: int, message_id: int, data: str, *, expired: bool = True
    ) -> JSON:
        """A callback_query update as press_raw makes it, NOT delivered: a press the bot got
        too late (kept in its inbox while it was down); the test hands it over. `expired`:
        Telegram has forgotten the query, answering it is refused as too old."""
        _, query = self._callback_query(user, chat_id, message_id, data)
        if expired:
            self._expired.add(query["id"])
        else:
            self._queries[query["id"]] = False
        return self._held("callback_query", query)

    def held_text(
        self,
        user: FakeUser,
        text: str,
        chat: FakeChat | int | None = None,
        thread: int | None = None,
    ) -> JSON:
        """A text message as send_text makes it (in the chat's history), NOT delivered."""
        target = self._sender_chat(user, chat)
        match = LEADING_COMMAND_RE.match(text)
        entities = None
        if match:
            entities = [{"type": "bot_command", "offset": 0, "length": _utf16_len(match.group(0))}]
        msg = self._add_message(
            target, user.to_api(), False, text=text, raw_text=text, entities=entities,
            message_thread_id=thread,
        )
        return self._held("message", msg.to_api())

    # ------------------------------------------------------------------ test side: records

    def messages(
        self, chat: FakeChat | FakeUser | int, *, include_deleted: bool = False
    ) -> list[FakeMessage]:
        """Bot and user messages of a chat, with their latest (edited) content."""
        chat_id = chat if isinstance(chat, int) else chat.id
        return [m for m in self._messages.get(chat_id, []) if include_deleted or not m.deleted]

    def bot_messages(self, chat: FakeChat | FakeUser | int) -> list[FakeMessage]:
        return [m for m in self.messages(chat) if m.from_bot]

    def last_bot_message(self, chat: FakeChat | FakeUser | int) -> FakeMessage | None:
        bot = self.bot_messages(chat)
        return bot[-1] if bot else None

    def calls_to(self, method: str) -> list[JSON]:
        """Params of every call to ``method`` (case-insensitive)."""
        return [params for name, params in self.calls if name.lower() == method.lower()]

    def get_commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        key = json.dumps(scope or {"type": "default"}, sort_keys=True)
        return list(self.commands.get((key, language_code), []))

    def callback_answer(self, query_id: str) -> CallbackAnswer | None:
        return next((a for a in self.callback_answers if a.callback_query_id == query_id), None)

    def unanswered_callback_queries(self) -> list[str]:
        return [q for q, answered in self._queries.items() if not answered]

    def assert_clean(self) -> None:
        """Fail if the bot made any request Telegram would refuse."""
        if self.violations:
            lines = "\n".join(f"  - {v}" for v in self.violations)
            raise AssertionError(
                f"Telegram would have refused {len(self.violations)} request(s):\n{lines}"
            )

    # ------------------------------------------------------------------ test side: waiting

    def _recent(self, n: int = 15) -> str:
        lines = [f"  {name} {_short(params)}" for name, params in self.calls[-n:]]
        extra = ""
        if self.violations:
            extra += "\nviolations:\n" + "\n".join(f"  - {v}" for v in self.violations)
        if self.soft_errors:
            extra += "\nsoft errors:\n" + "\n".join(f"  - {v}" for v in self.soft_errors[-5:])
        return "recent calls:\n" + ("\n".join(lines) or "  (none)") + extra

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 5.0,  # noqa: ASYNC109 - a safety net, not a cancel scope
        what: str | None = None,
    ) -> T:
        """Wait until ``predicate()`` is truthy (re-checked after every request, and every
        50 ms for predicates that read the store: a write no request follows, such as a
        handled update while the next getUpdates is pending); return its value.

        ``timeout`` is only a safety net: it raises AssertionError with the recent calls.
        """

        # asyncio.timeout, not nested wait_for: on Python 3.11 wait_for can swallow a
        # cancellation that lands as its inner wait ends, and a cancelled waiter (a TaskGroup
        # sibling failed) would then loop here for ever.
        async def checked() -> T:
            while not (found := predicate()):
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(0.05):
                        await self._cond.wait()
            return found

        async with self._cond:
            try:
                async with asyncio.timeout(timeout):
                    result = await checked()
            except TimeoutError:
                desc = what or getattr(predicate, "__name__", "condition")
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {desc}\n{self._recent()}"
                ) from None
        assert result is not None  # Condition.wait_for only returns a truthy value
        return result

    async def wait_bot_message(
        self,
        chat: FakeChat | FakeUser | int,
        predicate: Callable[[FakeMessage], bool] | None = None,
        after: int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> FakeMessage:
        """Next new bot message in ``chat`` (matching ``predicate``).

        "New" means message_id > ``after``; by default after the last message the
        test sent/pressed in that chat or the last one returned here, so
        consecutive calls walk through the bot's replies in order.
        """
        target = self._chat_of(chat)
        start = target.cursor if after is None else after

        def find() -> FakeMessage | None:
            for msg in self._messages.get(target.id, []):
                fresh = msg.from_bot and not msg.deleted and msg.message_id > start
                if fresh and (predicate is None or predicate(msg)):
                    return msg
            return None

        found = await self.wait_for(
            find, timeout, f"a new bot message in chat {target.id} after #{start}"
        )
        target.cursor = max(target.cursor, found.message_id)
        return found

    async def wait_edit(
        self,
        message: FakeMessage | Mapping[str, Any],
        predicate: Callable[[FakeMessage], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> FakeMessage:
        """Wait until ``message`` is edited (or deleted) after the test's last user
        action in its chat."""
        msg = self._message_ref(message)
        if msg is None:
            raise AssertionError(f"unknown message {message!r}")
        baseline = msg.chat.action_seq

        def edited() -> FakeMessage | None:
            if msg.edit_seq > baseline and (predicate is None or predicate(msg)):
                return msg
            return None

        return await self.wait_for(edited, timeout, f"an edit of {msg!r}")

    async def wait_call(
        self,
        method: str,
        predicate: Callable[[JSON], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        since: int | None = None,
    ) -> JSON:
        """Params of the first call to ``method`` since index ``since`` of ``calls``
        (default: since the test's last user action)."""
        start = self._mark_calls if since is None else since

        def find() -> JSON | None:
            for name, params in self.calls[start:]:
                if name.lower() == method.lower() and (predicate is None or predicate(params)):
                    return params
            return None

        return await self.wait_for(find, timeout, f"a {method} call")

    async def wait_callback_answer(
        self,
        query_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> CallbackAnswer:
        return await self.wait_for(
            lambda: self.callback_answer(query_id), timeout, f"answer to query {query_id}"
        )
