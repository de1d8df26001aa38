"""Running ``async def`` handlers and async generators, one synchronous step at a time.

The web layer consumes an event's renders synchronously, from a werkzeug or gunicorn
thread that has no running event loop. So each event's stream owns one event loop, made
when its first coroutine needs it and closed when the stream ends: a coroutine handler
runs to completion as one step, an async generator advances one ``yield`` per step (each
``yield`` is a render, as for a sync generator), and between steps the loop stands still,
so the session is never touched by the handler while it is being rendered or saved.

Every step runs in one ``contextvars.Context`` of the stream's own, with the event's scope
activated inside the task: ``me.state()`` works in coroutines and in the tasks they start
(a task copies the context it is created in), and a context variable the app sets in one
step is still set in the next, as it would be in a sync generator.

A coroutine that nothing will await (one a handler yields, or one a coroutine returns)
would only ever show as Python's "never awaited" warning in the log, after an event
logged as ok: :func:`never_awaited` makes it the handler's error, with its line.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import sys
import traceback
from collections.abc import AsyncGenerator, Awaitable
from types import CodeType, FrameType
from typing import Any, TypeVar

from mesop_cli.runtime.errors import HandlerError
from mesop_cli.runtime.scope import Scope, activated

T = TypeVar("T")


class _Finished:
    """What a step of an async generator returns when the generator has returned."""


FINISHED = _Finished()


async def _scoped(scope: Scope, awaitable: Awaitable[T]) -> T:
    with activated(scope):
        return await awaitable


async def _next_of(scope: Scope, agen: AsyncGenerator[Any, Any]) -> Any:
    # StopAsyncIteration is caught here, inside the task: an exception of that kind
    # crossing run_until_complete would read as any other error.
    with activated(scope):
        try:
            return await agen.__anext__()
        except StopAsyncIteration:
            return FINISHED


class EventLoopSlot:
    """The event loop of one event's stream: made on first use, closed by ``close``."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._context: contextvars.Context | None = None

    def run(self, scope: Scope, awaitable: Awaitable[T]) -> T:
        """Run ``awaitable`` to its end with ``scope`` active; its result or its error."""
        try:
            self._open()
        except RuntimeError:
            if inspect.iscoroutine(awaitable):
                awaitable.close()
            raise
        return self._run(_scoped(scope, awaitable))

    def next_of(self, scope: Scope, agen: AsyncGenerator[Any, Any]) -> Any:
        """Advance ``agen`` to its next ``yield``: the value yielded, or FINISHED."""
        self._open()
        return self._run(_next_of(scope, agen))

    def _open(self) -> None:
        if self._loop is not None:
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            raise RuntimeError(
                "an async handler cannot run in a thread whose event loop is already "
                "running; serve the app with `mesop` (werkzeug or gunicorn threads)"
            )
        self._loop = asyncio.new_event_loop()
        self._context = contextvars.copy_context()

    def _run(self, coro: Any) -> Any:
        assert self._loop is not None and self._context is not None
        if sys.version_info >= (3, 11):
            task = self._loop.create_task(coro, context=self._context)
        else:  # pragma: no cover - 3.10 copies the context into each task instead
            task = self._context.run(self._loop.create_task, coro)
        return self._loop.run_until_complete(task)

    def close(self) -> None:
        """Cancel the tasks the handler left running, finish async generators and the
        default executor's threads, and close the loop; idempotent. As ``asyncio.run``
        does, so a stream leaks no loop, task or thread."""
        loop, self._loop, self._context = self._loop, None, None
        if loop is None:
            return
        try:
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            loop.close()


def never_awaited(value: object, how: str, frame: FrameType | None,
                  code: CodeType | None = None) -> HandlerError | None:
    """The error for a coroutine (or other awaitable) that a handler ``how`` ("yielded",
    "returned") where nothing will await it; None when ``value`` is not one.

    ``frame`` is the handler's frame suspended at that ``yield`` (its line is the one to
    name), ``code`` the code of a finished coroutine that returned it (its ``def`` line).
    """
    if not inspect.isawaitable(value):
        return None
    name = getattr(value, "__qualname__", None) or type(value).__name__
    if inspect.iscoroutine(value):
        value.close()  # answered here; Python's "never awaited" warning would only repeat it
    if frame is not None:
        location, function = f"{frame.f_code.co_filename}:{frame.f_lineno}", frame.f_code.co_name
        stack = "".join(traceback.format_stack(frame))
    elif code is not None:
        location, function = f"{code.co_filename}:{code.co_firstlineno}", code.co_name
        stack = ""
    else:
        return None
    message = (f"the handler {function} {how} {name}() without awaiting it, so it would never "
               f"run ({location}): write `await {name}(...)` in an `async def` handler")
    return HandlerError(message, location, f"{stack}{message}\n")
