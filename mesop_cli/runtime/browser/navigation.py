"""``me.navigate``: switch the browser to another page after the handler, or send it to
another site, or open a page in a new tab."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit, urlunsplit

from mesop_cli.runtime.browser.query_params import copy_of
from mesop_cli.runtime.scope import current_scope

if TYPE_CHECKING:
    from mesop_cli.runtime.browser.query_params import QueryParams

log = logging.getLogger("mesop_cli.runtime")

#: What the browser may be sent to: another site is only ever an http(s) address, so a
#: ``javascript:`` or ``data:`` URL built from user input cannot run in the app's page.
_WEB_SCHEMES = ("http", "https")


def navigate(url: str, *,
             query_params: dict[str, str | Sequence[str]] | QueryParams | None = None,
             open_in_new_tab: bool = False) -> None:
    """Show the page at ``url`` once the handler is done (its on_load runs first).

    As in Mesop, the new URL's query is ``query_params`` (a dict of strings or lists of
    strings, or ``me.query_params`` to keep the current one), and nothing without it; a
    query written into ``url`` itself is dropped with a warning. ``url`` may also be an
    http(s) address of another site, which the tab leaves for once the page is drawn.
    With ``open_in_new_tab=True`` the address opens in a new tab and this tab stays where
    it is, its query untouched.
    """
    scope = current_scope("me.navigate()")
    if scope.builder is not None:
        raise RuntimeError("me.navigate() cannot be called while a page renders; call it "
                           "from an event handler or on_load")
    if not isinstance(url, str):
        raise TypeError(f"me.navigate() takes the URL as a string, got {type(url).__name__}")
    external = _is_web_address(url)
    if not external and not (url.startswith("/") and not url.startswith("//")):
        raise ValueError("me.navigate() takes an app path starting with '/' or an http(s) "
                         f"address, got {url!r}")
    path = url.split("#", 1)[0].split("?", 1)[0]
    if path != url.split("#", 1)[0]:
        log.warning("me.navigate(%r): the query in the URL is dropped; pass it as "
                    "me.navigate(url, query_params={'key': 'value'})", url)
    query = copy_of(query_params) if query_params is not None else {}
    if external or open_in_new_tab:
        if not external:
            scope.app.page_for(path)
        parts = urlsplit(url)
        address = urlunsplit(parts._replace(query=urlencode(query, doseq=True),
                                            fragment=parts.fragment if external else ""))
        scope.browser.commands.append({
            "type": "open_url",
            "url": address,
            "target": "_blank" if open_in_new_tab else "_self",
        })
        return
    scope.app.page_for(path)
    scope.browser.query.replace(query)
    scope.navigation = path
    # The target page's title replaces one set earlier in this step, as in Mesop.
    scope.page_title = None


def _is_web_address(url: str) -> bool:
    """An absolute http(s) URL with a host; any other scheme is refused, not followed."""
    if not url.split(":", 1)[0].isalpha() or ":" not in url:
        return False
    parts = urlsplit(url)
    if parts.scheme.lower() not in _WEB_SCHEMES:
        raise ValueError(f"me.navigate() only sends the browser to http(s) addresses, got "
                         f"{url!r}")
    if not parts.netloc:
        raise ValueError(f"me.navigate() needs a host in {url!r}")
    return True
