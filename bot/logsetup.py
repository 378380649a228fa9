"""Output that never shows the bot token: logs (httpx logs request URLs, which contain it),
tracebacks, and anything else written to stdout or stderr."""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from types import TracebackType
from typing import Any, TextIO

# Any token-shaped string, so a token from another setting or a traceback is caught too.
_TOKEN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")


def redact(text: str, token: str = "") -> str:
    if token:
        text = text.replace(token, "<token>")
    return _TOKEN.sub("<token>", text)


class RedactingFormatter(logging.Formatter):
    """Redacts the whole formatted record, tracebacks included."""

    def __init__(self, token: str, fmt: str) -> None:
        super().__init__(fmt)
        self.token = token

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.token)


class RedactingStream:
    """Wraps stdout/stderr: whole lines are redacted before they are written, so a token
    written in pieces (print's separate arguments) is still caught."""

    def __init__(self, stream: TextIO, token: str = "") -> None:
        self.stream = stream
        self.token = token
        self._pending = ""
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            head, newline, self._pending = (self._pending + text).rpartition("\n")
            if newline:
                self.stream.write(redact(head + newline, self.token))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        with self._lock:
            if self._pending:
                self.stream.write(redact(self._pending, self.token))
                self._pending = ""
        self.stream.flush()

    def __getattr__(self, name: str) -> Any:  # fileno, isatty, encoding, buffer, …
        return getattr(self.stream, name)


def install_redaction(token: str = "") -> None:
    """From here on, stdout, stderr and uncaught exceptions (any thread) are redacted.
    Called again (once the token is known) it only updates the token."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if isinstance(stream, RedactingStream):
            stream.token = token
        elif stream is not None:
            setattr(sys, name, RedactingStream(stream, token))
    sys.excepthook = _redacting_excepthook
    threading.excepthook = _redacting_thread_excepthook


def _current_token() -> str:
    stream = sys.stderr
    return stream.token if isinstance(stream, RedactingStream) else ""


def _write_redacted(lines: list[str]) -> None:
    if sys.stderr is not None:
        sys.stderr.write(redact("".join(lines), _current_token()))
        sys.stderr.flush()


def _redacting_excepthook(
    kind: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    _write_redacted(traceback.format_exception(kind, exc, tb))


def _redacting_thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else "?"
    _write_redacted(
        [
            f"Exception in thread {name}:\n",
            *traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback),
        ]
    )


def setup_logging(level: str, token: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        RedactingFormatter(token, "%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request at INFO; keep that for debugging only.
    logging.getLogger("httpx").setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)
