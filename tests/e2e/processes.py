"""The bot as real processes: `python -m bot` started, killed with SIGKILL and started again,
on one database, against the fake Bot API (polling) or behind tests.fakebotapi's Balancer
(webhooks). What the multi-process tests (and bench/workers.py) share.

Each process writes its log to `<folder>/<name>.log` (appended across restarts), so nothing
has to drain a pipe and a failed test can show the lines.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from pathlib import Path

from domain.catalog.catalog_import import import_catalog
from domain.store import Store
from tests.fakebotapi import FakeBotApi

ROOT = Path(__file__).resolve().parents[2]
STAFF_CHAT_ID = -1001234567890
EXAMPLE_CATALOG = ROOT / "examples" / "catalog.csv"
SECRET = "rahasia-toko_123"
WEBHOOK_PATH = "/telegram"
START_WITHIN = 60.0  # seconds from exec to serving, on a loaded 2-core machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def worker_env(
    tg: FakeBotApi,
    database: Path | str,
    home: Path,
    **settings: str,
) -> dict[str, str]:
    """The environment of one `python -m bot`: the fake server's token and URL, the
    database (a SQLite file or a postgresql:// URL), outbound limits lifted (handling is what
    is tested and timed), no schedule and no flood control unless `settings` say so."""
    where = (
        {"DATABASE_URL": database} if isinstance(database, str)
        else {"DATABASE_PATH": str(database), "DATABASE_URL": ""}
    )
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        "BOT_TOKEN": tg.token,
        "TELEGRAM_API_URL": tg.url,
        "STAFF_CHAT_ID": str(STAFF_CHAT_ID),
        "SHOP_NAME": "Toko Kopi Nusantara",
        "LOG_LEVEL": "INFO",
        "RATE_LIMIT_OVERALL_PER_SECOND": "100000",
        "RATE_LIMIT_GROUP_PER_MINUTE": "100000",
        "RATE_LIMIT_CHAT_PER_SECOND": "100000",
        "FLOOD_LIMIT": "0",
        "SCHEDULE_ENABLED": "false",
        "QUIET_HOURS": "off",
        # The inbox's lease (issue 11): short, so a killed worker's chats move on quickly.
        "INBOX_LEASE": "3s",
        **where,
        **settings,
    }


async def seed_catalog(database: Path | str) -> None:
    async with Store(database) as store:
        await import_catalog(store, EXAMPLE_CATALOG.read_text(encoding="utf-8"))


class BotProcess:
    """One `python -m bot`; `port` set for a webhook worker (it listens on 127.0.0.1)."""

    def __init__(
        self, name: str, env: dict[str, str], folder: Path, port: int | None,
        module: str = "bot",
    ) -> None:
        self.name = name
        self.env = env
        self.port = port
        self.module = module  # run as `python -m <module>`
        self.log_path = folder / f"{name}.log"
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0
        self.kills = 0

    @property
    def url(self) -> str:
        """The worker's base URL (what the balancer forwards to)."""
        assert self.port is not None
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if (
            self.log_path.exists()) else ""

    async def start(self) -> None:
        assert not self.running, f"{self.name} is running already"
        self.starts += 1
        with self.log_path.open("ab") as out:
            out.write(f"----- start {self.starts}\n".encode())
            out.flush()
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", self.module,
                cwd=self.env["HOME"],  # no .env there
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=out,
            )

    async def wait_ready(self, tg: FakeBotApi, timeout: float = START_WITHIN) -> None:  # noqa: ASYNC109
        """Until it serves: a webhook worker accepts connections on its port; a poller has
        asked for updates since this start."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        polls = len(tg.calls_to("getUpdates"))
        while True:
            if self.proc is not None and self.proc.returncode is not None:
                raise AssertionError(f"{self.name} exited {self.proc.returncode}:\n{self.log()}")
            if self.port is not None:
                with contextlib.suppress(OSError):
                    _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                    writer.close()
                    return
            elif len(tg.calls_to("getUpdates")) > polls:
                return
            if loop.time() > deadline:
                raise AssertionError(f"{self.name} not ready after {timeout} s:\n{self.log()}")
            await asyncio.sleep(0.05)  # polling a socket, not timing the bot

    async def kill(self) -> None:
        """kill -9: no handler finishes, nothing is flushed, no answer goes out."""
        assert self.proc is not None and self.running, f"{self.name} is not running"
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()
        self.kills += 1

    async def stop(self, timeout: float = 15.0) -> int | None:  # noqa: ASYNC109
        """SIGTERM and wait (SIGKILL after `timeout`); the exit status."""
        if self.proc is None:
            return None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), timeout)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        return self.proc.returncode

    async def restart(self, tg: FakeBotApi) -> None:
        await self.start()
        await self.wait_ready(tg)


class Fleet(list[BotProcess]):
    """The processes a test started; all stopped at its end."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def add(
        self, name: str, env: dict[str, str], port: int | None = None, module: str = "bot"
    ) -> BotProcess:
        process = BotProcess(name, env, self.folder, port, module)
        self.append(process)
        return process

    def tracebacks(self) -> list[str]:
        """Log lines of a traceback in any process, for the test to show."""
        return [f"{p.name}: {line}" for p in self for line in p.log().splitlines()
                if "Traceback" in line]

    async def stop_all(self) -> None:
        await asyncio.gather(*(p.stop() for p in self), return_exceptions=True)


def webhook_worker(
    fleet: Fleet, name: str, tg: FakeBotApi, database: Path | str, balancer_url: str,
    *, module: str = "bot", **settings: str,
) -> BotProcess:
    """A webhook worker behind the balancer: every worker registers the same WEBHOOK_URL
    (the balancer's) and listens on a port of its own."""
    port = free_port()
    env = worker_env(
        tg, database, fleet.folder,
        WEBHOOK_URL=balancer_url + WEBHOOK_PATH,
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_LISTEN=f"127.0.0.1:{port}",
        **settings,
    )
    return fleet.add(name, env, port, module)


def polling_bot(
    fleet: Fleet, name: str, tg: FakeBotApi, database: Path | str, **settings: str
) -> BotProcess:
    return fleet.add(name, worker_env(tg, database, fleet.folder, **settings))
