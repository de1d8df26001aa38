"""What Chromium tests share about a page: the errors it shows."""

from __future__ import annotations

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
