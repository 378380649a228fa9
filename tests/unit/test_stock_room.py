"""Stock moves in one room: no domain module but domain/catalog/stock.py changes products.stock or
products.reserved (reserve, release, take off the shelf, restock). Its SQL lives in the products
repository (domain/store/products.py), and among the services only domain/catalog/stock.py calls the
repository's movers. The catalog import's upsert states what is on hand from the shop's own
file; it is not a movement and is not matched."""

from __future__ import annotations

import ast
import re
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
STOCK_WRITE = re.compile(r"UPDATE\s+products\s+SET\s+[^\"']*\b(stock|reserved)\s*=", re.I)
REPOSITORY = "domain.store.products"
MOVERS = {"reserve", "release", "take_off_shelf", "set_stock", "put_back"}


def _relative(path: Path) -> str:
    return str(path.relative_to(DOMAIN.parent))


def test_only_the_products_repository_holds_stock_writes() -> None:
    writers = {
        _relative(path)
        for path in DOMAIN.rglob("*.py")
        if STOCK_WRITE.search(path.read_text(encoding="utf-8"))
    }
    assert writers == {"domain/store/products.py"}


def _mover_calls(tree: ast.AST) -> set[str]:
    """The repository's movers this module uses, through `from domain.store import products
    [as x]`, `import domain.store.products [as x]` or `from domain.store.products import …`."""
    aliases: set[str] = set()
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "domain.store":
            aliases |= {a.asname or a.name for a in node.names if a.name == "products"}
        elif isinstance(node, ast.ImportFrom) and node.module == REPOSITORY:
            used |= {a.name for a in node.names if a.name in MOVERS | {"*"}}
        elif isinstance(node, ast.Import):
            aliases |= {a.asname or a.name for a in node.names if a.name == REPOSITORY}
    used |= {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in MOVERS
        and ast.unparse(node.value) in aliases
    }
    return used


def test_only_domain_stock_moves_stock() -> None:
    callers = {
        _relative(path)
        for path in DOMAIN.rglob("*.py")
        if path.parent != DOMAIN / "store"
        and _mover_calls(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert callers == {"domain/catalog/stock.py"}
