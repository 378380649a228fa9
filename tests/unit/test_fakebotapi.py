"""Tests for the strict fake Telegram Bot API (tests/fakebotapi)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from tests.fakebotapi import FakeBotApi, parse_html
from tests.fakebotapi.fixtures import fake_tg  # noqa: F401  (fixture under test)
from tests.fakebotapi.table import load_table

ALICE = 1001


class Api:
    """Raw HTTP access to the fake, the way a bot would talk to Telegram."""

    def __init__(self, server: FakeBotApi, client: httpx.AsyncClient) -> None:
        self.server = server
        self.client = client

    async def __call__(self, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
        resp = await self.client.post(
            f"{self.server.url}/bot{self.server.token}/{method}", json=params
        )
        return resp.status_code, resp.json()

    async def form(self, method: str, **params: str) -> tuple[int, dict[str, Any]]:
        url = f"{self.server.url}/bot{self.server.token}/{method}"
        resp = await self.client.post(url, data=params)
        return resp.status_code, resp.json()


@pytest_asyncio.fixture
async def server() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as srv:
        srv.user(ALICE, "Alice")
        yield srv


@pytest_asyncio.fixture
async def api(server: FakeBotApi) -> AsyncIterator[Api]:
    # verify=False: plain HTTP to 127.0.0.1, and skipping the CA bundle load saves ~30 ms/test.
    async with httpx.AsyncClient(timeout=5, verify=False) as client:
        yield Api(server, client)


def inline(*buttons: dict[str, Any]) -> dict[str, Any]:
    return {"inline_keyboard": [list(buttons)]}


def last_violation(server: FakeBotApi) -> str:
    assert server.violations, "expected a violation"
    return server.violations[-1].description


# ---------------------------------------------------------------- table


def test_table_has_core_methods() -> None:
    table = load_table()
    send = table.method("SENDMESSAGE")  # case-insensitive, like Telegram
    assert send is not None and send.name == "sendMessage"
    assert {"chat_id", "text"} <= send.required
    assert "reply_markup" in send.optional and send.kind("reply_markup") == "json"
    assert table.method("getUpdates") is not None


# ---------------------------------------------------------------- protocol strictness


@pytest.mark.asyncio
async def test_unknown_method_is_404_violation(server: FakeBotApi, api: Api) -> None:
    status, body = await api("sendMesage", chat_id=ALICE, text="hi")
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert server.violations[-1].method == "sendMesage"


@pytest.mark.asyncio
async def test_method_name_is_case_insensitive(server: FakeBotApi, api: Api) -> None:
    status, body = await api("SendMessage", chat_id=ALICE, text="hi")
    assert status == 200 and body["ok"]
    assert server.calls[-1][0] == "sendMessage"
    server.assert_clean()


@pytest.mark.asyncio
async def test_wrong_token_is_401(server: FakeBotApi, api: Api) -> None:
    resp = await api.client.post(f"{server.url}/bot1:wrong/getMe")
    assert resp.status_code == 401
    assert resp.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


@pytest.mark.asyncio
async def test_unknown_parameter(server: FakeBotApi, api: Api) -> None:
    status, body = await api("sendMessage", chat_id=ALICE, text="hi", parse_mod="HTML")
    assert status == 400 and body["description"].startswith("Bad Request: ")
    assert "parse_mod" in last_violation(server)
    assert server.messages(ALICE) == []  # nothing was sent


@pytest.mark.asyncio
async def test_missing_required_parameter(server: FakeBotApi, api: Api) -> None:
    status, body = await api("sendMessage", chat_id=ALICE)
    assert status == 400 and body["description"] == "Bad Request: message text is empty"
    status, body = await api("sendMessage", text="hi")
    assert status == 400 and "chat_id" in body["description"]
    assert len(server.violations) == 2
    with pytest.raises(AssertionError, match="refused 2 request"):
        server.assert_clean()


@pytest.mark.asyncio
async def test_unknown_chat(server: FakeBotApi, api: Api) -> None:
    status, body = await api("sendMessage", chat_id=999, text="hi")
    assert status == 400 and body["description"] == "Bad Request: chat not found"


@pytest.mark.asyncio
async def test_text_length_limits(server: FakeBotApi, api: Api) -> None:
    status, _ = await api("sendMessage", chat_id=ALICE, text="x" * 4096)
    assert status == 200
    # The limit applies to the visible text after entity parsing.
    status, _ = await api(
        "sendMessage", chat_id=ALICE, text="<b>" + "x" * 4096 + "</b>", parse_mode="HTML"
    )
    assert status == 200
    server.assert_clean()
    status, body = await api("sendMessage", chat_id=ALICE, text="x" * 4097)
    assert status == 400 and body["description"] == "Bad Request: message is too long"
    status, body = await api("sendMessage", chat_id=ALICE, text="   ")
    assert status == 400 and body["description"] == "Bad Request: message text is empty"
    status, body = await api("sendMessage", chat_id=ALICE, text="<b></b>", parse_mode="HTML")
    assert status == 400 and body["description"] == "Bad Request: message text is empty"


@pytest.mark.asyncio
async def test_caption_limit(server: FakeBotApi, api: Api) -> None:
    photo = (await server.send_photo(server.users[ALICE])).photo
    assert photo is not None
    file_id = photo[-1]["file_id"]
    status, _ = await api("sendPhoto", chat_id=ALICE, photo=file_id, caption="c" * 1024)
    assert status == 200
    status, body = await api("sendPhoto", chat_id=ALICE, photo=file_id, caption="c" * 1025)
    assert status == 400 and body["description"] == "Bad Request: message caption is too long"


@pytest.mark.asyncio
async def test_send_video_takes_only_a_video(server: FakeBotApi, api: Api) -> None:
    """sendVideo (complaint evidence re-sent to the staff group): a video by file_id, with a
    caption; a photo's id, an unknown id or an unknown parameter is refused."""
    sent = await server.send_video(server.users[ALICE], caption="unboxing")
    assert sent.video is not None and sent.to_api()["video"]["mime_type"] == "video/mp4"
    video_id = sent.video["file_id"]
    status, body = await api("sendVideo", chat_id=ALICE, video=video_id, caption="<b>v</b>",
                             parse_mode="HTML")
    assert status == 200 and body["result"]["video"]["file_id"] == video_id
    assert body["result"]["caption"] == "v"
    photo_id, _ = server.register_media("photo")
    status, body = await api("sendVideo", chat_id=ALICE, video=photo_id)
    assert status == 400 and "not a video" in body["description"]
    status, _ = await api("sendVideo", chat_id=ALICE, video="no-such-file")
    assert status == 400
    status, _ = await api("sendVideo", chat_id=ALICE, video=video_id, caption="c" * 1025)
    assert status == 400
    registered, _ = server.register_media("video")
    status, _ = await api("sendVideo", chat_id=ALICE, video=registered)
    assert status == 200


