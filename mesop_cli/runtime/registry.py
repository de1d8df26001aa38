"""What an app file declares while ``load_app`` imports it.

``@me.page`` and ``@me.stateclass`` report to the collector of the load in progress (a
contextvar, so two threads loading apps do not mix their pages). They also mark the
objects themselves, so ``load_app`` finds pages and state classes imported from helper
modules that Python had already cached and therefore did not run again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mesop_cli.runtime.security_policy import SecurityPolicy
    from mesop_cli.runtime.web_modules import WebModule

PAGE_MARK = "__mesop_page__"
STATECLASS_MARK = "__mesop_stateclass__"
COOKIECLASS_MARK = "__mesop_cookieclass__"


@dataclass(frozen=True)
class Page:
    """A page: the function that draws it, where it was declared, and what its HTML may
    load (checked stylesheets and security policy, or None for the strict default)."""

    path: str
    title: str | None
    on_load: Callable[[Any], Any] | None
    fn: Callable[[], Any]
    location: str
    stylesheets: tuple[str, ...] = ()
    security_policy: SecurityPolicy | None = None


@dataclass
class Collector:
    """Pages and state classes declared during one load, in declaration order."""

    pages: list[Page] = field(default_factory=list)
    state_classes: list[type] = field(default_factory=list)
    #: Classes of @me.cookieclass (the launcher warns when signed or encrypted ones would
    #: be keyed by a secret made up for one launch).
    cookie_classes: list[type] = field(default_factory=list)
    # ---- web components: begin ----
    #: The directory of the app being loaded: web component modules must be inside it.
    app_dir: Path | None = None
    #: The JavaScript modules of @me.web_component, by URL path.
    web_modules: dict[str, WebModule] = field(default_factory=dict)
    # ---- web components: end ----


_LOADING: ContextVar[Collector | None] = ContextVar("mesop_cli_loading", default=None)


@contextmanager
def collecting(app_dir: Path | None = None) -> Iterator[Collector]:
    """Collect the declarations made while the block runs (the app at ``app_dir``)."""
    collector = Collector(app_dir=app_dir)
    token = _LOADING.set(collector)
    try:
        yield collector
    finally:
        _LOADING.reset(token)


def loading() -> bool:
    """Whether a load is in progress (an app file run by ``load_app``)."""
    return _LOADING.get() is not None


def declare_page(page: Page) -> None:
    """Record a page with the load in progress, if any."""
    collector = _LOADING.get()
    if collector is not None:
        collector.pages.append(page)


def declare_state_class(cls: type) -> None:
    """Record a state class with the load in progress, if any."""
    collector = _LOADING.get()
    if collector is not None:
        collector.state_classes.append(cls)


def declare_cookie_class(cls: type) -> None:
    """Record a cookie class with the load in progress, if any."""
    collector = _LOADING.get()
    if collector is not None:
        collector.cookie_classes.append(cls)


# ---- web components: begin ----


def loading_app_dir() -> Path | None:
    """The directory of the app whose load is in progress, if any."""
    collector = _LOADING.get()
    return collector.app_dir if collector is not None else None


def declare_web_module(module: WebModule) -> None:
    """Record a web component's module with the load in progress, if any."""
    collector = _LOADING.get()
    if collector is not None:
        collector.web_modules[module.url_path] = module

# ---- web components: end ----
