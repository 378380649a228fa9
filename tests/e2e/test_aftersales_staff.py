"""After-sales, staff side (part B), through the real Application and the strict fake Bot API:
the complaint card with its evidence and status-driven buttons, two staff pressing at once,
questions answered by replying, per-line inspection back to stock, a replacement parcel with its
own tracking number (and /track), a rejection, a refused COD parcel returned to sender, and the
/returns, /return and /order views. The customer's part is set up through domain services."""

from __future__ import annotations

from domain.actors import Actor
from domain.aftersales import complaints, reads
from domain.aftersales.models import (
    ClaimLine,
    ComplaintReason,
    ComplaintStatus,
    EvidenceKind,
    NewEvidence,
    Solution,
)
from domain.aftersales.windows import ReturnPolicy
from domain.models import Status
from domain.ordering import order_reads
from tests.e2e.harness import RunningBot
from tests.e2e.test_staff_workflow import checkout, has, text_of
from tests.fakebotapi import FakeMessage, FakeUser

SKU = "KOPI-GAYO-250"
OWNER = Actor(9001, "Pemilik")


async def stock_of(shop: RunningBot, sku: str) -> tuple[int, int]:
    row = await shop.store.fetchone("SELECT stock, reserved FROM products WHERE sku = ?", (sku,))
    assert row is not None
    return row["stock"], row["reserved"]


async def movements(shop: RunningBot, sku: str) -> list[tuple[str, int]]:
    rows = await shop.store.fetchall(
        "SELECT reason, delta FROM stock_movements WHERE sku = ? ORDER BY id", (sku,)
    )
    return [(r["reason"], r["delta"]) for r in rows]


async def shipped_order(
    shop: RunningBot, user: FakeUser, qty: int, *, cod: bool = False, resi: str
) -> str:
    """An order placed in the chat, then verified, packed and shipped by staff (services)."""
    number = await checkout(shop.tg, user, SKU, cod=cod, qty=qty)
    flow = shop.app.bot_data.shop.desk  # type: ignore[union-attr]
    await flow.verify(number, OWNER, None if cod else "transfer masuk di m-BCA")
    await flow.pack(number, OWNER)
    await flow.ship(number, OWNER, "jnt", resi)
    return number


async def complaint_card(
    shop: RunningBot,
    user: FakeUser,
    qty: int,
    reason: ComplaintReason,
    wanted: Solution,
    resi: str,
) -> tuple[str, int, FakeMessage]:
    """A delivered order with a complaint opened by the customer (domain service) and a photo;
    returns the order number, the complaint id and its card in the staff group."""
    tg = shop.tg
    number = await shipped_order(shop, user, qty, resi=resi)
    await shop.app.bot_data.shop.desk.deliver(number, OWNER)  # type: ignore[union-attr]
    file_id, unique = tg.register_media("photo")
    video_id, video_unique = tg.register_media("video")
    found = await complaints.open_complaint(
        shop.store, ReturnPolicy(), user.id, user.first_name, number, reason, wanted,
        [ClaimLine(SKU, qty)],
        [NewEvidence(file_id, unique, EvidenceKind.PHOTO),
         NewEvidence(video_id, video_unique, EvidenceKind.VIDEO)],
        "Kemasan penyok <b>parah</b>",
    )
    shop.app.bot_data.shop.kick()  # type: ignore[union-attr]
    card = await tg.wait_bot_message(shop.staff, has(f"Komplain #{number}"))
    return number, found.id, card


