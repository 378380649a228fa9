"""Every text a person reads: formatting filters, and every template in both languages.

Templates are discovered from messages/templates/<lang>/, so a new template without a context
builder in CONTEXTS fails here until someone writes one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from jinja2 import UndefinedError, nodes
from markupsafe import escape

import messages
from bot.settings import BankAccount
from domain import errors as domain_errors
from domain.catalog.catalog import Page
from domain.models import (
    Cart,
    CartLine,
    CheckoutDetails,
    Order,
    OrderEvent,
    OrderLine,
    PaymentMethod,
    PaymentStatus,
    Product,
    ShippingOption,
    Status,
)
from domain.ordering.timeline import Audience, for_audience
from messages import Messages
from messages.formatting import clock_time, rupiah, shorten, when
from tests.fakebotapi import parse_html

TEMPLATES = Path(messages.__file__).parent / "templates"
LANGS = ("id", "en")
TELEGRAM_TEXT_MAX = 4096
TELEGRAM_CAPTION_MAX = 1024

# Files that only define macros; each macro is rendered by its own test below.
MACRO_LIBRARIES = frozenset({"labels.html", "errors.html", "buttons.txt"})

# Template and macro names (prefixes) without a context builder here yet, because other issues
# are adding them in parallel and render them in their own tests. Names listed in CONTEXTS are
# rendered here all the same (staff_order_card, staff_payment_proof). Remove a prefix once its
# templates have builders below; any other new template must get one.
TEMPLATE_PREFIXES_WITHOUT_BUILDER: tuple[str, ...] = (
    # Rendered with their own contexts in test_staff_messages.py (staff workflow) and
    # test_schedule_templates.py (scheduled messages, surveys).
    "staff_",
    "invoice_",
    "notice_invoice",
    "notice_shipped",
    "received_thanks",
    "delivery_check_",
    "digest_",
    "nudge_",
    "reminder_",
    "schedule_",
    "settings_",
    "survey_",
    "aftersales_",  # rendered in tests/unit/test_aftersales_templates.py
    # Rendered from a real report in test_report_templates.py.
    "report_",
    "refund_",  # rendered in tests/unit/test_refund_templates.py (issue 9, part C)
)

T0 = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # 09:00 WIB
FAMILY = "👨\u200d👩\u200d👧"


# ---------------------------------------------------------------- what users type


@dataclass(frozen=True)
class Texts:
    """Everything in a template that a customer, staff member or shop owner typed."""

    person: str = "Siti Rahayu"
    first_name: str = "Siti"
    address: str = "Jl. Melati No. 12, RT 03/RW 05, Cempaka Putih, Jakarta Pusat 10510"
    note: str = "Pagar hijau, titip ke satpam"
    product: str = "Kopi Arabika Gayo 250 g"
    category: str = "Kopi & Teh"
    shop: str = "Toko Kopi Nusantara"
    staff: str = "Rina (admin)"
    reason: str = "Bukti transfer tidak terbaca"


PLAIN = Texts()
HOSTILE = Texts(
    person=f'Siti <b>"Bos"</b> & Co {FAMILY}',
    first_name="<b>Siti</b> 🌸",
    address="<a href='http://x'>Jl.</a> Melati No. 12 🏠 & RT 03 </code>",
    note="<i>cepat</i> ya 🙏 <tg-spoiler>",
    product='Kopi <Gayo> & "Toraja" ☕',
    category="Kopi <&> Teh",
    shop="Toko <Kopi> & Co",
    staff="<u>Rina</u>",
    reason="</b>ditolak<b>",
)

SHIPPING = ShippingOption(code="reg", name="JNE REG (2–3 hari)", fee=15_000)
BANK = BankAccount(bank="BCA", number="1234567890", holder="Toko Kopi Nusantara")


def product(t: Texts, **changes: Any) -> Product:
    base = Product(
        sku="KOPI-GAYO-250",
        name=t.product,
        category=t.category,
        price=85_000,
        stock=40,
        reserved=3,
        description=f"Biji kopi arabika dari Aceh Gayo. {t.note}",
        photo=None,
    )
    return base.model_copy(update=changes)


def cart(t: Texts) -> Cart:
    return Cart(
        user_id=1001,
        lines=(
            CartLine(
                sku="KOPI-GAYO-250", name=t.product, unit_price=85_000, quantity=2, available=37
            ),
            CartLine(
                sku="TEH-MELATI",
                name="Teh Melati 100 g",
                unit_price=18_000,
                quantity=1,
                available=9,
            ),
            # ran short since it was added, and one no longer sold
            CartLine(
                sku="BATIK-M", name="Kemeja Batik M", unit_price=250_000, quantity=3, available=1
            ),
            CartLine(
                sku="OLD",
                name="Sambal Roa",
                unit_price=35_000,
                quantity=1,
                available=5,
                active=False,
            ),
        ),
    )


def details(
    t: Texts, method: PaymentMethod = PaymentMethod.TRANSFER, note: bool = True
) -> CheckoutDetails:
    return CheckoutDetails(
        name=t.person,
        phone="+6281234567890",
        address=t.address,
        shipping_code=SHIPPING.code,
        payment_method=method,
        note=t.note if note else None,
    )


def event(
    t: Texts, minutes: int, kind: str, frm: str | None, to: str, note: str | None = None
) -> OrderEvent:
    customer = kind == "status" and to == Status.PLACED
    return OrderEvent(
        at=T0 + timedelta(minutes=minutes),
        actor_id=1001 if customer else 777,
        actor_name=t.person if customer else t.staff,
        kind=kind,
        from_status=frm,
        to_status=to,
        note=note,
    )


def history(t: Texts, status: Status) -> tuple[OrderEvent, ...]:
    """The events an order in `status` would have."""
    events = [event(t, 0, "status", None, Status.PLACED)]
    events.append(event(t, 5, "payment", "unpaid", "proof_submitted"))
    if status == Status.REJECTED:
        return (*events, event(t, 30, "status", "placed", status, t.reason))
    if status == Status.CANCELLED:
        return (*events, event(t, 30, "status", "placed", status, t.reason))
    if status == Status.PLACED:
        return tuple(events)
    events.append(event(t, 30, "payment", "proof_submitted", "paid"))
    path = [Status.VERIFIED, Status.PACKED, Status.SHIPPED, Status.DELIVERED]
    previous: str = Status.PLACED
    for i, step in enumerate(path[: path.index(status) + 1]):
        events.append(event(t, 60 * (i + 1), "status", previous, step))
        previous = step
    events.append(event(t, 61, "note", None, None, t.note))
    return tuple(events)


def order(
    t: Texts,
    status: Status = Status.PLACED,
    *,
    method: PaymentMethod = PaymentMethod.TRANSFER,
    payment: PaymentStatus | None = None,
) -> Order:
    lines = (
        OrderLine(sku="KOPI-GAYO-250", name=t.product, unit_price=85_000, quantity=2),
        OrderLine(sku="TEH-MELATI", name="Teh Melati 100 g", unit_price=18_000, quantity=1),
    )
    subtotal = sum(x.amount for x in lines)
    shipped = status in (Status.SHIPPED, Status.DELIVERED)
    if payment is None:
        payment = PaymentStatus.UNPAID if status == Status.PLACED else PaymentStatus.PAID
    return Order(
        id=42,
        number="K7Q3MX",
        user_id=1001,
        status=status,
        payment_status=payment,
        payment_method=method,
        customer_name=t.person,
        phone="+6281234567890",
        address=t.address,
        shipping_code=SHIPPING.code,
        shipping_name=SHIPPING.name,
        shipping_fee=SHIPPING.fee,
        note=t.note,
        subtotal=subtotal,
        total=subtotal + SHIPPING.fee,
        created_at=T0,
        updated_at=T0 + timedelta(hours=3),
        payment_proof_file_id="AgACAgUAAxkBAAIBZ2" if payment != PaymentStatus.UNPAID else None,
        courier="JNE" if shipped else None,
        tracking_number="JT1234567890" if shipped else None,
        invoice_number="INV/2026/11/0001" if shipped else None,
        staff_message_id=555,
        lines=lines,
        events=history(t, status),
    )


TRACKING_URL = "https://www.jne.co.id/tracking-package?resi=JT1234567890&x=<1>"


def view(o: Order, audience: Audience, recent: int | None = None, **ctx: Any) -> dict[str, Any]:
    """An order view's context as Messages.render_order builds it: the order with only the
    audience's events, the newest `recent` of them and how many earlier ones are hidden."""
    shown = for_audience(o, audience)
    events = shown.events[-recent:] if recent else shown.events
    return {"order": shown, "events": events, "hidden": len(shown.events) - len(events), **ctx}

