"""`python -m bot` runs the bot; `python -m bot catalog import FILE.csv` loads products;
`python -m bot doctor` says how the bot stands in the staff group and what to fix;
`python -m bot db copy --to postgresql://…` moves the shop's SQLite data to PostgreSQL."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_settings import BaseSettings

from bot.logsetup import install_redaction, setup_logging
from bot.settings import Settings, StoreSettings, describe_error
from domain.store import Store, StoreUnusable

EXIT_BAD_SETTINGS = 2
log = logging.getLogger(__name__)


def load_settings(model: type[BaseSettings] = Settings) -> BaseSettings:
    try:
        return model()
    except ValidationError as exc:
        print(describe_error(exc), file=sys.stderr)
        raise SystemExit(EXIT_BAD_SETTINGS) from None


def run_bot(settings: Settings) -> int:
    token = settings.bot_token.get_secret_value()
    setup_logging(settings.log_level, token)
    # The store first: local, quick, and before the slow imports below (StoreUnusable).
    asyncio.run(check_store(settings.database))

    from telegram import Update
    from telegram.error import InvalidToken, NetworkError

    from bot import startup
    from bot.app import build_application

    url = settings.telegram_api_url
    delays = startup.backoff()
    lost: tuple[NetworkError, float] | None = None
    while True:
        try:
            me = asyncio.run(startup.reach_telegram(token, url, lost))
        except startup.TokenRejected:
            print(startup.TOKEN_REJECTED, file=sys.stderr)
            return EXIT_BAD_SETTINGS
        if me is None:
            log.info("Stopped before the bot started")
            return 0
        log.info("Telegram knows this bot as @%s", me.username)
        app = build_application(settings)
        try:
            # Should Telegram vanish before polling starts, PTB's bootstrap retries quietly.
            if settings.webhook_url:
                run_webhook(app, settings)
            else:
                app.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1)
            return 0
        except InvalidToken:  # revoked between the check above and here
            print(startup.TOKEN_REJECTED, file=sys.stderr)
            return EXIT_BAD_SETTINGS
        except NetworkError as exc:  # lost while post_init set the command menus: again
            lost = (exc, next(delays))


def run_webhook(app: Any, settings: Settings) -> None:
    """Serve Telegram's webhook posts (WEBHOOK_URL) until stopped; setWebhook at start."""
    from telegram import Update

    from bot.webhook import log_refusals, webhook_of

    assert settings.webhook_secret is not None  # the settings require it with a URL
    hook = webhook_of(
        settings.webhook_url, settings.webhook_listen, settings.webhook_secret.get_secret_value()
    )
    log_refusals(settings.log_level)
    log.info("Webhook mode: listening on %s:%s for %s", hook.listen, hook.port, hook.url)
    app.run_webhook(
        listen=hook.listen,
        port=hook.port,
        url_path=hook.url_path,
        webhook_url=hook.url,
        secret_token=hook.secret,
        allowed_updates=Update.ALL_TYPES,
        bootstrap_retries=-1,
    )


async def check_store(path: Path | str) -> None:
    """Open (and migrate) the store once and close it; raises StoreUnusable."""
    async with Store(path):
        pass


def import_catalog_file(settings: StoreSettings, path: Path) -> int:
    from domain.catalog.catalog_import import ImportFailed, read_file

    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"Cannot read {path}: {exc}", file=sys.stderr)
        return 1
    try:
        # The same reading as a file sent to the staff group (read_file tells the type).
        records = read_file(data, path.name)
    except ImportFailed as failed:
        if [e.code for e in failed.errors] in (["old_xls"], ["not_text"]):
            print(f"Cannot read {path}: {failed.errors[0].reason}", file=sys.stderr)
        else:
            print(failed.report(path), file=sys.stderr)
        return 1
    return asyncio.run(_import(settings, path, records))


async def _import(
    settings: StoreSettings, path: Path, records: list[tuple[int, list[str]]]
) -> int:
    from domain.catalog.catalog_import import ImportFailed, import_catalog
    from domain.store import Store

    async with Store(settings.database) as store:
        try:
            result = await import_catalog(store, records)
        except ImportFailed as failed:
            print(failed.report(path), file=sys.stderr)
            return 1
    print(f"Imported {result.created} new and {result.updated} updated product(s).")
    return 0