BAD_HTML = [
    "<b>unclosed",
    "stray</b>",
    "<b><i>crossed</b></i>",
    "<div>unsupported</div>",
    "<br/>",
    "a < b",
    "<b",
    "fish & chips",
    "&nbsp;is not supported",
    "&amp without semicolon",
    "<span>plain span</span>",
    '<span class="bold">x</span>',
    "<a>no href</a>",
    '<a href="https://x.org/?a=1&b=2">bare amp in attribute</a>',
    '<a href="unterminated>x</a>',
    "<tg-emoji>no id</tg-emoji>",
    "<b>x</>",
]
GOOD_HTML = [
    "<b>bold</b> <strong>strong</strong> <i>i</i> <em>em</em> <u>u</u> <ins>ins</ins>",
    "<s>s</s> <strike>strike</strike> <del>del</del>",
    '<span class="tg-spoiler">spoiler</span> <tg-spoiler>spoiler</tg-spoiler>',
    '<a href="https://example.com/?a=1&amp;b=2">link</a>',
    "<code>x &lt; y</code> <pre>block</pre>",
    '<pre><code class="language-python">print(1)</code></pre>',
    "<blockquote>q</blockquote> <blockquote expandable>long</blockquote>",
    '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
    "&lt;tag&gt; &amp; &quot;quoted&quot; &#65; &#x42;",
    "1 > 0, nested <b>bold <i>italic <u>under</u></i></b>",
    "<B>upper-case tags</B>",
]


@pytest.mark.asyncio
@pytest.mark.parametrize("text", BAD_HTML)
async def test_bad_html_is_refused(server: FakeBotApi, api: Api, text: str) -> None:
    status, body = await api("sendMessage", chat_id=ALICE, text=text, parse_mode="HTML")
    assert status == 400, body
    assert body["description"].startswith("Bad Request: can't parse entities: ")
    assert len(server.violations) == 1


