"""`python -m bot db copy --to postgresql://…`: a shop's SQLite data into PostgreSQL, checked
by counts and totals, and the shop goes on there (ids continue, order lines keep their order)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli import main
from domain.clock import FrozenClock
from domain.ordering.order_reads import order_by_number
from domain.store import Store
from domain.store.copy import CopyRefused, copy_store
from tests.conftest import seed_catalog
from tests.integration.staff_support import SARI, flow, placed, shipped
from tests.postgres import SERVER

pytestmark = pytest.mark.postgresql_only


async def a_shop(path: Path, clock: FrozenClock) -> list[str]:
    """A SQLite shop with orders at several stages, an invoice and a restock."""
    async with Store(path, clock) as store:
        await seed_catalog(store)
        desk = flow(store)
        numbers = []
        for user in range(1001, 1006):
            items = {"TEH-MELATI": 1, "KOPI-GAYO": 2, "BATIK-M": 1} if user == 1001 else None
            order = await placed(store, user, items)
            numbers.append(order.number)
        await shipped(store, desk, await order_by_number(store.reader, numbers[0]), "JT1234567890")
        await desk.invoice(numbers[0], SARI)
        await desk.verify(numbers[1], SARI)
    return numbers


async def test_the_copy_matches_and_the_shop_goes_on(
    engine: str, tmp_path: Path, clock: FrozenClock
) -> None:
    numbers = await a_shop(tmp_path / "shop.db", clock)
    url = SERVER.create(migrated=False)
    try:
        async with Store(tmp_path / "shop.db", clock) as src, Store(url, clock) as dst:
            checks = await copy_store(src, dst)
            assert all(c.ok for c in checks), [c for c in checks if not c.ok]
            by_table = {c.table: c for c in checks}
            assert by_table["orders"].rows == 5
            assert by_table["orders"].totals["total"] == by_table["orders"].target_totals["total"]
            assert by_table["invoices"].rows == 1 and by_table["products"].rows == 3

            first = await order_by_number(dst.reader, numbers[0])
            assert first == await order_by_number(src.reader, numbers[0])  # lines in order
            assert len(first.lines) == 3

            with pytest.raises(CopyRefused, match="not empty"):  # never over a shop
                await copy_store(src, dst)

            later = await placed(dst, 1009)  # identity sequences continue after the copy
            ids = [(await order_by_number(dst.reader, n)).id for n in numbers]
            assert later.id > max(ids)
    finally:
        SERVER.drop(url)


def test_the_command_prints_each_table_and_refuses_a_second_copy(
    engine: str, tmp_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    asyncio.run(a_shop(tmp_path / "shop.db", clock))
    monkeypatch.chdir(tmp_path)  # no .env from the developer's folder
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "shop.db"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    url = SERVER.create(migrated=False)
    try:
        assert main(["db", "copy", "--to", url]) == 0
        out = capsys.readouterr().out
        assert "counts and totals match" in out
        lines = out.splitlines()
        assert any(x.startswith("orders ") and " 5 rows  ok" in x for x in lines)
        assert main(["db", "copy", "--to", url]) == 1
        assert "not empty" in capsys.readouterr().err
    finally:
        SERVER.drop(url)
