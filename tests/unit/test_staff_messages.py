"""Staff texts in both languages: every template renders with StrictUndefined, typed text is
escaped, errors read right; the invoice PDF draws Latin-1 only and is reproducible."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pypdf
import pytest

from bot.notices.orders import CARD_RECENT_EVENTS
from domain.catalog.stock import Movement, Restocked
from domain.errors import AlreadyDone, TransitionNotAllowed
from domain.fulfilment.couriers import DEFAULT_COURIERS
from domain.fulfilment.invoices import Invoice, InvoiceContent, InvoiceLine
from domain.fulfilment.worklist import OPEN, QueueItem, QueuePage
from domain.models import (
    Order,
    OrderEvent,
    OrderLine,
    PaymentMethod,
    PaymentStatus,
    Product,
    Status,
)
from domain.ordering.timeline import Audience
from handlers.common import plain
from handlers.keyboards import staff as kb
from messages import Messages
from messages.invoice_pdf import latin1, render_invoice
from tests.fakebotapi import parse_html

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # 09:00 WIB
NASTY = "<b>bold</b> & <script>x</script> 😀"
M = Messages()
LANGS = ("id", "en")


def order(status: Status = Status.SHIPPED, **kw: object) -> Order:
    values: dict[str, object] = {
        "id": 1,
        "number": "K7Q3MX",
        "user_id": 5,
        "status": status,
        "payment_status": PaymentStatus.PAID,
        "payment_method": PaymentMethod.TRANSFER,
        "customer_name": NASTY,
        "phone": "+6281234567890",
        "address": "Jl. Melati No. 5, Jakarta Selatan 12160",
        "shipping_code": "reg",
        "shipping_name": "JNE REG",
        "shipping_fee": 15_000,
        "note": NASTY,
        "subtotal": 175_000,
        "total": 190_000,
        "created_at": NOW,
        "updated_at": NOW,
        "courier": "J&T Express",
        "tracking_number": "JP1234567890",
        "invoice_number": "INV/2026/11/0001",
        "staff_message_id": 10,
        "lines": (OrderLine(sku="KOPI", name="Kopi Gayo", unit_price=85_000, quantity=1),),
        "events": tuple(
            OrderEvent(
                at=NOW + timedelta(minutes=i),
                actor_id=6,
                actor_name="Sari",
                kind="note" if i % 3 == 2 else "status",
                from_status=None,
                to_status=None if i % 3 == 2 else "placed",
                note=NASTY if i % 3 == 2 else None,
            )
            for i in range(12)
        ),
    }
    values.update(kw)
    return Order(**values)  # type: ignore[arg-type]


def content(**kw: object) -> InvoiceContent:
    values: dict[str, object] = {
        "number": "INV/2026/11/0007",
        "issued_at": NOW,
        "language": "id",
        "timezone": "Asia/Jakarta",
        "shop_name": "Toko Kopi Nusantara",
        "shop_address": "Jl. Kemang Raya No. 10, Jakarta Selatan",
        "tax_id": "01.234.567.8-012.000",
        "bank_name": "BCA",
        "bank_number": "1234567890",
        "bank_holder": "Toko Kopi",
        "order_number": "K7Q3MX",
        "order_date": NOW,
        "customer_name": "Budi Santoso 😀",
        "phone": "+6281234567890",
        "address": "Jl. Melati No. 5 RT 02/RW 03, Kebayoran Baru",
        "lines": (
            InvoiceLine(
                sku="KOPI", name="Kopi – Gayo × 2", quantity=1, unit_price=85_000, amount=85_000
            ),
            InvoiceLine(sku="ROA", name="Sambal Roa", quantity=2, unit_price=45_000, amount=90_000),
        ),
        "subtotal": 175_000,
        "shipping_name": "JNE REG (2–3 hari)",
        "shipping_fee": 15_000,
        "total": 190_000,
        "payment_method": "transfer",
        "payment_status": "paid",
    }
    values.update(kw)
    return InvoiceContent(**values)  # type: ignore[arg-type]


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def card(lang: str, o: Order) -> str:
    """The staff card as the outbox draws it (bot/notices/orders.py)."""
    return M.render_order(
        lang, "staff_order_card", order=o, audience=Audience.STAFF, recent=CARD_RECENT_EVENTS
    )


@pytest.mark.parametrize("lang", LANGS)
def test_card_escapes_what_people_typed_and_shows_the_history(lang: str) -> None:
    text = card(lang, order())
    assert NASTY not in text
    assert "&lt;script&gt;" in text
    assert "J&amp;T Express" in text and "<code>JP1234567890</code>" in text
    assert "INV/2026/11/0001" in text
    assert text.count("Sari") == 8  # the last eight entries of twelve
    assert "… 4 " in text and "<code>/order K7Q3MX</code>" in text  # and where the rest are


@pytest.mark.parametrize("lang", LANGS)
def test_refund_warning_on_a_paid_order_turned_down(lang: str) -> None:
    assert "⚠️" in card(lang, order(Status.CANCELLED))
    assert "⚠️" not in card(lang, order(Status.SHIPPED))


@pytest.mark.parametrize("lang", LANGS)
def test_every_staff_template_renders(lang: str) -> None:
    o = order()
    invoice = Invoice("INV/2026/11/0007", 1, NOW, "Sari", content())
    product = Product(
        sku="KOPI", name="Kopi <Gayo>", category="K", price=85_000, stock=5, reserved=2
    )
    item = QueueItem(
        "K7Q3MX",
        Status.PLACED,
        NASTY,
        190_000,
        PaymentMethod.TRANSFER,
        PaymentStatus.PROOF_SUBMITTED,
        NOW - timedelta(hours=26),
        3,
    )
    page = QueuePage(OPEN, (item,), {s: 1 for s in (*OPEN, Status.SHIPPED)}, 0, 2, 11)
    texts = [
        M.order_history(lang, o, 1, invoice=invoice).text,
        M.render(lang, "staff_queue", page=page, now=NOW),
        M.render(lang, "staff_find", query=NASTY, orders=[o], limit=10),
        M.render(lang, "staff_stock", products=[product], low_only=True, more=3),
        M.render(
            lang, "staff_stock_item", product=product, movements=[Movement(NOW, 24, 29, NASTY)]
        ),
        M.render(lang, "staff_restocked", result=Restocked(product, 3, 2), actor_name=NASTY),
        M.render(lang, "staff_low_stock", product=product, available=3, threshold=5),
        M.render(lang, "staff_invoice", invoice=invoice, order=o, resent=True),
        M.render(lang, "notice_invoice", invoice=invoice, order=o),
        M.render(
            lang,
            "notice_shipped",
            order=o,
            tracking_url="https://t.example/?a=1&b=2",
            corrected=False,
        ),
        M.render(lang, "received_thanks", order=o),
        M.render(lang, "staff_help", shop_name=NASTY, couriers="JNE, J&T", invoice_at="manual"),
        M.render(lang, "staff_refused", private=True),
        # a later page of /order <no> <page>: no card, the entries before
        M.render(
            lang, "staff_order_detail", order=o, invoice=invoice, events=o.events[:3], page=2,
            pages=3,
        ),
    ]
    for action in ("verify", "reject", "pack", "ship", "invoice", "deliver", "cancel", "note"):
        texts.append(
            M.render(
                lang,
                "staff_done",
                action=action,
                order=o,
                invoice=invoice,
                resent=False,
                note=NASTY,
                actor_name=NASTY,
            )
        )
    for action in ("verify", "reject", "cancel", "note", "ship"):
        texts.append(
            M.render(
                lang,
                "staff_prompt",
                action=action,
                order=o,
                actor_id=6,
                actor_name=NASTY,
                courier="J&T Express",
                example="JP1234567890",
            )
        )
        assert M.render(lang, "staff_prompt_placeholder", action=action)
    for command in (
        "queue",
        "order",
        "verify",
        "reject",
        "pack",
        "ship",
        "invoice",
        "deliver",
        "cancelorder",
        "note",
        "stock",
        "restock",
        "find",
    ):
        texts.append(M.render(lang, "staff_usage", command=command, couriers="JNE"))
    for kind in ("done", "note", "invoice", "couriers", "prompt", "opened", "back", "refused"):
        assert plain(
            M.render(lang, "staff_toast", kind=kind, order=o, invoice=invoice, resent=False)
        )
    for text in texts:
        assert text
        assert NASTY not in text and "<script>" not in text
    assert "https://t.example/?a=1&amp;b=2" in texts[9]


@pytest.mark.parametrize("lang", LANGS)
def test_staff_errors(lang: str) -> None:
    done = AlreadyDone(
        number="K7Q3MX",
        status=Status.VERIFIED,
        actor_name="Sari <b>",
        at=NOW,
        current=Status.PACKED,
    )
    text = M.error(lang, "staff_already_done", **done.context)
    assert "Sari &lt;b&gt;" in text and "09:00" in text
    assert ("Dikemas" if lang == "id" else "Packed") in text
    refused = TransitionNotAllowed(
        number="K7Q3MX", status=Status.PACKED, wanted="verified", allowed=["ship", "cancel", "note"]
    )
    text = M.error(lang, "staff_not_allowed", **refused.context)
    assert ("Kirim" if lang == "id" else "Ship") in text
    codes = (
        "staff_not_found",
        "staff_stale",
        "receipt_missing",
        "reason_required",
        "courier_unknown",
        "tracking_missing",
        "tracking_invalid",
        "tracking_in_use",
        "invoice_not_yet",
        "restock_quantity",
        "restock_too_large",
        "sku_unknown",
        "admin_only",
        "already_processed",
        "prompt_closed",
        "queue_status_unknown",
        "find_query",
        "received_not_shipped",
    )
    generic = M.error(lang, "generic")
    for code in codes:
        text = M.error(
            lang,
            code,
            number="K7Q3MX",
            status="placed",
            courier="JNE",
            couriers="JNE",
            example="X1",
            tracking="X1",
            max=10,
            min=2,
            sku="<x>",
            word="<x>",
        )
        assert text != generic, code


@pytest.mark.parametrize("lang", LANGS)
def test_card_buttons_follow_the_status(lang: str) -> None:
    def labels(status: Status, invoice: str | None = None) -> list[str]:
        markup = kb.staff_order_actions(M, lang, order(status, invoice_number=invoice))
        assert markup is not None
        return [b.callback_data for row in markup.inline_keyboard for b in row]

    assert labels(Status.PLACED) == ["st:v:K7Q3MX", "st:r:K7Q3MX", "st:x:K7Q3MX", "st:n:K7Q3MX"]
    assert labels(Status.PACKED) == ["st:s:K7Q3MX", "st:i:K7Q3MX", "st:x:K7Q3MX", "st:n:K7Q3MX"]
    assert labels(Status.REJECTED) == ["st:n:K7Q3MX"]
    couriers = kb.staff_couriers(M, lang, order(Status.PACKED), DEFAULT_COURIERS)
    data = [b.callback_data for row in couriers.inline_keyboard for b in row]
    assert "st:c:K7Q3MX:jnt" in data and data[-1] == "st:b:K7Q3MX"
    assert all(len(d.encode()) <= 64 for d in data)


def test_latin1_folding() -> None:
    assert latin1("Kopi – Gayo × 2 “enak” …") == 'Kopi - Gayo x 2 "enak" ...'
    assert latin1("Budi 😀 Santoso") == "Budi Santoso"
    assert latin1("Café Ñusantara") == "Café Ñusantara"
    assert latin1("Łódź 東京") == "Lódz ??"
    latin1("👨‍👩‍👧 family").encode("latin-1")


@pytest.mark.parametrize("lang", LANGS)
def test_invoice_pdf_reads_back_and_is_reproducible(lang: str) -> None:
    invoice = Invoice("INV/2026/11/0007", 1, NOW, "Sari", content(language=lang))
    data = render_invoice(invoice, M)
    assert data.startswith(b"%PDF-")
    assert render_invoice(invoice, M) == data  # a re-send is the very same file
    text = pdf_text(data)
    for expected in (
        "INV/2026/11/0007",
        "Toko Kopi Nusantara",
        "01.234.567.8-012.000",
        "#K7Q3MX",
        "Rp85.000",
        "Rp90.000",
        "Rp175.000",
        "Rp15.000",
        "Rp190.000",
        "Budi Santoso",
        "Kopi - Gayo x 2",
    ):
        assert expected in text, expected
    assert ("LUNAS" if lang == "id" else "PAID") in text


def test_invoice_pdf_for_cod_and_for_many_lines() -> None:
    lines = tuple(
        InvoiceLine(sku=f"S{i}", name=f"Produk {i}", quantity=1, unit_price=1000, amount=1000)
        for i in range(60)
    )
    data = render_invoice(
        Invoice(
            "INV/2026/11/0008",
            1,
            NOW,
            "Sari",
            content(payment_method="cod", payment_status="unpaid", lines=lines, tax_id=""),
        ),
        M,
    )
    text = pdf_text(data)
    assert "BELUM DIBAYAR" in text and "Produk 59" in text
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) >= 2


@pytest.mark.parametrize("lang", LANGS)
def test_the_upgrade_note_names_the_new_id_for_the_settings(lang: str) -> None:
    text = M.render(lang, "staff_group_moved", old=-4012345, new=-1004012345)
    assert "<code>STAFF_CHAT_ID=-1004012345</code>" in text
    assert "-4012345<" not in text  # the old id is of no use any more


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_templates_render(lang: str) -> None:
    """The catalog managed from the group: preview, outcome, export, product card, questions
    and answers; what staff typed (names, notes, file names) is escaped."""
    from domain.catalog.catalog_import import CatalogDiff, Change, ImportRow, RowDiff, RowError
    from domain.catalog.product_edit import ChangeEntry

    row = ImportRow(3, "KOPI", NASTY, NASTY, 90_000, 5, NASTY, None, True, 5)
    changed = RowDiff(row, (Change("price", 85_000, 90_000), Change("active", True, False)))
    diff = CatalogDiff([row], [changed], 7, [])
    errors = [
        RowError.of(4, "price_invalid", value=NASTY),
        RowError.of(5, "sku_repeats", sku="KOPI", first=3),
        RowError.of(6, "not_number", field="stock", value=NASTY),
        RowError.of(1, "missing_columns", columns="price, stock"),
    ]
    product = Product(sku="KOPI", name=NASTY, category="K", price=85_000, stock=5, reserved=2,
                      description=NASTY, photo="AgACAgIAAx")
    changes = [
        ChangeEntry("price", 85_000, 90_000, NASTY, NOW),
        ChangeEntry("description", "", NASTY, "Sari", NOW),
        ChangeEntry("created", None, None, "Sari", NOW),
    ]
    moves = [Movement(NOW, -2, 3, NASTY, "remove", NASTY), Movement(NOW, 24, 29, "Sari")]
    texts = [
        M.render(lang, "staff_catalog_preview", file_name=NASTY, errors=errors, more=3,
                 diff=None, entries=[], ready=False),
        M.render(lang, "staff_catalog_preview", file_name=NASTY, errors=[], more=2, diff=diff,
                 entries=[("new", row), ("changed", changed)], ready=True),
        M.render(lang, "staff_catalog_preview", file_name="a.csv", errors=[], more=0,
                 diff=CatalogDiff([], [], 3, []), entries=[], ready=False),
        M.render_caption(lang, "staff_catalog_export", count=12, kind="Excel"),
        M.render(lang, "staff_product_card", product=product, changes=changes, movements=moves),
        M.render(lang, "staff_stock_item", product=product, movements=moves, changes=changes),
    ]
    for kind in ("imported", "cancelled", "expired", "stale", "failed"):
        texts.append(M.render(lang, "staff_catalog_done", kind=kind, file_name=NASTY,
                              actor_name=NASTY, diff=diff, errors=errors))
    for field in ("price", "name", "description", "category", "low_stock_threshold", "photo",
                  "stock_set", "stock_add", "stock_remove"):
        texts.append(M.render(lang, "staff_product_prompt", field=field, product=product,
                              draft={}, step=0, steps=5, actor_id=6, actor_name=NASTY))
    for i, step in enumerate(("name", "sku", "category", "price", "stock"), 1):
        texts.append(M.render(lang, "staff_product_prompt", field=f"new_{step}", product=None,
                              draft={"name": NASTY, "suggested": "KOPI-2"}, step=i, steps=5,
                              actor_id=6, actor_name="Sari"))
    for field, before, after in (("price", 85_000, 90_000), ("active", True, False),
                                 ("active", False, True), ("name", NASTY, "Kopi"),
                                 ("photo", None, "AgAC"), ("price", 1, 1)):
        texts.append(M.render(lang, "staff_product_done", kind="edited", field=field,
                              before=before, after=after, product=product, actor_name=NASTY))
    texts.append(M.render(lang, "staff_product_done", kind="stock", how="remove", before=5,
                          after=3, note=NASTY, product=product, actor_name=NASTY))
    texts.append(M.render(lang, "staff_product_done", kind="created", product=product,
                          actor_name=NASTY))
    for command in ("katalog", "produk"):
        texts.append(M.render(lang, "staff_usage", command=command, couriers="JNE"))
    for text in texts:
        assert text and "None" not in text
        assert NASTY not in text and "<script>" not in text
        parse_html(text)
    preview = texts[1]
    assert "Rp85.000 → Rp90.000" in preview
    assert ("Baris 4" if lang == "id" else "Line 4") in texts[0]
    assert "Rp85.000 → <b>Rp90.000</b>" in texts[-10]
    for code in ("catalog_preview_closed", "catalog_preview_expired", "catalog_preview_stale",
                 "catalog_admin_only", "product_value", "sku_taken", "stock_adjust_usage",
                 "stock_reason_required", "stock_below_reserved", "product_photo_needed",
                 "catalog_file_too_big"):
        text = M.error(lang, code, state="imported", actor_name=NASTY, at=NOW, minutes=30,
                       field="price", problem="price_invalid", detail={"value": NASTY},
                       sku="<x>", how="add", reserved=2, wanted=1, max_mb=10)
        assert text != M.error(lang, "generic") and NASTY not in text, code
        parse_html(text)