@pytest.mark.asyncio
@pytest.mark.parametrize("text", GOOD_HTML)
async def test_good_html_is_accepted(server: FakeBotApi, api: Api, text: str) -> None:
    status, body = await api("sendMessage", chat_id=ALICE, text=text, parse_mode="HTML")
    assert status == 200, body
    server.assert_clean()


def test_html_parser_visible_text_and_entities() -> None:
    parsed = parse_html('<b>Hi</b> &amp; <a href="https://e.com">you</a>')
    assert parsed.text == "Hi & you"
    kinds = [(e.type, e.offset, e.length, e.url) for e in parsed.entities]
    assert kinds == [("bold", 0, 2, None), ("text_link", 5, 3, "https://e.com")]
    # tdlib-compatible leniency is available when wanted.
    assert parse_html("fish & chips", strict=False).text == "fish & chips"


@pytest.mark.asyncio
async def test_unsupported_parse_mode(server: FakeBotApi, api: Api) -> None:
    status, body = await api("sendMessage", chat_id=ALICE, text="x", parse_mode="html5")
    assert status == 400 and body["description"] == "Bad Request: unsupported parse_mode"


# ---------------------------------------------------------------- keyboards


@pytest.mark.asyncio
async def test_callback_data_limits(server: FakeBotApi, api: Api) -> None:
    ok = inline({"text": "ok", "callback_data": "é" * 32})  # 64 bytes in UTF-8
    status, _ = await api("sendMessage", chat_id=ALICE, text="t", reply_markup=ok)
    assert status == 200
    server.assert_clean()
    for data in ("é" * 32 + "a", "x" * 65, ""):
        markup = inline({"text": "bad", "callback_data": data})
        status, body = await api("sendMessage", chat_id=ALICE, text="t", reply_markup=markup)
        assert status == 400 and body["description"] == "Bad Request: BUTTON_DATA_INVALID"
    assert len(server.violations) == 3


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "button",
    [
        {"text": "no action"},
        {"text": "", "callback_data": "x"},
        {"text": "two actions", "callback_data": "x", "url": "https://e.com"},
        {"text": "typo", "callback_dat": "x"},
    ],
)
async def test_bad_inline_buttons(server: FakeBotApi, api: Api, button: dict[str, Any]) -> None:
    status, body = await api("sendMessage", chat_id=ALICE, text="t", reply_markup=inline(button))
    assert status == 400, body
    assert len(server.violations) == 1


@pytest.mark.asyncio
async def test_form_encoded_markup_and_reply_keyboard(server: FakeBotApi, api: Api) -> None:
    keyboard = {
        "keyboard": [[{"text": "Share phone", "request_contact": True}]],
        "resize_keyboard": True,
    }
    status, body = await api.form(
        "sendMessage", chat_id=str(ALICE), text="phone?", reply_markup=json.dumps(keyboard)
    )
    assert status == 200
    assert "reply_markup" not in body["result"]  # Telegram only echoes inline keyboards
    msg = server.last_bot_message(ALICE)
    assert msg is not None and msg.reply_keyboard == keyboard
    status, body = await api.form("sendMessage", chat_id=str(ALICE), text="x", reply_markup="{oops")
    assert status == 400 and "reply keyboard markup" in body["description"]


# ---------------------------------------------------------------- users, limits


@pytest.mark.asyncio
async def test_blocked_user_gets_403_soft_error(server: FakeBotApi, api: Api) -> None:
    server.block(ALICE)
    status, body = await api("sendMessage", chat_id=ALICE, text="hi")
    assert status == 403
    assert body["description"] == "Forbidden: bot was blocked by the user"
    assert server.violations == [] and len(server.soft_errors) == 1
    server.unblock(ALICE)
    status, _ = await api("sendMessage", chat_id=ALICE, text="hi")
    assert status == 200


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.asyncio
async def test_rate_limits_with_injected_clock() -> None:
    clock = FakeClock()
    async with (
        FakeBotApi(rate_limits=True, clock=clock) as srv,
        httpx.AsyncClient(verify=False) as client,
    ):
        api = Api(srv, client)
        srv.user(ALICE, "Alice")
        assert (await api("sendMessage", chat_id=ALICE, text="1"))[0] == 200
        # Chat actions do not count.
        assert (await api("sendChatAction", chat_id=ALICE, action="typing"))[0] == 200
        status, body = await api("sendMessage", chat_id=ALICE, text="2")
        assert status == 429
        assert body["parameters"] == {"retry_after": 1}
        assert body["description"] == "Too Many Requests: retry after 1"
        assert srv.count_429 == 1 and srv.violations == []
        clock.now += 1.0
        assert (await api("sendMessage", chat_id=ALICE, text="3"))[0] == 200

        # 20 messages per minute in a group.
        srv.group(-500, "Shop group")
        for i in range(20):
            clock.now += 0.1
            assert (await api("sendMessage", chat_id=-500, text=str(i)))[0] == 200
        status, body = await api("sendMessage", chat_id=-500, text="21")
        assert status == 429 and 55 <= body["parameters"]["retry_after"] <= 60

        # 30 messages per second overall.
        clock.now += 100
        for uid in range(2000, 2030):
            srv.user(uid)
            assert (await api("sendMessage", chat_id=uid, text="hi"))[0] == 200
        srv.user(3000)
        status, body = await api("sendMessage", chat_id=3000, text="hi")
        assert status == 429 and body["parameters"]["retry_after"] == 1
        assert srv.count_429 == 3


