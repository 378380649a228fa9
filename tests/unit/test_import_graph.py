"""The product code's import graph: no loop, and each floor imports only the floors below it
(bot → handlers → messages → domain).

How the graph is read (decided here, so the test and a reader agree):
- every module of bot/, handlers/, domain/ and messages/ is parsed (ast), nothing is imported;
- an edge is any `import` / `from … import` of a project module, also inside functions (a
  lazy import still runs, so a loop through it is still a loop);
- imports under `if TYPE_CHECKING:` are left out of the loop check (they never run), but they
  count for the floor rules, where only the few named in TYPE_ONLY_ALLOWED may climb;
- `from pkg import name` is an edge to `pkg.name` when that is a module, else to `pkg`;
- a module is not given an edge to its parent package: a package's `__init__` importing its own
  modules (bot/notices/__init__.py) is how a registry gets complete, not a loop.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "domain", "messages")

# What each floor must never import (top-level names), at run time or for type checkers.
FORBIDDEN = {
    "domain": {"telegram", "bot", "handlers", "messages", "jinja2"},
    "messages": {"bot", "handlers", "telegram"},
    "handlers": {"bot"},
}
# Imports that break a floor rule but only under TYPE_CHECKING: types, never run.
TYPE_ONLY_ALLOWED = {("handlers", "bot.settings")}


@dataclass
class Module:
    name: str
    runtime: set[str] = field(default_factory=set)  # every imported name, as written
    type_only: set[str] = field(default_factory=set)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(node: ast.AST, module: str, is_package: bool, out: Module, type_only: bool) -> None:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for stmt in child.body:
                _imports(ast.Module(body=[stmt], type_ignores=[]), module, is_package, out, True)
            for stmt in child.orelse:
                block = ast.Module(body=[stmt], type_ignores=[])
                _imports(block, module, is_package, out, type_only)
            continue
        target = out.type_only if type_only else out.runtime
        if isinstance(child, ast.Import):
            target.update(alias.name for alias in child.names)
        elif isinstance(child, ast.ImportFrom):
            base = child.module or ""
            if child.level:  # relative: resolve against this module's package
                package = module.split(".") if is_package else module.split(".")[:-1]
                anchor = package[: len(package) - (child.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            target.update(f"{base}.{alias.name}" for alias in child.names)
            target.add(base)
        _imports(child, module, is_package, out, type_only)


def read_graph(root: Path, packages: tuple[str, ...] = PACKAGES) -> dict[str, Module]:
    modules: dict[str, Module] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            name = _module_name(root, path)
            module = Module(name)
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            _imports(tree, name, path.name == "__init__.py", module, type_only=False)
            modules[name] = module
    return modules


def edges(modules: dict[str, Module], names: set[str]) -> set[str]:
    """The project modules behind imported names: `pkg.mod.attr` → `pkg.mod`."""
    found = set()
    for name in names:
        parts = name.split(".")
        while parts and ".".join(parts) not in modules:
            parts.pop()
        if parts:
            found.add(".".join(parts))
    return found


def cycles(modules: dict[str, Module]) -> list[list[str]]:
    """Strongly connected groups of more than one module (or a module importing itself)."""
    graph = {name: edges(modules, m.runtime) - {name} for name, m in modules.items()}
    # `from pkg import mod` also names `pkg`: not an edge when `pkg` is the importer's own
    # package (Python has it loaded already); see the module docstring.
    for name in graph:
        graph[name] = {t for t in graph[name] if not name.startswith(t + ".")}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def floor_breaks(modules: dict[str, Module]) -> list[str]:
    broken = []
    for name, module in sorted(modules.items()):
        floor = name.split(".")[0]
        banned = FORBIDDEN.get(floor, set())
        names = module.runtime | module.type_only
        for imported in sorted(names):
            if imported.split(".")[0] not in banned:
                continue
            if any(imported.startswith(other + ".") for other in names):
                continue  # `from bot.app import build` is reported once, as bot.app
                continue
            allowed = imported in module.type_only and imported not in module.runtime and any(
                f == floor and (imported == t or imported.startswith(t + "."))
                for f, t in TYPE_ONLY_ALLOWED
            )
            if not allowed:
                broken.append(f"{name} imports {imported}")
    return broken


# ---------------------------------------------------------------- the product code


def test_the_product_code_has_no_import_loop() -> None:
    modules = read_graph(ROOT)
    assert len(modules) > 60  # the walk found the code (not an empty tree)
    assert cycles(modules) == []


def test_each_floor_imports_only_the_floors_below() -> None:
    assert floor_breaks(read_graph(ROOT)) == []


# ---------------------------------------------------------------- the checks themselves


def _tree(tmp_path: Path, files: dict[str, str]) -> dict[str, Module]:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return read_graph(tmp_path, ("bot", "domain", "handlers", "messages"))


TC = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
BASE = {f"{p}/__init__.py": "" for p in ("bot", "domain", "handlers", "messages")}


@pytest.mark.parametrize(
    ("files", "loop"),
    [
        # a loop through an import inside a function still counts
        (
            {"bot/a.py": "from bot import b\n", "bot/b.py": "def f():\n    import bot.a\n"},
            ["bot.a", "bot.b"],
        ),
        # `from pkg import name`: name resolved to the module
        (
            {
                "domain/x.py": "from domain.y import thing\n",
                "domain/y.py": "from domain import z\n",
                "domain/z.py": "from domain.x import other\n",
            },
            ["domain.x", "domain.y", "domain.z"],
        ),
    ],
)
def test_a_loop_is_found(tmp_path: Path, files: dict[str, str], loop: list[str]) -> None:
    assert cycles(_tree(tmp_path, BASE | files)) == [loop]


def test_type_checking_imports_and_a_package_registering_its_modules_are_no_loop(
    tmp_path: Path,
) -> None:
    modules = _tree(
        tmp_path,
        BASE
        | {
            "bot/a.py": f"{TC}    from bot.b import B\n",
            "bot/b.py": "from bot import a\n",
            "bot/notices/__init__.py": "from bot.notices import one\n",
            "bot/notices/one.py": "from bot.notices.reg import renderer\n",
            "bot/notices/reg.py": "RENDERERS = {}\n",
        },
    )
    assert cycles(modules) == []


def test_floor_breaks_are_found(tmp_path: Path) -> None:
    modules = _tree(
        tmp_path,
        BASE
        | {
            "domain/a.py": "def f():\n    import telegram\n",
            "domain/b.py": f"{TC}    import jinja2\n",
            "handlers/c.py": "from bot.app import build\n",
            "handlers/d.py": (
                "import typing\nif typing.TYPE_CHECKING:\n    from bot.settings import S\n"
            ),
            "handlers/e.py": f"{TC}    from bot.sender import X\n",
            "messages/f.py": "from handlers import keyboards\n",
        },
    )
    assert floor_breaks(modules) == [
        "domain.a imports telegram",
        "domain.b imports jinja2",
        "handlers.c imports bot.app",
        "handlers.e imports bot.sender",
        "messages.f imports handlers",
    ]
