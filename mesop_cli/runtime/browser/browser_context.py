"""What user code may learn about, and ask of, the browser tab an event comes from.

Three kinds of things live here, with different owners:

- the session's theme (:class:`ThemeSettings`): set by the app with ``me.set_theme_mode``,
  kept with the session's state (signed with it), so it survives events and reloads;
- what the browser reported with this request (its colour-scheme preference, its
  viewport): unsigned hints, already validated by the web layer, used only to answer
  ``me.theme_brightness()`` and ``me.viewport_size()``;
- commands for the browser (scroll to, focus) that a handler issues and the next render
  carries;
- the query of the tab's URL (``me.query_params``): sent by the browser with the request,
  unsigned plain data, and any change made to it carried by the next render;
- the request's cookies and those the app sets (``me.cookie``, ``me.set_cookie``), which
  the web layer sends as headers of the event's response (:mod:`.cookie_jar`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mesop_cli.runtime.browser.cookie_jar import CookieJar
from mesop_cli.runtime.browser.query_state import QueryState

THEME_MODES = ("light", "dark", "system")
#: Mesop's densities: 0 (roomiest) down to -4 (most compact).
THEME_DENSITIES = (0, -1, -2, -3, -4)
#: Mesop's default: light, whatever the browser prefers, until the app says otherwise.
DEFAULT_THEME_MODE = "light"

#: The viewport reported when the browser sent none or one that makes no sense.
DEFAULT_VIEWPORT = (1280, 720)
#: Largest width or height believed (a zoomed-out 8K screen stays well under it).
MAX_VIEWPORT_PIXELS = 100_000


@dataclass
class ThemeSettings:
    """The session's theme, as the app last set it."""

    mode: str = DEFAULT_THEME_MODE
    density: int = 0

    def as_json(self) -> dict[str, Any] | None:
        """How it is stored beside the state; None for the default theme, so the state of
        an app that never sets one is stored (and signed) exactly as before."""
        if self.mode == DEFAULT_THEME_MODE and self.density == 0:
            return None
        return {"mode": self.mode, "density": self.density}

    @classmethod
    def from_json(cls, data: Any) -> ThemeSettings:
        """The theme stored with a session; anything unexpected reads as the default
        (the data comes from our store or a signed copy, but an old format must not crash)."""
        if not isinstance(data, dict):
            return cls()
        mode = data.get("mode")
        density = data.get("density")
        return cls(
            mode=mode if mode in THEME_MODES else DEFAULT_THEME_MODE,
            density=density if type(density) is int and density in THEME_DENSITIES else 0,
        )

    def for_browser(self) -> dict[str, Any]:
        """What the client needs to paint the theme."""
        return {"mode": self.mode, "density": self.density}


@dataclass
class BrowserContext:
    """The browser side of one event: the session's theme (shared with the session, so a
    change made by the handler is saved), the request's hints, and pending commands."""

    theme: ThemeSettings = field(default_factory=ThemeSettings)
    #: The browser said it prefers a dark colour scheme (only matters in "system" mode).
    prefers_dark: bool = False
    viewport: tuple[int, int] = DEFAULT_VIEWPORT
    commands: list[dict[str, str]] = field(default_factory=list)
    #: The query of the tab's URL (me.query_params), as the request reported it.
    query: QueryState = field(default_factory=QueryState)
    #: The cookies the request carried, and those set for its response.
    cookies: CookieJar = field(default_factory=CookieJar)

    def dark(self) -> bool:
        """Whether the page is shown dark, as the browser paints it."""
        if self.theme.mode == "system":
            return self.prefers_dark
        return self.theme.mode == "dark"

    def take_commands(self) -> list[dict[str, str]]:
        """The commands issued since the last render, which the next render carries."""
        taken, self.commands = self.commands, []
        return taken
