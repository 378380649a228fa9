"""The outbox under Telegram's failures, with a fake bot object: 429 waits `retry_after`
without counting an attempt, network errors back off then give up, a customer who blocked
the bot is marked unreachable without stopping the rest; a crash between commit and send
still delivers after restart. And the staff kinds: invoice PDFs, shipment notice, cards."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pypdf
import pytest
from telegram import InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.notices import NoticeKit
from bot.sender import OutboxSender
from bot.settings import Settings, courier_book, policy_from
from domain import outbox
from domain.clock import FrozenClock, from_db
from domain.models import Order
from domain.store import Store
from messages import Messages
from tests.conftest import seed_catalog
from tests.integration.staff_support import DEWI, SARI, flow, placed, shipped

STAFF_CHAT = -1001234567890


@dataclass
class Sent:
    message_id: int


@dataclass
class FakeBot:
    """Records every call; `failures[chat id]` (or `"*"`: any chat) is a queue of exceptions
    to raise first."""

    failures: dict[int | str, list[Exception]] = field(default_factory=dict)
    calls: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    next_id: int = 100

    async def _call(self, method: str, chat_id: int, **kw: Any) -> Sent:
        queue = self.failures.get(chat_id) or self.failures.get("*") or []
        if queue:
            raise queue.pop(0)
        self.calls.append((method, chat_id, kw))
        self.next_id += 1
        return Sent(self.next_id)

    async def send_message(self, chat_id: int, text: str, **kw: Any) -> Sent:
        return await self._call("send_message", chat_id, text=text, **kw)

    async def edit_message_text(self, text: str, *, chat_id: int, **kw: Any) -> Sent:
        return await self._call("edit_message_text", chat_id, text=text, **kw)

    async def send_document(self, chat_id: int, document: InputFile, **kw: Any) -> Sent:
        return await self._call("send_document", chat_id, document=document, **kw)

    async def send_photo(self, chat_id: int, photo: str, **kw: Any) -> Sent:
        return await self._call("send_photo", chat_id, photo=photo, **kw)

    def sent(self, method: str) -> list[tuple[int, dict[str, Any]]]:
        return [(chat, kw) for m, chat, kw in self.calls if m == method]


def make_sender(store: Store) -> OutboxSender:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token="123456:ABCDEF",
        staff_chat_id=STAFF_CHAT,
        shop_name="Toko Kopi Nusantara",
    )
    return OutboxSender(
        NoticeKit(settings, store, Messages(), courier_book(settings), policy_from(settings))
    )


async def states(store: Store) -> dict[str, int]:
    return await outbox.counts(store)


async def row(store: Store, kind: str) -> Any:
    found = await store.fetchone("SELECT * FROM outbox WHERE kind = ? ORDER BY id DESC", (kind,))
    assert found is not None
    return found


async def verified(store: Store, user_id: int = 1001) -> Order:
    order = await placed(store, user_id)
    return (await flow(store).verify(order.number, SARI)).order


async def test_429_waits_retry_after_without_counting_an_attempt(
    seeded_store: Store, clock: FrozenClock
) -> None:
    store = seeded_store
    await verified(store)
    bot = FakeBot(failures={1001: [RetryAfter(timedelta(seconds=30))]})
    sender = make_sender(store)
    await sender.run(bot)  # type: ignore[arg-type]
    notice = await row(store, "order_placed")  # first in the customer's lane
    assert (notice["state"], notice["attempts"]) == ("pending", 0)
    assert notice["not_before"] == (clock() + timedelta(seconds=30)).isoformat(timespec="seconds")
    await sender.run(bot)  # type: ignore[arg-type]
    assert (await row(store, "order_placed"))["state"] == "pending"  # not before its time
    clock.advance(seconds=30)
    await sender.run(bot)  # type: ignore[arg-type]
    assert (await row(store, "order_placed"))["state"] == "sent"


async def test_network_errors_back_off_then_give_up(
    seeded_store: Store, clock: FrozenClock
) -> None:
    store = seeded_store
    await verified(store)
    sender = make_sender(store)
    await sender.run(FakeBot())  # type: ignore[arg-type]  # the staff card and all
    async with store.transaction() as db:  # one fresh customer notice to watch
        await outbox.enqueue(
            db,
            audience="customer",
            chat_id=1001,
            kind="status_changed",
            now=clock(),
            order_id=1,
            payload={"from": "placed", "to": "verified", "note": None},
        )
    bot = FakeBot(failures={"*": [NetworkError("connection reset")] * 20})
    waits: list[float] = []
    for attempt in range(outbox.MAX_ATTEMPTS):
        await sender.run(bot)  # type: ignore[arg-type]
        notice = await row(store, "status_changed")
        if notice["state"] != "pending":
            break
        assert notice["attempts"] == attempt + 1
        retry_at = from_db(notice["not_before"])
        waits.append((retry_at - clock()).total_seconds())
        clock.current = retry_at
    notice = await row(store, "status_changed")
    assert (notice["state"], notice["attempts"]) == ("failed", outbox.MAX_ATTEMPTS)
    assert "connection reset" in notice["last_error"]
    assert waits == [5, 10, 20, 40, 80, 160, 320]  # doubling from 5 s


async def test_a_blocked_customer_is_marked_unreachable_and_the_rest_goes_on(
    seeded_store: Store,
) -> None:
    store = seeded_store
    blocked = await verified(store, 1001)
    await verified(store, 1002)
    bot = FakeBot(failures={blocked.user_id: [Forbidden("Forbidden: bot was blocked")] * 9})
    await make_sender(store).run(bot)  # type: ignore[arg-type]
    unreachable = await store.fetchall("SELECT chat_id FROM outbox WHERE state = 'unreachable'")
    assert {r["chat_id"] for r in unreachable} == {1001}
    customer = await store.fetchone("SELECT reachable FROM customers WHERE user_id = 1001")
    assert customer is not None and customer["reachable"] == 0
    # 1002's confirmation and status notice
    assert [chat for chat, _ in bot.sent("send_message")].count(1002) == 2
    assert (await states(store)).get("pending", 0) == 0


async def test_the_staff_group_refusing_keeps_staff_messages_waiting(
    seeded_store: Store, clock: FrozenClock
) -> None:
    store = seeded_store
    await verified(store)
    bot = FakeBot(failures={STAFF_CHAT: [Forbidden("Forbidden: bot was kicked")]})
    sender = make_sender(store)
    await sender.run(bot)  # type: ignore[arg-type]
    counts = await states(store)
    # Never failed, never taken for a blocked customer: the customers' messages went out.
    assert counts.get("failed", 0) == 0 and counts.get("unreachable", 0) == 0
    staff = await store.fetchall("SELECT state, attempts FROM outbox WHERE audience = 'staff'")
    assert staff and {(r["state"], r["attempts"]) for r in staff} == {("pending", 0)}
    clock.advance(minutes=1)  # the next try: the bot is back, everything goes
    await sender.run(bot)  # type: ignore[arg-type]
    assert (await states(store)).get("pending", 0) == 0


async def test_a_crash_between_commit_and_send_delivers_after_restart(
    db_location: Path | str, clock: FrozenClock
) -> None:
    path = db_location
    before = await Store(path, clock).open()
    await seed_catalog(before)
    order = await placed(before)
    await flow(before).verify(order.number, SARI)
    await before.close()  # "crash": committed, nothing sent
    after = await Store(path, clock).open()
    try:
        bot = FakeBot()
        await make_sender(after).run(bot)  # type: ignore[arg-type]
        texts = [kw["text"] for chat, kw in bot.sent("send_message") if chat == 1001]
        assert any("Terverifikasi" in t for t in texts)
        assert (await states(after)).get("pending", 0) == 0
    finally:
        await after.close()


async def test_only_the_newest_card_redraw_is_sent(seeded_store: Store) -> None:
    store = seeded_store
    order = await placed(store)  # placed, then its receipt: two card rows
    bot = FakeBot()
    sender = make_sender(store)
    await sender.run(bot)  # type: ignore[arg-type]
    # The first card is posted (the receipt photo must be able to answer it), then edited.
    assert [m for m, chat, _ in bot.calls if chat == STAFF_CHAT] == [
        "send_message",
        "send_photo",
        "edit_message_text",
    ]
    await flow(store).note(order.number, SARI, "satu")
    await flow(store).note(order.number, DEWI, "dua")
    bot.calls.clear()
    await sender.run(bot)  # type: ignore[arg-type]
    edits = bot.sent("edit_message_text")
    assert len(edits) == 1 and "dua" in edits[0][1]["text"]
    assert (await states(store)).get("pending", 0) == 0


async def test_a_deleted_card_is_posted_again(seeded_store: Store) -> None:
    store = seeded_store
    order = await placed(store)
    sender = make_sender(store)
    await sender.run(FakeBot())  # type: ignore[arg-type]
    old = (await flow(store).order(order.number))[0].staff_message_id
    await flow(store).note(order.number, SARI, "kartu terhapus")
    bot = FakeBot(failures={STAFF_CHAT: [BadRequest("Message to edit not found")]}, next_id=500)
    await sender.run(bot)  # type: ignore[arg-type]
    new = (await flow(store).order(order.number))[0].staff_message_id
    assert new != old and bot.sent("send_message")[0][0] == STAFF_CHAT


async def test_invoice_pdf_to_the_customer_and_under_the_card(seeded_store: Store) -> None:
    store = seeded_store
    f = flow(store)
    order = await placed(store)
    sender = make_sender(store)
    bot = FakeBot()
    await sender.run(bot)  # type: ignore[arg-type]  # the card is posted first
    await shipped(store, f, order, "JP1234567890")
    await sender.run(bot)  # type: ignore[arg-type]
    documents = bot.sent("send_document")
    assert sorted(chat for chat, _ in documents) == [STAFF_CHAT, 1001]
    card_id = (await f.order(order.number))[0].staff_message_id
    to_staff = next(kw for chat, kw in documents if chat == STAFF_CHAT)
    assert to_staff["reply_parameters"].message_id == card_id
    blobs = []
    for _, kw in documents:
        document = kw["document"]
        assert document.filename == "INV-2026-11-0001.pdf"
        blobs.append(document.input_file_content)
        text = pypdf.PdfReader(io.BytesIO(document.input_file_content)).pages[0].extract_text()
        assert "INV/2026/11/0001" in text and "Rp185.000" in text  # 2 × 85.000 + 15.000
    assert blobs[0] == blobs[1]


async def test_shipment_notice_has_tracking_link_and_received_button(
    seeded_store: Store,
) -> None:
    store = seeded_store
    order = await placed(store)
    await shipped(store, flow(store), order, "JP1234567890")
    bot = FakeBot()
    await make_sender(store).run(bot)  # type: ignore[arg-type]
    shipped_notice = next(
        kw for chat, kw in bot.sent("send_message") if chat == 1001 and "JP1234567890" in kw["text"]
    )
    assert "cekresi.com/?noresi=JP1234567890" in shipped_notice["text"]
    buttons = [b for row in shipped_notice["reply_markup"].inline_keyboard for b in row]
    assert f"rcv:{order.number}" in [b.callback_data for b in buttons]
    assert any(b.url and "JP1234567890" in b.url for b in buttons)


@pytest.mark.parametrize("error", [BadRequest("Bad Request: chat not found")])
async def test_a_refused_render_is_failed_not_retried(
    seeded_store: Store, error: Exception
) -> None:
    store = seeded_store
    await verified(store)
    await make_sender(store).run(FakeBot(failures={1001: [error]}))  # type: ignore[arg-type]
    assert (await states(store)).get("failed") == 1
