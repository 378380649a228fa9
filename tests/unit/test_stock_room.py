"""Stock moves in one room: no domain module but domain/stock.py changes products.stock or
products.reserved (reserve, release, take off the shelf, restock). The catalog import's upsert
states what is on hand from the shop's own file; it is not a movement and is not matched."""

from __future__ import annotations

import re
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
STOCK_WRITE = re.compile(r"UPDATE\s+products\s+SET\s+[^\"']*\b(stock|reserved)\s*=", re.I)


def test_only_domain_stock_writes_stock_and_reserved() -> None:
    writers = {
        str(path.relative_to(DOMAIN.parent))
        for path in DOMAIN.rglob("*.py")
        if STOCK_WRITE.search(path.read_text(encoding="utf-8"))
    }
    assert writers == {"domain/stock.py"}
