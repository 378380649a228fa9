"""WORKER_NAME: this process's name on the claims it takes; and which limiter each engine
gets (one shared budget on PostgreSQL, the in-memory one for a single SQLite process)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from bot.app import _rate_limiter
from bot.ratelimit import SharedRateLimiter, TelegramRateLimiter
from bot.settings import Settings
from domain.store import Store


def settings(**env: str) -> Settings:
    return Settings(_env_file=None, bot_token="1:a", staff_chat_id=-100, **env)  # type: ignore[call-arg, arg-type]


def test_the_default_names_the_host_and_the_process() -> None:
    assert settings().worker_name == f"{socket.gethostname()}-{os.getpid()}"


def test_a_given_name_is_kept_and_a_blank_one_is_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WORKER_NAME", "  worker-1 ")
    assert settings().worker_name == "worker-1"
    monkeypatch.setenv("WORKER_NAME", "   ")
    assert settings().worker_name.endswith(f"-{os.getpid()}")


def test_postgresql_shares_one_budget_sqlite_keeps_its_own(tmp_path: Path) -> None:
    pg = _rate_limiter(settings(), Store("postgresql://shop@localhost/toko"))
    assert isinstance(pg, SharedRateLimiter)
    assert pg.budget.url == "postgresql://shop@localhost/toko"
    lite = _rate_limiter(settings(), Store(tmp_path / "shop.db"))
    assert type(lite) is TelegramRateLimiter