async def copy_database(source: Path | str, target: str) -> int:
    """Copy, then print each table's rows and totals on both sides; 0 when all match."""
    from domain.store.copy import CopyRefused, copy_store
    from domain.store.postgres import redact

    if not target.startswith(("postgresql://", "postgres://")):
        print("--to must be a postgresql:// URL", file=sys.stderr)
        return EXIT_BAD_SETTINGS
    if isinstance(source, str):
        print("DATABASE_URL is PostgreSQL already: the copy reads a SQLite store", file=sys.stderr)
        return EXIT_BAD_SETTINGS
    try:
        async with Store(source) as src, Store(target) as dst:
            checks = await copy_store(src, dst)
    except CopyRefused as exc:
        print(f"Not copied: {exc}", file=sys.stderr)
        return 1
    bad = [c for c in checks if not c.ok]
    for c in checks:
        mark = "ok" if c.ok else "DIFFERS"
        totals = ", ".join(f"{k}={v}" for k, v in c.totals.items() if v)
        print(f"{c.table:<24} {c.rows:>8} rows  {mark}  {totals}")
        if not c.ok:
            print(f"{'':<24} {c.target_rows:>8} rows in the target  {c.target_totals}")
    where = redact(target)
    if bad:
        print(f"Copied into {where}, but {len(bad)} table(s) differ (above)", file=sys.stderr)
        return 1
    total = sum(c.rows for c in checks)
    print(f"Copied {total} rows in {len(checks)} tables into {where}; counts and totals match.")
    return 0


def describe_store_fault(exc: StoreUnusable) -> str:
    name = "DATABASE_URL" if isinstance(exc.path, str) else "DATABASE_PATH"
    return f"{name} {exc.path}: {exc.reason}"


def entry(argv: list[str] | None = None) -> int:
    """What `python -m bot` runs: main() with its output redacted and start-up faults as one
    line each (bad settings exit inside load_settings)."""
    install_redaction()  # before the token is known, token-shaped text is redacted
    try:
        return main(argv)
    except StoreUnusable as exc:
        print(describe_store_fault(exc), file=sys.stderr)
        return EXIT_BAD_SETTINGS
    except KeyboardInterrupt:  # Ctrl-C before the bot's own signal handling is in place
        return 130


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Shop order bot")
    sub = parser.add_subparsers(dest="command")
    catalog = sub.add_parser("catalog", help="manage the product catalog")
    catalog_sub = catalog.add_subparsers(dest="action", required=True)
    do_import = catalog_sub.add_parser("import", help="create or update products from CSV or .xlsx")
    do_import.add_argument("file", type=Path)
    sub.add_parser(
        "doctor", help="the bot's status in the staff group (member, admin, can post, privacy)"
    )
    db = sub.add_parser("db", help="the database")
    db_sub = db.add_subparsers(dest="action", required=True)
    do_copy = db_sub.add_parser(
        "copy", help="copy the configured SQLite store into an empty PostgreSQL database"
    )
    do_copy.add_argument("--to", required=True, metavar="postgresql://…")
    args = parser.parse_args(argv)

    if args.command == "db":
        store_settings = load_settings(StoreSettings)
        assert isinstance(store_settings, StoreSettings)
        return asyncio.run(copy_database(store_settings.database, args.to))

    if args.command == "catalog":
        # Loading products needs only the database: no token or staff group yet.
        store_settings = load_settings(StoreSettings)
        assert isinstance(store_settings, StoreSettings)
        return import_catalog_file(store_settings, args.file)
    settings = load_settings()
    assert isinstance(settings, Settings)
    install_redaction(settings.bot_token.get_secret_value())
    if args.command == "doctor":
        return run_doctor(settings)
    return run_bot(settings)


def run_doctor(settings: Settings) -> int:
    from bot import doctor

    setup_logging("WARNING", settings.bot_token.get_secret_value())
    asyncio.run(check_store(settings.database))
    return asyncio.run(doctor.run(settings))
