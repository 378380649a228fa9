"""/laporan, /ekspor and /setor in the staff group through the real Application and the strict
fake Bot API: the report's texts and its charts (photos), the period buttons, the exports as
documents that open in a spreadsheet, and exports refused to staff who are not admins."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest_asyncio

from domain.actors import Actor
from domain.aftersales import cod
from domain.clock import utc_now
from tests.e2e.harness import RunningBot, make_settings
from tests.e2e.test_staff_workflow import checkout, has, text_of
from tests.fakebotapi import FakeBotApi, FakeMessage
from tests.fakebotapi.fixtures import fake_tg  # noqa: F401 - the server fixture

ADMIN, CLERK = 8001, 8002


@pytest_asyncio.fixture
async def shop(
    fake_tg: FakeBotApi, new_location: Callable[[datetime], Path | str]  # noqa: F811
) -> AsyncIterator[RunningBot]:
    where = new_location(utc_now())  # set up today, as a first start would on SQLite
    settings = make_settings(fake_tg, where, staff_admin_ids=[ADMIN])
    bot = RunningBot(fake_tg, settings)
    async with bot.running():
        yield bot


def photos(tg: FakeBotApi, chat_id: int) -> list[FakeMessage]:
    return [m for m in tg.bot_messages(chat_id) if m.photo]


async def test_laporan_sends_the_report_and_its_charts_and_the_buttons_change_period(
    shop: RunningBot,
) -> None:
    tg, group = shop.tg, shop.staff
    budi = tg.user(7001, "Budi")
    number = await checkout(tg, budi, "KOPI-GAYO-250", qty=2)
    await tg.wait_bot_message(group, has(f"#{number}"))
    sari = tg.user(ADMIN, "Sari")

    await tg.send_text(sari, "/laporan", chat=group)
    first = await tg.wait_bot_message(group, has("Laporan Toko Kopi Nusantara", "Penjualan"))
    text = text_of(first)
    assert "Penjualan kotor: Rp170.000" in text and "Pesanan: 1" in text
    assert "Menunggu pembayaran: 1" in text
    assert first.callback_data() == ["rp:today", "rp:7d", "rp:month", "rp:lastmonth"]
    products = await tg.wait_bot_message(group, has("Produk dan stok"))
    assert "Kopi Arabika Gayo 250 g: 2 pcs" in text_of(products)
    more = await tg.wait_bot_message(group, has("Bantuan pajak"))
    assert "Retur (komplain tidak ditolak): 0" in text_of(more)
    assert "Ditolak saat diantar (retur ke pengirim): 0 dari 0 COD dikirim" in text_of(more)
    # The first chart on a fresh machine also builds matplotlib's font cache: seconds.
    await tg.wait_for(
        lambda: len(photos(tg, group.id)) == 2 or None, timeout=60, what="two charts"
    )

    query = await tg.press(sari, first, "rp:7d")
    await tg.wait_callback_answer(query)
    again = await tg.wait_bot_message(group, has("Laporan Toko Kopi Nusantara"))
    assert again.message_id > first.message_id
    await tg.wait_for(
        lambda: len(photos(tg, group.id)) == 4 or None, timeout=30, what="two more charts"
    )

    await tg.send_text(sari, "/report 2099-01", chat=group)
    await tg.wait_bot_message(group, has("belum mulai"))
    tg.assert_clean()


async def test_ekspor_sends_xlsx_and_csv_to_admins_only(shop: RunningBot) -> None:
    tg, group = shop.tg, shop.staff
    budi = tg.user(7001, "Budi")
    number = await checkout(tg, budi, "KOPI-GAYO-250", cod=True)
    await tg.wait_bot_message(group, has(f"#{number}"))
    dewi, sari = tg.user(CLERK, "Dewi"), tg.user(ADMIN, "Sari")

    await tg.send_text(dewi, "/ekspor orders", chat=group)
    await tg.wait_bot_message(group, has("hanya admin"))
    assert not [d for d in tg.sent_documents if d.chat_id == group.id]

    await tg.send_text(sari, "/ekspor orders bulanini", chat=group)

    def exported() -> list | None:
        docs = [d for d in tg.sent_documents if d.chat_id == group.id]
        return docs if len(docs) == 2 else None

    xlsx, csv_file = await tg.wait_for(exported, what="the two export files")
    assert xlsx.file_name.endswith(".xlsx") and csv_file.file_name.endswith(".csv")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "order_number" and rows[1][0] == number
    assert csv_file.data.startswith(b"\xef\xbb\xbf") and number.encode() in csv_file.data

    await tg.send_text(sari, "/export bogus", chat=group)
    await tg.wait_bot_message(group, has("orders|lines|returns|cod|stock"))
    await tg.send_text(sari, "/setor jne", chat=group)
    await tg.wait_bot_message(group, has("Catat setoran COD"))
    await tg.send_text(dewi, "/setor jne 100000 ABC123", chat=group)
    await tg.wait_bot_message(group, has("hanya admin"))
    tg.assert_clean()


async def test_ekspor_returns_sends_a_row_per_complaint_line_to_admins_only(
    shop: RunningBot,
) -> None:
    """A refused COD parcel (returned to sender by staff) is in the returns export, in the
    report's COD refusals and, once inspected, in section 6's units."""
    tg, group = shop.tg, shop.staff
    joko = tg.user(7104, "Joko")
    number = await checkout(tg, joko, "KOPI-GAYO-250", cod=True, qty=2)
    await tg.wait_bot_message(group, has(f"#{number}"))
    owner = Actor(9001, "Pemilik")
    desk = shop.app.bot_data.shop.desk  # type: ignore[union-attr]
    await desk.verify(number, owner, None)
    await desk.pack(number, owner)
    await desk.ship(number, owner, "jnt", "JP1100000077")
    await cod.mark_returned_to_sender(shop.store, number, owner, return_cost=12_000)
    dewi, sari = tg.user(CLERK, "Dewi"), tg.user(ADMIN, "Sari")

    def exported() -> list:
        # The shipment's invoice may reach the group too: only the export's files count.
        return [d for d in tg.sent_documents
                if d.chat_id == group.id and d.file_name.startswith("returns_")]

    await tg.send_text(dewi, "/ekspor retur", chat=group)
    await tg.wait_bot_message(group, has("hanya admin"))
    assert not exported()

    await tg.send_text(sari, "/ekspor retur bulanini", chat=group)
    xlsx, csv_file = await tg.wait_for(
        lambda: exported() if len(exported()) == 2 else None, timeout=30,
        what="the two returns files",
    )
    assert xlsx.file_name.startswith("returns_") and xlsx.file_name.endswith(".xlsx")
    assert csv_file.file_name.endswith(".csv"), csv_file.file_name
    assert csv_file.data.startswith(b"\xef\xbb\xbf"), csv_file.data[:20]
    header, *rows = list(
        openpyxl.load_workbook(io.BytesIO(xlsx.data), read_only=True).active.iter_rows(
            values_only=True
        )
    )
    col = {name: i for i, name in enumerate(header)}
    [row] = rows
    assert (row[col["order_number"]], row[col["reason"]], row[col["sku"]]) == (
        number, "cod_refused", "KOPI-GAYO-250"
    )
    assert (row[col["quantity"]], row[col["resellable"]], row[col["refund_amount"]]) == (2, 0, None)
    assert row[col["status"]] == "return_in_transit"
    assert "cod_refused" in csv_file.data.decode("utf-8-sig")

    await tg.send_text(sari, "/laporan bulanini", chat=group)
    more = await tg.wait_bot_message(group, has("Bantuan pajak"))
    assert "Ditolak saat diantar (retur ke pengirim): 1 dari 1 COD dikirim (100,0%)" in text_of(
        more
    )
    tg.assert_clean()
