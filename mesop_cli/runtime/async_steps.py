"""Running ``async def`` handlers and async generators, one synchronous step at a time.

The web layer consumes an event's renders synchronously, from a werkzeug or gunicorn
thread that has no running event loop. So each event's stream owns one event loop, made
when its first coroutine needs it and closed when the stream ends: a coroutine handler
runs to completion as one step, an async generator advances one ``yield`` per step (each
``yield`` is a render, as for a sync generator), and between steps the loop stands still,
so the session is never touched by the handler while it is being rendered or saved.

In a thread whose own event loop is already running (a notebook, an async test harness,
an app embedding the runtime), the stream's loop runs on a thread of its own instead, for
as long as the stream lasts; each step still blocks the caller until it is done.

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
import concurrent.futures
import contextvars
import inspect
import sys
import threading
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
        #: Where the loop runs when the calling thread already has a running loop.
        self._thread: threading.Thread | None = None

    def run(self, scope: Scope, awaitable: Awaitable[T]) -> T:
        """Run ``awaitable`` to its end with ``scope`` active; its result or its error."""
        self._open()
        return self._run(_scoped(scope, awaitable))

    def next_of(self, scope: Scope, agen: AsyncGenerator[Any, Any]) -> Any:
        """Advance ``agen`` to its next ``yield``: the value yielded, or FINISHED."""
        self._open()
        return self._run(_next_of(scope, agen))

    def _open(self) -> None:
        if self._loop is not None:
            return
        self._loop = asyncio.new_event_loop()
        self._context = contextvars.copy_context()
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # the usual case: a werkzeug or gunicorn thread, no loop of its own
        self._thread = threading.Thread(target=self._loop.run_forever,
                                        name="mesop-cli async handler", daemon=True)
        self._thread.start()

    def _run(self, coro: Any) -> Any:
        loop, context = self._loop, self._context
        assert loop is not None and context is not None
        if self._thread is None:
            return loop.run_until_complete(_task(loop, context, coro))
        done: concurrent.futures.Future[Any] = concurrent.futures.Future()

        def start() -> None:
            task = _task(loop, context, coro)
            task.add_done_callback(lambda finished: _settle(done, finished))

        loop.call_soon_threadsafe(start)
        return done.result()

    def close(self) -> None:
        """Cancel the tasks the handler left running, finish async generators and the
        default executor's threads, and close the loop; idempotent. As ``asyncio.run``
        does, so a stream leaks no loop, task or thread."""
        loop, thread = self._loop, self._thread
        if loop is None:
            return
        try:
            self._run(_wind_down(loop))
        finally:
            self._loop, self._context, self._thread = None, None, None
            if thread is not None:
                loop.call_soon_threadsafe(loop.stop)
                thread.join()
            loop.close()


def _task(loop: asyncio.AbstractEventLoop, context: contextvars.Context, coro: Any
          ) -> asyncio.Task[Any]:
    if sys.version_info >= (3, 11):
        return loop.create_task(coro, context=context)
    return context.run(loop.create_task, coro)  # pragma: no cover - 3.10


def _settle(done: concurrent.futures.Future[Any], task: asyncio.Task[Any]) -> None:
    if task.cancelled():
        done.cancel()
    elif task.exception() is not None:
        done.set_exception(task.exception())  # type: ignore[arg-type]
    else:
        done.set_result(task.result())


async def _wind_down(loop: asyncio.AbstractEventLoop) -> None:
    current = asyncio.current_task()
    pending = [task for task in asyncio.all_tasks(loop) if task is not current]
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
    await loop.shutdown_asyncgens()
    await loop.shutdown_default_executor()


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