Contexts = Callable[[Texts], list[dict[str, Any]]]


def static(**ctx: Any) -> Contexts:
    return lambda t: [ctx]


# name → the contexts the handlers render it with (several when the template branches).
CONTEXTS: dict[str, Contexts] = {
    "added": lambda t: [{"quantity": 2, "name": t.product, "cart": cart(t)}],
    "ask_qty": lambda t: [{"product": product(t)}],
    "cancel_confirm": lambda t: [{"order": order(t)}],
    "cart": lambda t: [{"cart": cart(t)}, {"cart": Cart(user_id=1001)}],
    "categories": lambda t: [
        {"names": [t.category, "Pakaian"], "shop_name": t.shop},
        {"names": [], "shop_name": t.shop},
    ],
    "category": lambda t: [
        {"category": t.category, "page": Page(items=(product(t),), page=1, pages=3)}
    ],
    "checkout_address": static(),
    "checkout_cancelled": static(),
    "checkout_choose": static(),
    "checkout_name": static(),
    "checkout_note": static(),
    "checkout_payment": static(bank=BANK),
    "checkout_phone": static(),
    "checkout_phone_ok": static(phone="+6281234567890"),
    "checkout_shipping": static(),
    "checkout_stale": static(),
    "checkout_summary": lambda t: [
        {"cart": cart(t), "shipping": SHIPPING, "details": details(t)},
        {"cart": cart(t), "shipping": SHIPPING, "details": details(t, PaymentMethod.COD, False)},
    ],
    "conversation_ended": lambda t: [
        {"names": names, "after": after}
        for names in (["shopping"], ["complaint"], ["refund_details"],
                      ["shopping", "complaint", "refund_details"])
        for after in (timedelta(hours=24), timedelta(minutes=90), timedelta(days=3))
    ],
    "flood_slow_down": static(seconds=10),
    "help": lambda t: [{"shop_name": t.shop}],
    "interrupted": lambda t: [
        *({"kind": "toast", "cut": cut} for cut in (False, True)),
        *(
            {"kind": "note", "what": what, "then": then, "cut": cut}
            for what in ("press", "message")
            for then in ("step", "view", "staff", "pointer")
            for cut in (False, True)
        ),
    ],
    "language_choose": static(),
    "language_set": static(),
    "menu": static(),
    "not_understood": static(),
    "notice_status": lambda t: [
        {"order": order(t, s), "to": s, "note": t.reason if s == Status.REJECTED else None}
        for s in Status
    ],
    "order_cancelled": lambda t: [
        {"order": order(t, Status.CANCELLED, payment=p)} for p in PaymentStatus
    ],
    "order_detail": lambda t: [
        view(
            order(t, s),
            Audience.CUSTOMER,
            recent,
            tracking_url=TRACKING_URL if s == Status.SHIPPED else None,
        )
        for s in Status
        for recent in (None, 2)
    ],
    "order_placed": lambda t: [
        {"order": order(t), "bank": BANK},
        {"order": order(t, method=PaymentMethod.COD), "bank": BANK},
    ],
    "order_placed_ack": lambda t: [
        {"order": order(t)},
        {"order": order(t, method=PaymentMethod.COD)},
    ],
    "orders_list": lambda t: [{"total": 0}, {"total": 3}],
    "product": lambda t: [
        {"product": product(t)},
        {"product": product(t, reserved=40, description="")},
    ],
    "proof_received": lambda t: [{"order": order(t, payment=PaymentStatus.PROOF_SUBMITTED)}],
    "setup_chat_id": static(chat_id=-1001234567890, is_staff=False),
    "staff_order_card": lambda t: [
        view(order(t, s), Audience.STAFF, recent) for s in Status for recent in (None, 2)
    ],
    "staff_payment_proof": lambda t: [{"order": order(t, payment=PaymentStatus.PROOF_SUBMITTED)}],
    "track": lambda t: [
        {"order": order(t, s), "tracking_url": TRACKING_URL if s == Status.SHIPPED else None}
        for s in Status
    ],
    "track_usage": static(example="K7Q3MX"),
    "unknown_command": static(),
    "nothing_to_cancel": static(),
    "welcome": lambda t: [{"first_name": t.first_name, "shop_name": t.shop}],
}


