"""A DATABASE_PATH that cannot be the store: StoreUnusable says why, nothing stays open."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from domain.clock import FrozenClock
from domain.store import Store, StoreUnusable, file_fault, migrations
from domain.store import sqlite as store_module


def sqlite_threads() -> list[threading.Thread]:
    """aiosqlite runs one (non-daemon) thread per connection: a leaked one keeps a process."""
    return [t for t in threading.enumerate() if "_connection_worker_thread" in t.name]


async def refused(path: Path, clock: FrozenClock) -> StoreUnusable:
    before = set(sqlite_threads())
    store = Store(path, clock=clock)
    with pytest.raises(StoreUnusable) as excinfo:
        await store.open()
    for thread in set(sqlite_threads()) - before:
        thread.join(timeout=5)  # a closed connection's thread ends on its own
        assert not thread.is_alive()
    assert store._writer is None and store._reader is None
    assert excinfo.value.path == path
    assert str(excinfo.value) == f"{path}: {excinfo.value.reason}"
    return excinfo.value


async def test_a_folder(tmp_path: Path, clock: FrozenClock) -> None:
    path = tmp_path / "orders.db"
    path.mkdir()
    assert (await refused(path, clock)).reason == "is a folder, not a file"


async def test_a_file_that_is_not_sqlite_closes_its_connection(
    tmp_path: Path, clock: FrozenClock
) -> None:
    path = tmp_path / "orders.db"
    text = "sku,name,price\n" + "KOPI,Kopi Gayo,85000\n" * 200
    path.write_text(text, encoding="utf-8")
    assert (await refused(path, clock)).reason == "not a SQLite database"
    assert path.read_text(encoding="utf-8") == text
    assert not path.with_name("orders.db-wal").exists()


async def test_a_newer_schema_is_refused_before_anything_changes(
    tmp_path: Path, clock: FrozenClock
) -> None:
    path = tmp_path / "orders.db"
    async with Store(path, clock=clock):
        pass
    known = migrations()[-1][0]
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("INSERT INTO schema_migrations VALUES (?, 'future', 'x')", (known + 5,))
    before = path.read_bytes()
    reason = (await refused(path, clock)).reason
    assert reason == (
        f"schema version {known + 5} is newer than this bot's ({known});"
        " run the newer bot or restore a backup"
    )
    assert path.read_bytes() == before


async def test_the_current_schema_opens(tmp_path: Path, clock: FrozenClock) -> None:
    path = tmp_path / "orders.db"
    async with Store(path, clock=clock):
        pass
    async with Store(path, clock=clock) as again:  # the check does not refuse its own version
        assert await again.schema_version() == migrations()[-1][0]


async def test_a_file_in_the_way_of_its_folder(tmp_path: Path, clock: FrozenClock) -> None:
    (tmp_path / "data").write_text("", encoding="utf-8")
    path = tmp_path / "data" / "orders.db"
    reason = (await refused(path, clock)).reason
    assert reason == f"cannot create folder {path.parent}: a file is in the way"


# Read-only: tests run as root, for whom chmod does not make a file read-only. The real
# permissions are exercised by tests/e2e/test_startup_faults.py (a child process without the
# override capability); here os.access answers as it would for an ordinary user, and SQLite's
# own read-only error is produced with a read-only connection.


def deny(monkeypatch: pytest.MonkeyPatch, denied: Path, mode: int) -> None:
    real: Callable[..., bool] = os.access

    def access(path: object, wanted: int, **kwargs: object) -> bool:
        if Path(str(path)) == denied and wanted & mode:
            return False
        return real(path, wanted, **kwargs)

    monkeypatch.setattr(store_module.os, "access", access)


async def test_a_read_only_file(
    tmp_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "orders.db"
    async with Store(path, clock=clock):
        pass
    deny(monkeypatch, path, os.W_OK)
    assert (await refused(path, clock)).reason == "the file is read-only"


async def test_an_unreadable_file(
    tmp_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "orders.db"
    async with Store(path, clock=clock):
        pass
    deny(monkeypatch, path, os.R_OK)
    assert (await refused(path, clock)).reason == "the file is not readable (permissions)"


async def test_a_read_only_folder(
    tmp_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    deny(monkeypatch, folder, os.W_OK)
    path = folder / "orders.db"
    assert (await refused(path, clock)).reason == f"folder {folder} is read-only"
    assert not path.exists()


def sqlite_error(path: Path, uri: str, sql: str) -> sqlite3.Error:
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
            db.execute(sql)
    except sqlite3.Error as exc:
        return exc
    raise AssertionError(f"{sql} did not fail on {path}")


def test_sqlite_errors_that_mean_an_unusable_file(tmp_path: Path) -> None:
    path = tmp_path / "orders.db"
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE t (x)")
    read_only = sqlite_error(path, f"file:{path}?mode=ro", "INSERT INTO t VALUES (1)")
    assert file_fault(read_only) == "the file is read-only"

    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database " * 100)
    not_db = sqlite_error(garbage, f"file:{garbage}", "SELECT * FROM sqlite_master")
    assert file_fault(not_db) == "not a SQLite database"

    missing = tmp_path / "missing.db"
    cant_open = sqlite_error(missing, f"file:{missing}?mode=ro", "SELECT 1")
    assert file_fault(cant_open) == "cannot open the file"


def test_a_bug_is_not_an_unusable_file(tmp_path: Path) -> None:
    path = tmp_path / "orders.db"
    error = sqlite_error(path, f"file:{path}", "SELECT * FROM no_such_table")
    assert file_fault(error) is None  # stays a traceback: it is the code's fault
