"""The deploy files checked with the real tools, where the machine has them (each test says
why it is skipped otherwise): the systemd unit passes `systemd-analyze verify`, the compose
file's nginx config passes `nginx -t`, and the README's "Several workers" set-up runs: two
`python -m bot` webhook workers on PostgreSQL behind nginx with deploy/nginx.conf (TLS left out:
the fake Bot API posts plain HTTP), an order placed and shipped through it, one worker killed on
the way and nginx sending the rest to the other."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from domain.clock import utc_now
from tests.e2e.processes import (
    ROOT,
    STAFF_CHAT_ID,
    WEBHOOK_PATH,
    Fleet,
    free_port,
    seed_catalog,
    webhook_worker,
)
from tests.fakebotapi import FakeBotApi, FakeMessage, FakeUser

DEPLOY = ROOT / "deploy"
WAIT = 45.0  # a safety net per step on a loaded machine; steps take well under a second
NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
)
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


def text_of(message: FakeMessage) -> str:
    return message.text or message.caption or ""


def has(*parts: str) -> Callable[[FakeMessage], bool]:
    return lambda m: all(p in text_of(m) for p in parts)


# ---------------------------------------------------------------------- systemd


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
def test_the_systemd_unit_verifies(tmp_path: Path) -> None:
    """As installed: the instance is the port; the paths point at this checkout's Python."""
    unit = (DEPLOY / "bot@.service").read_text(encoding="utf-8")
    env = tmp_path / "env"
    env.write_text("BOT_TOKEN=1:a\n", encoding="utf-8")
    for old, new in (
        ("/opt/tokobot/.venv/bin/python", sys.executable),
        ("WorkingDirectory=/opt/tokobot", f"WorkingDirectory={ROOT}"),
        ("EnvironmentFile=/etc/tokobot/env", f"EnvironmentFile={env}"),
    ):
        assert old in unit, f"deploy/bot@.service no longer has {old!r}: update this test"
        unit = unit.replace(old, new)
    path = tmp_path / "bot@8441.service"
    path.write_text(unit, encoding="utf-8")
    done = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", str(path)], capture_output=True, text=True, timeout=60
    )
    said = (done.stdout + done.stderr).strip()
    assert done.returncode == 0 and said == "", said


# ---------------------------------------------------------------------- nginx


def nginx_config(folder: Path, listen: int, workers: list[int]) -> Path:
    """deploy/nginx.conf as shipped, inside the main context nginx needs, listening on plain
    HTTP on `listen` and forwarding to the workers' ports (8441, 8442 in the file)."""
    site = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    for shipped, port in zip(("127.0.0.1:8441", "127.0.0.1:8442"), workers, strict=True):
        assert shipped in site, f"deploy/nginx.conf no longer has {shipped}: update this test"
        site = site.replace(shipped, f"127.0.0.1:{port}")
    site, n = re.subn(r"listen 443 ssl;", f"listen 127.0.0.1:{listen};", site)
    assert n == 1, "deploy/nginx.conf no longer listens on 443: update this test"
    site = re.sub(r"^\s*ssl_certificate(_key)?\s.*$\n", "", site, flags=re.MULTILINE)
    return wrapped(folder, site)


def wrapped(folder: Path, site: str) -> Path:
    """A site's config inside the main context nginx needs, every path in `folder`."""
    temp = " ".join(
        f"{kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                            "uwsgi", "scgi")
    )
    main = "\n".join([
        "user root;" if os.geteuid() == 0 else "",  # the workers may read the test's folder
        f"pid {folder / 'nginx.pid'};",
        f"error_log {folder / 'error.log'} warn;",
        "events { worker_connections 256; }",
        "http {",
        "  log_format upstreams '$request_method $uri $status $upstream_addr $upstream_status';",
        f"  access_log {folder / 'access.log'} upstreams;",
        f"  {temp}",
        site,
        "}",
    ])
    path = folder / "nginx.conf"
    path.write_text(main, encoding="utf-8")
    return path


