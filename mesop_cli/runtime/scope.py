"""Per-render and per-event context, kept in a contextvar so threads never share it.

A ``Scope`` holds the app, the session's state instances, a pending navigation, the
browser's side of the event (theme, viewport, commands) and, while a page function runs,
the tree being built. It is activated only around each
synchronous step of user code (never across a ``yield`` of ours), so a streaming response
consumed by another thread or context never sees a stale scope.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

from mesop_cli.runtime.browser.browser_context import BrowserContext
from mesop_cli.runtime.handlers import HandlerMap

if TYPE_CHECKING:
    from mesop_cli.runtime.loaded_app import App


def new_node(type_name: str, key: str | None, props: dict[str, Any], css: str) -> dict[str, Any]:
    """A tree node in the shape the browser client expects."""
    if key is not None and not isinstance(key, str):
        raise TypeError(f"key must be a string, got {type(key).__name__}")
    return {"t": type_name, "k": key or "", "p": props, "s": css, "c": []}


class TreeBuilder:
    """Collects the nodes a page function emits, nesting them under open parents."""

    def __init__(self, app_module: ModuleType) -> None:
        self.root = new_node("box", None, {}, "")
        self.handlers = HandlerMap(app_module)
        self._open: list[dict[str, Any]] = [self.root]

    def add(self, node: dict[str, Any]) -> None:
        """Append ``node`` to the innermost open parent."""
        self._open[-1]["c"].append(node)

    @property
    def parent(self) -> dict[str, Any]:
        """The innermost open parent: where the next node goes."""
        return self._open[-1]

    def open(self, node: dict[str, Any]) -> None:
        """Make ``node`` the parent of what follows (``with me.box():``)."""
        self._open.append(node)

    def close(self, node: dict[str, Any]) -> None:
        """Close ``node``, which must be the innermost open parent."""
        if self._open[-1] is not node:
            raise RuntimeError("components were closed out of order")
        self._open.pop()


@dataclass
class Scope:
    """What user code may reach during one render or one event."""

    app: App
    states: dict[str, object]
    navigation: str | None = None
    builder: TreeBuilder | None = field(default=None)
    #: A title set by me.set_page_title during this event (None: the page's own).
    page_title: str | None = None
    #: The tab's theme, viewport and pending commands (me.theme_brightness, ...).
    browser: BrowserContext = field(default_factory=BrowserContext)


_SCOPE: ContextVar[Scope | None] = ContextVar("mesop_cli_scope", default=None)


@contextmanager
def activated(scope: Scope) -> Iterator[None]:
    """Make ``scope`` current for the duration of one synchronous step."""
    token = _SCOPE.set(scope)
    try:
        yield
    finally:
        _SCOPE.reset(token)


def in_scope() -> bool:
    """Whether a page is rendering or a handler running (web components: begin/end)."""
    return _SCOPE.get() is not None


def current_scope(caller: str) -> Scope:
    """The active scope, or a clear error when called outside a render or handler."""
    scope = _SCOPE.get()
    if scope is None:
        raise RuntimeError(
            f"{caller} can only be called while a page renders or an event handler runs"
        )
    return scope


def current_builder(caller: str) -> TreeBuilder:
    """The tree being built; components called from a handler get a clear error."""
    builder = current_scope(caller).builder
    if builder is None:
        raise RuntimeError(
            f"{caller} can only be called while a page renders, not from an event handler "
            "(change state in the handler; the page function draws it)"
        )
    return builder
