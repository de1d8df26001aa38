"""``@me.page``: registers a function as the page at a path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from mesop_cli.runtime.registry import PAGE_MARK, Page, declare_page
from mesop_cli.runtime.security_policy import InvalidPageConfig, SecurityPolicy, stylesheet_url

F = TypeVar("F", bound=Callable[[], Any])


def page(
    *,
    path: str = "/",
    title: str | None = None,
    stylesheets: list[str] | None = None,
    security_policy: SecurityPolicy | None = None,
    on_load: Callable[[Any], Any] | None = None,
) -> Callable[[F], F]:
    """Register the decorated function as the page at ``path``.

    ``on_load`` receives a ``me.LoadEvent`` when the page is opened or navigated to and
    may be a generator (each ``yield`` streams a render). ``stylesheets`` are linked in the
    page (and allowed by its CSP); ``security_policy`` widens what the page may load and
    who may frame it (see ``me.SecurityPolicy``). Both are checked now, so a malformed URL
    stops the app's load at this line rather than being sent to browsers.
    """
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError(f"@me.page path must start with '/', got {path!r}")
    if on_load is not None and not callable(on_load):
        raise TypeError(f"@me.page on_load must be callable, got {type(on_load).__name__}")
    if stylesheets is not None and (isinstance(stylesheets, str)
                                    or not isinstance(stylesheets, (list, tuple))):
        raise InvalidPageConfig(f"@me.page stylesheets must be a list of URLs, got "
                                f"{type(stylesheets).__name__} {stylesheets!r:.80}")
    links = tuple(stylesheet_url(url) for url in stylesheets or ())
    if security_policy is not None and not isinstance(security_policy, SecurityPolicy):
        raise InvalidPageConfig(f"@me.page security_policy must be a me.SecurityPolicy, got "
                                f"{type(security_policy).__name__}")
    policy = security_policy.validated() if security_policy is not None else None

    def decorate(fn: F) -> F:
        code = getattr(fn, "__code__", None)
        location = f"{code.co_filename}:{code.co_firstlineno}" if code else repr(fn)
        registered = Page(path=path, title=title, on_load=on_load, fn=fn, location=location,
                          stylesheets=links, security_policy=policy)
        setattr(fn, PAGE_MARK, registered)
        declare_page(registered)
        return fn

    return decorate
