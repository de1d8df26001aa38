"""Links and pictures: ``link``, ``icon``, ``image`` and ``plot``."""

from __future__ import annotations

import base64
import io
from typing import Any

from mesop_cli.runtime.components.node import (
    insert,
    safe_image_url,
    safe_url,
    text_or_empty,
)
from mesop_cli.runtime.style import Style


def link(
    *,
    text: str,
    url: str,
    open_in_new_tab: bool = False,
    style: Style | None = None,
    key: str | None = None,
) -> None:
    """A link; in-app paths ("/form") navigate without reloading the page."""
    props = {
        "text": text_or_empty(text),
        "url": safe_url(text_or_empty(url)),
        "open_in_new_tab": bool(open_in_new_tab),
    }
    insert("me.link()", "link", key, props, style, {})


def icon(
    icon: str | None = None,
    *,
    key: str | None = None,
    style: Style | None = None,
) -> None:
    """A Material Symbols icon by name ("home", "send", "delete"), as in Mesop.

    The icon font (Material Symbols Rounded, Apache-2.0) ships with the package, so no
    font is fetched from elsewhere. The name is also the icon's accessible name.
    """
    insert("me.icon()", "icon", key, {"icon": text_or_empty(icon)}, style, {})


def image(
    *,
    src: str | None = None,
    alt: str | None = None,
    style: Style | None = None,
    key: str | None = None,
) -> None:
    """An ``<img>``; ``src`` is an http(s) or relative URL, or an inline ``data:image/...``.

    A ``src`` whose scheme could run script (``javascript:``) is replaced by a dead one.
    """
    props = {"src": safe_image_url(text_or_empty(src)), "alt": text_or_empty(alt)}
    insert("me.image()", "image", key, props, style, {})


def plot(figure: Any, *, style: Style | None = None) -> None:
    """A matplotlib figure, drawn on the server as a PNG image.

    Any object with matplotlib's ``savefig(file, format=...)`` works; anything else is a
    TypeError saying what was given.
    """
    savefig = getattr(figure, "savefig", None)
    if not callable(savefig):
        raise TypeError(
            f"me.plot() needs a matplotlib Figure (with savefig), got {type(figure).__name__}; "
            "install matplotlib and pass e.g. matplotlib.figure.Figure()"
        )
    buffer = io.BytesIO()
    savefig(buffer, format="png")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    props = {"src": f"data:image/png;base64,{data}", "alt": ""}
    insert("me.plot()", "image", None, props, style, {})
