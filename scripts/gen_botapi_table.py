#!/usr/bin/env python3
"""Generate tests/fakebotapi/botapi_table.json from the shared Bot API description.

The fake Telegram server (tests/fakebotapi) validates every request against this
table. Only names, required-flags and coarse value kinds are kept (no prose), so
the committed JSON stays small and the test suite never reads ../shared at run time.

Usage: python scripts/gen_botapi_table.py [--source PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "telegram" / "botapi.json"
DEFAULT_OUT = REPO_ROOT / "tests" / "fakebotapi" / "botapi_table.json"

# Scalar type sets -> kind codes used by the fake server to decode form values
# (PTB posts url-encoded/multipart forms where every value is a string).
# Anything that is not a scalar arrives JSON-serialized -> "json".
_KINDS: dict[tuple[str, ...], str] = {
    ("String",): "str",
    ("Integer",): "int",
    ("Boolean",): "bool",
    ("Float",): "float",
    ("Integer", "String"): "int|str",
    ("InputFile", "String"): "file|str",
    ("InputFile",): "file",
}


def _kind(types: list[str]) -> str:
    return _KINDS.get(tuple(types), "json")


def _split(fields: list[dict[str, Any]]) -> dict[str, list[str]]:
    return {
        "required": [f["name"] for f in fields if f.get("required")],
        "optional": [f["name"] for f in fields if not f.get("required")],
    }


def build_table(spec: dict[str, Any]) -> dict[str, Any]:
    methods: dict[str, Any] = {}
    for name in sorted(spec["methods"]):
        fields = spec["methods"][name].get("fields") or []
        entry: dict[str, Any] = _split(fields)
        # "str" is the default kind; omit it to keep the file small.
        kinds = {f["name"]: _kind(f["types"]) for f in fields if _kind(f["types"]) != "str"}
        if kinds:
            entry["kinds"] = kinds
        methods[name] = entry
    types: dict[str, Any] = {}
    for name in sorted(spec["types"]):
        fields = spec["types"][name].get("fields") or []
        if fields:
            types[name] = _split(fields)
    return {"version": spec["version"], "methods": methods, "types": types}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    spec = json.loads(args.source.read_text(encoding="utf-8"))
    table = build_table(spec)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # One method/type per line: readable diffs when the Bot API version changes.
    lines = ["{", f'  "version": {json.dumps(table["version"])},']
    for section in ("methods", "types"):
        items = list(table[section].items())
        lines.append(f'  "{section}": {{')
        for i, (name, entry) in enumerate(items):
            comma = "," if i < len(items) - 1 else ""
            lines.append(f"    {json.dumps(name)}: {json.dumps(entry, sort_keys=True)}{comma}")
        lines.append("  }," if section == "methods" else "  }")
    lines.append("}")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(table['methods'])} methods, {len(table['types'])} types)")


if __name__ == "__main__":
    main()