async def test_resellable_return_back_to_stock_pressed_by_two_staff(shop: RunningBot) -> None:
    tg, group = shop.tg, shop.staff
    budi = tg.user(7101, "Budi")
    sari, dewi = tg.user(8001, "Sari"), tg.user(8002, "Dewi")
    number, cid, card = await complaint_card(
        shop, budi, 2, ComplaintReason.DAMAGED, Solution.RETURN_REFUND, "JP1100000001"
    )
    text = text_of(card)
    # What staff need on one card: customer, reason, lines, evidence, wish, proposed refund.
    for part in ("Budi Santoso", "Barang rusak / cacat", f"{SKU}", "× 2", "Bukti: 2 file",
                 "Retur barang dan pengembalian dana", "Rp185.000", "<b>parah</b>"):
        assert part in text, part
    assert card.callback_data() == [f"cs:{c}:{cid}" for c in "aren"]
    # The evidence sits under the card: the photo and the unboxing video.
    photo = await tg.wait_bot_message(group, lambda m: m.photo is not None)
    video = await tg.wait_bot_message(group, lambda m: m.video is not None)
    assert photo.reply_to is not None and photo.reply_to.message_id == card.message_id
    assert video.reply_to is not None and video.reply_to.message_id == card.message_id

    # Approve: the solutions the reason allows, the customer's wish first with its amount.
    await tg.press(sari, card, f"cs:a:{cid}")
    menu = await tg.wait_edit(card, lambda m: f"cs:ok:{cid}:rr" in m.callback_data())
    assert menu.callback_data()[0] == f"cs:ok:{cid}:rr"
    assert "Rp185.000" in menu.button_texts()[0]
    # Sari and Dewi choose at the same moment: one approval, the other is told who.
    first = await tg.press(sari, menu, f"cs:ok:{cid}:rr")
    second = await tg.press(dewi, menu, f"cs:ok:{cid}:rr")
    answers = [await tg.wait_callback_answer(q) for q in (first, second)]
    assert "Disetujui" in (answers[0].text or "")
    assert answers[1].show_alert and "sudah ditangani oleh Sari" in (answers[1].text or "")
    approved = await tg.wait_edit(card, has("Disetujui", "Menunggu resi retur"))
    assert approved.callback_data() == [f"cs:{c}:{cid}" for c in "tin"]
    await tg.wait_bot_message(budi, has(number))  # the customer hears of it
    order_id = (await reads.complaint(shop.store, cid)).order_id
    refunds = await reads.refunds_of_order(shop.store, order_id)
    assert [r.amount for r in refunds] == [185_000]  # one refund, not two

    # Staff enter the return tracking: courier, then a reply to the bot's question.
    await tg.press(dewi, approved, f"cs:t:{cid}")
    couriers = await tg.wait_edit(card, lambda m: f"cs:c:{cid}:t:jnt" in m.callback_data())
    await tg.press(dewi, couriers, f"cs:c:{cid}:t:jnt")
    prompt = await tg.wait_bot_message(group, has("resi", "paket retur"))
    assert prompt.reply_keyboard and prompt.reply_keyboard.get("force_reply")
    await tg.send_text(dewi, "JP12", chat=group, reply_to=prompt)  # not a J&T number
    await tg.wait_bot_message(group, has("JP12"))
    await tg.send_text(dewi, "jp 2200 0000 02", chat=group, reply_to=prompt)
    await tg.wait_edit(prompt, has("JP2200000002", "Dewi"))
    card = await tg.wait_edit(card, has("JP2200000002", "dalam perjalanan"))

    # The parcel arrives: both units resellable, pressed twice by two people: stock +2 once.
    before = await stock_of(shop, SKU)
    await tg.press(sari, card, f"cs:i:{cid}")
    lines = await tg.wait_edit(card, lambda m: f"cs:l:{cid}:0:0" in m.callback_data())
    await tg.press(sari, lines, f"cs:l:{cid}:0:0")
    judge = await tg.wait_edit(card, lambda m: f"cs:in:{cid}:0:2:0:2" in m.callback_data())
    assert f"cs:in:{cid}:0:1:0:2" in judge.callback_data()  # one unit at a time, too
    first = await tg.press(sari, judge, f"cs:in:{cid}:0:2:0:2")
    second = await tg.press(dewi, judge, f"cs:in:{cid}:0:2:0:2")
    answers = [await tg.wait_callback_answer(q) for q in (first, second)]
    assert "2 layak jual" in (answers[0].text or "")
    assert answers[1].show_alert and "Sari" in (answers[1].text or "")
    assert await stock_of(shop, SKU) == (before[0] + 2, before[1])
    assert [m for m in await movements(shop, SKU) if m[0] == "return"] == [("return", 2)]
    inspected = await tg.wait_edit(card, has("sudah diperiksa", "diperiksa 2/2"))
    assert inspected.callback_data() == [f"cs:n:{cid}"]
    tg.assert_clean()


