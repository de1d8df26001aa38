"""The two line formats, and the handler that writes them to stderr."""

from __future__ import annotations

import logging
import re
import sys
import threading
import time
from types import TracebackType
from typing import Any, TextIO

import msgspec

from mesop_cli.state_format.session_ids import redact_session_ids

#: Attribute of a log record holding its structured fields (an event's kind, path...),
#: set with ``extra={FIELDS: {...}}``. JSON lines carry them as keys; text lines carry
#: them in the message already.
FIELDS = "mesop_fields"
#: Attribute of a log record holding a traceback already formatted (a handler's, trimmed
#: by the runtime), set with ``extra={TRACEBACK: text}``: JSON lines carry it as
#: ``exception`` as they do a record's ``exc_info``; text lines print it below the message.
TRACEBACK = "mesop_traceback"
#: Keys every JSON line has; a record's fields never replace them.
_CORE_KEYS = ("time", "level", "logger", "message", "pid")
_encode = msgspec.json.Encoder(enc_hook=str).encode
#: Marks the handler configure_logging installs, so a second call replaces it.
_OURS = "_mesop_cli_handler"


class TextFormatter(logging.Formatter):
    """``2026-11-25 10:20:01,123 INFO mesop_cli.web: message``, session ids redacted."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        traceback = getattr(record, TRACEBACK, None)
        if traceback and not record.exc_info:
            text = f"{text}\n{traceback.rstrip()}"
        return redact_session_ids(text)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, pid, the
    record's fields, and the traceback (``exception``) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _utc_iso(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": _plain(redact_session_ids(record.getMessage())),
            "pid": record.process,
        }
        fields = getattr(record, FIELDS, None)
        if fields:
            for key, value in fields.items():
                if key not in _CORE_KEYS:
                    # A request's path is a browser's text: redacted like the message.
                    entry[key] = redact_session_ids(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["exception"] = redact_session_ids(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = redact_session_ids(record.exc_text)
        elif getattr(record, TRACEBACK, None):
            entry["exception"] = redact_session_ids(getattr(record, TRACEBACK))
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # msgspec: JSON at C speed (a few µs less per line than the json module);
        # enc_hook=str: a field that is not JSON (a path object) is shown, never a crash.
        return _encode(entry).decode()


#: Terminal colour codes (werkzeug colours its startup lines): noise inside JSON.
_ANSI_CODE = re.compile(r"\x1b\[[0-9;]*m")


def _plain(text: str) -> str:
    return _ANSI_CODE.sub("", text) if "\x1b" in text else text


def _utc_iso(created: float) -> str:
    seconds = int(created)
    millis = int((created - seconds) * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"


def formatter(log_format: str) -> logging.Formatter:
    """The formatter of a ``MESOP_LOG_FORMAT`` value (``text`` or ``json``)."""
    return JsonFormatter() if log_format == "json" else TextFormatter()


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a line is logged (as logging's own
    last-resort handler does), so a stream swapped by a test runner is followed."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def configure_logging(log_format: str, stream: TextIO | None = None) -> None:
    """Send every logger's records (the app's own too) to stderr in ``log_format``.

    ``mesop_cli`` logs at INFO, so each event has its line; other loggers keep their
    levels (the root's WARNING unless the app changes it). Calling again replaces the
    handler rather than adding a second one.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _OURS, False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    handler.setFormatter(formatter(log_format))
    setattr(handler, _OURS, True)
    root.addHandler(handler)
    _route_stray_output(log_format == "json")
    logging.getLogger("mesop_cli").setLevel(logging.INFO)
    werkzeug = logging.getLogger("werkzeug")
    if werkzeug.level == logging.NOTSET:  # as werkzeug itself sets it on its first line
        werkzeug.setLevel(logging.INFO)


#: The hooks in place before ours, put back when the format returns to text.
_previous_hooks: dict[str, Any] = {}


def _route_stray_output(as_json: bool) -> None:
    """In JSON, what Python itself would print to stderr as text (``warnings.warn``, an
    uncaught exception in the main thread or another) goes through logging instead, so
    every line of the process parses; text keeps Python's own output."""
    logging.captureWarnings(as_json)
    if as_json and not _previous_hooks:
        _previous_hooks.update(sys=sys.excepthook, threading=threading.excepthook)
        sys.excepthook = _log_uncaught
        threading.excepthook = _log_uncaught_in_thread
    elif not as_json and _previous_hooks:
        sys.excepthook = _previous_hooks.pop("sys")
        threading.excepthook = _previous_hooks.pop("threading")


def _log_uncaught(kind: type[BaseException], error: BaseException,
                  traceback: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):  # Ctrl-C: said, without a traceback
        logging.getLogger("mesop_cli").info("interrupted")
        return
    logging.getLogger("mesop_cli").critical("uncaught %s: %s", kind.__name__, error,
                                            exc_info=(kind, error, traceback))


def _log_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:  # as Python's own hook: a thread's exit is no error
        return
    name = args.thread.name if args.thread is not None else "?"
    logging.getLogger("mesop_cli").error(
        "uncaught %s in thread %s: %s", args.exc_type.__name__, name, args.exc_value,
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback))  # type: ignore[arg-type]
