"""Shared fixtures: a frozen clock, a store on a fresh file or PostgreSQL database, a small
catalog, customers.

Integration and end-to-end tests that use the store run on both engines (`[sqlite]` and
`[postgresql]`, the `engine` parameter); unit tests and tests marked `sqlite_only` run on
SQLite alone. Without a PostgreSQL (tests/postgres.py) the PostgreSQL half is left out and
the run ends with one line saying why.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio

from domain.catalog.catalog_import import import_catalog
from domain.clock import FrozenClock, to_db
from domain.customers import ensure_customer
from domain.models import Customer
from domain.store import Store
from tests.postgres import SERVER

START = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # 09:00 WIB

# A small shop: two categories, a product that sells out fast (BATIK-M) and one cheap item.
SMALL_CATALOG = """\
sku,name,category,price,stock,description
KOPI-GAYO,Kopi Arabika Gayo 250 g,Kopi & Teh,Rp85.000,40,"Sangrai medium, cocok untuk V60."
TEH-MELATI,Teh Melati Tubruk 100 g,Kopi & Teh,18000,10,
BATIK-M,Kemeja Batik Parang ukuran M,Pakaian,"Rp 250.000",3,Katun primisima.
"""

CustomerFactory = Callable[..., Awaitable[Customer]]


_postgres: dict[str, bool] = {}  # "ok" once tried


def _postgres_ok() -> bool:
    if "ok" not in _postgres:
        if os.environ.get("TEST_ENGINES", "").strip().lower() == "sqlite":
            SERVER.reason = "TEST_ENGINES=sqlite"
            _postgres["ok"] = False
        else:
            _postgres["ok"] = SERVER.start()
        if not _postgres["ok"] and os.environ.get("TEST_REQUIRE_POSTGRESQL") == "1":
            raise pytest.UsageError(f"PostgreSQL is required here but: {SERVER.reason}")
    return _postgres["ok"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" not in metafunc.fixturenames:
        return
    path = str(metafunc.definition.path)
    both = (f"{os.sep}integration{os.sep}" in path or f"{os.sep}e2e{os.sep}" in path) and (
        metafunc.definition.get_closest_marker("sqlite_only") is None
    )
    if metafunc.definition.get_closest_marker("postgresql_only") is not None:
        _postgres_ok()
        engines = ["postgresql"]  # deselected below when there is no PostgreSQL
    else:
        engines = ["sqlite", "postgresql"] if both and _postgres_ok() else ["sqlite"]
    metafunc.parametrize("engine", engines, ids=engines)


def _only_postgres() -> bool:
    return os.environ.get("TEST_ENGINES", "").strip().lower() == "postgresql"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without PostgreSQL its half goes; with TEST_ENGINES=postgresql the SQLite half goes
    (the tests that run on both engines keep only their PostgreSQL run)."""
    no_postgres = _postgres.get("ok") is False
    if not no_postgres and not _only_postgres():
        return
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on = callspec.params.get("engine") if callspec is not None else None
        gone = on == "postgresql" if no_postgres else on == "sqlite"
        (drop if gone else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _postgres.get("ok") is False:
        terminalreporter.write_line(f"PostgreSQL half skipped: {SERVER.reason}")


def pytest_unconfigure(config: pytest.Config) -> None:
    SERVER.stop()


@pytest.fixture
def engine() -> str:
    """"sqlite" or "postgresql" (parametrized by pytest_generate_tests)."""
    return "sqlite"


@pytest.fixture
def db_location(engine: str, tmp_path: Path, clock: FrozenClock) -> Iterator[Path | str]:
    """Where a test's store is: a fresh file, or a fresh migrated PostgreSQL database (its
    migrations stamped with the test's clock, as a first open would). Open several Store
    objects on it for several processes."""
    if engine == "sqlite":
        yield tmp_path / "shop.db"
        return
    url = SERVER.create(stamp=to_db(clock()))
    try:
        yield url
    finally:
        SERVER.drop(url)


@pytest.fixture
def new_location(engine: str, tmp_path: Path) -> Iterator[Callable[[datetime], Path | str]]:
    """`new_location(set_up_at)`: where a new store is, for a test with its own clock. A
    SQLite file is set up (migrated) at its first open, by the opener's clock; a PostgreSQL
    database comes migrated, its migrations stamped `set_up_at` to match (what the daily
    digest reads as the day the shop was set up)."""
    names = itertools.count(1)
    made: list[str] = []

    def make(set_up_at: datetime) -> Path | str:
        if engine == "sqlite":
            return tmp_path / f"shop{next(names)}.db"
        made.append(SERVER.create(stamp=to_db(set_up_at)))
        return made[-1]

    yield make
    for url in made:
        SERVER.drop(url)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest_asyncio.fixture
async def store(db_location: Path | str, clock: FrozenClock) -> AsyncIterator[Store]:
    opened = await Store(db_location, clock=clock).open()
    try:
        yield opened
    finally:
        await opened.close()


async def seed_catalog(store: Store, csv_text: str = SMALL_CATALOG) -> Store:
    await import_catalog(store, csv_text)
    return store


@pytest_asyncio.fixture
async def seeded_store(store: Store) -> Store:
    return await seed_catalog(store)


async def make_customer(
    store: Store,
    user_id: int,
    *,
    first_name: str = "Budi",
    username: str | None = None,
    language_code: str | None = "id",
) -> Customer:
    return await ensure_customer(
        store,
        user_id,
        first_name=first_name,
        username=username,
        language_code=language_code,
        default_language="id",
    )


@pytest.fixture
def customer(store: Store) -> CustomerFactory:
    """`await customer(1001)` creates (or returns) that customer in `store`."""

    async def create(user_id: int, **kwargs: object) -> Customer:
        return await make_customer(store, user_id, **kwargs)  # type: ignore[arg-type]

    return create