# ---------------------------------------------------------------- discovery


def files(lang: str) -> set[str]:
    return {p.name for p in (TEMPLATES / lang).iterdir() if p.is_file()}


def message_templates(lang: str) -> set[str]:
    return {
        name.removesuffix(".html")
        for name in files(lang)
        if name.endswith(".html") and name not in MACRO_LIBRARIES
    }


def wanted(name: str) -> bool:
    return not name.startswith(TEMPLATE_PREFIXES_WITHOUT_BUILDER) or name in CONTEXTS


ALL_TEMPLATES = sorted(message_templates("id") | message_templates("en"))
RENDER_CASES = [(lang, name) for name in ALL_TEMPLATES if wanted(name) for lang in LANGS]


def macro_names(path: str) -> dict[str, list[str]]:
    """Macro name → argument names, read from the template's syntax tree."""
    env = Messages().env
    source = env.loader.get_source(env, path)[0]  # type: ignore[union-attr]
    return {m.name: [a.name for a in m.args] for m in env.parse(source).find_all(nodes.Macro)}


def test_no_macro_is_defined_twice_in_a_template() -> None:
    """Jinja keeps the last of two macros with one name: the first would silently vanish."""
    env = Messages().env
    for path in env.list_templates():
        source = env.loader.get_source(env, path)[0]  # type: ignore[union-attr]
        names = [m.name for m in env.parse(source).find_all(nodes.Macro)]
        twice = {n for n in names if names.count(n) > 1}
        assert not twice, f"{path}: {sorted(twice)}"


