"""Every template of the scheduled follow-up, in both languages, with plain and hostile text:
Telegram's HTML parse mode accepts it and whatever a person typed shows exactly as typed.
(tests/unit/test_messages.py leaves these prefixes to this file; its builders are reused.)"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from markupsafe import escape

from domain.models import Status
from domain.schedule.preferences import Preferences
from domain.schedule.surveys import nps_of
from messages import Messages
from tests.fakebotapi import parse_html
from tests.unit.test_messages import (
    BANK,
    HOSTILE,
    LANGS,
    PLAIN,
    T0,
    Texts,
    cart,
    check_telegram_text,
    message_templates,
    order,
)

PREFIXES = (
    "delivery_check_",
    "digest_",
    "nudge_",
    "reminder_",
    "settings_",
    "survey_",
)


def digest(t: Texts, *, low: bool = True) -> dict[str, Any]:
    return {
        "day": "2026-11-21",
        "orders": 12,
        "kept": 10,
        "revenue": 1_850_000,
        "delivered": 7,
        "cancelled": 2,
        "waiting": {"payment": 3, "placed": 2, "verified": 1, "packed": 0, "shipped": 5},
        "low_stock": [{"sku": "KOPI-GAYO-250", "name": t.product, "available": 2}] if low else [],
        "low_stock_more": 4 if low else 0,
        # Issue 9: refunds due over 48 h (absent from digests queued before it).
        **({"refunds_overdue": [
            {"number": "K7Q3MX", "amount": 115_000, "status": "ready", "hours": 50},
            {"number": "A2B3C4", "amount": 20_000, "status": "awaiting_details", "hours": 73},
        ]} if low else {}),
    }


def groups() -> list[dict[str, Any]]:
    return [
        {
            "stage": "verification",
            "limit_hours": 2,
            "orders": [{"number": "K7Q3MX", "hours": 5}, {"number": "A2B3C4", "hours": 0}],
        },
        {"stage": "packing", "limit_hours": 24, "orders": [{"number": "Z9Y8X7", "hours": 26}]},
        {"stage": "shipment", "limit_hours": 48, "orders": [{"number": "Q2W3E4", "hours": 75}]},
    ]


Contexts = Callable[[Texts], list[dict[str, Any]]]

CONTEXTS: dict[str, Contexts] = {
    "reminder_payment": lambda t: [
        {"order": order(t), "bank": BANK, "expires_at": T0, "last": last} for last in (False, True)
    ],
    "reminder_payment_expired": lambda t: [{"order": order(t, Status.CANCELLED)}],
    "reminder_cart": lambda t: [{"cart": cart(t)}],
    "delivery_check_ask": lambda t: [
        {"order": order(t, Status.SHIPPED), "shipped_at": at, "again": again}
        for at in (T0, None)
        for again in (False, True)
    ],
    "delivery_check_answer": lambda t: [
        {"order": order(t, Status.SHIPPED), "answer": a, "days": 3}
        for a in ("received", "not_yet", "problem")
    ],
    "delivery_check_auto": lambda t: [{"order": order(t, Status.DELIVERED), "shop_name": t.shop}],
    "nudge_delivery_report": lambda t: [
        {"order": order(t, Status.SHIPPED), "answer": a, "shipped_at": T0}
        for a in ("not_yet", "problem")
    ],
    "nudge_payment_expired": lambda t: [
        {"orders": [order(t, Status.CANCELLED), order(t, Status.CANCELLED)], "hours": 24, "more": m}
        for m in (0, 1, 40)
    ],
    "nudge_staff": lambda t: [{"groups": groups()}],
    "digest_daily": lambda t: [
        {"d": digest(t, low=low), "day": "2026-11-21", "shop_name": t.shop} for low in (True, False)
    ],
    "survey_ask": lambda t: [{"order": order(t, Status.DELIVERED), "shop_name": t.shop}],
    "survey_comment_prompt": lambda t: [
        {"score": s, "category": c, "max": 500}
        for s, c in ((10, "promoter"), (7, "passive"), (0, "detractor"))
    ],
    "survey_thanks": lambda t: [{"number": "K7Q3MX"}],
    "survey_detractor": lambda t: [
        {"order": order(t, Status.DELIVERED), "survey": SimpleNamespace(score=3, comment=c)}
        for c in (t.note, None)
    ],
    "survey_nps": lambda t: [
        {"report": nps_of([10, 9, 7, 3]), "since": "2026-10-23", "until": "2026-11-21"},
        {"report": nps_of([]), "since": "2026-10-23", "until": "2026-11-21"},
        {"report": nps_of([0, 0]), "since": None, "until": "2026-11-21"},
    ],
    "settings_show": lambda t: [
        {"prefs": Preferences(r, s)} for r in (True, False) for s in (True, False)
    ],
    "settings_turned_off": lambda t: [{"topic": "rem"}, {"topic": "srv"}],
}

MINE = sorted(
    name for lang in LANGS for name in message_templates(lang) if name.startswith(PREFIXES)
)


def test_every_schedule_template_has_a_builder() -> None:
    assert set(MINE) == set(CONTEXTS)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(CONTEXTS))
@pytest.mark.parametrize("texts", [PLAIN, HOSTILE], ids=["plain", "hostile"])
def test_renders(lang: str, name: str, texts: Texts) -> None:
    msgs = Messages()
    typed = {v for v in vars(texts).values() if v}
    for i, ctx in enumerate(CONTEXTS[name](texts)):
        where = f"{lang}/{name} #{i}"
        text = msgs.render(lang, name, **ctx)
        check_telegram_text(text, where)
        visible = parse_html(text).text
        for value in typed:
            assert (str(escape(value)) in text) == (value in visible), f"{where}: {value!r}"
            if "<" in value:
                assert value not in text, f"{where}: {value!r} not escaped"


def test_nps_signs_and_shares() -> None:
    msgs = Messages()
    text = msgs.render("en", "survey_nps", report=nps_of([10, 9, 7, 3]), since="a", until="b")
    assert "NPS: <b>+25</b>" in text
    assert "Promoters (9–10): 2 (50%)" in text and "Detractors (0–6): 1 (25%)" in text
    text = msgs.render("id", "survey_nps", report=nps_of([0, 0]), since=None, until="b")
    assert "NPS: <b>-100</b>" in text and "semua waktu" in text


def test_waiting_times_read_naturally() -> None:
    text = Messages().render("id", "nudge_staff", groups=groups())
    assert "#K7Q3MX — 5 jam" in text and "#A2B3C4 — &lt; 1 jam" in text
    assert "#Q2W3E4 — 3 hari 3 jam" in text and "(batas 2 hari)" in text
