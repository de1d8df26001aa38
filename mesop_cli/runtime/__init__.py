"""The runtime: loads an app, renders its pages and runs its event handlers.

This is the interface the web layer uses; it knows nothing of HTTP or of session storage.
"""

from __future__ import annotations

from mesop_cli.runtime.browser.browser_context import BrowserContext, ThemeSettings
from mesop_cli.runtime.engine import (
    Render,
    close_renders,
    render,
    run_event,
    run_load,
    run_refresh,
)
from mesop_cli.runtime.errors import (
    AppLoadError,
    HandlerError,
    InvalidEvent,
    PageNotFound,
    UnknownHandler,
)
from mesop_cli.runtime.loaded_app import App, load_app
from mesop_cli.runtime.registry import Page

__all__ = [
    "App",
    "AppLoadError",
    "BrowserContext",
    "HandlerError",
    "InvalidEvent",
    "Page",
    "PageNotFound",
    "Render",
    "ThemeSettings",
    "UnknownHandler",
    "close_renders",
    "load_app",
    "render",
    "run_event",
    "run_load",
    "run_refresh",
]
