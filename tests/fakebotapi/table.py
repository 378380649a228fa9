"""Access to the generated Bot API table (scripts/gen_botapi_table.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

TABLE_PATH = Path(__file__).with_name("botapi_table.json")


@dataclass(frozen=True)
class MethodSpec:
    name: str
    required: frozenset[str]
    optional: frozenset[str]
    # field -> "int" | "bool" | "float" | "int|str" | "file|str" | "file" | "json"
    kinds: dict[str, str] = field(default_factory=dict)

    @property
    def fields(self) -> frozenset[str]:
        return self.required | self.optional

    def kind(self, name: str) -> str:
        return self.kinds.get(name, "str")


@dataclass(frozen=True)
class TypeSpec:
    name: str
    required: frozenset[str]
    optional: frozenset[str]

    @property
    def fields(self) -> frozenset[str]:
        return self.required | self.optional


class BotApiTable:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.version: str = raw["version"]
        self.methods: dict[str, MethodSpec] = {
            name: MethodSpec(
                name, frozenset(m["required"]), frozenset(m["optional"]), dict(m.get("kinds", {}))
            )
            for name, m in raw["methods"].items()
        }
        self.types: dict[str, TypeSpec] = {
            name: TypeSpec(name, frozenset(t["required"]), frozenset(t["optional"]))
            for name, t in raw.get("types", {}).items()
        }
        # Telegram matches method names case-insensitively.
        self._by_lower = {name.lower(): spec for name, spec in self.methods.items()}

    def method(self, name: str) -> MethodSpec | None:
        return self._by_lower.get(name.lower())


@cache
def load_table() -> BotApiTable:
    return BotApiTable(json.loads(TABLE_PATH.read_text(encoding="utf-8")))
