"""The largest order the rules allow, through the real Application and the strict fake Bot API
(which refuses over-long texts): its staff card is edited in place after every long note and
every edit is accepted; /order pages the whole timeline; the customer's own view of the order
fits too and shows none of the staff notes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from domain.models import CheckoutDetails, PaymentMethod, ShippingOption
from domain.ordering import cart as carts
from domain.ordering import orders
from domain.ordering.cart import MAX_LINES
from domain.validation import ADDRESS_MAX, MAX_PRICE, MAX_QUANTITY, NAME_MAX, NOTE_MAX
from tests.e2e.harness import RunningBot, make_settings
from tests.fakebotapi import FakeBotApi, FakeMessage
from tests.fakebotapi.fixtures import fake_tg  # noqa: F401 - the server fixture

SHIPPING = ShippingOption(code="reg", name=("Kurir <Kilat> & Aman " * 3)[:60], fee=MAX_PRICE)
NOTES = 14  # each one edits the card again
MARK = "ZQX"


def long_text(length: int, seed: str = "") -> str:
    return (seed + "Kemeja <Batik> & Tenun ikat " * 40)[:length]


CATALOG = "sku,name,category,price,stock,description\n" + "".join(
    f"BIG-{i:02d},{long_text(100, f'{i:02d} ')},Pakaian,{MAX_PRICE},1000,\n"
    for i in range(MAX_LINES)
)


@pytest_asyncio.fixture
async def big_shop(fake_tg: FakeBotApi, db_location: Path | str) -> AsyncIterator[RunningBot]:  # noqa: F811
    settings = make_settings(fake_tg, db_location, shipping_options=[SHIPPING])
    bot = RunningBot(fake_tg, settings)
    async with bot.running(CATALOG):
        yield bot


def text_of(message: FakeMessage) -> str:
    return message.text or message.caption or ""


async def test_the_largest_orders_card_is_always_accepted(big_shop: RunningBot) -> None:
    tg, group = big_shop.tg, big_shop.staff
    budi = tg.user(7001, "Budi")
    staff = tg.user(8001, "R" * 32, last_name="S" * 31)  # a 64-character name
    await tg.send_text(budi, "/start")
    await tg.wait_bot_message(budi)
    for i in range(MAX_LINES):
        await carts.add_to_cart(big_shop.store, budi.id, f"BIG-{i:02d}", MAX_QUANTITY)
    details = CheckoutDetails(
        name=long_text(NAME_MAX, "Budi "),
        phone="+6281234567890",
        address=long_text(ADDRESS_MAX, "Jl. Melati "),
        shipping_code="reg",
        payment_method=PaymentMethod.TRANSFER,
        note=long_text(NOTE_MAX),
    )
    order = await orders.place_order(big_shop.store, budi.id, details, SHIPPING)
    number = order.number
    card = await tg.wait_bot_message(group, lambda m: f"#{number}" in text_of(m))

    async def staff_says(text: str) -> None:
        await tg.send_text(staff, text, chat=group)
        await tg.wait_bot_message(group, lambda m: number in text_of(m))

    # Verified with a long override note, then many long notes: each redraws the card.
    await staff_says(f"/verify {number} {MARK}-verify {long_text(NOTE_MAX - 20)}")
    for i in range(NOTES):
        await staff_says(f"/note {number} {MARK}-{i:02d} {long_text(NOTE_MAX - 8)}")
    last = f"{MARK}-{NOTES - 1:02d}"
    card = await tg.wait_edit(card, lambda m: last in text_of(m))
    assert len(text_of(card)) <= 4096 and f"/order {number}" in text_of(card)
    assert "Rp1.980.000.000.000" in text_of(card)  # 20 × 99 × Rp1.000.000.000

    # /order pages the full timeline: every note once, across the pages.
    await tg.send_text(staff, f"/order {number}", chat=group)
    first = await tg.wait_bot_message(group, lambda m: "Riwayat lengkap" in text_of(m))
    pages = int(text_of(first).split("halaman 1/", 1)[1].split()[0])
    assert pages >= 2
    seen = [w for w in text_of(first).split() if w.startswith(f"{MARK}-")]
    for page in range(2, pages + 1):
        await tg.send_text(staff, f"/order {number} {page}", chat=group)
        shown = await tg.wait_bot_message(group, lambda m, p=page: f"halaman {p}/" in text_of(m))
        seen += [w for w in text_of(shown).split() if w.startswith(f"{MARK}-")]
    notes = [f"{MARK}-verify"] * 2 + [f"{MARK}-{i:02d}" for i in range(NOTES)]
    assert sorted(seen) == sorted(notes)  # on the payment and the status change: both
    await tg.send_text(staff, f"/order {number} x", chat=group)
    await tg.wait_bot_message(group, lambda m: "/order <no. pesanan> [halaman]" in text_of(m))

    # The customer's own view fits and shows no staff note.
    await tg.send_text(budi, "/orders")
    listing = await tg.wait_bot_message(budi)
    await tg.press(budi, listing, f"o:view:{number}")
    detail = await tg.wait_edit(listing, lambda m: "Riwayat" in text_of(m))
    assert "Terverifikasi" in text_of(detail)
    assert all(MARK not in text_of(m) for m in tg.bot_messages(budi))
    tg.assert_clean()  # no request Telegram would have refused, over-long edits included
