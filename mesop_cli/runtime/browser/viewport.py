"""``me.viewport_size()``: the size of the tab's viewport, as its browser reported it with
the event (and again when the window is resized, which re-renders the page)."""

from __future__ import annotations

from dataclasses import dataclass

from mesop_cli.runtime.scope import current_scope


@dataclass(kw_only=True)
class Size:
    """A viewport's ``width`` and ``height`` in CSS pixels."""

    width: int
    height: int


def viewport_size() -> Size:
    """The viewport of the tab this render or event is for. A value the browser did not
    send, or sent out of range, reads as 1280 x 720."""
    width, height = current_scope("me.viewport_size()").browser.viewport
    return Size(width=width, height=height)