async def nginx_accepts(config: Path) -> None:
    """`nginx -t` on the config."""
    assert NGINX is not None
    check = await asyncio.create_subprocess_exec(
        NGINX, "-t", "-p", str(config.parent), "-c", str(config),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    said, _ = await check.communicate()
    assert check.returncode == 0, said.decode(errors="replace")


@contextlib.asynccontextmanager
async def nginx(config: Path, port: int) -> AsyncIterator[None]:
    assert NGINX is not None
    await nginx_accepts(config)
    proc = await asyncio.create_subprocess_exec(
        NGINX, "-p", str(config.parent), "-c", str(config), "-g", "daemon off;",
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while True:  # until it accepts connections
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                if proc.returncode is not None or loop.time() > deadline:
                    raise AssertionError(
                        (config.parent / "error.log").read_text(errors="replace")
                    ) from None
                await asyncio.sleep(0.05)  # polling a socket, not timing anything
        yield
    finally:
        if proc.returncode is None:
            proc.terminate()
            await proc.wait()


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed")
async def test_the_compose_nginx_config_is_accepted(tmp_path: Path) -> None:
    """deploy/nginx-compose.conf, as docker compose mounts it (its workers by service name,
    resolved here to this machine), passes `nginx -t`."""
    site = (DEPLOY / "nginx-compose.conf").read_text(encoding="utf-8")
    for name in ("worker1:8441", "worker2:8441"):
        assert name in site, f"deploy/nginx-compose.conf no longer has {name}: update this test"
    site = site.replace("worker1:8441", "127.0.0.1:8441").replace("worker2:8441", "127.0.0.2:8441")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{free_port()};")
    await nginx_accepts(wrapped(tmp_path, site))


async def order_through_the_chat(tg: FakeBotApi, budi: FakeUser) -> str:
    async def reply(*parts: str) -> FakeMessage:
        return await tg.wait_bot_message(budi, has(*parts), timeout=WAIT)

    await tg.send_text(budi, "/start KOPI-GAYO-250")
    product = await reply("Kopi Arabika Gayo")
    await tg.press(budi, product, "a:KOPI-GAYO-250:1")
    cart = await reply("masuk keranjang")
    await tg.press(budi, cart, "k:go")
    await reply("Nama penerima")
    await tg.send_text(budi, "Budi Santoso")
    await reply("Nomor HP")
    await tg.send_text(budi, "0812-3456-7890")
    await reply("Alamat pengiriman")
    await tg.send_text(budi, "Jl. Melati No. 5, Kebayoran Baru, Jakarta Selatan 12160")
    await tg.press(budi, await reply("Pengiriman"), "co:ship:reg")
    await tg.press(budi, await reply("Pembayaran"), "co:pay:cod")
    await tg.press(budi, await reply("Catatan"), "co:skip")
    await tg.press(budi, await reply("Periksa pesanan"), "co:ok")
    placed = await reply("diterima")
    return text_of(placed).split("#", 1)[1].split(" ", 1)[0]


@pytest.mark.postgresql_only
@pytest.mark.skipif(NGINX is None, reason="nginx is not installed")
async def test_two_workers_behind_the_deploy_nginx_place_and_ship_an_order(
    new_location: Callable[..., Path | str], tmp_path: Path
) -> None:
    url = new_location(utc_now())
    assert isinstance(url, str)
    await seed_catalog(url)
    port = free_port()
    front = f"http://127.0.0.1:{port}"
    fleet = Fleet(tmp_path)
    async with FakeBotApi() as tg:
        rina = tg.user(8001, "Rina")
        group = tg.group(STAFF_CHAT_ID, "Toko — Pesanan", bot_is_admin=True, members=[rina])
        budi = tg.user(7001, "Budi")
        workers = [webhook_worker(fleet, f"w{n}", tg, url, front) for n in (1, 2)]
        config = nginx_config(tmp_path, port, [w.port or 0 for w in workers])
        try:
            async with nginx(config, port):
                await asyncio.gather(*(w.start() for w in workers))
                await asyncio.gather(*(w.wait_ready(tg) for w in workers))
                assert tg.webhook_url == front + WEBHOOK_PATH
                number = await order_through_the_chat(tg, budi)

                await workers[0].kill()  # nginx finds it refusing and tries the other
                for command, done in (
                    (f"/verify {number}", "Terverifikasi"),
                    (f"/pack {number}", "Dikemas"),
                    (f"/ship {number} jnt JP1234567890", "Dikirim"),
                ):
                    await tg.send_text(rina, command, chat=group)
                    await tg.wait_bot_message(group, has(done, number), timeout=WAIT)
                shipped = await tg.wait_bot_message(
                    budi, has("dikirim", "JP1234567890"), timeout=WAIT
                )
                assert f"rcv:{number}" in shipped.callback_data()
        finally:
            await fleet.stop_all()
        tg.assert_clean()
    # Every update went through nginx (13: ten checkout steps, three staff commands) and was
    # taken (200), the secret header along: a post without it is refused with 403 and logged.
    assert all("refused with 403" not in w.log() for w in workers)
    posts = (tmp_path / "access.log").read_text(encoding="utf-8").splitlines()
    assert len(posts) == 13 and all(p.startswith(f"POST {WEBHOOK_PATH} 200 ") for p in posts)
    first, second = (f"127.0.0.1:{w.port}" for w in workers)
    served = [p.split(" ", 3)[3] for p in posts]
    assert any(s == f"{first} 200" for s in served[:10])  # both served the checkout
    assert any(s == f"{second} 200" for s in served[:10])
    # After the kill: the dead worker refused (502 to nginx), the other took the post.
    assert f"{first}, {second} 502, 200" in served[10:], served
    assert fleet.tracebacks() == []
