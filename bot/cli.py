"""`python -m bot` runs the bot; `python -m bot catalog import FILE.csv` loads products."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from pydantic import ValidationError
from pydantic_settings import BaseSettings

from bot.settings import Settings, StoreSettings, describe_error

EXIT_BAD_SETTINGS = 2


def load_settings(model: type[BaseSettings] = Settings) -> BaseSettings:
    try:
        return model()
    except ValidationError as exc:
        print(describe_error(exc), file=sys.stderr)
        raise SystemExit(EXIT_BAD_SETTINGS) from None


def run_bot(settings: Settings) -> None:
    from telegram import Update

    from bot.app import build_application
    from bot.logsetup import setup_logging

    setup_logging(settings.log_level, settings.bot_token.get_secret_value())
    app = build_application(settings)
    app.run_polling(allowed_updates=Update.ALL_TYPES)


def import_catalog_file(settings: StoreSettings, path: Path) -> int:
    from domain.catalog_import import ImportFailed, rows_from_csv, rows_from_xlsx

    try:
        data = path.read_bytes()
        # The one place that decides the file type: an .xlsx is a zip ("PK"), else CSV text
        # (UTF-8 as "CSV UTF-8" writes it, or the Windows code page of plain "CSV").
        if data.startswith(b"PK\x03\x04") or path.suffix.lower() == ".xlsx":
            records = rows_from_xlsx(data)
        elif data.startswith(b"\xd0\xcf\x11\xe0"):  # the old binary .xls
            print(f"Cannot read {path}: an old .xls workbook; save it as .xlsx or CSV",
                  file=sys.stderr)
            return 1
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("cp1252")
            records = rows_from_csv(text)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"Cannot read {path}: {exc}", file=sys.stderr)
        return 1
    except ImportFailed as failed:
        print(failed.report(path), file=sys.stderr)
        return 1
    return asyncio.run(_import(settings, path, records))


async def _import(
    settings: StoreSettings, path: Path, records: list[tuple[int, list[str]]]
) -> int:
    from domain.catalog_import import ImportFailed, import_catalog
    from domain.store import Store

    async with Store(settings.database_path) as store:
        try:
            result = await import_catalog(store, records)
        except ImportFailed as failed:
            print(failed.report(path), file=sys.stderr)
            return 1
    print(f"Imported {result.created} new and {result.updated} updated product(s).")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Shop order bot")
    sub = parser.add_subparsers(dest="command")
    catalog = sub.add_parser("catalog", help="manage the product catalog")
    catalog_sub = catalog.add_subparsers(dest="action", required=True)
    do_import = catalog_sub.add_parser("import", help="create or update products from CSV or .xlsx")
    do_import.add_argument("file", type=Path)
    args = parser.parse_args(argv)

    if args.command == "catalog":
        # Loading products needs only the database: no token or staff group yet.
        store_settings = load_settings(StoreSettings)
        assert isinstance(store_settings, StoreSettings)
        return import_catalog_file(store_settings, args.file)
    settings = load_settings()
    assert isinstance(settings, Settings)
    run_bot(settings)
    return 0
