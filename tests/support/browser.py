"""What Chromium tests share about a page: the errors it shows, and a fresh tab that fails
the test if any happen."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any


def record_errors(page: Any, errors: list[str], console: bool = False) -> None:
    """Append to ``errors`` every script error of ``page`` and, with ``console``, every
    error it logs (CSP violations among them), except the 404 of the browser's own
    request for /favicon.ico, which is not the page's doing."""
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    if console:
        page.on("console", lambda msg: errors.append(msg.text)
                if msg.type == "error" and "favicon" not in (msg.location or {}).get("url", "")
                else None)


@contextlib.contextmanager
def watched_tab(chromium: Any, console: bool = False) -> Iterator[Any]:
    """A tab in a context of its own (no cookies or storage shared with other tests); a
    script error in it (and, with ``console``, a logged error) fails the test on exit."""
    context = chromium.new_context()
    tab = context.new_page()
    errors: list[str] = []
    record_errors(tab, errors, console=console)
    try:
        yield tab
    finally:
        context.close()
    assert errors == [], errors
