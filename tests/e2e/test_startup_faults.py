"""`python -m bot` as a user runs it: each start-up fault is one line, never a traceback, and
the token appears nowhere in the output.

The real CLI runs as a subprocess against 127.0.0.1 only: a closed port (Telegram
unreachable), the fake Bot API with another token (401), and broken DATABASE_PATHs.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.startup import TOKEN_REJECTED
from tests.fakebotapi import FakeBotApi

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
STAFF_CHAT_ID = -1001234567890
EXIT_WITHIN = 5.0  # seconds, from start to exit, for a fault that needs no network


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens once the socket is closed


def bot_env(home: Path, database: Path | str, api_url: str, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        "BOT_TOKEN": TOKEN,
        "STAFF_CHAT_ID": str(STAFF_CHAT_ID),
        "TELEGRAM_API_URL": api_url,
        "DATABASE_PATH": str(database),
        "SCHEDULE_ENABLED": "false",
        **extra,
    }


async def start(env: dict[str, str], *args: str, **kwargs: Any) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=env["HOME"],  # no .env there
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        **kwargs,
    )


async def run_bot(
    env: dict[str, str],
    *args: str,
    timeout: float,  # noqa: ASYNC109 - the time allowed to the process, not a cancel scope
    **kwargs: Any,
) -> Run:
    began = time.monotonic()
    proc = await start(env, *args, **kwargs)
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        proc.kill()
        out, err = await proc.communicate()
        pytest.fail(f"still running after {timeout} s:\n{err.decode()}")
    assert proc.returncode is not None
    return Run(proc.returncode, out.decode(), err.decode(), time.monotonic() - began)


async def read_line_with(
    proc: asyncio.subprocess.Process,
    text: str,
    timeout: float,  # noqa: ASYNC109
) -> str:
    """The first stderr line containing `text` (each line checked for tracebacks on the way)."""
    assert proc.stderr is not None

    async def find() -> str:
        assert proc.stderr is not None
        while line := (await proc.stderr.readline()).decode():
            assert "Traceback" not in line
            if text in line:
                return line
        pytest.fail(f"the bot ended without a line containing {text!r}")

    return await asyncio.wait_for(find(), timeout)


async def stop(proc: asyncio.subprocess.Process) -> Run:
    began = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    out, err = await asyncio.wait_for(proc.communicate(), EXIT_WITHIN)
    assert proc.returncode is not None
    return Run(proc.returncode, out.decode(), err.decode(), time.monotonic() - began)


def assert_one_line(run: Run, expected: str) -> None:
    assert run.stderr.splitlines() == [expected], run.stderr
    assert run.stdout == ""
    assert "Traceback" not in run.output
    assert TOKEN not in run.output


# ------------------------------------------------------------------ Telegram


async def test_unreachable_telegram_is_one_line_per_retry_and_sigterm_stops_cleanly(
    tmp_path: Path,
) -> None:
    url = closed_port_url()
    proc = await start(bot_env(tmp_path, tmp_path / "shop.db", url))
    try:
        line = await read_line_with(proc, "unreachable", timeout=30)
    except BaseException:
        proc.kill()
        await proc.communicate()
        raise
    assert f"WARNING bot.startup: Telegram Bot API at {url} is unreachable" in line
    assert line.rstrip().endswith("(connection refused); retrying in 1 s")
    assert "/bot" not in line  # the URL without the token path
    rest = await stop(proc)
    assert rest.returncode == 0, rest.stderr
    assert rest.seconds < EXIT_WITHIN
    assert "Traceback" not in rest.output
    assert TOKEN not in line + rest.output
    assert "Stopped before the bot started" in rest.stderr


async def test_a_rejected_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    async with FakeBotApi() as tg:  # its token is not ours: every call answers 401
        run = await run_bot(bot_env(tmp_path, tmp_path / "shop.db", tg.url), timeout=30)
        assert [method for method, _ in tg.calls] == ["getMe"]  # asked once, no retries
    assert run.returncode == 2
    assert_one_line(run, TOKEN_REJECTED)


@contextlib.asynccontextmanager
async def only_get_me_answers() -> AsyncIterator[str]:
    """A Bot API that knows the bot, then fails every other call with 502 (a proxy in
    trouble, or Telegram going away right after getMe)."""

    async def handle(request: web.Request) -> web.Response:
        if request.match_info["method"] == "getMe":
            me = {"id": 123456789, "is_bot": True, "first_name": "Toko", "username": "toko_bot"}
            return web.json_response({"ok": True, "result": me})
        body = {"ok": False, "error_code": 502, "description": "Bad Gateway"}
        return web.json_response(body, status=502)

    app = web.Application()
    app.router.add_route("*", "/bot{token}/{method}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


async def test_telegram_lost_right_after_getme_starts_again_with_backoff(tmp_path: Path) -> None:
    async with only_get_me_answers() as url:
        proc = await start(bot_env(tmp_path, tmp_path / "shop.db", url))
        try:
            first = await read_line_with(proc, "failed during start", timeout=30)
            second = await read_line_with(proc, "failed during start", timeout=30)
        except BaseException:
            proc.kill()
            await proc.communicate()
            raise
        rest = await stop(proc)
    prefix = f"WARNING bot.startup: Telegram Bot API at {url} failed during start (Bad Gateway)"
    assert f"{prefix}; retrying in 1 s" in first
    assert f"{prefix}; retrying in 2 s" in second
    assert rest.returncode == 0, rest.stderr
    assert "Traceback" not in rest.output
    assert TOKEN not in first + second + rest.output


async def test_a_good_start_polls_and_sigterm_stops_cleanly(tmp_path: Path) -> None:
    async with FakeBotApi(TOKEN) as tg:
        tg.group(STAFF_CHAT_ID, "Toko — Pesanan", bot_is_admin=True)
        proc = await start(bot_env(tmp_path, tmp_path / "shop.db", tg.url))
        try:
            line = await read_line_with(proc, "Telegram knows this bot as", timeout=30)
            assert line.rstrip().endswith("@fake_test_bot")
            await tg.wait_call("getUpdates", timeout=30)
        except BaseException:
            proc.kill()
            await proc.communicate()
            raise
        rest = await stop(proc)
        tg.assert_clean()
    assert rest.returncode == 0, rest.stderr
    assert "Traceback" not in rest.output
    assert TOKEN not in rest.output


# ------------------------------------------------------------------ DATABASE_PATH


def not_sqlite(folder: Path) -> Path:
    path = folder / "orders.db"
    path.write_text("sku,name\nKOPI,Kopi Gayo\n" * 100, encoding="utf-8")
    return path


def a_folder(folder: Path) -> Path:
    path = folder / "orders.db"
    path.mkdir()
    return path


def newer_schema(folder: Path) -> Path:
    path = folder / "orders.db"
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute(
            "CREATE TABLE schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        db.execute("INSERT INTO schema_migrations VALUES (999, 'from_the_future', 'x')")
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (a_folder, "is a folder, not a file"),
        (not_sqlite, "not a SQLite database"),
        (
            newer_schema,
            "schema version 999 is newer than this bot's ({known});"
            " run the newer bot or restore a backup",
        ),
    ],
    ids=["folder", "not-sqlite", "newer-schema"],
)
async def test_an_unusable_database_is_one_line_and_exit_2_within_5_s(
    tmp_path: Path, make: Any, reason: str
) -> None:
    from domain.store import migrations

    path = make(tmp_path)
    before = _snapshot(path)
    run = await run_bot(bot_env(tmp_path, path, closed_port_url()), timeout=EXIT_WITHIN)
    assert run.returncode == 2
    known = migrations()[-1][0]
    assert_one_line(run, f"DATABASE_PATH {path}: {reason.format(known=known)}")
    assert run.seconds < EXIT_WITHIN
    assert _snapshot(path) == before  # left as it was


async def test_catalog_import_says_the_same_line(tmp_path: Path) -> None:
    path = not_sqlite(tmp_path)
    csv = tmp_path / "catalog.csv"
    csv.write_text("sku,name,category,price,stock\nKOPI,Kopi,Kopi,1000,1\n", encoding="utf-8")
    env = bot_env(tmp_path, path, closed_port_url())
    del env["BOT_TOKEN"]  # the import needs only the database
    run = await run_bot(env, "catalog", "import", str(csv), timeout=EXIT_WITHIN)
    assert run.returncode == 2
    assert_one_line(run, f"DATABASE_PATH {path}: not a SQLite database")


# Root may write a chmod-read-only file. As root, the bot runs without the capabilities that
# override file permissions (dropped from its bounding set before exec), so they are real for
# it; no mount tricks, no other user (the interpreter may live under /root).
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def _drop_permission_override() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def permissions_apply() -> dict[str, Any]:
    return {"preexec_fn": _drop_permission_override} if os.geteuid() == 0 else {}


def read_only_file(folder: Path) -> Path:
    path = folder / "orders.db"
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE t (x)")
    path.chmod(0o444)
    return path


def in_read_only_folder(folder: Path) -> Path:
    ro = folder / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    return ro / "orders.db"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (read_only_file, "the file is read-only"),
        (in_read_only_folder, "folder {folder} is read-only"),
    ],
    ids=["read-only-file", "read-only-folder"],
)
async def test_a_read_only_database_is_one_line_and_exit_2_within_5_s(
    tmp_path: Path, make: Any, reason: str
) -> None:
    path = make(tmp_path)
    before = _snapshot(path)
    env = bot_env(tmp_path, path, closed_port_url())
    try:
        run = await run_bot(env, timeout=EXIT_WITHIN, **permissions_apply())
    except subprocess.SubprocessError as exc:  # the capability could not be dropped
        pytest.skip(f"cannot run without permission override here: {exc}")
    assert run.returncode == 2, run.stderr
    assert_one_line(run, f"DATABASE_PATH {path}: {reason.format(folder=path.parent)}")
    assert _snapshot(path) == before


def _snapshot(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


# ------------------------------------------------------------------ redaction


def test_an_uncaught_exception_anywhere_prints_no_token(tmp_path: Path) -> None:
    """The hooks `python -m bot` installs: main thread, other threads, print, warnings."""
    script = (
        "import threading, warnings, sys\n"
        "from bot.logsetup import install_redaction\n"
        f"token = {TOKEN!r}\n"
        "install_redaction(token)\n"
        "print('stdout', token[:12], token[12:], sep='')\n"
        "warnings.warn('warned ' + token)\n"
        "t = threading.Thread(target=lambda: int(token))\n"
        "t.start(); t.join()\n"
        "raise RuntimeError('https://api.telegram.org/bot' + token + '/getMe')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert TOKEN not in output
    assert "stdout<token>" in result.stdout
    assert "warned <token>" in result.stderr
    assert "Exception in thread" in result.stderr and "ValueError" in result.stderr
    assert "RuntimeError: https://api.telegram.org/bot<token>/getMe" in result.stderr