@pytest.mark.asyncio
async def test_rate_limits_are_off_by_default(server: FakeBotApi, api: Api) -> None:
    for i in range(5):
        assert (await api("sendMessage", chat_id=ALICE, text=str(i)))[0] == 200
    assert server.count_429 == 0


# ---------------------------------------------------------------- updates


@pytest.mark.asyncio
async def test_get_updates_long_poll_returns_when_update_arrives(
    server: FakeBotApi, api: Api
) -> None:
    loop = asyncio.get_running_loop()
    poll = asyncio.create_task(api("getUpdates", timeout=30))
    await server.wait_call("getUpdates", since=0)  # the poll is now parked in the server
    started = loop.time()
    sent = await server.send_text(server.users[ALICE], "/start promo")
    status, body = await asyncio.wait_for(poll, 2)
    assert loop.time() - started < 1
    assert status == 200
    [update] = body["result"]
    assert update["message"]["message_id"] == sent.message_id
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]


@pytest.mark.asyncio
async def test_get_updates_offset_and_limit(server: FakeBotApi, api: Api) -> None:
    alice = server.users[ALICE]
    for text in ("a", "b", "c"):
        await server.send_text(alice, text)
    _, body = await api("getUpdates", limit=2)
    first = [u["update_id"] for u in body["result"]]
    assert len(first) == 2
    _, body = await api("getUpdates")  # nothing confirmed yet
    assert len(body["result"]) == 3
    _, body = await api("getUpdates", offset=first[-1] + 1)
    assert [u["message"]["text"] for u in body["result"]] == ["c"]
    _, body = await api("getUpdates", offset=body["result"][-1]["update_id"] + 1, timeout=0)
    assert body["result"] == []
    server.assert_clean()


@pytest.mark.asyncio
async def test_get_updates_returns_on_shutdown() -> None:
    srv = FakeBotApi()
    await srv.start()
    async with httpx.AsyncClient(timeout=5, verify=False) as client:
        poll = asyncio.create_task(Api(srv, client)("getUpdates", timeout=30))
        await srv.wait_call("getUpdates", since=0)
        await asyncio.wait_for(srv.stop(), 3)
        status, body = await asyncio.wait_for(poll, 3)
    assert status == 200 and body["result"] == []


@pytest.mark.asyncio
async def test_second_poller_terminates_the_first(server: FakeBotApi, api: Api) -> None:
    first = asyncio.create_task(api("getUpdates", timeout=30))
    await server.wait_call("getUpdates", since=0)
    second = asyncio.create_task(api("getUpdates", timeout=30))
    await server.wait_for(lambda: len(server.calls_to("getUpdates")) == 2)
    status, body = await asyncio.wait_for(first, 2)
    assert status == 409 and "terminated by other getUpdates request" in body["description"]
    await server.send_text(server.users[ALICE], "hi")
    status, body = await asyncio.wait_for(second, 2)
    assert status == 200 and body["result"][0]["message"]["text"] == "hi"
    assert server.violations == [] and len(server.soft_errors) == 1


@pytest.mark.asyncio
async def test_webhook_blocks_get_updates(server: FakeBotApi, api: Api) -> None:
    assert (await api("setWebhook", url="https://example.com/hook"))[0] == 200
    status, body = await api("getUpdates")
    assert status == 409 and "webhook is active" in body["description"]
    assert (await api("deleteWebhook"))[0] == 200
    assert (await api("getUpdates"))[0] == 200


# ---------------------------------------------------------------- edits, callbacks, commands


