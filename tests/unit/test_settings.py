"""Settings: a missing or bad setting is one clear line naming it, and `python -m bot` exits 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings, describe_error

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
GROUP = "-1001234567890"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting leaks in from the machine running the tests, nor from a .env in the cwd."""
    names = {name.upper() for name in Settings.model_fields}
    for key in list(os.environ):
        if key.upper() in names or key.upper().split("__")[0] in names:
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)


def error_line(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ValidationError) as excinfo:
        Settings(_env_file=None)  # type: ignore[call-arg]
    line = describe_error(excinfo.value)
    assert "\n" not in line
    assert len(line) < 200
    return line


def test_missing_token(monkeypatch: pytest.MonkeyPatch) -> None:
    line = error_line(monkeypatch, STAFF_CHAT_ID=GROUP)
    assert line == "Setting BOT_TOKEN is missing (set it in the environment or .env)"


def test_missing_staff_chat(monkeypatch: pytest.MonkeyPatch) -> None:
    line = error_line(monkeypatch, BOT_TOKEN=TOKEN)
    assert line == "Setting STAFF_CHAT_ID is missing (set it in the environment or .env)"
    assert TOKEN not in line


@pytest.mark.parametrize(
    "token", ["xyzzy", "987654", "987654:", "bot987:xyz", ":xyzzy", "98 76:xyz"]
)
def test_bad_token_is_named_but_not_shown(monkeypatch: pytest.MonkeyPatch, token: str) -> None:
    line = error_line(monkeypatch, BOT_TOKEN=token, STAFF_CHAT_ID=GROUP)
    assert line.startswith("Setting BOT_TOKEN is invalid: ")
    assert "@BotFather" in line
    assert token not in line.removeprefix("Setting BOT_TOKEN is invalid: ")


@pytest.mark.parametrize("zone", ["Mars/Olympus", "WIB", "Asia/Jakarta/", "../etc/passwd"])
def test_bad_zone(monkeypatch: pytest.MonkeyPatch, zone: str) -> None:
    line = error_line(monkeypatch, BOT_TOKEN=TOKEN, STAFF_CHAT_ID=GROUP, TIMEZONE=zone)
    assert line.startswith("Setting TIMEZONE is invalid: unknown time zone")
    assert repr(zone) in line


@pytest.mark.parametrize("chat_id", ["12345", "0"])
def test_staff_chat_must_be_a_group(monkeypatch: pytest.MonkeyPatch, chat_id: str) -> None:
    line = error_line(monkeypatch, BOT_TOKEN=TOKEN, STAFF_CHAT_ID=chat_id)
    assert line.startswith("Setting STAFF_CHAT_ID is invalid: must be a group chat id")


def test_staff_chat_must_be_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    line = error_line(monkeypatch, BOT_TOKEN=TOKEN, STAFF_CHAT_ID="grup staf")
    assert line.startswith("Setting STAFF_CHAT_ID is invalid: ")
    assert "integer" in line


def test_other_bad_settings_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    base = {"BOT_TOKEN": TOKEN, "STAFF_CHAT_ID": GROUP}
    line = error_line(monkeypatch, **base, TELEGRAM_API_URL="api.telegram.org")
    assert line.startswith("Setting TELEGRAM_API_URL is invalid: must start with http")
    monkeypatch.delenv("TELEGRAM_API_URL")
    line = error_line(monkeypatch, **base, DEFAULT_LANGUAGE="fr")
    assert line.startswith("Setting DEFAULT_LANGUAGE is invalid: ")


def test_good_settings_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("STAFF_CHAT_ID", GROUP)
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081/")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.bot_token.get_secret_value() == TOKEN
    assert TOKEN not in repr(settings)
    assert settings.staff_chat_id == int(GROUP)
    assert settings.database_path == Path("data/orders.db")
    assert settings.telegram_api_url == "http://127.0.0.1:8081"
    assert settings.default_language == "id"
    assert str(settings.zone) == "Asia/Jakarta"
    assert settings.shipping("reg") is not None
    assert settings.shipping("nope") is None