async def test_wrong_item_replacement_ships_with_its_own_tracking(shop: RunningBot) -> None:
    tg, group = shop.tg, shop.staff
    rina = tg.user(7102, "Rina")
    sari = tg.user(8001, "Sari")
    number, cid, card = await complaint_card(
        shop, rina, 1, ComplaintReason.WRONG_ITEM, Solution.REPLACEMENT, "JP1100000003"
    )
    await tg.press(sari, card, f"cs:a:{cid}")
    menu = await tg.wait_edit(card, lambda m: f"cs:ok:{cid}:rp" in m.callback_data())
    before = await stock_of(shop, SKU)
    await tg.press(sari, menu, f"cs:ok:{cid}:rp")
    card = await tg.wait_edit(card, has("Tukar barang", "stok sudah disisihkan"))
    assert await stock_of(shop, SKU) == (before[0], before[1] + 1)  # held for the parcel
    assert f"cs:f:{cid}" in card.callback_data()

    await tg.press(sari, card, f"cs:f:{cid}")
    couriers = await tg.wait_edit(card, lambda m: f"cs:c:{cid}:f:jne" in m.callback_data())
    await tg.press(sari, couriers, f"cs:c:{cid}:f:jne")
    prompt = await tg.wait_bot_message(group, has("kiriman susulan"))
    await tg.send_text(sari, "CGK1234567890", chat=group, reply_to=prompt)
    await tg.wait_edit(prompt, has("CGK1234567890", "Sari"))
    await tg.wait_edit(card, has("Kiriman susulan", "CGK1234567890"))
    assert await stock_of(shop, SKU) == (before[0] - 1, before[1])  # it left the shelf
    notice = await tg.wait_bot_message(rina, has("CGK1234567890"))
    assert number in text_of(notice)

    # /track with the follow-up parcel's own number finds the order and shows both parcels.
    await tg.send_text(rina, "/track CGK1234567890")
    tracked = await tg.wait_bot_message(rina, has(f"#{number}", "Kiriman susulan"))
    assert "JP1100000003" in text_of(tracked) and "CGK1234567890" in text_of(tracked)
    await tg.send_text(rina, f"/track {number}")
    await tg.wait_bot_message(rina, has("CGK1234567890"))
    tg.assert_clean()


async def test_complaint_rejected_and_stale_or_forged_presses(shop: RunningBot) -> None:
    tg, group = shop.tg, shop.staff
    andi = tg.user(7103, "Andi")
    sari, dewi = tg.user(8001, "Sari"), tg.user(8002, "Dewi")
    number, cid, card = await complaint_card(
        shop, andi, 1, ComplaintReason.NOT_AS_DESCRIBED, Solution.RETURN_REFUND, "JP1100000004"
    )
    await tg.press(sari, card, f"cs:r:{cid}")
    prompt = await tg.wait_bot_message(group, has("alasan menolak"))
    await tg.send_text(sari, "Foto menunjukkan barang sesuai deskripsi", chat=group,
                       reply_to=prompt)
    await tg.wait_edit(prompt, has("ditolak oleh Sari"))
    card = await tg.wait_edit(card, has("Ditolak", "sesuai deskripsi"))
    assert card.callback_data() == [f"cs:n:{cid}"]
    await tg.wait_bot_message(andi, has("sesuai deskripsi"))

    # The old Approve button pressed late: who already decided; nothing changes.
    late = await tg.press_raw(dewi, group.id, card.message_id, f"cs:a:{cid}")
    answer = await tg.wait_callback_answer(late)
    assert answer.show_alert and "sudah ditangani oleh Sari" in (answer.text or "")
    forged = await tg.press_raw(dewi, group.id, card.message_id, f"cs:ok:{cid}:rr")
    answer = await tg.wait_callback_answer(forged)
    assert answer.show_alert and "Sari" in (answer.text or "")
    assert (await reads.complaint(shop.store, cid)).status == ComplaintStatus.REJECTED
    for data in ("cs:zz:1", "cs:a:0", "cs:in:1:0:1:0", "cs:ok:1:xx", "cs:a:" + "9" * 60):
        query = await tg.press_raw(dewi, group.id, card.message_id, data)
        answer = await tg.wait_callback_answer(query)
        assert "kedaluwarsa" in (answer.text or ""), data
    missing = await tg.press_raw(dewi, group.id, card.message_id, "cs:a:99999")
    assert "tidak ditemukan" in ((await tg.wait_callback_answer(missing)).text or "")
    # A press from outside the staff group is refused.
    outside = await tg.press_raw(andi, andi.id, card.message_id, f"cs:a:{cid}")
    assert (await tg.wait_callback_answer(outside)).show_alert

    # /returns rejected, /return <no> and /order <no> show it with its history.
    await tg.send_text(sari, "/returns rejected", chat=group)
    listed = await tg.wait_bot_message(group, has(f"#{number}", "Ditolak"))
    assert f"cs:o:{cid}" in listed.callback_data()
    await tg.send_text(sari, "/returns nonsense", chat=group)
    await tg.wait_bot_message(group, has("Status tidak dikenal"))
    await tg.send_text(sari, f"/return {number}", chat=group)
    await tg.wait_bot_message(group, has(f"Komplain #{number}", "Ditolak"))
    history = await tg.wait_bot_message(group, has("Riwayat pasca-penjualan"))
    assert "Sari" in text_of(history) and "sesuai deskripsi" in text_of(history)
    await tg.send_text(sari, f"/order {number}", chat=group)
    await tg.wait_bot_message(group, has(f"#{number}", "Riwayat"))
    await tg.wait_bot_message(group, has("Riwayat pasca-penjualan", "Ditolak"))
    menu = tg.get_commands({"type": "chat", "chat_id": group.id})
    assert {"returns", "return"} <= {c["command"] for c in menu}
    tg.assert_clean()