@pytest.fixture(scope="module")
def msgs() -> Messages:
    return Messages(timezone="Asia/Jakarta", default_language="id")


def test_template_folders_hold_only_known_kinds() -> None:
    for lang in LANGS:
        for name in files(lang):
            known = name.endswith(".html") or name in MACRO_LIBRARIES
            assert known or not wanted(name), f"{lang}/{name}"


def test_both_languages_have_the_same_templates() -> None:
    assert files("id") == files("en")


def test_every_template_has_a_context_builder() -> None:
    found = {n for n in ALL_TEMPLATES if wanted(n)}
    missing = sorted(found - CONTEXTS.keys())
    stale = sorted(CONTEXTS.keys() - found)
    assert not missing, f"templates without a context builder in CONTEXTS: {missing}"
    assert not stale, f"CONTEXTS names templates that no longer exist: {stale}"
    assert len(found) >= 30  # discovery really found the templates


# ---------------------------------------------------------------- rendering every template


def check_telegram_text(text: str, where: str, limit: int = TELEGRAM_TEXT_MAX) -> None:
    assert text.strip(), f"{where}: renders empty"
    assert len(text) < limit, f"{where}: {len(text)} characters"
    assert "None" not in text, f"{where}: a missing value shows as None"
    assert "&amp;lt;" not in text and "&amp;gt;" not in text, f"{where}: escaped twice"
    parse_html(text)  # Telegram's HTML parse mode accepts it


