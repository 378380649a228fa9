"""The catalog managed from the staff group through the real Application and the strict fake
Bot API: a workbook sent → preview → Import (once); a bad workbook → line-numbered reasons and
nothing changed; /katalog export → sent back → nothing changes; price and photo edited in chat;
a new product step by step across a restart; non-admins refused when admins are set."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl

from domain.catalog import stock
from domain.clock import FrozenClock
from tests.e2e.harness import RunningBot, button, make_settings
from tests.fakebotapi import FakeBotApi, FakeMessage
from tests.fakebotapi.state import SentDocument

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text_of(message: FakeMessage) -> str:
    return message.text or message.caption or ""


def has(*parts: str) -> Callable[[FakeMessage], bool]:
    return lambda m: all(p in text_of(m) for p in parts)


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["sku", "name", "category", "price", "stock", "description", "active"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def catalog_rows(shop: RunningBot) -> list[tuple[object, ...]]:
    rows = await shop.store.fetchall(
        "SELECT sku, name, price, stock, active, photo FROM products ORDER BY sku"
    )
    return [tuple(r) for r in rows]


async def test_a_workbook_is_previewed_and_imported_once(shop: RunningBot) -> None:
    tg, group = shop.tg, shop.staff
    sari, dewi = tg.user(8001, "Sari"), tg.user(8002, "Dewi")
    menu = {c["command"]: c["description"]
            for c in tg.get_commands({"type": "chat", "chat_id": group.id})}
    assert menu["katalog"].startswith("Katalog") and menu["produk"]
    await tg.send_text(sari, "/help", chat=group)
    await tg.wait_bot_message(group, has("/katalog export", "/produk <sku>", "kirim file .xlsx"))
    data = workbook(
        [
            ["KOPI-GAYO-250", "Kopi Arabika Gayo 250 g", "Kopi & Teh", 90000, 40,
             "Biji kopi arabika dari Aceh Gayo, sangrai medium. Cocok untuk V60 dan tubruk.",
             "yes"],
            ["SAMBAL-ROA-150", "Sambal Roa Manado 150 g", "Bumbu", 45000, 20, "", "yes"],
        ]
    )
    await tg.send_document(sari, "katalog.xlsx", data, XLSX, chat=group)
    preview = await tg.wait_bot_message(group, has("Pratinjau katalog"))
    text = text_of(preview)
    assert "Baru: 1" in text and "Berubah: 1" in text
    assert "harga Rp85.000 → Rp90.000" in text and "SAMBAL-ROA-150" in text
    assert await stock.product(shop.store, "KOPI-GAYO-250") is not None
    assert (await stock.product(shop.store, "KOPI-GAYO-250")).price == 85_000  # not yet

    data_import = button(preview, "Impor")
    query = await tg.press(sari, preview, data_import)
    answer = await tg.wait_callback_answer(query)
    assert "Katalog diimpor" in (answer.text or "")
    await tg.wait_edit(preview, has("Katalog diimpor", "oleh Sari", "1 baru, 1 berubah"))
    assert preview.callback_data() == []
    assert (await stock.product(shop.store, "KOPI-GAYO-250")).price == 90_000
    assert (await stock.product(shop.store, "SAMBAL-ROA-150")).stock == 20

    # The buttons are gone, but an old client may press again: nothing happens twice.
    before = await catalog_rows(shop)
    again = await tg.press_raw(dewi, group.id, preview.message_id, data_import)
    late = await tg.wait_callback_answer(again)
    assert late.show_alert and "sudah diimpor oleh Sari" in (late.text or "")
    assert await catalog_rows(shop) == before
    tg.assert_clean()


async def test_a_bad_workbook_names_each_line_and_changes_nothing(shop: RunningBot) -> None:
    tg, group = shop.tg, shop.staff
    sari = tg.user(8001, "Sari")
    before = await catalog_rows(shop)
    data = workbook(
        [
            ["KOPI-GAYO-250", "Kopi Gayo", "Kopi & Teh", 90000, 40, "", "yes"],
            ["TEH-X", "Teh <b>X</b>", "Kopi & Teh", "delapan belas ribu", 10, "", "yes"],
            ["", "Tanpa SKU", "Kopi & Teh", 1000, 1, "", "yes"],
            ["KOPI-GAYO-250", "Lagi", "Kopi & Teh", 1000, -3, "", "mungkin"],
        ]
    )
    await tg.send_document(sari, "katalog.xlsx", data, XLSX, chat=group)
    preview = await tg.wait_bot_message(group, has("Pratinjau katalog"))
    text = text_of(preview)
    assert "3 baris bermasalah" in text
    assert "Baris 3: harga “delapan belas ribu” bukan jumlah rupiah" in text
    assert "Baris 4: SKU “” harus 1–32 huruf" in text
    assert "Baris 5: stok harus antara 0 dan 1000000, tertulis -3" in text
    assert preview.callback_data() == []  # nothing to import
    assert await catalog_rows(shop) == before
    tg.assert_clean()


async def test_export_then_send_back_changes_nothing(shop: RunningBot) -> None:
    tg, group = shop.tg, shop.staff
    sari = tg.user(8001, "Sari")
    before = await catalog_rows(shop)
    await tg.send_text(sari, "/katalog export", chat=group)

    def exported() -> list[SentDocument] | None:
        docs = [d for d in tg.sent_documents if d.chat_id == group.id]
        return docs if len(docs) == 2 else None

    docs = await tg.wait_for(exported, what="the two exported files")
    names = [d.file_name or "" for d in docs]
    assert names[0].startswith("katalog-") and names[0].endswith(".xlsx")
    assert names[1].endswith(".csv")
    assert "produk" in (docs[0].caption or "")
    for doc in docs:
        await tg.send_document(sari, doc.file_name or "", doc.data, doc.mime_type or "", chat=group)
        preview = await tg.wait_bot_message(group, has("Pratinjau katalog"))
        assert "Tidak ada yang berubah" in text_of(preview), text_of(preview)
        assert "Baru: 0 · ✏️ Berubah: 0" in text_of(preview)
        assert preview.callback_data() == []
    assert await catalog_rows(shop) == before
    tg.assert_clean()


async def test_price_and_photo_edited_in_chat(shop: RunningBot) -> None:
    tg, group = shop.tg, shop.staff
    sari = tg.user(8001, "Sari")
    budi = tg.user(7001, "Budi")
    await tg.send_text(sari, "/produk kopi-gayo-250", chat=group)
    card = await tg.wait_bot_message(group, has("Kopi Arabika Gayo 250 g", "Rp85.000"))
    await tg.press(sari, card, "pe:p:KOPI-GAYO-250")
    prompt = await tg.wait_bot_message(group, has("harga baru"))
    assert prompt.reply_keyboard and prompt.reply_keyboard.get("force_reply")
    await tg.send_text(sari, "nol", chat=group, reply_to=prompt)
    await tg.wait_bot_message(group, has("bukan jumlah rupiah"))
    await tg.send_text(sari, "Rp 90.000", chat=group, reply_to=prompt)
    await tg.wait_edit(prompt, has("Rp85.000 → Rp90.000", "oleh Sari"))
    assert (await stock.product(shop.store, "KOPI-GAYO-250")).price == 90_000

    await tg.press(sari, card, "pe:f:KOPI-GAYO-250")
    photo_prompt = await tg.wait_bot_message(group, has("foto produk"))
    await tg.send_text(sari, "ini fotonya", chat=group, reply_to=photo_prompt)
    await tg.wait_bot_message(group, has("sebuah foto"))
    await tg.send_photo(sari, file_id="AgACPhotoKopiGayo", chat=group, reply_to=photo_prompt)
    await tg.wait_edit(photo_prompt, has("Foto", "tidak ada → ada"))
    item = await stock.product(shop.store, "KOPI-GAYO-250")
    assert item.photo == "AgACPhotoKopiGayo"

    # The customer sees the new price under the new photo; /stock shows who changed what.
    await tg.send_text(budi, "/start KOPI-GAYO-250")
    shown = await tg.wait_bot_message(budi)
    assert shown.photo is not None and shown.photo[-1]["file_id"] == "AgACPhotoKopiGayo"
    assert "Rp90.000" in text_of(shown)
    await tg.send_text(sari, "/stock KOPI-GAYO-250", chat=group)
    await tg.wait_bot_message(group, has("harga: Rp85.000 → Rp90.000 · ", "Sari"))
    tg.assert_clean()


async def test_a_non_admin_is_refused_when_admins_are_set(
    fake_tg: FakeBotApi, db_location: Path | str
) -> None:
    bot = RunningBot(fake_tg, make_settings(fake_tg, db_location, staff_admin_ids="8001"))
    await bot.seed()
    await bot.start()
    try:
        tg, group = fake_tg, bot.staff
        sari, dewi = tg.user(8001, "Sari"), tg.user(8002, "Dewi")
        before = await catalog_rows(bot)
        data = workbook([["KOPI-GAYO-250", "Kopi", "Kopi & Teh", 1000, 1, "", "yes"]])
        await tg.send_document(dewi, "katalog.xlsx", data, XLSX, chat=group)
        await tg.wait_bot_message(group, has("Hanya admin toko yang boleh mengubah katalog"))
        assert tg.calls_to("getFile") == []  # the file is not even fetched

        # Dewi may look at a card, not change it; Sari may.
        await tg.send_text(dewi, "/produk KOPI-GAYO-250", chat=group)
        card = await tg.wait_bot_message(group, has("Kopi Arabika Gayo 250 g"))
        for data_ in ("pe:p:KOPI-GAYO-250", "pe:off:KOPI-GAYO-250", "pe:s:KOPI-GAYO-250"):
            refused = await tg.wait_callback_answer(await tg.press(dewi, card, data_))
            assert refused.show_alert and "Hanya admin" in (refused.text or "")
        await tg.send_text(dewi, "/produk baru", chat=group)
        await tg.wait_bot_message(group, has("Hanya admin"))
        # A question Sari opened is not Dewi's to answer.
        await tg.press(sari, card, "pe:n:KOPI-GAYO-250")
        prompt = await tg.wait_bot_message(group, has("nama baru"))
        await tg.send_text(dewi, "Kopi Palsu", chat=group, reply_to=prompt)
        await tg.wait_bot_message(group, has("Hanya admin"))
        assert await catalog_rows(bot) == before
        await tg.send_text(sari, "Kopi Gayo Wine 250 g", chat=group, reply_to=prompt)
        await tg.wait_edit(prompt, has("Kopi Arabika Gayo 250 g → Kopi Gayo Wine 250 g"))
        tg.assert_clean()
    finally:
        await bot.stop()


async def test_a_new_product_step_by_step_survives_a_restart(shop: RunningBot) -> None:
    tg, group = shop.tg, shop.staff
    sari = tg.user(8001, "Sari")
    budi = tg.user(7001, "Budi")
    await tg.send_text(sari, "/produk baru", chat=group)
    step = await tg.wait_bot_message(group, has("Produk baru", "1/5"))
    await tg.send_text(sari, "Kopi Kintamani 200 g", chat=group, reply_to=step)
    step = await tg.wait_bot_message(group, has("2/5", "KOPI-KINTAMANI-200-G"))
    await shop.restart()  # the question is in the store, not in memory
    await tg.send_text(sari, "ok", chat=group, reply_to=step)
    step = await tg.wait_bot_message(group, has("3/5"))
    await tg.send_text(sari, "Kopi & Teh", chat=group, reply_to=step)
    step = await tg.wait_bot_message(group, has("4/5"))
    await tg.send_text(sari, "gratis", chat=group, reply_to=step)
    await tg.wait_bot_message(group, has("bukan jumlah rupiah"))
    await tg.send_text(sari, "78.000", chat=group, reply_to=step)
    step = await tg.wait_bot_message(group, has("5/5"))
    await tg.send_text(sari, "15", chat=group, reply_to=step)
    made = await tg.wait_bot_message(group, has("dibuat oleh Sari", "KOPI-KINTAMANI-200-G"))
    assert "pe:p:KOPI-KINTAMANI-200-G" in made.callback_data()
    item = await stock.product(shop.store, "KOPI-KINTAMANI-200-G")
    assert (item.name, item.category, item.price, item.stock) == (
        "Kopi Kintamani 200 g", "Kopi & Teh", 78_000, 15
    )
    # On sale at once: a customer can open it.
    await tg.send_text(budi, "/start KOPI-KINTAMANI-200-G")
    await tg.wait_bot_message(budi, has("Kopi Kintamani 200 g", "Rp78.000"))
    # An answered step is closed: replying again does not make a second product.
    await tg.send_text(sari, "16", chat=group, reply_to=step)
    await tg.wait_bot_message(group, has("Pertanyaan itu sudah selesai"))
    tg.assert_clean()


async def test_off_sale_from_the_card_leaves_the_catalog_at_once(shop: RunningBot) -> None:
    tg, group = shop.tg, shop.staff
    sari, budi = tg.user(8001, "Sari"), tg.user(7001, "Budi")
    await tg.send_text(budi, "/start KOPI-GAYO-250")
    product = await tg.wait_bot_message(budi, has("Kopi Arabika Gayo 250 g"))
    await tg.send_text(sari, "/produk KOPI-GAYO-250", chat=group)
    card = await tg.wait_bot_message(group, has("Kopi Arabika Gayo 250 g"))
    await tg.press(sari, card, "pe:off:KOPI-GAYO-250")
    await tg.wait_bot_message(group, has("tidak dijual lagi", "oleh Sari"))
    await tg.wait_edit(card, lambda m: "pe:on:KOPI-GAYO-250" in m.callback_data())
    # The customer's old buttons for it no longer work.
    gone = await tg.wait_callback_answer(await tg.press(budi, product, "a:KOPI-GAYO-250:1"))
    assert gone.show_alert and "tidak dijual" in (gone.text or "")
    assert (await shop.store.fetchone("SELECT COUNT(*) AS n FROM cart_items"))["n"] == 0
    # Stock from the card: remove two with a reason.
    await tg.press(sari, card, "pe:s:KOPI-GAYO-250")
    choices = await tg.wait_edit(card, lambda m: "pe:sr:KOPI-GAYO-250" in m.callback_data())
    await tg.press(sari, choices, "pe:sr:KOPI-GAYO-250")
    prompt = await tg.wait_bot_message(group, has("jumlah yang dikurangi"))
    await tg.send_text(sari, "2", chat=group, reply_to=prompt)
    await tg.wait_bot_message(group, has("Alasannya wajib"))
    await tg.send_text(sari, "2 kemasan rusak", chat=group, reply_to=prompt)
    await tg.wait_edit(prompt, has("di rak 40 → 38", "kemasan rusak"))
    await tg.send_text(sari, "/stock KOPI-GAYO-250", chat=group)
    await tg.wait_bot_message(group, has("-2 → 38 (kurangi: kemasan rusak)"))
    tg.assert_clean()


async def test_an_old_or_stale_preview_asks_for_the_file_again(
    fake_tg: FakeBotApi, db_location: Path | str
) -> None:
    clock = FrozenClock(datetime(2026, 11, 22, 2, 0, tzinfo=UTC))
    bot = RunningBot(fake_tg, make_settings(fake_tg, db_location), clock=clock)
    await bot.seed()
    await bot.start()
    try:
        tg, group = fake_tg, bot.staff
        sari = tg.user(8001, "Sari")
        data = workbook([["KOPI-GAYO-250", "Kopi Gayo", "Kopi & Teh", 90000, 40, "", "yes"]])
        await tg.send_document(sari, "katalog.xlsx", data, XLSX, chat=group)
        old = await tg.wait_bot_message(group, has("Pratinjau katalog"))
        await tg.send_document(sari, "katalog.xlsx", data, XLSX, chat=group)
        fresh = await tg.wait_bot_message(group, has("Pratinjau katalog"))

        clock.current += timedelta(minutes=31)
        await tg.press(sari, old, button(old, "Impor"))
        await tg.wait_edit(old, has("lebih dari 30 menit", "Kirim filenya lagi"))
        clock.current -= timedelta(minutes=31)  # the second one is young; someone edits
        await tg.send_text(sari, "/restock KOPI-GAYO-250 5", chat=group)
        await tg.wait_bot_message(group, has("ditambah"))
        await tg.press(sari, fresh, button(fresh, "Impor"))
        await tg.wait_edit(fresh, has("Katalog berubah sejak pratinjau", "Kirim filenya lagi"))
        item = await stock.product(bot.store, "KOPI-GAYO-250")
        assert (item.name, item.price, item.stock) == ("Kopi Arabika Gayo 250 g", 85_000, 45)
        tg.assert_clean()
    finally:
        await bot.stop()
