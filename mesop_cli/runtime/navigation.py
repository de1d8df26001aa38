"""``me.navigate``: switch the browser to another page after the handler."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mesop_cli.runtime.context import current_scope
from mesop_cli.runtime.query_params import copy_of

if TYPE_CHECKING:
    from mesop_cli.runtime.query_params import QueryParams

log = logging.getLogger("mesop_cli.runtime")


def navigate(url: str, *,
             query_params: dict[str, str | Sequence[str]] | QueryParams | None = None) -> None:
    """Show the page at ``url`` once the handler is done (its on_load runs first).

    As in Mesop, the new URL's query is ``query_params`` (a dict of strings or lists of
    strings, or ``me.query_params`` to keep the current one), and nothing without it; a
    query written into ``url`` itself is dropped with a warning.
    """
    scope = current_scope("me.navigate()")
    if scope.builder is not None:
        raise RuntimeError("me.navigate() cannot be called while a page renders; call it "
                           "from an event handler or on_load")
    if not isinstance(url, str) or not url.startswith("/"):
        raise ValueError(f"me.navigate() takes an app path starting with '/', got {url!r}")
    path = url.split("#", 1)[0].split("?", 1)[0]
    if path != url.split("#", 1)[0]:
        log.warning("me.navigate(%r): the query in the URL is dropped; pass it as "
                    "me.navigate(url, query_params={'key': 'value'})", url)
    query = copy_of(query_params) if query_params is not None else {}
    scope.app.page_for(path)
    scope.browser.query.replace(query)
    scope.navigation = path
    # The target page's title replaces one set earlier in this step, as in Mesop.
    scope.page_title = None
