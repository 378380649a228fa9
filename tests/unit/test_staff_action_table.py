"""The staff action table: one row per action, each calling its one service with what the
request carries; typed commands come from it in the menu's order."""

from __future__ import annotations

from typing import Any

import pytest

from domain.actors import Actor
from domain.ordering.staff_actions import Action
from handlers.staff import register as staff
from handlers.staff.actions import ACTIONS, Needs, Request


class RecordingFlow:
    """Stands in for OrderDesk: records which service was called, with what."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        async def call(*args: Any, **kwargs: Any) -> str:
            self.calls.append((name, args, kwargs))
            return "result"

        return call


ACTOR = Actor(42, "Rina")
REQUEST = Request("AB12CD", ACTOR, "the text", "jne", (-100, 7))

EXPECTED = {
    Action.VERIFY: ("verify", ("AB12CD", ACTOR, "the text"), {}),
    Action.REJECT: ("reject", ("AB12CD", ACTOR, "the text"), {}),
    Action.PACK: ("pack", ("AB12CD", ACTOR), {}),
    Action.SHIP: ("ship", ("AB12CD", ACTOR, "jne", "the text"), {}),
    Action.INVOICE: ("invoice", ("AB12CD", ACTOR), {"source": (-100, 7)}),
    Action.DELIVER: ("deliver", ("AB12CD", ACTOR), {}),
    Action.CANCEL: ("cancel", ("AB12CD", ACTOR, "the text"), {}),
    Action.NOTE: ("note", ("AB12CD", ACTOR, "the text"), {"source": (-100, 7)}),
}


def test_every_action_has_one_row() -> None:
    assert list(ACTIONS) == list(Action)
    commands = [spec.command for spec in ACTIONS.values()]
    assert len(set(commands)) == len(commands)


@pytest.mark.parametrize("action", list(Action))
async def test_a_row_calls_its_service_with_the_request(action: Action) -> None:
    flow = RecordingFlow()
    assert await ACTIONS[action].call(flow, REQUEST) == "result"  # type: ignore[arg-type]
    assert flow.calls == [EXPECTED[action]]


def test_a_text_the_service_may_refuse_without_says_which_refusal() -> None:
    for spec in ACTIONS.values():
        assert (spec.ask_on is not None) == (spec.needs is Needs.OPTIONAL_TEXT)


def test_typed_commands_come_from_the_table_in_the_menu_order() -> None:
    names = list(staff.COMMANDS)
    table = [spec.command for spec in ACTIONS.values()]
    start = names.index(table[0])
    assert names[start : start + len(table)] == table
    assert names == [
        "queue", "order", "find", *table, "stock", "restock", "katalog", "produk", "returns",
        "return",
    ]