@pytest.mark.asyncio
async def test_edit_not_modified_and_not_found_are_soft(server: FakeBotApi, api: Api) -> None:
    markup = inline({"text": "A", "callback_data": "a"})
    _, body = await api(
        "sendMessage", chat_id=ALICE, text="<b>x</b>", parse_mode="HTML", reply_markup=markup
    )
    mid = body["result"]["message_id"]
    status, body = await api(
        "editMessageText",
        chat_id=ALICE,
        message_id=mid,
        text="<b>x</b>",
        parse_mode="HTML",
        reply_markup=markup,
    )
    assert status == 400 and body["description"].startswith("Bad Request: message is not modified")
    # Same visible text without bold is a modification.
    status, _ = await api(
        "editMessageText", chat_id=ALICE, message_id=mid, text="x", reply_markup=markup
    )
    assert status == 200
    # Omitting reply_markup removes the keyboard: also a modification.
    status, body = await api("editMessageText", chat_id=ALICE, message_id=mid, text="x")
    assert status == 200 and "reply_markup" not in body["result"]
    status, body = await api("editMessageReplyMarkup", chat_id=ALICE, message_id=mid)
    assert status == 400 and "not modified" in body["description"]
    status, body = await api("editMessageText", chat_id=ALICE, message_id=999, text="y")
    assert status == 400 and body["description"] == "Bad Request: message to edit not found"
    status, body = await api("deleteMessage", chat_id=ALICE, message_id=999)
    assert status == 400 and body["description"] == "Bad Request: message to delete not found"
    assert server.violations == [] and len(server.soft_errors) == 4
    msg = server.messages(ALICE)[0]
    assert msg.text == "x" and msg.edit_count == 2 and msg.reply_markup is None


@pytest.mark.asyncio
async def test_edit_with_reply_keyboard_is_refused(server: FakeBotApi, api: Api) -> None:
    _, body = await api("sendMessage", chat_id=ALICE, text="t")
    mid = body["result"]["message_id"]
    status, _ = await api(
        "editMessageText",
        chat_id=ALICE,
        message_id=mid,
        text="u",
        reply_markup={"keyboard": [["a"]]},
    )
    assert status == 400 and len(server.violations) == 1


@pytest.mark.asyncio
async def test_press_and_answer_callback_query(server: FakeBotApi, api: Api) -> None:
    alice = server.users[ALICE]
    _, body = await api(
        "sendMessage",
        chat_id=ALICE,
        text="pick",
        reply_markup=inline({"text": "A", "callback_data": "a"}),
    )
    message = server.last_bot_message(ALICE)
    assert message is not None and message["message_id"] == body["result"]["message_id"]
    with pytest.raises(AssertionError, match="no button"):
        await server.press(alice, message, "b")
    query_id = await server.press(alice, message, "a")
    _, updates = await api("getUpdates")
    query = updates["result"][-1]["callback_query"]
    assert query["id"] == query_id and query["data"] == "a"
    assert query["message"]["message_id"] == message.message_id

    status, body = await api("answerCallbackQuery", callback_query_id=query_id, text="t" * 201)
    assert status == 400 and len(server.violations) == 1
    status, _ = await api("answerCallbackQuery", callback_query_id=query_id, text="Done")
    assert status == 200
    answer = server.callback_answer(query_id)
    assert answer is not None and answer.text == "Done"
    status, body = await api("answerCallbackQuery", callback_query_id="made-up")
    assert status == 400 and "query is too old" in body["description"]
    assert len(server.violations) == 2

    # Forged data (not on any button) can still be injected.
    forged = await server.press_raw(alice, ALICE, message.message_id, "admin:delete_all")
    assert forged in server.unanswered_callback_queries()


@pytest.mark.asyncio
async def test_set_my_commands_validation(server: FakeBotApi, api: Api) -> None:
    commands = [
        {"command": "start", "description": "Mulai"},
        {"command": "order_2", "description": "Pesan"},
    ]
    assert (await api("setMyCommands", commands=commands))[0] == 200
    scope = {"type": "all_private_chats"}
    assert (await api("setMyCommands", commands=commands[:1], scope=scope, language_code="en"))[
        0
    ] == 200
    assert server.get_commands() == commands
    assert server.get_commands(scope, "en") == commands[:1]
    _, body = await api("getMyCommands")
    assert body["result"] == commands
    server.assert_clean()
    for bad in (
        {"command": "Start", "description": "x"},
        {"command": "/start", "description": "x"},
        {"command": "a" * 33, "description": "x"},
        {"command": "start", "description": ""},
        {"command": "start", "description": "d" * 257},
    ):
        status, _ = await api("setMyCommands", commands=[bad])
        assert status == 400, bad
    assert len(server.violations) == 5


