"""``@me.page``: registers a function as the page at a path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from mesop_cli.runtime.registry import PAGE_MARK, Page, declare_page

F = TypeVar("F", bound=Callable[[], Any])


def page(
    *,
    path: str = "/",
    title: str | None = None,
    on_load: Callable[[Any], Any] | None = None,
) -> Callable[[F], F]:
    """Register the decorated function as the page at ``path``.

    ``on_load`` receives a ``me.LoadEvent`` when the page is opened or navigated to and
    may be a generator (each ``yield`` streams a render).
    """
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError(f"@me.page path must start with '/', got {path!r}")
    if on_load is not None and not callable(on_load):
        raise TypeError(f"@me.page on_load must be callable, got {type(on_load).__name__}")

    def decorate(fn: F) -> F:
        code = getattr(fn, "__code__", None)
        location = f"{code.co_filename}:{code.co_firstlineno}" if code else repr(fn)
        registered = Page(path=path, title=title, on_load=on_load, fn=fn, location=location)
        setattr(fn, PAGE_MARK, registered)
        declare_page(registered)
        return fn

    return decorate
