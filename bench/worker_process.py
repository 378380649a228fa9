"""`python -m bench.worker_process`: `python -m bot`, for bench/workers.py. With BENCH_INBOX=off
the bot is built with `use_inbox=False` (updates handled from memory, as python-telegram-bot
does by itself), to measure what the inbox costs; otherwise it is exactly `python -m bot`."""

from __future__ import annotations

import functools
import os
import sys

import bot.app
from bot.cli import entry

if os.environ.get("BENCH_INBOX", "on") == "off":
    bot.app.build_application = functools.partial(  # type: ignore[assignment]
        bot.app.build_application, use_inbox=False
    )

if __name__ == "__main__":
    sys.exit(entry())
