"""SQL in one package: no product module outside domain/store/ runs a statement of its own,
so a second database means a second store package and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATEMENT = re.compile(r"SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM")


def test_statements_live_in_domain_store_only() -> None:
    holders = {
        str(path.relative_to(ROOT))
        for folder in ("domain", "bot", "handlers", "messages")
        for path in (ROOT / folder).rglob("*.py")
        if STATEMENT.search(path.read_text(encoding="utf-8"))
    }
    outside = {p for p in holders if not p.startswith("domain/store/")}
    assert outside == set()


def test_services_do_not_name_aiosqlite() -> None:
    """Services type connections as domain.store.Connection; only the store knows the driver."""
    naming = {
        str(path.relative_to(ROOT))
        for folder in ("domain", "bot", "handlers", "messages")
        for path in (ROOT / folder).rglob("*.py")
        if "aiosqlite" in path.read_text(encoding="utf-8")
    }
    assert {p for p in naming if not p.startswith("domain/store/")} == set()
