"""Rendering pages and dispatching events: the runtime's interface to the web layer.

Everything here is synchronous and free of HTTP. A handler that is a generator streams:
each ``yield`` produces a Render, and a final Render follows when it finishes. An
``async def`` handler or async generator runs the same way, on an event loop of the
stream's own (runtime/async_steps.py); a coroutine nothing would await (yielded by a
handler, or returned by a coroutine) is a HandlerError naming its line. A call to
``me.navigate`` takes effect at the next Render: the target page's on_load runs (itself
possibly streaming) and the Render is of the target page.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from collections.abc import AsyncGenerator, Callable, Generator, Iterator
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from mesop_cli.runtime.async_steps import FINISHED, EventLoopSlot, never_awaited
from mesop_cli.runtime.browser.browser_context import BrowserContext
from mesop_cli.runtime.errors import HandlerError, InvalidEvent, UnknownHandler
from mesop_cli.runtime.events import LoadEvent, build_event
from mesop_cli.runtime.loaded_app import App
from mesop_cli.runtime.scope import Scope, TreeBuilder, activated

# How many navigations one event may chain (on_load navigating on) before it is a loop.
_MAX_NAVIGATIONS = 16


@dataclass
class Render:
    """One rendered page: the node tree, the document title and the page's path, with the
    browser commands (scroll, focus) issued since the previous render."""

    tree: dict[str, Any]
    title: str
    path: str
    #: What me.set_page_title set during the event, shown instead of ``title``.
    page_title: str | None = None
    commands: list[dict[str, str]] = field(default_factory=list)
    #: The URL's new query as [key, value] pairs (me.query_params changed it, or a
    #: navigation happened); None when the URL already shows it.
    query: list[list[str]] | None = None


def _ensure_states(app: App, states: dict[str, object]) -> None:
    for key, cls in app.state_classes.items():
        if states.get(key) is None:
            states[key] = cls()


def _render(scope: Scope, path: str, sent: bool = True) -> tuple[Render, TreeBuilder]:
    """Render ``path``; ``sent`` is False for a render the browser never sees (the one that
    finds an event's handler), which must leave a change of the query for the next."""
    page = scope.app.page_for(path)
    builder = TreeBuilder(scope.app.module)
    scope.builder = builder
    try:
        with activated(scope):
            page.fn()
    except Exception as exc:
        raise HandlerError.from_exception(exc, scope.app.path) from exc
    finally:
        scope.builder = None
    commands = scope.browser.take_commands()
    query = scope.browser.query.take_update() if sent else None
    return (Render(builder.root, page.title or "Mesop", path, scope.page_title, commands, query),
            builder)


def render(app: App, path: str, states: dict[str, object],
           browser: BrowserContext | None = None) -> Render:
    """Render the page at ``path`` with this session's states (PageNotFound if none)."""
    app.page_for(path)
    _ensure_states(app, states)
    return _render(_scope(app, states, browser), path)[0]


def _scope(app: App, states: dict[str, object], browser: BrowserContext | None) -> Scope:
    return Scope(app, states, browser=browser if browser is not None else BrowserContext())


def _steps(scope: Scope, call: Callable[[], Any], loop: EventLoopSlot) -> Iterator[None]:
    """Run ``call``; yield after each ``yield`` of a generator, sync or async, it returns.
    A coroutine it returns (an ``async def`` handler, or a lambda calling one) runs to its
    end in one step."""
    try:
        with activated(scope):
            result = call()
    except Exception as exc:
        raise HandlerError.from_exception(exc, scope.app.path) from exc
    if inspect.iscoroutine(result):
        code = result.cr_code
        try:
            value = loop.run(scope, result)
        except (Exception, asyncio.CancelledError) as exc:
            raise HandlerError.from_exception(exc, scope.app.path) from exc
        _refuse_awaitable(never_awaited(value, "returned", None, code))
        return
    if inspect.isasyncgen(result):
        yield from _async_steps(scope, result, loop)
        return
    if not inspect.isgenerator(result):
        return
    try:
        while True:
            try:
                with activated(scope):
                    value = next(result)
            except StopIteration:
                return
            except Exception as exc:
                raise HandlerError.from_exception(exc, scope.app.path) from exc
            _refuse_awaitable(never_awaited(value, "yielded", _suspended_frame(result)))
            yield
    finally:
        # A client that went away stops the stream; let the handler's `finally` run.
        with activated(scope):
            result.close()


def _async_steps(scope: Scope, agen: AsyncGenerator[Any, Any],
                 loop: EventLoopSlot) -> Iterator[None]:
    """Advance an async generator handler one ``yield`` per step."""
    started = False
    try:
        while True:
            try:
                value = loop.next_of(scope, agen)
            except (Exception, asyncio.CancelledError) as exc:
                raise HandlerError.from_exception(exc, scope.app.path) from exc
            started = True
            if value is FINISHED:
                return
            _refuse_awaitable(never_awaited(value, "yielded", agen.ag_frame))
            yield
    finally:
        # As for a sync generator: a stream closed early runs the handler's `finally`
        # (which may itself await) now, before the session is saved.
        if started and agen.ag_frame is not None:
            loop.run(scope, agen.aclose())


def _suspended_frame(gen: Generator[Any, Any, Any]) -> FrameType | None:
    """The frame a generator stands at, inside any ``yield from`` it delegates to."""
    while inspect.isgenerator(gen.gi_yieldfrom):
        gen = gen.gi_yieldfrom
    return gen.gi_frame


def _refuse_awaitable(error: HandlerError | None) -> None:
    if error is not None:
        raise error


class _Stream:
    """Turns steps of user code into Renders, following navigations."""

    def __init__(self, scope: Scope, path: str) -> None:
        self.scope = scope
        self.path = path
        self.navigations = 0
        #: The event loop of async handlers, one for the whole stream (on_loads after
        #: navigations included), closed when the stream ends.
        self.loop = EventLoopSlot()

    def closing(self, renders: Iterator[Render]) -> Iterator[Render]:
        """``renders``, and the stream's event loop closed after them, however they end."""
        try:
            yield from renders
        finally:
            self.loop.close()

    def run(self, call: Callable[[], Any]) -> Iterator[Render]:
        steps = _steps(self.scope, call, self.loop)
        try:
            for _ in steps:
                yield from self.after_step()
            yield from self.after_step()
        finally:
            # Closed here, when this stream is, rather than whenever the garbage collector
            # gets to it: the handler's `finally` must run before the session is saved.
            steps.close()

    def after_step(self) -> Iterator[Render]:
        target = self.scope.navigation
        if target is None:
            yield _render(self.scope, self.path)[0]
            return
        self.scope.navigation = None
        self.navigations += 1
        page = self.scope.app.page_for(target)
        if self.navigations > _MAX_NAVIGATIONS:
            raise HandlerError(
                f"navigation loop: more than {_MAX_NAVIGATIONS} navigations in one event "
                f"(last to {target!r}; check the on_load of {page.location})",
                page.location,
                "",
            )
        self.path = target
        if page.on_load is None:
            yield _render(self.scope, target)[0]
        else:
            yield from self.run(functools.partial(page.on_load, LoadEvent(path=target)))


def run_load(app: App, path: str, states: dict[str, object],
             browser: BrowserContext | None = None) -> Iterator[Render]:
    """Run the page's on_load (streaming if it is a generator, sync or async), then render
    it."""
    page = app.page_for(path)
    # The page's own path: its query reaches the app through me.query_params.
    path = page.path
    _ensure_states(app, states)
    stream = _Stream(_scope(app, states, browser), path)
    if page.on_load is None:
        return stream.closing(stream.after_step())
    return stream.closing(stream.run(functools.partial(page.on_load, LoadEvent(path=path))))


def _check_event(event: object) -> tuple[str, str, str, Any]:
    if not isinstance(event, dict):
        raise InvalidEvent(f"an event must be an object, got {type(event).__name__}")
    handler_id, kind, key = event.get("handler"), event.get("kind"), event.get("key", "")
    for name, value in (("handler", handler_id), ("kind", kind), ("key", key)):
        if not isinstance(value, str):
            raise InvalidEvent(f"event field {name!r} must be a string, got {value!r}")
    return handler_id, kind, key, event.get("value")


def run_refresh(app: App, path: str, states: dict[str, object],
                browser: BrowserContext | None = None) -> Iterator[Render]:
    """Render the page again without running anything (the window was resized, or the
    browser's colour scheme changed): what ``me.viewport_size()`` and
    ``me.theme_brightness()`` say may have changed."""
    app.page_for(path)
    _ensure_states(app, states)
    stream = _Stream(_scope(app, states, browser), path)
    return stream.closing(stream.after_step())


def run_event(
    app: App, path: str, states: dict[str, object], event: dict[str, Any],
    browser: BrowserContext | None = None,
) -> Iterator[Render]:
    """Run the handler the event names; one Render per ``yield``, then a final one.

    The event is checked and its handler found before this returns: InvalidEvent or
    UnknownHandler for a bad event, PageNotFound for a bad path, HandlerError when the
    page raises while it is re-rendered to find the handler.

    The handler is looked up only in a render of ``path`` with this session's states, never
    in handlers other sessions rendered: a button the page shows only to some users (an
    admin's "wipe everything") must not run for a session whose page does not show it.
    ``path`` must therefore be the session's current page, as the server recorded it.
    """
    handler_id, kind, key, value = _check_event(event)
    page = app.page_for(path)
    _ensure_states(app, states)
    scope = _scope(app, states, browser)
    # Commands the page issues while rendered to find the handler belong to no render sent.
    entry = _render(scope, path, sent=False)[1].handlers.get(handler_id)
    if entry is None:
        raise UnknownHandler(f"page {page.path!r} has no handler {handler_id!r}")
    handler, kinds = entry
    if kind not in kinds:
        raise InvalidEvent(
            f"handler {handler_id!r} takes {', '.join(sorted(kinds))} events, not {kind!r}"
        )
    user_event = build_event(kind, key, value)
    stream = _Stream(scope, path)
    return stream.closing(stream.run(functools.partial(handler, user_event)))


def close_renders(renders: Iterator[Render]) -> None:
    """Close an event's renders at the yield the handler stands at, so its ``finally``
    runs now rather than when the garbage collector gets to it; idempotent. An error its
    clean-up raises is logged: the stream has ended either way."""
    close: Callable[[], None] | None = getattr(renders, "close", None)
    if close is None:
        return
    try:
        close()
    except Exception:
        logging.getLogger("mesop_cli.web").exception("a handler failed while being closed")