async def test_cod_refused_returned_to_sender_then_inspected_unit_by_unit(
    shop: RunningBot,
) -> None:
    tg, group = shop.tg, shop.staff
    joko = tg.user(7104, "Joko")
    sari, dewi = tg.user(8001, "Sari"), tg.user(8002, "Dewi")
    number = await shipped_order(shop, joko, 2, cod=True, resi="JP1100000005")
    card = await tg.wait_bot_message(group, has(f"#{number}"))
    await tg.wait_for(lambda: f"cs:rts:{number}:0" in card.callback_data(), what="the RTS button")
    await tg.press(sari, card, f"cs:rts:{number}:0")
    confirm = await tg.wait_edit(card, lambda m: f"cs:rts:{number}:1" in m.callback_data())
    before = await stock_of(shop, SKU)
    await tg.press(sari, confirm, f"cs:rts:{number}:1")
    await tg.wait_edit(card, has("Dibatalkan"))
    order = await order_reads.order_by_number(shop.store.reader, number)
    assert order.status == Status.CANCELLED
    found = await reads.complaint_for_order(shop.store, order.id)
    assert found is not None and found.status == ComplaintStatus.RETURN_IN_TRANSIT
    cid = found.id
    rts = await tg.wait_bot_message(group, has(f"Komplain #{number}", "COD ditolak"))
    assert f"cs:i:{cid}" in rts.callback_data()
    assert f"cs:a:{cid}" not in rts.callback_data()
    # Pressed again from the old confirmation: already done, nothing twice.
    again = await tg.press_raw(dewi, group.id, card.message_id, f"cs:rts:{number}:1")
    assert (await tg.wait_callback_answer(again)).show_alert

    # One unit resellable (pressed twice: counted once), one damaged (written off).
    await tg.press(dewi, rts, f"cs:i:{cid}")
    lines = await tg.wait_edit(rts, lambda m: f"cs:l:{cid}:0:0" in m.callback_data())
    await tg.press(dewi, lines, f"cs:l:{cid}:0:0")
    judge = await tg.wait_edit(rts, lambda m: f"cs:in:{cid}:0:1:0:2" in m.callback_data())
    first = await tg.press(dewi, judge, f"cs:in:{cid}:0:1:0:2")
    second = await tg.press(sari, judge, f"cs:in:{cid}:0:1:0:2")
    answers = [await tg.wait_callback_answer(q) for q in (first, second)]
    assert "1 layak jual" in (answers[0].text or "")
    assert answers[1].show_alert and "Dewi" in (answers[1].text or "")
    judge = await tg.wait_edit(rts, lambda m: f"cs:in:{cid}:0:0:1:1" in m.callback_data())
    await tg.press(sari, judge, f"cs:in:{cid}:0:0:1:1")
    await tg.wait_edit(rts, has("Selesai", "diperiksa 2/2"))
    assert await stock_of(shop, SKU) == (before[0] + 1, before[1])
    kinds = [m[0] for m in await movements(shop, SKU)]
    assert kinds.count("return") == 1 and kinds.count("write_off") == 1
    tg.assert_clean()