@pytest.mark.asyncio
async def test_group_chat(server: FakeBotApi, api: Api) -> None:
    alice = server.users[ALICE]
    group = server.group(-4242, "Toko Makmur")
    msg = await server.send_text(alice, "/order@fake_test_bot 2", chat=group)
    assert msg["chat"] == {"id": -4242, "type": "group", "title": "Toko Makmur"}
    assert msg["entities"] == [{"type": "bot_command", "offset": 0, "length": 20}]
    _, body = await api("getChatMember", chat_id=-4242, user_id=ALICE)
    assert body["result"]["status"] == "member"
    _, body = await api("getChatMember", chat_id=-4242, user_id=server.bot_id)
    assert body["result"]["status"] == "member"
    _, body = await api("getChat", chat_id=-4242)
    assert body["result"]["title"] == "Toko Makmur"
    # Not an admin: the bot cannot delete other people's group messages.
    status, body = await api("deleteMessage", chat_id=-4242, message_id=msg.message_id)
    assert status == 400 and body["description"] == "Bad Request: message can't be deleted"
    assert server.violations == [] and len(server.soft_errors) == 1


@pytest.mark.asyncio
async def test_user_photo_can_be_downloaded(server: FakeBotApi, api: Api) -> None:
    msg = await server.send_photo(server.users[ALICE], caption="bukti transfer", data=b"JPEG!")
    assert msg.photo is not None
    _, body = await api("getFile", file_id=msg.photo[-1]["file_id"])
    path = body["result"]["file_path"]
    resp = await api.client.get(f"{server.url}/file/bot{server.token}/{path}")
    assert resp.content == b"JPEG!"
    status, body = await api("getFile", file_id="nope")
    assert status == 400 and body["description"] == "Bad Request: invalid file_id"


@pytest.mark.asyncio
async def test_user_document_downloads_up_to_telegrams_20_mb(server: FakeBotApi, api: Api) -> None:
    """A file sent by a user (a catalog sheet) comes back byte for byte; over 20 MB getFile
    is refused, as Telegram refuses bots."""
    sheet = await server.send_document(
        server.users[ALICE], "katalog.xlsx", b"PK\x03\x04sheet", "application/vnd.ms-excel"
    )
    assert sheet.document is not None and sheet.document["file_name"] == "katalog.xlsx"
    _, body = await api("getFile", file_id=sheet.document["file_id"])
    path = body["result"]["file_path"]
    resp = await api.client.get(f"{server.url}/file/bot{server.token}/{path}")
    assert resp.content == b"PK\x03\x04sheet"
    big = await server.send_document(server.users[ALICE], "big.csv", b"x" * (20 * 1024 * 1024 + 1))
    assert big.document is not None
    status, body = await api("getFile", file_id=big.document["file_id"])
    assert status == 400 and body["description"] == "Bad Request: file is too big"
    bad_token = await api.client.get(f"{server.url}/file/bot123:nope/documents/file_1.xlsx")
    assert bad_token.status_code == 401


# ---------------------------------------------------------------- waiting helpers


@pytest.mark.asyncio
async def test_wait_bot_message_walks_replies_in_order(server: FakeBotApi, api: Api) -> None:
    alice = server.users[ALICE]
    await server.send_text(alice, "hello")

    async def bot_replies() -> None:
        await api("sendMessage", chat_id=ALICE, text="one")
        await api("sendMessage", chat_id=ALICE, text="two")

    task = asyncio.create_task(bot_replies())
    first = await server.wait_bot_message(alice)
    second = await server.wait_bot_message(alice)
    await task
    assert (first.text, second.text) == ("one", "two")
    third = server.wait_bot_message(alice, timeout=0.05)
    with pytest.raises(AssertionError, match="recent calls"):
        await third


# ---------------------------------------------------------------- real PTB client


