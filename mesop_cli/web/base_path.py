"""Serving under a sub-path (MESOP_BASE_URL_PATH), as a proxy forwards it unchanged.

The prefix is taken off at the WSGI level and put in ``SCRIPT_NAME``, so every Flask route
stays as it is, ``request.path`` is the app's own path, and ``url_for`` and
``request.script_root`` carry the prefix. A request outside the prefix gets 404; the prefix
alone is redirected to the prefix with its slash, the root page's address.

The event protocol speaks of the browser's paths (``location.pathname``): the server takes
the prefix off what the browser names (:func:`page_path`) and puts it back on what it
sends (:func:`browser_path`, :func:`browser_commands`), so the client needs no notion of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import has_request_context, request

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class UnderBasePath:
    """WSGI middleware serving ``app`` at ``prefix`` (``/app``, no trailing slash)."""

    def __init__(self, app: WsgiApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        if path.startswith(self.prefix + "/"):
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + self.prefix
            environ["PATH_INFO"] = path[len(self.prefix):]
            return self.app(environ, start_response)
        if path == self.prefix and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            query = environ.get("QUERY_STRING", "")
            location = self.prefix + "/" + (f"?{query}" if query else "")
            start_response("308 Permanent Redirect", [("Location", location),
                                                      ("Content-Type", "text/plain"),
                                                      ("Content-Length", "0")])
            return [b""]
        body = f"Not found: this app is served under {self.prefix}/\n".encode()
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8"),
                                         ("Content-Length", str(len(body))),
                                         ("X-Content-Type-Options", "nosniff")])
        return [body]


def _prefix() -> str:
    return request.script_root if has_request_context() else ""


def page_path(browser_path: str) -> str:
    """The app's page path of a path the browser shows (``/app/chat`` -> ``/chat``)."""
    prefix = _prefix()
    if prefix and (browser_path == prefix or browser_path.startswith(prefix + "/")):
        return browser_path[len(prefix):] or "/"
    return browser_path


def browser_path(path: str) -> str:
    """The address the browser shows for the app's page ``path``."""
    return _prefix() + path


def browser_commands(commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The commands with an app path to open (me.navigate in a new tab) under the prefix."""
    prefix = _prefix()
    if not prefix:
        return commands
    return [{**c, "url": prefix + c["url"]}
            if c.get("type") == "open_url" and isinstance(c.get("url"), str)
            and c["url"].startswith("/") and not c["url"].startswith("//") else c
            for c in commands]
