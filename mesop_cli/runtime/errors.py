"""Errors the runtime raises, each pointing at the line of the app that caused it.

The web layer turns them into responses: ``AppLoadError`` stops a launch (or shows in the
dev page after a hot reload), ``PageNotFound`` is a 404, ``InvalidEvent`` (and its
``UnknownHandler``) a 400, ``HandlerError`` a developer-facing error in dev and a short
redacted one in prod.
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path

from mesop_cli.runtime.error_frames import Frame, frame_at, frames_of

_PACKAGE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "")


class AppLoadError(Exception):
    """The app file cannot be loaded; ``str()`` names the file and line and the cause."""

    def __init__(self, message: str, location: str, traceback_text: str = "") -> None:
        super().__init__(message)
        self.location = location
        self.traceback_text = traceback_text


class PageNotFound(LookupError):
    """No page is registered at the requested path."""

    def __init__(self, path: str, known: list[str]) -> None:
        pages = ", ".join(sorted(known)) or "none"
        super().__init__(f"no page at {path!r} (pages: {pages})")
        self.path = path


class InvalidEvent(ValueError):
    """The browser sent an event that is malformed or does not fit its handler."""


class UnknownHandler(InvalidEvent):
    """The event names a handler that the page does not have."""


class HandlerError(Exception):
    """User code (a page, on_load or handler) raised.

    ``location`` is "file:line" of the innermost frame in the app file, ``traceback_text``
    the full traceback for the log or the dev error page; ``str()`` is one line.
    ``summary`` is the exception alone ("ZeroDivisionError: division by zero") and
    ``frames`` the stack for the dev error dialog (a single frame at ``location`` when
    there is no traceback).
    """

    def __init__(self, message: str, location: str, traceback_text: str, *,
                 summary: str = "", frames: tuple[Frame, ...] | None = None) -> None:
        super().__init__(message)
        self.location = location
        self.traceback_text = traceback_text
        self.summary = summary or message
        self.frames = frames if frames is not None else frame_at(location)

    @classmethod
    def from_exception(cls, exc: BaseException, app_file: Path) -> HandlerError:
        """Wrap ``exc``, locating it in the app file."""
        location, function = locate(exc, app_file)
        detail = " ".join(str(exc).split())
        summary = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
        where = f"{location}, in {function}" if function else location
        return cls(f"{summary} ({where})", location, format_traceback(exc), summary=summary,
                   frames=frames_of(exc.__traceback__))


def format_traceback(exc: BaseException) -> str:
    """The traceback as text, as Python would print it."""
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def locate(exc: BaseException, app_file: Path) -> tuple[str, str]:
    """("file:line", function) of the frame most useful to the app's developer.

    The innermost frame in the app file wins; failing that the innermost frame outside
    this package (a helper module of the app), failing that the innermost frame.
    """
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return str(app_file), ""
    target = os.path.realpath(app_file)
    in_app = [f for f in frames if os.path.realpath(f.filename) == target]
    outside = [f for f in frames if not os.path.abspath(f.filename).startswith(_PACKAGE_DIR)]
    frame = (in_app or outside or frames)[-1]
    return f"{frame.filename}:{frame.lineno}", frame.name
