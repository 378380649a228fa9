"""An HTTP load balancer in front of several webhook workers, as a shop would run them.

The fake Bot API posts each update to the balancer's URL (the workers' shared WEBHOOK_URL);
the balancer forwards it to one worker drawn at random. What a real balancer (and Telegram
behind it) does on a bad day is on purpose here:

- a worker that refuses the connection, drops it or answers anything but 200 gets the update
  retried on another worker (all of them, in turn, until one takes it or `give_up_after`);
- with `duplicate=True` every update also goes to a second worker at about the same time (a
  retry after a lost answer, a balancer that resends on a timeout): the bot must take it once.

The balancer answers the fake Bot API 200 once a worker has answered 200, so Telegram's own
rule still holds: a chat's next update is posted only after its previous one was answered.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from dataclasses import dataclass

import aiohttp
from aiohttp import web

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True, slots=True)
class Forward:
    update_id: int
    worker: str  # the worker's base URL
    status: int  # its HTTP status, 0 for a refused or dropped connection


class Balancer:
    """`workers` are base URLs (`http://127.0.0.1:PORT`); the request's path is kept."""

    def __init__(
        self,
        workers: list[str] | None = None,
        *,
        duplicate: bool = False,
        seed: int = 0,
        give_up_after: float = 60.0,
    ) -> None:
        self.workers = list(workers or [])
        self.duplicate = duplicate
        self.give_up_after = give_up_after
        self.forwards: list[Forward] = []
        self._rng = random.Random(seed)
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._url: str | None = None

    @property
    def url(self) -> str:
        if self._url is None:
            raise RuntimeError("Balancer is not started")
        return self._url

    async def start(self) -> Balancer:
        # No pooled keep-alive: a killed worker's socket must not be reused by the next post.
        connector = aiohttp.TCPConnector(limit=0, force_close=True)
        self._session = aiohttp.ClientSession(
            connector=connector, timeout=aiohttp.ClientTimeout(total=30)
        )
        app = web.Application()
        app.router.add_route("POST", "/{path:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        host, port = runner.addresses[0][:2]
        self._url = f"http://{host}:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> Balancer:
        return await self.start()

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    def forwarded_to(self, worker: str) -> list[Forward]:
        return [f for f in self.forwards if f.worker == worker]

    # ------------------------------------------------------------------ forwarding

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {"Content-Type": "application/json"}
        if SECRET_HEADER in request.headers:
            headers[SECRET_HEADER] = request.headers[SECRET_HEADER]
        update_id = int(json.loads(body).get("update_id", 0))
        path = request.path
        first = self._pick(set())
        jobs = [self._deliver(update_id, path, body, headers, first)]
        if self.duplicate and first is not None:
            second = self._pick({first}) or first
            jobs.append(self._deliver(update_id, path, body, headers, second, delay=True))
        statuses = await asyncio.gather(*jobs)
        ok = any(status == 200 for status in statuses)
        return web.Response(status=200 if ok else 502)

    def _pick(self, avoid: set[str]) -> str | None:
        choices = [w for w in self.workers if w not in avoid] or list(self.workers)
        return self._rng.choice(choices) if choices else None

    async def _deliver(
        self,
        update_id: int,
        path: str,
        body: bytes,
        headers: dict[str, str],
        worker: str | None,
        *,
        delay: bool = False,
    ) -> int:
        """Post to `worker`, then to the others in turn, until one answers 200."""
        assert self._session is not None
        if delay:  # the duplicate: at once, or just after the first one
            await asyncio.sleep(self._rng.choice((0, 0, 0.002, 0.01)))
        deadline = time.monotonic() + self.give_up_after
        tried: set[str] = set()
        while worker is not None:
            try:
                async with self._session.post(worker + path, data=body, headers=headers) as answer:
                    status = answer.status
                    await answer.read()
            except (aiohttp.ClientError, TimeoutError):
                status = 0
            self.forwards.append(Forward(update_id, worker, status))
            if status == 200 or time.monotonic() > deadline:
                return status
            tried.add(worker)
            if tried >= set(self.workers):  # every worker failed once: a breath, then again
                tried.clear()
                await asyncio.sleep(0.05)
            worker = self._pick(tried)
        return 0
