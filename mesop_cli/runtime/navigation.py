"""``me.navigate``: switch the browser to another page after the handler."""

from __future__ import annotations

from urllib.parse import urlencode

from mesop_cli.runtime.context import current_scope


def navigate(url: str, *, query_params: dict[str, str | list[str]] | None = None) -> None:
    """Show the page at ``url`` once the handler is done (its on_load runs first)."""
    scope = current_scope("me.navigate()")
    if scope.builder is not None:
        raise RuntimeError("me.navigate() cannot be called while a page renders; call it "
                           "from an event handler or on_load")
    if not isinstance(url, str) or not url.startswith("/"):
        raise ValueError(f"me.navigate() takes an app path starting with '/', got {url!r}")
    scope.app.page_for(url)
    if query_params:
        url = f"{url}{'&' if '?' in url else '?'}{urlencode(query_params, doseq=True)}"
    scope.navigation = url
    # The target page's title replaces one set earlier in this step, as in Mesop.
    scope.page_title = None
