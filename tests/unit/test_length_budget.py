"""The length budget: the largest order the rules allow, in every template that shows an order,
in both languages, fits Telegram's limits (4,096 visible characters for a text, 1,024 for a
caption) without the last-resort cut; and the budget's own pieces."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from jinja2 import nodes

from bot.notices.orders import CARD_RECENT_EVENTS
from bot.settings import BankAccount
from domain.aftersales.models import ComplaintView
from domain.fulfilment.invoices import Invoice
from domain.models import Cart, CheckoutDetails, Order, PaymentStatus, Status
from domain.ordering.timeline import Audience, events_for
from handlers.common import plain
from handlers.customer.orders import CUSTOMER_RECENT_EVENTS
from handlers.staff.complaint_card import card_text
from messages import Messages, budget
from messages.budget import CAPTION_LIMIT, TEXT_LIMIT, clip, cut_html, largest, visible_length
from tests import largest_order as big
from tests.fakebotapi import parse_html
from tests.unit import test_aftersales_templates as aftersales
from tests.unit import test_messages, test_schedule_templates
from tests.unit.test_messages import LANGS, MACRO_LIBRARIES, TEMPLATES, Texts
from tests.unit.test_staff_messages import content

M = Messages()
URL = "https://cekresi.com/?noresi=" + "2" * big.TRACKING_MAX
BANK = BankAccount(bank="B" * 40, number="1" * 30, holder="H" * 60)
INVOICE = Invoice("INV/2026/11/99999", 1, big.T0, "R" * 64, content())
CAPTIONS = frozenset(
    {"staff_payment_proof", "staff_invoice", "notice_invoice", "product", *aftersales.CAPTIONS}
)


# ---------------------------------------------------------------- the pieces


def test_visible_length_counts_what_telegram_shows() -> None:
    assert visible_length("<b>a&amp;b</b> &lt;i&gt;") == 7  # a&b <i>
    assert visible_length('<a href="https://x.y/?a=1&amp;b=2">link</a>') == 4
    assert visible_length("🍵é") == 3  # UTF-16: the emoji is two units
    assert visible_length("&#34;&#39;&quot;") == 3
    assert visible_length("&#128512;") == 2  # any other entity is read properly


def test_clip_marks_the_cut_and_prefers_a_word_end() -> None:
    assert clip("Jalan Melati", 20) == "Jalan Melati"
    assert clip("Jalan Melati nomor dua belas", 20) == "Jalan Melati nomor…"
    assert clip("x" * 50, 10) == "x" * 9 + "…"
    assert all(len(clip("ab cd " * 20, w)) <= w for w in range(1, 60))


def test_largest_finds_the_bound() -> None:
    assert largest(lambda n: n <= 17, 0, 100) == 17
    assert largest(lambda n: n <= 17, 0, 10) == 10
    assert largest(lambda n: n <= 17, 18, 30) is None
    assert largest(lambda n: True, 3, 3) == 3


def test_cut_html_never_cuts_inside_a_tag_or_an_entity() -> None:
    html = (
        '🧾 <b>Order &amp; <i>co</i></b> · <a href="https://x.y/?a=1&amp;b=2">link &lt;x&gt;</a>'
        " <code>JP1234</code> &#34;end&#34;"
    )
    full = visible_length(html)
    for limit in range(2, full + 1):
        cut = cut_html(html, limit)
        # Telegram's strict HTML parse accepts it: tags closed, entities whole.
        shown = parse_html(cut).text
        assert visible_length(cut) <= limit and shown.endswith("…")
        assert parse_html(html).text.startswith(shown[:-1])  # the start, as it was


def test_shrink_shortens_free_text_only() -> None:
    order = big.order(big.ASCII)
    short = budget.shrink(order, budget.LEVELS[-1])
    assert len(short.address) <= budget.LEVELS[-1].address and short.address.endswith("…")
    assert all(len(x.name) <= budget.LEVELS[-1].product for x in short.lines)
    assert all(len(e.note or "") <= budget.LEVELS[-1].note for e in short.events)
    assert (short.number, short.total, short.tracking_number, short.phone) == (
        order.number,
        order.total,
        order.tracking_number,
        order.phone,
    )


def test_a_text_over_the_limit_is_cut_safely_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="messages.budget")
    text = M.render("en", "welcome", first_name="<b>" * 3000, shop_name="Toko")
    assert visible_length(text) <= TEXT_LIMIT and text.endswith("…</b>")
    parse_html(text)
    assert "welcome" in caplog.text
    assert len(caplog.records) == 1


def test_a_list_keeps_as_many_as_fit_and_counts_the_rest() -> None:
    orders = [big.order(big.ASCII, Status.CANCELLED, notes=0)] * 200
    text = M.render_list(
        "en",
        "nudge_payment_expired",
        lambda n: {"orders": orders[:n], "more": len(orders) - n, "hours": 24},
        len(orders),
    )
    shown = text.count("#K7Q3MX")
    assert 20 <= shown < 200 and f"and {200 - shown} more orders" in text
    assert visible_length(text) <= TEXT_LIMIT


# ---------------------------------------------------------------- every template with an order


def _names_in(name: str) -> set[str]:
    env = M.env
    source = env.loader.get_source(env, f"id/{name}.html")[0]  # type: ignore[union-attr]
    return {n.name for n in env.parse(source).find_all(nodes.Name)}


ORDER_TEMPLATES = sorted(
    p.stem
    for p in (TEMPLATES / "id").glob("*.html")
    if p.name not in MACRO_LIBRARIES
    and not p.stem.endswith("_labels")
    and {"order", "orders"} & _names_in(p.stem)
)
# The order before it is placed shows the same lines and details.
ALSO = ("checkout_summary", "cart", "product")


def long_texts(a: big.Alphabet) -> Texts:
    return Texts(
        person=a.text(big.NAME_MAX, "S"),
        first_name=a.text(64),
        address=a.text(400, "Jl "),
        note=a.text(300),
        product=a.text(big.PRODUCT_NAME_MAX),
        category=a.text(40),
        shop=a.text(60),
        staff=a.text(big.STAFF_NAME_MAX),
        reason=a.text(300),
    )


def swap_largest(value: Any, a: big.Alphabet) -> Any:
    """`value` with every order, cart and checkout detail swapped for the largest one."""
    if isinstance(value, Order):
        return big.order(a, value.status, method=value.payment_method, payment=value.payment_status)
    if isinstance(value, Cart):
        return big.cart(a)
    if isinstance(value, CheckoutDetails):
        return big.details(a, value.payment_method)
    if isinstance(value, list | tuple):
        return type(value)(swap_largest(v, a) for v in value)
    return value


def staff_contexts(t: Texts, a: big.Alphabet) -> dict[str, list[dict[str, Any]]]:
    o = big.order(a)
    many = [big.order(a, s) for s in Status] * 2  # /find answers at most search.LIMIT (10)
    return {
        "staff_done": [
            {"action": act, "order": o, "invoice": INVOICE, "resent": False, "note": t.reason,
             "actor_name": t.staff}
            for act in ("verify", "reject", "cancel", "note", "ship", "invoice", "pack")
        ],
        "staff_prompt": [
            {"action": act, "order": o, "actor_id": 1, "actor_name": t.staff,
             "courier": big.ASCII.text(big.COURIER_NAME_MAX), "example": "JP1234567890"}
            for act in ("verify", "reject", "cancel", "note", "ship")
        ],
        "staff_toast": [
            {"kind": k, "order": o, "invoice": INVOICE, "resent": True}
            for k in ("done", "note", "invoice", "couriers", "prompt", "opened", "back")
        ],
        "staff_find": [{"query": t.reason[:200], "orders": many[:10], "limit": 10}],
        "staff_payment_proof": [{"order": big.order(a, Status.PLACED)}],
        "staff_invoice": [{"invoice": INVOICE, "order": o, "resent": True}],
        "notice_invoice": [{"invoice": INVOICE, "order": o}],
        "notice_shipped": [
            {"order": big.order(a, Status.SHIPPED), "tracking_url": URL, "corrected": c}
            for c in (False, True)
        ],
        "received_thanks": [{"order": o}],
        "order_placed": [
            {"order": big.order(a, Status.PLACED, method=m), "bank": BANK}
            for m in ("transfer", "cod")
        ],
        "product": [{"product": big.product(a)}],
        **aftersales.contexts(o, t.reason),
        "checkout_summary": [
            {"cart": big.cart(a), "shipping": big.shipping(a), "details": big.details(a, m)}
            for m in ("transfer", "cod")
        ],
    }


def contexts(name: str, a: big.Alphabet) -> list[dict[str, Any]]:
    t = long_texts(a)
    staff = staff_contexts(t, a)
    if name in staff:
        return staff[name]
    for source in (test_messages.CONTEXTS, test_schedule_templates.CONTEXTS):
        if name in source:
            return [{k: swap_largest(v, a) for k, v in ctx.items()} for ctx in source[name](t)]
    raise AssertionError(f"no context for {name}: add one to staff_contexts")


def render(lang: str, name: str, ctx: dict[str, Any]) -> list[tuple[str, int]]:
    """The texts the bot sends for this template and context, the way it renders them."""
    if name == "order_detail":  # handlers/customer/orders.py
        return [
            (
                M.render_order(
                    lang,
                    name,
                    order=order,
                    audience=Audience.CUSTOMER,
                    recent=CUSTOMER_RECENT_EVENTS,
                    tracking_url=URL,
                ),
                TEXT_LIMIT,
            )
            for order in (big.order(big_alphabet(ctx), s) for s in Status)
        ]
    if name == "staff_order_card":  # bot/notices/orders.py, edited in place
        return [
            (
                M.render_order(
                    lang, name, order=big.order(big_alphabet(ctx), s), audience=Audience.STAFF,
                    recent=CARD_RECENT_EVENTS,
                ),
                TEXT_LIMIT,
            )
            for s in Status
        ]
    if name == "staff_order_detail":  # /order <no> [page]: page 1 here, every page below
        return [
            (M.order_history(lang, big.order(big_alphabet(ctx), s), 1, invoice=INVOICE).text,
             TEXT_LIMIT)
            for s in (Status.PLACED, Status.DELIVERED, Status.REJECTED)
        ]
    if name == "aftersales_staff_complaint_card":  # handlers/staff/complaint_card.py
        view = ComplaintView(
            complaint=ctx["complaint"], evidence=(), events=ctx["events"] * 10,
            refund=ctx["refund"], shipment=ctx["shipment"],
        )
        text = card_text(M, lang, ctx["order"], view, ctx["proposed"], ctx["refusals"])
        return [(text, TEXT_LIMIT)]
    if name == "aftersales_staff_timeline":  # /order and /return: the whole history
        many = ctx["events"] * 30

        def build(n: int) -> dict[str, Any]:
            return {**ctx, "events": many[len(many) - n :], "hidden": len(many) - n}

        return [(M.render_list(lang, name, build, len(many)), TEXT_LIMIT)]
    if name in CAPTIONS:
        return [(M.render_caption(lang, name, **ctx), CAPTION_LIMIT)]
    return [(M.render(lang, name, **ctx), TEXT_LIMIT)]


def big_alphabet(ctx: dict[str, Any]) -> big.Alphabet:
    return ctx["alphabet"]


CASES = [(lang, name) for name in [*ORDER_TEMPLATES, *ALSO] for lang in LANGS]


def test_the_templates_that_show_an_order_are_found() -> None:
    assert {
        "order_detail", "staff_order_card", "staff_order_detail", "order_placed", "track",
        "notice_status", "staff_payment_proof", "staff_invoice", "notice_invoice",
        "nudge_payment_expired", "survey_detractor",
    } <= set(ORDER_TEMPLATES)


@pytest.mark.parametrize("alphabet", big.ALPHABETS, ids=lambda a: a.name)
@pytest.mark.parametrize(("lang", "name"), CASES, ids=[f"{a}-{b}" for a, b in CASES])
def test_the_largest_order_fits_everywhere(
    lang: str, name: str, alphabet: big.Alphabet, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="messages.budget")
    views = ("order_detail", "staff_order_card", "staff_order_detail")
    variants = [{"alphabet": alphabet}] if name in views else contexts(name, alphabet)
    assert variants
    for i, ctx in enumerate(variants):
        for text, limit in render(lang, name, ctx):
            where = f"{lang}/{name} #{i} ({alphabet.name})"
            if name == "staff_toast":  # a button's answer: plain text, at most 200
                text, limit = plain(text), 200
            else:
                parse_html(text)
            assert visible_length(text) <= limit, f"{where}: {visible_length(text)} > {limit}"
            assert "None" not in text, where
    # Shortening the free text was enough: the last-resort cut never ran.
    assert not caplog.records, caplog.text


@pytest.mark.parametrize("alphabet", big.ALPHABETS, ids=lambda a: a.name)
@pytest.mark.parametrize("lang", LANGS)
def test_order_views_show_the_newest_events_and_say_what_is_left_out(
    lang: str, alphabet: big.Alphabet
) -> None:
    order = big.order(alphabet, Status.DELIVERED)
    card = M.render_order(
        lang, "staff_order_card", order=order, audience=Audience.STAFF, recent=CARD_RECENT_EVENTS
    )
    assert "<code>/order K7Q3MX</code>" in card  # where the earlier entries are
    assert "STAFF-NOTE-59" in card  # the newest entry is on it
    assert "Rp1.981.000.000.000" in card
    detail = M.render_order(
        lang, "order_detail", order=order, audience=Audience.CUSTOMER,
        recent=CUSTOMER_RECENT_EVENTS, tracking_url=URL,
    )
    assert "STAFF-NOTE" not in detail
    assert ("Diterima" if lang == "id" else "Delivered") in detail.rsplit("</b>", 1)[-1]


@pytest.mark.parametrize("alphabet", big.ALPHABETS, ids=lambda a: a.name)
@pytest.mark.parametrize("lang", LANGS)
def test_order_pages_hold_the_whole_timeline_once_in_order(
    lang: str, alphabet: big.Alphabet
) -> None:
    order = big.order(alphabet, Status.DELIVERED)
    first = M.order_history(lang, order, 1, invoice=INVOICE)
    assert first.pages >= 3 and first.page == 1
    seen: list[str] = []
    for page in range(first.pages, 0, -1):  # the oldest page first
        shown = M.order_history(lang, order, page, invoice=INVOICE)
        assert shown.page == page and shown.pages == first.pages
        assert visible_length(shown.text) <= TEXT_LIMIT
        parse_html(shown.text)
        if page < shown.pages:
            assert f"<code>/order K7Q3MX {page + 1}</code>" in shown.text
        else:
            assert "/order K7Q3MX " not in shown.text
        assert ("INV/2026/11/99999" in shown.text) == (page == 1)  # the card is on page 1
        if page > 1:
            assert "…" not in shown.text  # earlier entries are shown whole
        seen += [m for m in _marks(shown.text)]
    notes = [e.note.split(" ", 1)[0] for e in events_for(order, Audience.STAFF)
             if e.note and e.note.startswith("STAFF-NOTE")]
    assert seen == notes  # every staff note once, oldest first, none shortened away
    beyond = M.order_history(lang, order, 999, invoice=INVOICE)
    assert beyond.page == first.pages


def _marks(text: str) -> list[str]:
    return [w.removeprefix("<i>") for w in text.split() if "STAFF-NOTE" in w]


def test_a_short_history_is_one_page() -> None:
    order = big.order(big.ASCII, Status.PLACED, notes=0).model_copy(
        update={"payment_status": PaymentStatus.UNPAID}
    )
    page = M.order_history("id", order, 1, invoice=None)
    assert (page.page, page.pages) == (1, 1)
    assert "halaman" not in page.text and "Riwayat lengkap" in page.text