@pytest.mark.asyncio
async def test_real_ptb_bot_round_trip(fake_tg: FakeBotApi) -> None:  # noqa: F811
    alice = fake_tg.user(ALICE, "Alice", username="alice")
    bot = Bot(fake_tg.token, base_url=fake_tg.base_url, base_file_url=fake_tg.base_file_url)
    async with bot:
        me = await bot.get_me()
        assert me.is_bot and me.username == fake_tg.bot_username

        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Pesan", callback_data="order:1")]])
        sent = await bot.send_message(
            ALICE, "<b>Halo</b> &amp; selamat", parse_mode="HTML", reply_markup=markup
        )
        assert sent.text == "Halo & selamat" and sent.reply_markup == markup

        await fake_tg.send_text(alice, "/start")
        query_id = await fake_tg.press(alice, sent.to_dict(), "order:1")
        updates = await bot.get_updates(timeout=5)
        assert updates[0].message is not None and updates[0].message.text == "/start"
        assert updates[1].callback_query is not None and updates[1].callback_query.id == query_id
        assert await bot.answer_callback_query(query_id, text="OK")

        pdf = b"%PDF-1.4\n% invoice\n"
        doc = await bot.send_document(ALICE, pdf, filename="invoice-7.pdf", caption="Invoice #7")
        [stored] = fake_tg.sent_documents
        assert stored.data == pdf and stored.file_name == "invoice-7.pdf"
        assert stored.mime_type == "application/pdf" and stored.caption == "Invoice #7"
        assert doc.document is not None
        tg_file = await bot.get_file(doc.document.file_id)
        assert bytes(await tg_file.download_as_bytearray()) == pdf

        photo = await bot.send_photo(ALICE, b"\x89PNG fake", caption="foto")
        assert photo.photo and photo.photo[-1].width > 0

        with pytest.raises(BadRequest, match="not modified"):
            await bot.edit_message_text(
                "Halo & selamat",
                chat_id=ALICE,
                message_id=sent.message_id,
                reply_markup=markup,
                parse_mode=None,
                entities=sent.entities,
            )
        fake_tg.block(alice)
        with pytest.raises(Forbidden):
            await bot.send_message(ALICE, "still there?")
        fake_tg.unblock(alice)

    assert [name for name, _ in fake_tg.calls][:3] == ["getMe", "getMe", "sendMessage"]
    assert fake_tg.violations == []  # and the fixture asserts it again at teardown


@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB-internal
async def test_real_ptb_bot_sees_retry_after() -> None:
    clock = FakeClock()
    async with FakeBotApi(rate_limits=True, clock=clock) as srv:
        srv.user(ALICE)
        async with Bot(srv.token, base_url=srv.base_url) as bot:
            await bot.send_message(ALICE, "1")
            with pytest.raises(RetryAfter, match="Retry in 1 second"):
                await bot.send_message(ALICE, "2")
    assert srv.count_429 == 1


@pytest.mark.asyncio
async def test_real_ptb_application_long_polls(fake_tg: FakeBotApi) -> None:  # noqa: F811
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="yes")]])
        await update.message.reply_text(
            "Lanjut <b>pesan</b>?", parse_mode="HTML", reply_markup=keyboard
        )

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        await query.edit_message_text("Pesanan dibuat")

    app = (
        ApplicationBuilder()
        .token(fake_tg.token)
        .base_url(fake_tg.base_url)
        .base_file_url(fake_tg.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(answer))
    alice = fake_tg.user(ALICE, "Alice")
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=10)
        await fake_tg.send_text(alice, "/start")
        question = await fake_tg.wait_bot_message(alice)
        assert question.text == "Lanjut pesan?" and question.raw_text == "Lanjut <b>pesan</b>?"
        query_id = await fake_tg.press(alice, question, "yes")
        edited = await fake_tg.wait_edit(question)
        assert edited.text == "Pesanan dibuat" and edited.reply_markup is None
        await fake_tg.wait_callback_answer(query_id)
        await app.updater.stop()
        await app.stop()
    assert fake_tg.calls_to("deleteWebhook") and fake_tg.unanswered_callback_queries() == []
    assert fake_tg.soft_errors == []


# ---------------------------------------------------------------- the staff group changing

GROUP, SUPERGROUP = -4012345678, -1009876543210


@pytest.mark.asyncio
async def test_an_upgraded_group_answers_with_the_new_id(server: FakeBotApi, api: Api) -> None:
    alice = server.users[ALICE]
    server.group(GROUP, "Staf", members=[alice])
    new = await server.upgrade_to_supergroup(GROUP, SUPERGROUP, by=alice)
    status, body = await api("sendMessage", chat_id=GROUP, text="hi")
    assert status == 400
    assert body["description"] == "Bad Request: group chat was upgraded to a supergroup chat"
    assert body["parameters"] == {"migrate_to_chat_id": SUPERGROUP}
    assert new.type == "supergroup" and new.members == {ALICE: "member"}
    status, _ = await api("sendMessage", chat_id=SUPERGROUP, text="hi")
    assert status == 200
    # Both service messages, as Telegram sends them.
    status, body = await api("getUpdates")
    service = [u["message"] for u in body["result"]]
    assert service[0]["chat"]["id"] == GROUP and service[0]["migrate_to_chat_id"] == SUPERGROUP
    assert service[1]["chat"]["id"] == SUPERGROUP and service[1]["migrate_from_chat_id"] == GROUP
    assert server.violations == []