@pytest.mark.parametrize(("lang", "name"), RENDER_CASES, ids=[f"{a}-{b}" for a, b in RENDER_CASES])
@pytest.mark.parametrize("texts", [PLAIN, HOSTILE], ids=["plain", "hostile"])
def test_template_renders(msgs: Messages, lang: str, name: str, texts: Texts) -> None:
    builder = CONTEXTS.get(name)
    assert builder is not None, f"no context builder for template {name!r}: add one to CONTEXTS"
    variants = builder(texts)
    assert variants
    typed = {v for v in vars(texts).values() if v}
    for i, ctx in enumerate(variants):
        where = f"{lang}/{name} #{i} ({sorted(ctx)})"
        text = msgs.render(lang, name, **ctx)
        check_telegram_text(text, where)
        visible = parse_html(text).text
        for value in typed:
            # Whatever a person typed is either absent, or shown exactly as typed.
            assert (str(escape(value)) in text) == (value in visible), f"{where}: {value!r}"
            if "<" in value:
                assert value not in text, f"{where}: {value!r} not escaped"


def detail(msgs: Messages, lang: str, o: Order) -> str:
    """The customer's order view, rendered as handlers/customer/orders.py does."""
    return msgs.render_order(
        lang, "order_detail", order=o, audience=Audience.CUSTOMER, recent=12, tracking_url=None
    )


def test_user_text_is_escaped_exactly(msgs: Messages) -> None:
    text = detail(msgs, "id", order(HOSTILE))
    assert "Siti &lt;b&gt;&#34;Bos&#34;&lt;/b&gt; &amp; Co " + FAMILY in text
    assert "&lt;i&gt;cepat&lt;/i&gt; ya 🙏 &lt;tg-spoiler&gt;" in text
    assert "Kopi &lt;Gayo&gt; &amp; &#34;Toraja&#34; ☕" in text
    visible = parse_html(text).text
    assert HOSTILE.person in visible
    assert HOSTILE.address in visible
    assert HOSTILE.note in visible

    welcome = msgs.render("en", "welcome", first_name="<b>Siti</b> 🌸", shop_name="Toko <Kopi>")
    assert welcome.startswith("Hello, <b>&lt;b&gt;Siti&lt;/b&gt; 🌸</b>!")
    assert "<b>Toko &lt;Kopi&gt;</b>" in welcome


def test_missing_variable_raises(msgs: Messages) -> None:
    with pytest.raises(UndefinedError):
        msgs.render("id", "welcome", shop_name="Toko")
    with pytest.raises(UndefinedError):
        msgs.render("en", "cancel_confirm", order=SimpleNamespace(number="K7Q3MX"))
    with pytest.raises(UndefinedError):
        msgs.render("id", "checkout_phone_ok")


def test_unknown_language_falls_back_to_default(msgs: Messages) -> None:
    indonesian = msgs.render("id", "menu")
    assert msgs.render(None, "menu") == indonesian
    assert msgs.render("fr", "menu") == indonesian
    assert msgs.render("en", "menu") != indonesian
    english = Messages(default_language="en")
    assert english.render("xx", "menu") == msgs.render("en", "menu")


def test_order_texts_show_rupiah_and_wib(msgs: Messages) -> None:
    for lang in LANGS:
        text = detail(msgs, lang, order(PLAIN))
        assert "Rp170.000" in text  # 2 × Rp85.000
        assert "Rp188.000" in text  # subtotal
        assert "Rp203.000" in text  # total with shipping
        assert "22 Nov 2026 09:00 WIB" in text
        assert "+62 812-3456-7890" in text


def test_order_placed_transfer_shows_account_and_cod_does_not(msgs: Messages) -> None:
    transfer = msgs.render("id", "order_placed", order=order(PLAIN), bank=BANK)
    cod = msgs.render("id", "order_placed", order=order(PLAIN, method=PaymentMethod.COD), bank=BANK)
    assert "1234567890" in transfer and "Rp203.000" in transfer
    assert "1234567890" not in cod and "COD" in cod


# ---------------------------------------------------------------- macro libraries


