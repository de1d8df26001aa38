"""Mesop's theming functions: ``me.set_theme_mode``, ``me.set_theme_density``,
``me.theme_brightness`` and ``me.theme_var``.

The theme is the session's (kept and signed with its state), so a mode set by one handler
holds for every later event and reload of the tab. The colours themselves are CSS
variables defined for light and dark in ``web/static/mesop.css``; the client switches
between them.
"""

from __future__ import annotations

import difflib
from typing import Literal

from mesop_cli.runtime.browser.browser_context import THEME_DENSITIES, THEME_MODES
from mesop_cli.runtime.scope import current_scope

ThemeMode = Literal["system", "light", "dark"]
ThemeBrightness = Literal["light", "dark"]

#: Mesop's ThemeVar names (Material 3's colour roles); each is a ``--sys-<name>`` CSS
#: variable in mesop.css, for light and dark.
THEME_VARS = frozenset("""
background error error-container inverse-on-surface inverse-primary inverse-surface
on-background on-error on-error-container on-primary on-primary-container on-primary-fixed
on-primary-fixed-variant on-secondary on-secondary-container on-secondary-fixed
on-secondary-fixed-variant on-surface on-surface-variant on-tertiary on-tertiary-container
on-tertiary-fixed on-tertiary-fixed-variant outline outline-variant primary
primary-container primary-fixed primary-fixed-dim scrim secondary secondary-container
secondary-fixed secondary-fixed-dim shadow surface surface-bright surface-container
surface-container-high surface-container-highest surface-container-low
surface-container-lowest surface-dim surface-tint surface-variant tertiary
tertiary-container tertiary-fixed tertiary-fixed-dim
""".split())

ThemeVar = Literal[
    "background", "error", "error-container", "inverse-on-surface", "inverse-primary",
    "inverse-surface", "on-background", "on-error", "on-error-container", "on-primary",
    "on-primary-container", "on-primary-fixed", "on-primary-fixed-variant", "on-secondary",
    "on-secondary-container", "on-secondary-fixed", "on-secondary-fixed-variant",
    "on-surface", "on-surface-variant", "on-tertiary", "on-tertiary-container",
    "on-tertiary-fixed", "on-tertiary-fixed-variant", "outline", "outline-variant",
    "primary", "primary-container", "primary-fixed", "primary-fixed-dim", "scrim",
    "secondary", "secondary-container", "secondary-fixed", "secondary-fixed-dim", "shadow",
    "surface", "surface-bright", "surface-container", "surface-container-high",
    "surface-container-highest", "surface-container-low", "surface-container-lowest",
    "surface-dim", "surface-tint", "surface-variant", "tertiary", "tertiary-container",
    "tertiary-fixed", "tertiary-fixed-dim",
]


def set_theme_mode(theme_mode: ThemeMode) -> None:
    """Show the app light, dark, or as the browser prefers ("system"), from the next
    render on, for this session."""
    scope = current_scope("me.set_theme_mode()")
    if theme_mode not in THEME_MODES:
        raise ValueError("me.set_theme_mode() takes 'light', 'dark' or 'system', "
                         f"got {theme_mode!r}")
    scope.browser.theme.mode = theme_mode


def set_theme_density(density: Literal[0, -1, -2, -3, -4]) -> None:
    """Make components more compact: 0 (roomiest, the default) down to -4."""
    scope = current_scope("me.set_theme_density()")
    if type(density) is not int or density not in THEME_DENSITIES:
        raise ValueError(f"me.set_theme_density() takes 0, -1, -2, -3 or -4, got {density!r}")
    scope.browser.theme.density = density


def theme_brightness() -> ThemeBrightness:
    """"dark" or "light": how the page is shown, following the browser's preference in
    "system" mode."""
    return "dark" if current_scope("me.theme_brightness()").browser.dark() else "light"


def theme_var(var: ThemeVar, /) -> str:
    """The CSS value of a theme colour, for a ``me.Style`` (``var(--sys-primary)``): it
    follows the theme, light or dark."""
    if var not in THEME_VARS:
        near = difflib.get_close_matches(str(var), sorted(THEME_VARS), n=1)
        hint = f"; did you mean {near[0]!r}?" if near else " (see Mesop's ThemeVar)"
        raise ValueError(f"me.theme_var({var!r}): not a theme variable{hint}")
    return f"var(--sys-{var})"
