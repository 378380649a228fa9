"""The customer's complaint through the fake Bot API (issue 9, part A): a damaged item with
an album of photos and an unboxing video, resumed after a restart; the window closed (no
button, an old or forged button is out of date); more evidence when staff ask; the return's
courier and tracking number."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path

import pytest
import pytest_asyncio

from domain import customers
from domain.aftersales import complaints, reads
from domain.aftersales.models import (
    ClaimLine,
    ComplaintReason,
    ComplaintStatus,
    EvidenceKind,
    NewEvidence,
    Solution,
)
from domain.clock import FrozenClock
from domain.models import Order, PaymentMethod
from tests.e2e.harness import FROZEN_AT, STAFF_CHAT_ID, RunningBot, make_settings
from tests.fakebotapi import FakeBotApi, FakeMessage, FakeUser
from tests.fakebotapi.fixtures import fake_tg  # noqa: F401 - the server fixture
from tests.integration.aftersales_support import POLICY, delivered
from tests.integration.staff_support import DEWI

COD = PaymentMethod.COD  # no transfer receipt to send around
ITEMS = {"KOPI-GAYO-250": 2, "TEH-MELATI-100": 1}
START = FROZEN_AT  # 10:00 WIB


def text_of(message: FakeMessage) -> str:
    return message.text or message.caption or ""


@pytest.fixture
def shop(frozen_shop: RunningBot) -> RunningBot:
    return frozen_shop


@pytest_asyncio.fixture
async def guarded_shop(
    fake_tg: FakeBotApi, new_location: Callable[[datetime], Path | str]  # noqa: F811
) -> AsyncIterator[RunningBot]:
    """Flood control on: 8 updates per customer in 10 minutes."""
    settings = make_settings(
        fake_tg, new_location(START), flood_limit=8, flood_window_seconds=600
    )
    async with RunningBot(fake_tg, settings, FrozenClock(START)).running() as bot:
        yield bot


async def order_view(shop: RunningBot, user: FakeUser, order: Order) -> FakeMessage:
    tg = shop.tg
    await tg.send_text(user, "/orders")
    listing = await tg.wait_bot_message(user, lambda m: f"o:view:{order.number}" in
                                        m.callback_data())
    await tg.press(user, listing, f"o:view:{order.number}")
    return await tg.wait_edit(listing, lambda m: f"#{order.number}" in text_of(m))


async def to_evidence_step(shop: RunningBot, user: FakeUser, reason: str) -> Order:
    """A delivered COD order, and a complaint about one unit of its first line for `reason`
    (its button code) taken up to step 3, the evidence."""
    tg = shop.tg
    order = await delivered(shop.store, user.id, ITEMS, method=COD)
    view = await order_view(shop, user, order)
    await tg.press(user, view, f"cp:new:{order.number}")
    reasons = await tg.wait_bot_message(user, lambda m: "Langkah 1 dari 5" in text_of(m))
    await tg.press(user, reasons, f"cp:r:{reason}")
    lines = await tg.wait_bot_message(user, lambda m: "Langkah 2 dari 5" in text_of(m))
    await tg.press(user, lines, "cp:l:0:1")
    lines = await tg.wait_edit(lines, lambda m: "cp:next" in m.callback_data())
    await tg.press(user, lines, "cp:next")
    await tg.wait_bot_message(user, lambda m: "Langkah 3 dari 5" in text_of(m))
    return order


async def test_an_album_of_ten_counts_once_against_flood_control(
    guarded_shop: RunningBot,
) -> None:
    """Six updates to reach the evidence step, then ten photos at once: at 8 per window each
    part counted alone would drop four of them; the album counts as one."""
    shop = guarded_shop
    tg = shop.tg
    wati = tg.user(8602, "Wati")
    await to_evidence_step(shop, wati, "dm")

    await tg.send_album(wati, ["photo"] * 10)
    ack = await tg.wait_bot_message(wati, lambda m: "Bukti diterima" in text_of(m))
    await tg.wait_for(lambda: "10 foto" in text_of(ack), what="the whole album counted")
    assert not any("pelan" in text_of(m).lower() for m in tg.bot_messages(wati))
    app = shop.app
    assert app is not None
    guard = app.update_processor.guard  # type: ignore[attr-defined]
    assert guard.dropped == 0


async def test_damaged_item_with_an_album_and_a_video_resumes_after_a_restart(
    shop: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    tg = shop.tg
    sari = tg.user(8601, "Sari")
    order = await delivered(shop.store, sari.id, ITEMS, method=COD)
    view = await order_view(shop, sari, order)
    assert f"cp:new:{order.number}" in view.callback_data()
    await tg.press(sari, view, f"cp:new:{order.number}")
    reasons = await tg.wait_bot_message(sari, lambda m: "Langkah 1 dari 5" in text_of(m))
    assert "cp:r:cm" not in reasons.callback_data()  # change of mind: off by default
    await tg.press(sari, reasons, "cp:r:dm")
    lines = await tg.wait_bot_message(sari, lambda m: "Langkah 2 dari 5" in text_of(m))
    assert "cp:next" not in lines.callback_data()  # nothing chosen yet
    gayo = next(i for i, x in enumerate(order.lines) if x.sku == "KOPI-GAYO-250")
    await tg.press(sari, lines, f"cp:l:{gayo}:2")  # the whole line
    lines = await tg.wait_edit(lines, lambda m: "× 2" in text_of(m))
    await tg.press(sari, lines, f"cp:l:{gayo}:1")  # ➖: one of them after all
    lines = await tg.wait_edit(lines, lambda m: "× 1" in text_of(m))
    # Forged inside the step: more than ordered, a line the order lacks, a button of another
    # step: said to be from an earlier step, the step asked again, nothing changed.
    for forged in (f"cp:l:{gayo}:99", "cp:l:19:1", "cp:s:rr"):
        await tg.press_raw(sari, sari.id, lines.message_id, forged)
        await tg.wait_bot_message(sari, lambda m: "langkah sebelumnya" in text_of(m))
        lines = await tg.wait_bot_message(sari, lambda m: "Langkah 2 dari 5" in text_of(m))
    assert "× 1" in text_of(lines)
    await tg.press(sari, lines, "cp:next")
    ask = await tg.wait_bot_message(sari, lambda m: "Langkah 3 dari 5" in text_of(m))
    assert "cp:next" not in ask.callback_data()  # a damaged item needs evidence first

    # An album: three updates sharing a media_group_id, one acknowledgement edited in place.
    await tg.send_album(sari, ["photo", "photo", "video"])
    ack = await tg.wait_bot_message(sari, lambda m: "Bukti diterima" in text_of(m))
    await tg.wait_for(lambda: "2 foto, 1 video" in text_of(ack), what="the album counted")
    assert sum("Bukti diterima" in text_of(m) for m in tg.bot_messages(sari)) == 1
    # A long unboxing video on its own (Telegram reports its size; nothing is downloaded).
    await tg.send_video(sari, duration=600, file_size=1_900_000_000)
    second = await tg.wait_bot_message(sari, lambda m: "2 foto, 2 video" in text_of(m))
    await tg.send_text(sari, "Toples pecah di bagian <tutup> & bocor")
    await tg.wait_bot_message(sari, lambda m: "Keterangan disimpan" in text_of(m))

    await shop.restart()  # the step and the draft come back
    await tg.press(sari, second, "cp:next")
    solutions = await tg.wait_bot_message(sari, lambda m: "Langkah 4 dari 5" in text_of(m))
    assert set(solutions.callback_data()) >= {"cp:s:ro", "cp:s:rr", "cp:s:rp", "cp:back", "cp:x"}
    await tg.press(sari, solutions, "cp:s:rr")
    summary = await tg.wait_bot_message(sari, lambda m: "Langkah 5 dari 5" in text_of(m))
    shown = text_of(summary)
    assert "Barang rusak" in shown and "× 1" in shown and "2 foto, 2 video" in shown
    assert "<tutup> & bocor" in shown  # typed text shown as typed (escaped on the wire)
    await tg.press(sari, summary, "cp:send")
    await tg.wait_edit(summary, lambda m: "terkirim" in text_of(m))

    found = await reads.complaint_for_order(shop.store, order.id)
    assert found is not None and found.status == ComplaintStatus.OPEN
    assert [(x.sku, x.quantity) for x in found.lines] == [("KOPI-GAYO-250", 1)]
    assert found.solution_wanted == Solution.RETURN_REFUND
    assert found.description == "Toples pecah di bagian <tutup> & bocor"
    staff_view = await reads.complaint_view(shop.store, found.id, _staff())
    assert sorted(e.kind for e in staff_view.evidence) == ["photo", "photo", "video", "video"]
    # The customer hears it was received; the staff group gets the card and every file.
    await tg.wait_bot_message(sari, lambda m: "Komplain Anda sudah kami terima" in text_of(m))
    await tg.wait_for(lambda: len(tg.calls_to("sendVideo")) == 2, what="two videos to staff")
    photos = [c for c in tg.calls_to("sendPhoto") if int(c["chat_id"]) == STAFF_CHAT_ID]
    assert len(photos) == 2

    # Send pressed again: the complaint exists, nothing twice.
    query = await tg.press_raw(sari, sari.id, summary.message_id, "cp:send")
    answer = await tg.wait_callback_answer(query)
    assert answer.text and "sudah punya komplain" in answer.text
    view = await order_view(shop, sari, order)
    assert "Komplain: Menunggu tanggapan toko" in text_of(view)
    assert not any(d.startswith("cp:new") for d in view.callback_data())
    tg.assert_clean()
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


def _staff():
    from domain.ordering.timeline import Audience

    return Audience.STAFF


async def test_after_the_window_no_button_and_old_or_forged_ones_are_out_of_date(
    shop: RunningBot,
) -> None:
    tg = shop.tg
    budi = tg.user(8602, "Budi")
    order = await delivered(shop.store, budi.id, ITEMS, method=COD)
    old_view = await order_view(shop, budi, order)
    assert f"cp:new:{order.number}" in old_view.callback_data()
    clock: FrozenClock = shop.clock  # type: ignore[assignment]
    clock.advance(hours=49)  # RETURN_WINDOW 48h after delivery

    view = await order_view(shop, budi, order)
    assert not any(d.startswith("cp:") for d in view.callback_data())
    query = await tg.press_raw(budi, budi.id, old_view.message_id, f"cp:new:{order.number}")
    answer = await tg.wait_callback_answer(query)
    assert answer.show_alert and answer.text and "kedaluwarsa" in answer.text
    for forged in ("cp:new:ZZZZZZ", "cp:l:99:1", "cp:r:xx", "cp:send", "cp:ev:0", "cp:rt:7",
                   "cp:" + "x" * 70):
        query = await tg.press_raw(budi, budi.id, view.message_id, forged)
        answer = await tg.wait_callback_answer(query)
        assert answer.text and "kedaluwarsa" in answer.text, forged
    assert await reads.complaint_for_order(shop.store, order.id) is None
    tg.assert_clean()


async def test_more_evidence_then_the_return_tracking(shop: RunningBot) -> None:
    tg = shop.tg
    dewi = tg.user(8603, "Dewi")
    order = await delivered(shop.store, dewi.id, ITEMS, method=COD)
    # A photo outside any complaint is a transfer receipt (none due here): said so, and the
    # complaint is then opened through the domain with that photo as its evidence.
    photo = (await tg.send_photo(dewi)).photo
    await tg.wait_bot_message(dewi, lambda m: "bukti transfer" in text_of(m).lower())
    assert photo is not None
    found = await complaints.open_complaint(
        shop.store, POLICY, dewi.id, "Dewi", order.number, ComplaintReason.WRONG_ITEM,
        Solution.REPLACEMENT, [ClaimLine("TEH-MELATI-100", 1)],
        [NewEvidence(photo[-1]["file_id"], photo[-1]["file_unique_id"], EvidenceKind.PHOTO)],
    )
    await complaints.ask_evidence(shop.store, found.id, DEWI, "Foto label di kardus")
    shop.app.bot_data.shop.kick()  # type: ignore[union-attr]
    notice = await tg.wait_bot_message(dewi, lambda m: f"cp:ev:{found.id}" in m.callback_data())
    assert "bukti tambahan" in text_of(notice)
    await tg.press(dewi, notice, f"cp:ev:{found.id}")
    ask = await tg.wait_bot_message(dewi, lambda m: "Foto label di kardus" in text_of(m))
    await tg.send_photo(dewi)
    await tg.wait_bot_message(dewi, lambda m: "1 bukti tambahan" in text_of(m))
    await tg.press(dewi, ask, "cp:next")
    await tg.wait_bot_message(dewi, lambda m: "Terima kasih" in text_of(m))
    assert (await reads.complaint(shop.store, found.id)).status == ComplaintStatus.OPEN

    await complaints.approve(shop.store, found.id, DEWI, Solution.REPLACEMENT)
    shop.app.bot_data.shop.kick()  # type: ignore[union-attr]
    approved = await tg.wait_bot_message(dewi, lambda m: f"cp:rt:{found.id}" in m.callback_data())
    await tg.press(dewi, approved, f"cp:rt:{found.id}")
    couriers = await tg.wait_bot_message(dewi, lambda m: "cp:c:jnt" in m.callback_data())
    await tg.press(dewi, couriers, "cp:c:jnt")
    await tg.wait_bot_message(dewi, lambda m: "nomor resinya" in text_of(m))
    await tg.send_text(dewi, "12")  # not a J&T number: said so, asked again
    await tg.wait_bot_message(dewi, lambda m: "resi" in text_of(m).lower())
    await tg.send_text(dewi, "jp 1234 5678 90")
    await tg.wait_bot_message(dewi, lambda m: "Resi retur pesanan" in text_of(m))
    after = await reads.complaint(shop.store, found.id)
    assert after.status == ComplaintStatus.RETURN_IN_TRANSIT
    assert after.return_tracking == "JP1234567890"
    view = await order_view(shop, dewi, order)
    assert "JP1234567890" in text_of(view)
    assert not any(d.startswith("cp:") for d in view.callback_data())
    tg.assert_clean()


async def test_a_caption_describes_and_a_photo_long_after_is_not_evidence(
    shop: RunningBot,
) -> None:
    tg = shop.tg
    rina = tg.user(8604, "Rina")
    order = await to_evidence_step(shop, rina, "in")
    await tg.send_photo(rina, caption="Isinya cuma satu")
    ack = await tg.wait_bot_message(rina, lambda m: "Bukti diterima" in text_of(m))
    assert shop.app is not None
    assert shop.app.user_data[rina.id]["complaint"]["note"] == "Isinya cuma satu"

    clock: FrozenClock = shop.clock  # type: ignore[assignment]
    clock.advance(hours=7)  # the step was left alone: a photo now is not evidence
    await tg.send_photo(rina)
    await tg.wait_bot_message(rina, lambda m: "bukti transfer" in text_of(m).lower())
    assert "complaint" not in shop.app.user_data[rina.id]
    query = await tg.press_raw(rina, rina.id, ack.message_id, "cp:next")
    answer = await tg.wait_callback_answer(query)
    assert answer.text and "kedaluwarsa" in answer.text
    assert await reads.complaint_for_order(shop.store, order.id) is None
    tg.assert_clean()


async def test_back_and_cancel_in_english(shop: RunningBot) -> None:
    tg = shop.tg
    tom = tg.user(8605, "Tom", language_code="en")
    order = await delivered(shop.store, tom.id, ITEMS, method=COD)
    await customers.set_language(shop.store, tom.id, "en")
    view = await order_view(shop, tom, order)
    assert "File a complaint / return" in view.button_texts()[-2]
    await tg.press(tom, view, f"cp:new:{order.number}")
    reasons = await tg.wait_bot_message(tom, lambda m: "Step 1 of 5" in text_of(m))
    assert "cp:back" not in reasons.callback_data()  # nothing before the first step
    await tg.press(tom, reasons, "cp:r:nr")  # not received: every unit is claimed already
    lines = await tg.wait_bot_message(tom, lambda m: "Step 2 of 5" in text_of(m))
    assert "× 2" in text_of(lines) and "× 1" in text_of(lines)
    await tg.press(tom, lines, "cp:next")
    evidence = await tg.wait_bot_message(tom, lambda m: "Step 3 of 5" in text_of(m))
    assert "optional" in text_of(evidence) and "cp:next" in evidence.callback_data()
    await tg.press(tom, evidence, "cp:back")
    await tg.wait_bot_message(tom, lambda m: "Step 2 of 5" in text_of(m))
    await tg.send_text(tom, "/back")
    await tg.wait_bot_message(tom, lambda m: "Step 1 of 5" in text_of(m))
    await tg.send_text(tom, "a sticker-like word")  # the step wants a button
    await tg.wait_bot_message(tom, lambda m: "choose with the buttons" in text_of(m))
    await tg.send_text(tom, "/cancel")
    await tg.wait_bot_message(tom, lambda m: "Complaint cancelled" in text_of(m))
    assert shop.app is not None and "complaint" not in shop.app.user_data[tom.id]
    await tg.send_text(tom, "/cancel")  # nothing left to cancel: the usual answer
    await tg.wait_bot_message(tom)
    tg.assert_clean()