def test_both_languages_have_the_same_macros() -> None:
    for library in sorted(MACRO_LIBRARIES):
        ids, ens = macro_names(f"id/{library}"), macro_names(f"en/{library}")
        assert ids == ens, library  # same names, same arguments
        assert ids, f"{library} defines no macros"


BUTTON_ARGS: dict[str, Callable[[Texts], Any]] = {
    "product": lambda t: product(t),
    "qty": lambda t: 5,
    "line": lambda t: cart(t).lines[0],
    "value": lambda t: t.address,
    "option": lambda t: SHIPPING,
    "method": lambda t: "transfer",
    "order": lambda t: order(t, Status.VERIFIED),
    "number": lambda t: "K7Q3MX",
    "courier": lambda t: SimpleNamespace(name="J&T Express", code="jnt"),
    "score": lambda t: 9,
    "on": lambda t: True,
    "phone": lambda t: "+6281234567890",
    "period": lambda t: "lastmonth",
    # after-sales, staff side (part B)
    "action": lambda t: "reject",
    "again": lambda t: True,
    "solution": lambda t: "return_refund",
    "amount": lambda t: 115_000,
    "wanted": lambda t: True,
    "sku": lambda t: "KOPI-GAYO-250",
    "left": lambda t: 2,
    "count": lambda t: 2,
    "confirm": lambda t: True,
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("texts", [PLAIN, HOSTILE], ids=["plain", "hostile"])
def test_every_button_renders(msgs: Messages, lang: str, texts: Texts) -> None:
    for name, args in macro_names(f"{lang}/buttons.txt").items():
        if not wanted(name):
            continue
        unknown = set(args) - BUTTON_ARGS.keys()
        assert not unknown, f"button {name}: add {unknown} to BUTTON_ARGS"
        label = msgs.button(lang, name, **{a: BUTTON_ARGS[a](texts) for a in args})
        assert label and "None" not in label, name
        assert "\n" not in label, name
        assert "&lt;" not in label and "&amp;" not in label, f"{name}: buttons show text as is"
        if name.startswith("cmd_"):
            assert 1 <= len(label) <= 256, name  # BotCommand description
    product_label = msgs.button(lang, "product", product=product(HOSTILE))
    assert product_label.startswith(HOSTILE.product + " · Rp85.000")
    sold_out = msgs.button(lang, "product", product=product(PLAIN, reserved=40))
    assert sold_out.endswith("(habis)" if lang == "id" else "(sold out)")
    for method in PaymentMethod:
        assert msgs.button(lang, "payment_method", method=method)
    assert msgs.button(lang, "shipping_option", option=SHIPPING) == "JNE REG (2–3 hari) · Rp15.000"


ERROR_ARGS: dict[str, Any] = {
    "number": "K7Q3MX",
    "name": "Kopi Arabika Gayo 250 g",
    "available": 2,
    "requested": 5,
    "max": 99,
    "min": 15,
    "in_cart": 1,
    "status": Status.PACKED,
    "sku": "KOPI-GAYO-250",
    "courier": "J&T Express",
    "couriers": "JNE, J&T Express, SiCepat",
    "example": "JP1234567890",
    "tracking": "JNE0123456789",
    "word": "kemarin",
    "length": 350,
    "bank": "BCA",
    "lengths": "10",
    "statuses": "open, approved, resolved",
    # the catalog managed from the staff group (issue 14)
    "state": "imported",
    "actor_name": "Sari",
    "at": datetime(2026, 11, 22, 2, 0, tzinfo=UTC),
    "minutes": 30,
    "max_mb": 10,
    "field": "price",
    "problem": "price_zero",
    "detail": {},
    "how": "remove",
    "reserved": 3,
    "wanted": 1,
    "kinds": "orders, lines, returns, cod, stock",
    "limit": 200,
    "day": "2026-12-01",
}
# Arguments that must appear in the sentence whenever an error macro takes them.
ALWAYS_SHOWN = ("number", "name", "available", "requested", "max", "min", "sku")


@pytest.mark.parametrize("lang", LANGS)
def test_every_error_renders(msgs: Messages, lang: str) -> None:
    macros = macro_names(f"{lang}/errors.html")
    assert "generic" in macros
    texts = set()
    checked = {code: args for code, args in macros.items() if wanted(code)}
    for code, args in checked.items():
        unknown = set(args) - ERROR_ARGS.keys()
        assert not unknown, f"error {code}: add {unknown} to ERROR_ARGS"
        text = msgs.error(lang, code, **ERROR_ARGS)
        check_telegram_text(text, f"{lang} error {code}")
        for arg in set(args) & set(ALWAYS_SHOWN):
            assert str(ERROR_ARGS[arg]) in text, f"error {code} does not show {arg}"
        texts.add(text)
    assert len(texts) == len(checked)  # no two codes share a sentence
    packed = msgs.error(lang, "transition_not_allowed", **ERROR_ARGS)
    assert ("Dikemas" if lang == "id" else "Packed") in packed
    assert msgs.error(lang, "no_such_code", foo=1) == msgs.error(lang, "generic")


def test_error_sentences_escape_what_was_typed(msgs: Messages) -> None:
    text = msgs.error("id", "not_found", number="<b>K7Q3MX</b>")
    assert "&lt;b&gt;K7Q3MX&lt;/b&gt;" in text
    parse_html(text)
    stock = msgs.error("en", "out_of_stock", name="Kopi <Gayo>", available=1, requested=3, sku="X")
    assert "Kopi &lt;Gayo&gt;" in stock and "1 left" in stock and "ordered 3" in stock
    over = msgs.error("id", "quantity_over_stock", available=4)  # no in_cart: that clause drops
    assert over == "Stok tidak cukup: tersedia 4."


# Domain modules whose errors reach customers (the staff workflow has its own messages).
CUSTOMER_FACING_MODULES = (
    "validation",
    "ordering/cart",
    "ordering/orders",
    "customers",
    "catalog/catalog",
    "aftersales/complaints",
    "aftersales/bank",
    "aftersales/refunds",
    "aftersales/amounts",
    "aftersales/inspection",
    "aftersales/reads",
    "aftersales/cod",
    "aftersales/windows",
)


def test_every_domain_error_code_has_a_sentence() -> None:
    """Each error the domain raises to a customer must have a sentence in both languages."""
    classes = [
        c
        for c in vars(domain_errors).values()
        if isinstance(c, type) and issubclass(c, domain_errors.DomainError)
    ]
    codes = {
        c.code for c in classes if c not in (domain_errors.DomainError, domain_errors.InvalidInput)
    }
    domain_dir = Path(domain_errors.__file__).parent
    for module in CUSTOMER_FACING_MODULES:
        source = (domain_dir / f"{module}.py").read_text("utf-8")
        codes |= set(re.findall(r'InvalidInput\(\s*"([a-z_]+)"', source))
    # Raised only to the shop owner's command line (catalog import), never shown in chat.
    codes -= {"price_invalid"}
    assert {"not_found", "out_of_stock", "quantity_over_stock", "phone_invalid"} <= codes
    for lang in LANGS:
        missing = codes - macro_names(f"{lang}/errors.html").keys()
        assert not missing, f"{lang}/errors.html lacks {sorted(missing)}"


@pytest.mark.parametrize("lang", LANGS)
def test_every_label_exists(msgs: Messages, lang: str) -> None:
    labels = msgs.env.get_template(f"{lang}/labels.html").module
    status_labels = {str(labels.status(s)).strip() for s in Status}
    assert len(status_labels) == len(Status) and all(status_labels)
    assert len({str(labels.status_icon(s)).strip() for s in Status}) == len(Status)
    assert len({str(labels.payment_status(p)).strip() for p in PaymentStatus}) == len(PaymentStatus)
    assert all(str(labels.payment_method(m)).strip() for m in PaymentMethod)
    assert str(labels.status("shipped")).strip() == ("Dikirim" if lang == "id" else "Shipped")


# ---------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (150_000, "Rp150.000"),
        (0, "Rp0"),
        (500, "Rp500"),
        (1_000, "Rp1.000"),
        (1_500_000, "Rp1.500.000"),
        (99_000_000_000, "Rp99.000.000.000"),
    ],
)
def test_rupiah(amount: int, text: str) -> None:
    assert rupiah(amount) == text


