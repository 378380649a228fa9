"""Every outbox kind the domain may queue has exactly one renderer, and nothing else has one."""

from __future__ import annotations

from typing import Any

import pytest

from bot.notices import RENDERERS, check_complete
from bot.notices.registry import renderer
from domain.outbox import Kind


def test_each_kind_has_exactly_one_renderer() -> None:
    assert set(RENDERERS) == set(Kind)
    check_complete()  # what the application runs when it is built


def test_a_kind_without_a_renderer_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(RENDERERS, Kind.SURVEY)
    with pytest.raises(RuntimeError, match="missing \\['survey'\\]"):
        check_complete()


def test_a_renderer_for_an_unknown_kind_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(RENDERERS, "surveys", RENDERERS[Kind.SURVEY])  # type: ignore[index]
    with pytest.raises(RuntimeError, match="unknown \\['surveys'\\]"):
        check_complete()


def test_a_second_renderer_for_a_kind_is_refused() -> None:
    async def another(*_: Any) -> int | None:
        return None

    before = RENDERERS[Kind.ORDER_CARD]
    with pytest.raises(RuntimeError, match="two renderers"):
        renderer(Kind.ORDER_CARD)(another)
    assert RENDERERS[Kind.ORDER_CARD] is before


def test_kinds_are_their_stored_strings() -> None:
    # Rows already in the outbox hold the plain strings: the values must never change.
    assert Kind.ORDER_CARD == "order_card"
    assert Kind("payment_expired_staff") is Kind.PAYMENT_EXPIRED_STAFF
    assert len(Kind) == 32
