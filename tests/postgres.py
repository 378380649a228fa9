"""A PostgreSQL server for the tests' PostgreSQL half, and a fresh database per test.

TEST_DATABASE_URL (a server and a user that may create databases) is used when set; else a
throwaway server is started once per run: `initdb` in a temporary folder (on /dev/shm when
there is one: creating a database per test is a file copy), listening only on a unix socket
in that folder, without fsync. Each test gets `CREATE DATABASE … TEMPLATE` of one migrated
database (about 60 ms), dropped after it.

TEST_ENGINES=sqlite runs the SQLite half alone, TEST_ENGINES=postgresql the PostgreSQL half
(tests that run on both engines keep only their PostgreSQL run), e.g. while developing.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

BIN_DIRS = [Path("/usr/lib/postgresql/15/bin"), Path("/usr/local/bin"), Path("/usr/bin")]
TEMPLATE = "tokobot_template"


def _binary(name: str) -> Path | None:
    found = shutil.which(name)
    if found:
        return Path(found)
    for folder in BIN_DIRS:
        if (folder / name).exists():
            return folder / name
    return None


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


class Server:
    """Where the PostgreSQL half's databases come from; `reason` when there is none."""

    def __init__(self) -> None:
        self.base_url: str | None = None
        self.reason = ""
        self._folder: Path | None = None
        self._pg_ctl: Path | None = None
        self._data: Path | None = None
        self._user: str | None = None
        self._names = itertools.count(1)
        self._prefix = f"t{os.getpid()}_"

    # ------------------------------------------------------------ starting and stopping

    def start(self) -> bool:
        """True when databases can be made; else `reason` says why not, in a few words."""
        try:
            given = os.environ.get("TEST_DATABASE_URL")
            self.base_url = given or self._start_own()
            self._make_template()
        except Exception as exc:  # any failure means: no PostgreSQL half this run
            self.reason = self.reason or f"{type(exc).__name__}: {str(exc).strip()[:200]}"
            self.stop()
            self.base_url = None
            return False
        return True

    def _run(self, *argv: str | Path) -> None:
        command = [str(a) for a in argv]
        if self._user:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", self._user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def _start_own(self) -> str:
        initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
        if initdb is None or pg_ctl is None:
            self.reason = "no PostgreSQL binaries (initdb, pg_ctl) found"
            raise RuntimeError(self.reason)
        shm = Path("/dev/shm")
        root = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
        self._folder = Path(tempfile.mkdtemp(prefix="tokobot-pg-", dir=root))
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                self.reason = "running as root and there is no 'postgres' user to run the server"
                raise RuntimeError(self.reason) from None
            self._user = "postgres"
            os.chown(self._folder, owner.pw_uid, owner.pw_gid)
        self._data, self._pg_ctl = self._folder / "data", pg_ctl
        atexit.register(self.stop)  # also when pytest's own teardown does not run
        self._run(initdb, "-D", self._data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        options = (
            f"-k {self._folder} -h '' -c fsync=off -c synchronous_commit=off"
            " -c full_page_writes=off -c max_connections=200 -c shared_buffers=32MB"
        )
        self._run(pg_ctl, "-D", self._data, "-o", options, "-l", self._folder / "log",
                  "-w", "-t", "30", "start")
        return f"postgresql://postgres@/postgres?host={self._folder}"

    def stop(self) -> None:
        if self._pg_ctl is not None and self._data is not None:
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self._run(self._pg_ctl, "-D", self._data, "-m", "immediate", "stop")
            self._pg_ctl = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    # ------------------------------------------------------------ databases

    def _admin(self) -> psycopg.Connection:
        assert self.base_url is not None
        return psycopg.connect(self.base_url, autocommit=True)

    def _make_template(self) -> None:
        from domain.store.postgres import PostgresStore

        with self._admin() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE}")
            admin.execute(f"CREATE DATABASE {TEMPLATE}")

        async def migrate() -> None:
            store = PostgresStore(self.url(TEMPLATE))
            await store.open()
            await store.close()

        asyncio.run(migrate())

    def url(self, name: str) -> str:
        assert self.base_url is not None
        return _with_db(self.base_url, name)

    def create(self, *, migrated: bool = True, stamp: str | None = None) -> str:
        """A new database's URL: migrated (from the template; `stamp` as the migrations'
        applied_at) or empty."""
        name = f"{self._prefix}{next(self._names)}"
        with self._admin() as admin:
            if migrated:
                # FILE_COPY (PostgreSQL 15+) is the fast way for a small template.
                strategy = " STRATEGY FILE_COPY" if admin.info.server_version >= 150000 else ""
                admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}{strategy}")
            else:
                admin.execute(f"CREATE DATABASE {name}")
        url = self.url(name)
        if migrated and stamp is not None:
            with psycopg.connect(url, autocommit=True) as db:
                db.execute("UPDATE schema_migrations SET applied_at = %s", (stamp,))
        return url

    def drop(self, url: str) -> None:
        name = urlsplit(url).path.strip("/")
        with self._admin() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


SERVER = Server()