def test_long_product_names_are_shortened_in_the_middle_of_order_lines(msgs: Messages) -> None:
    name = "Kemeja Batik Parang Lengan Panjang Katun Primisima ukuran XL"
    short = shorten(name, 48)
    assert len(short) == 48
    assert short.startswith("Kemeja Batik Parang") and short.endswith("ukuran XL")
    assert shorten("Kopi Gayo", 48) == "Kopi Gayo"
    long = order(PLAIN).model_copy(
        update={"lines": (OrderLine(sku="B", name=name, unit_price=1, quantity=1),)}
    )
    card = msgs.render_order("id", "staff_order_card", order=long, audience=Audience.STAFF)
    assert f"• {short} × 1" in card


def test_rupiah_is_the_same_in_english(msgs: Messages) -> None:
    ctx = {"order": order(PLAIN), "bank": BANK}
    assert "Rp203.000" in msgs.render("en", "order_placed", **ctx)
    assert "Rp203.000" in msgs.render("id", "order_placed", **ctx)


def test_dates_in_the_shops_zone() -> None:
    jakarta, makassar, jayapura = (
        ZoneInfo(z) for z in ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")
    )
    assert when(T0, jakarta, "id") == "22 Nov 2026 09:00 WIB"
    assert when(T0, jakarta, "en") == "22 Nov 2026 09:00 WIB"
    assert when(T0, makassar, "id") == "22 Nov 2026 10:00 WITA"
    assert when(T0, jayapura, "en") == "22 Nov 2026 11:00 WIT"
    late = datetime(2026, 8, 16, 18, 30, tzinfo=UTC)  # already the 17th in Jakarta
    assert when(late, jakarta, "id") == "17 Agu 2026 01:30 WIB"
    assert when(late, jakarta, "en") == "17 Aug 2026 01:30 WIB"
    assert clock_time(T0, jakarta) == "09:00 WIB"