@pytest.mark.asyncio
async def test_the_bot_removed_banned_or_muted_is_answered_like_telegram(
    server: FakeBotApi, api: Api
) -> None:
    alice = server.users[ALICE]
    group = server.group(SUPERGROUP, "Staf", bot_is_admin=True)
    await server.set_bot_status(group, "left", by=alice)
    status, body = await api("sendMessage", chat_id=SUPERGROUP, text="hi")
    assert (status, body["description"]) == (
        403,
        "Forbidden: bot is not a member of the supergroup chat",
    )
    await server.set_bot_status(group, "kicked", by=alice)
    _, body = await api("sendMessage", chat_id=SUPERGROUP, text="hi")
    assert body["description"] == "Forbidden: bot was kicked from the supergroup chat"
    await server.set_bot_status(group, "restricted", by=alice, admin=False)
    status, body = await api("sendMessage", chat_id=SUPERGROUP, text="hi")
    assert status == 400 and "not enough rights" in body["description"]
    _, body = await api("getChatMember", chat_id=SUPERGROUP, user_id=server.bot_id)
    assert body["result"]["status"] == "restricted"
    assert body["result"]["can_send_messages"] is False
    await server.set_bot_status(group, "member", by=alice, admin=True)
    status, _ = await api("sendMessage", chat_id=SUPERGROUP, text="hi")
    assert status == 200
    _, body = await api("getUpdates")
    changes = [
        (u["my_chat_member"]["old_chat_member"]["status"],
         u["my_chat_member"]["new_chat_member"]["status"])
        for u in body["result"]
    ]
    assert changes == [
        ("administrator", "left"),
        ("left", "kicked"),
        ("kicked", "restricted"),
        ("restricted", "administrator"),
    ]
    assert server.violations == []


@pytest.mark.asyncio
async def test_a_customer_blocking_is_a_my_chat_member_update(
    server: FakeBotApi, api: Api
) -> None:
    alice = server.users[ALICE]
    await server.block_bot(alice)
    status, _ = await api("sendMessage", chat_id=ALICE, text="hi")
    assert status == 403
    await server.unblock_bot(alice)
    _, body = await api("getUpdates")
    assert [u["my_chat_member"]["new_chat_member"]["status"] for u in body["result"]] == [
        "kicked",
        "member",
    ]


@pytest.mark.asyncio
async def test_forum_topics_take_message_thread_id(server: FakeBotApi, api: Api) -> None:
    alice = server.users[ALICE]
    forum = server.group(SUPERGROUP, "Staf", bot_is_admin=True)
    status, body = await api("sendMessage", chat_id=SUPERGROUP, text="x", message_thread_id=5)
    assert status == 400 and body["description"] == "Bad Request: message thread not found"
    server.enable_topics(forum)
    orders = server.create_topic(forum, "Pesanan", by=alice)
    status, body = await api("sendMessage", chat_id=SUPERGROUP, text="x", message_thread_id=orders)
    assert status == 200
    assert body["result"]["message_thread_id"] == orders and body["result"]["is_topic_message"]
    status, body = await api("sendMessage", chat_id=SUPERGROUP, text="general")
    assert "message_thread_id" not in body["result"]
    server.close_topic(forum, orders)
    status, body = await api("sendMessage", chat_id=SUPERGROUP, text="x", message_thread_id=orders)
    assert status == 400 and "TOPIC_CLOSED" in body["description"]
    _, body = await api("getChat", chat_id=SUPERGROUP)
    assert body["result"]["is_forum"] is True
    asked = await server.send_text(alice, "/queue", chat=forum, thread=orders)
    assert asked.to_api()["message_thread_id"] == orders
    assert server.violations == []


@pytest.mark.asyncio
async def test_get_me_tells_privacy_mode() -> None:
    for privacy in (True, False):
        async with FakeBotApi(privacy_mode=privacy) as srv, Bot(
            srv.token, base_url=srv.base_url
        ) as bot:
            me = await bot.get_me()
            assert me.can_read_all_group_messages is (not privacy)
