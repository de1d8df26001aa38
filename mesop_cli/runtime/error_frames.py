"""The frames of a failure as a developer reads them: which are the app's, and the source
lines around each of the app's failing lines.

The dev error dialog (web/static/core/error_dialog.js) shows the app's innermost frame
first with its source, the rest of the app's frames after it, and folds away the frames of
the framework (mesop-cli, installed packages, the standard library), which a developer
cannot act on. Pure data: the web layer sends it as JSON, in dev only.
"""

from __future__ import annotations

import linecache
import os
import sysconfig
import traceback
from dataclasses import dataclass
from types import TracebackType
from typing import Any

#: mesop-cli's own source: its frames are the framework's, wherever it is installed.
_PACKAGE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "")
_INSTALLED = (f"{os.sep}site-packages{os.sep}", f"{os.sep}dist-packages{os.sep}")
#: The standard library's directories (asyncio, contextlib and the like sit between an
#: event and the app's handler).
_STDLIB_DIRS = tuple(dict.fromkeys(
    os.path.join(os.path.realpath(path), "")
    for path in (sysconfig.get_paths().get("stdlib"), sysconfig.get_paths().get("platstdlib"))
    if path))
#: Lines shown above and below an app frame's failing line.
CONTEXT_LINES = 3
#: Frames kept of a deep stack (a RecursionError's thousand): the innermost ones.
MAX_FRAMES = 40
#: A source line longer than this is cut (a minified line or a data literal).
MAX_LINE_CHARS = 240


@dataclass(frozen=True)
class SourceLine:
    number: int
    text: str


@dataclass(frozen=True)
class Frame:
    """One frame: where, in which function, whether it is the app's, and its source (the
    lines around the failing one for the app's frames, the failing line alone otherwise)."""

    file: str
    line: int
    function: str
    is_app: bool
    source: tuple[SourceLine, ...]

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "function": self.function,
                "is_app": self.is_app,
                "source": [{"line": s.number, "text": s.text} for s in self.source]}


def is_framework_file(filename: str) -> bool:
    """True for frames a developer of the app cannot act on: mesop-cli's own, installed
    packages', the standard library's and Python's frozen or generated code."""
    if not filename or filename.startswith("<"):
        return True
    path = os.path.abspath(filename)
    if path.startswith(_PACKAGE_DIR) or any(part in path for part in _INSTALLED):
        return True
    real = os.path.realpath(path)
    return any(real.startswith(stdlib) for stdlib in _STDLIB_DIRS)


def source_around(filename: str, line: int, context: int = CONTEXT_LINES
                  ) -> tuple[SourceLine, ...]:
    """The lines ``line - context`` to ``line + context`` of ``filename`` as it is now on
    disk (a file edited since it was imported shows its new text, as Python's own
    traceback does); empty when it cannot be read."""
    linecache.checkcache(filename)  # drop a cached copy older than the file
    lines = linecache.getlines(filename)
    if not lines or line < 1:
        return ()
    first, last = max(1, line - context), min(len(lines), line + context)
    return tuple(SourceLine(number, _clip(lines[number - 1])) for number in range(first, last + 1))


def frames_of(tb: TracebackType | None) -> tuple[Frame, ...]:
    """The frames of a traceback, outermost first (as Python prints them), the innermost
    ``MAX_FRAMES`` of a deeper one."""
    summary = traceback.extract_tb(tb)[-MAX_FRAMES:]
    return tuple(_frame(entry.filename, entry.lineno or 0, entry.name) for entry in summary)


def frame_at(location: str, function: str = "") -> tuple[Frame, ...]:
    """A single frame from "file:line": for errors that have a place but no traceback (a
    navigation loop, a coroutine yielded without being awaited)."""
    file, _, number = location.rpartition(":")
    if not file or not number.isdigit():
        return ()
    return (_frame(file, int(number), function),)


def _frame(filename: str, line: int, function: str) -> Frame:
    app = not is_framework_file(filename)
    if app:
        source = source_around(filename, line)
    else:
        source = tuple(s for s in source_around(filename, line, 0) if s.number == line)
    return Frame(filename, line, function, app, source)


def _clip(text: str) -> str:
    text = text.rstrip("\r\n")
    return text if len(text) <= MAX_LINE_CHARS else text[:MAX_LINE_CHARS] + "…"
