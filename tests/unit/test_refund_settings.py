"""COD_MAX_REFUSALS (issue 9, part C): off by default, off as written in .env, a bad value
stops start with one line naming it; the order card shows a customer's refused parcels."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import Settings, describe_error
from domain.aftersales.cod import cod_offered
from domain.ordering.timeline import Audience
from messages import Messages
from tests.unit.test_aftersales_templates import order

BASE = {"bot_token": "123:abc", "staff_chat_id": -100123}


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **BASE, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("raw", "value"), [
    (None, None), ("", None), ("off", None), ("none", None), ("0", 0), ("2", 2), (3, 3),
])
def test_cod_max_refusals_values(raw: object, value: int | None) -> None:
    got = settings() if raw is None else settings(cod_max_refusals=raw)
    assert got.cod_max_refusals == value


@pytest.mark.parametrize("raw", ["-1", "dua", "1.5"])
def test_a_bad_cod_max_refusals_names_itself(raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        settings(cod_max_refusals=raw)
    assert describe_error(exc.value).startswith("Setting COD_MAX_REFUSALS is invalid")


@pytest.mark.parametrize(("refusals", "limit", "offered"), [
    (0, None, True), (5, None, True), (5, 0, True), (0, 1, True), (1, 1, False), (3, 2, False),
    (1, 2, True),
])
def test_cod_offered_until_the_limit(refusals: int, limit: int | None, offered: bool) -> None:
    assert cod_offered(refusals, limit) is offered


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_order_card_shows_refused_cod_parcels(lang: str) -> None:
    m = Messages()
    card = m.render_order(lang, "staff_order_card", order=order(), audience=Audience.STAFF,
                          cod_refusals=2)
    expected = {"id": "sudah 2× menolak paket COD", "en": "has refused 2 COD parcels"}[lang]
    assert expected in card
    plain = m.render_order(lang, "staff_order_card", order=order(), audience=Audience.STAFF)
    assert "⚠️" not in plain