def test_dotenv_in_the_working_directory_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"BOT_TOKEN={TOKEN}\nSTAFF_CHAT_ID={GROUP}\nTIMEZONE=Asia/Makassar\n", encoding="utf-8"
    )
    settings = Settings()  # type: ignore[call-arg]
    assert settings.staff_chat_id == int(GROUP)
    assert settings.timezone == "Asia/Makassar"


def run_bot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,  # no .env here
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "BOT_TOKEN"),
        ({"BOT_TOKEN": TOKEN}, "STAFF_CHAT_ID"),
        ({"BOT_TOKEN": "oops", "STAFF_CHAT_ID": GROUP}, "BOT_TOKEN"),
        ({"BOT_TOKEN": TOKEN, "STAFF_CHAT_ID": "42"}, "STAFF_CHAT_ID"),
        ({"BOT_TOKEN": TOKEN, "STAFF_CHAT_ID": GROUP, "TIMEZONE": "Asia/Bandung"}, "TIMEZONE"),
    ],
    ids=["no-token", "no-staff-chat", "bad-token", "positive-chat", "bad-zone"],
)
def test_python_m_bot_with_a_bad_setting_exits_2(
    tmp_path: Path, env: dict[str, str], named: str
) -> None:
    result = run_bot(tmp_path, **env)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Setting {named} is ")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert TOKEN not in result.stderr
    assert not (tmp_path / "data").exists()  # nothing created before the settings are good


@pytest.mark.parametrize(
    "url", ["mysql://shop@localhost/toko", "sqlite://orders.db", "postgresql://shop@host", "x"]
)
def test_a_bad_database_url_is_one_line(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    line = error_line(monkeypatch, BOT_TOKEN=TOKEN, STAFF_CHAT_ID=GROUP, DATABASE_URL=url)
    assert line.startswith("Setting DATABASE_URL is invalid: ")


@pytest.mark.parametrize(
    ("url", "where"),
    [
        ("", Path("data/orders.db")),
        ("sqlite:///var/toko/orders.db", Path("var/toko/orders.db")),
        ("sqlite:////var/toko/orders.db", Path("/var/toko/orders.db")),
        ("postgresql://toko:rahasia@db:5432/toko", "postgresql://toko:rahasia@db:5432/toko"),
        ("postgres://toko@/toko?host=/run/postgresql", "postgres://toko@/toko?host=/run/postgresql"),
    ],
)
def test_database_url_says_where_the_store_is(
    monkeypatch: pytest.MonkeyPatch, url: str, where: Path | str
) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("STAFF_CHAT_ID", GROUP)
    monkeypatch.setenv("DATABASE_URL", url)
    assert Settings(_env_file=None).database == where  # type: ignore[call-arg]


def test_webhook_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    base = {"BOT_TOKEN": TOKEN, "STAFF_CHAT_ID": GROUP}
    line = error_line(monkeypatch, **base, WEBHOOK_URL="https://toko.example/telegram")
    assert line == (
        "Settings do not fit together: WEBHOOK_URL needs WEBHOOK_SECRET (checked on every request)"
    )
    line = error_line(monkeypatch, **base, WEBHOOK_SECRET="not allowed!")
    assert line.startswith("Setting WEBHOOK_SECRET is invalid: must be 1–256 characters")
    monkeypatch.delenv("WEBHOOK_SECRET")
    line = error_line(monkeypatch, **base, WEBHOOK_URL="toko.example/telegram")
    assert line.startswith("Setting WEBHOOK_URL is invalid: ")
    monkeypatch.delenv("WEBHOOK_URL")
    line = error_line(monkeypatch, **base, WEBHOOK_LISTEN="8443")
    assert line == "Setting WEBHOOK_LISTEN is invalid: must be host:port, e.g. 0.0.0.0:8443"
    monkeypatch.setenv("WEBHOOK_LISTEN", "0.0.0.0:8443")
    monkeypatch.setenv("WEBHOOK_URL", "https://toko.example/telegram")
    monkeypatch.setenv("WEBHOOK_SECRET", "rahasia_toko-1")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.webhook_secret is not None
    assert "rahasia_toko-1" not in repr(settings)


def test_polling_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("STAFF_CHAT_ID", GROUP)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.webhook_url == "" and settings.webhook_secret is None