def test_shop_zone_setting_reaches_templates() -> None:
    makassar = Messages(timezone="Asia/Makassar")
    assert "22 Nov 2026 10:00 WITA" in detail(makassar, "id", order(PLAIN))


def test_hostile_texts_really_are_hostile() -> None:
    """Guard for the tests above: HOSTILE differs from PLAIN in every field and is markup."""
    for field in vars(PLAIN):
        assert getattr(HOSTILE, field) != getattr(PLAIN, field), field
        assert any(ch in getattr(HOSTILE, field) for ch in "<&"), field


def test_templates_skipped_here_are_rendered_by_their_feature_tests() -> None:
    """A template left out above must be rendered in the staff or schedule template tests:
    named there, or under a prefix those tests discover templates by."""
    here = Path(__file__).parent
    feature_tests = "".join(
        (here / name).read_text(encoding="utf-8")
        for name in (
            "test_staff_messages.py",
            "test_schedule_templates.py",
            "test_aftersales_templates.py",
            "test_report_templates.py",
            "test_complaint_flow_templates.py",  # issue 9, part A
            "test_refund_templates.py",
        )
    )

    def covered(name: str) -> bool:
        if name.endswith("_labels"):  # macro libraries, imported by the templates rendered
            return True
        prefix = name.split("_", 1)[0] + "_"
        return f'"{name}"' in feature_tests or f'"{prefix}"' in feature_tests

    skipped = [name for name in ALL_TEMPLATES if not wanted(name)]
    assert skipped
    assert [name for name in skipped if not covered(name)] == []


@pytest.mark.parametrize("lang", LANGS)
def test_not_found_without_a_number_never_shows_none(lang: str) -> None:
    text = Messages().error(lang, "not_found")
    assert "None" not in text and "<b></b>" not in text
