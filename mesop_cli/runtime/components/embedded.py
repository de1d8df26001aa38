"""Media and other pages shown in the page: ``video``, ``audio`` and ``embed``.

Sources go through the same check as ``me.link`` (http, https or a relative URL; a
scheme that could run script becomes a dead link); the page's CSP lets media and frames
come from https origins (web/csp.py).
"""

from __future__ import annotations

from mesop_cli.runtime.components.node import insert, safe_url, text_or_empty
from mesop_cli.runtime.style import Style


def _source(value: str | None) -> str:
    url = text_or_empty(value)
    # A media or frame source has no business being mailto: or tel:.
    scheme_safe = safe_url(url)
    lowered = scheme_safe.strip().lower()
    return "about:blank#blocked" if lowered.startswith(("mailto:", "tel:")) else scheme_safe


def video(*, src: str, style: Style | None = None, key: str | None = None) -> None:
    """A video player (the browser's own controls) for the file at ``src``."""
    insert("me.video()", "video", key, {"src": _source(src)}, style, {})


def audio(*, src: str | None = None, key: str | None = None, autoplay: bool = False) -> None:
    """An audio player for ``src``; ``autoplay`` is subject to the browser's own rules
    (most start sound only after the user interacted with the page)."""
    insert("me.audio()", "audio", key, {"src": _source(src), "autoplay": bool(autoplay)},
           None, {})


def embed(*, src: str, style: Style | None = None, key: str | None = None) -> None:
    """Another page shown in a frame (size it with ``style``).

    The frame is sandboxed: it may run its own scripts and forms and open windows, but
    cannot navigate this page.
    """
    insert("me.embed()", "embed", key, {"src": _source(src)}, style, {})
