"""Events sent while another event of their session streams: run between its yields.

A streaming handler holds its session's lock from its first render to its last. The tab
sends its next event (a Stop button's click) as soon as that stream has delivered its
first render, marked ``during``; this module is both ends of what happens to it.

The waiting end, :func:`lock_or_merge`, in the request that carries the event: it tries
the session's lock briefly. Busy: the event is posted to the session's mailbox
(:mod:`mesop_cli.sessions.mailbox`, in the store when the store is shared, so the holder
may be another instance) and the request waits for its outcome. The answer is then a
single line, ``{"type": "merged"}`` (or the event's error): the event's render went to the
tab on the holder's stream, the one ordered channel to it, so versions and patches stay
the holder's alone. Should the lock come free first (the stream ended), the entry is
withdrawn, and the event runs as any other, under the lock, when the store holds what the
stream saved; where the lock is the process's own (``memory``, ``none``), a free lock
may only mean that the stream runs in another process, so the tab is told ``again``: send
it once your stream has ended, as a plain event.

The holding end, :class:`MailboxDrain`, in the stream: after each render it sends, it
claims the mailbox's entries in the order posted and runs each with ``run_event`` on the
session's live state (checked against the session's page like any event), sends its
renders on the stream, and acks it. The streaming handler sees the change at its next
``yield``: that is Mesop's cancel pattern (``state.cancelled = True`` in a Stop handler,
checked by the generator between yields) working on every backend.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any

from flask import Response

from mesop_cli.logs import log_event
from mesop_cli.runtime import (
    HandlerError,
    InvalidEvent,
    PageNotFound,
    Render,
    close_renders,
    run_event,
)
from mesop_cli.sessions.base import BackendUnavailable, SessionLock
from mesop_cli.state_format.codec import CodecError
from mesop_cli.web.active_session import copy_is_ours
from mesop_cli.web.context import MesopContext, json_error
from mesop_cli.web.error_reports import report
from mesop_cli.web.protocol import EventRequest, line

if TYPE_CHECKING:
    from mesop_cli.web.open_event import OpenEvent

log = logging.getLogger("mesop_cli.web")

MIMETYPE = "application/x-ndjson"
#: How long an event sent during a stream tries the lock before it posts itself: the
#: stream may just have ended.
FIRST_TRY_SECONDS = 0.05
#: How long each wait for the outcome lasts before the lock is tried again.
WAIT_SLICE_SECONDS = 0.1
#: After a claim, how long its outcome may take: the holder acks before it unlocks, so
#: only a holder that died (or lost its lock) makes this wait last.
CLAIMED_WAIT_SECONDS = 5.0


def lock_or_merge(ctx: MesopContext, request: EventRequest, timeout: float
                  ) -> SessionLock | Response | None:
    """For an event sent during a stream: the session's lock (run the event as usual), or
    the response that ends the request (merged, again, refused). None for any other
    request: the session is locked as usual."""
    session_id = request.session_id
    if not request.during or session_id is None or request.event is None:
        return None
    backend, mailbox = ctx.backend, ctx.backend.mailbox
    lock = backend.try_lock(session_id, FIRST_TRY_SECONDS)
    if lock is not None:
        return _lock_came_free(ctx, lock)
    if not backend.server_side and not copy_is_ours(ctx.signer, request):
        # Under `none` the signed copy, not the id, shows the tab owns the session.
        return _again()
    entry = mailbox.post(session_id, json.dumps({"event": request.event}).encode())
    deadline = time.monotonic() + timeout
    while True:
        outcome = mailbox.wait(session_id, entry, WAIT_SLICE_SECONDS)
        if outcome is not None:
            return _answer(outcome)
        lock = backend.try_lock(session_id, FIRST_TRY_SECONDS)
        if lock is None and time.monotonic() < deadline:
            continue
        if mailbox.withdraw(session_id, entry):
            if lock is None:
                return json_error(503, f"This tab's session is busy (for more than "
                                       f"{timeout:g}s); try again.")
            return _lock_came_free(ctx, lock)
        # The holder claimed it first: it runs there, and its outcome comes.
        if lock is not None:
            lock.release()
        outcome = mailbox.wait(session_id, entry, CLAIMED_WAIT_SECONDS)
        if outcome is not None:
            return _answer(outcome)
        return json_error(503, "This tab's session stopped answering; try again.")


def _lock_came_free(ctx: MesopContext, lock: SessionLock) -> SessionLock | Response:
    if ctx.backend.mailbox.shared:
        return lock  # the stream ended, and the store holds what it saved
    # The lock is this process's own: the stream may run in another process.
    lock.release()
    return _again()


def _again() -> Response:
    return Response(line({"type": "again"}), mimetype=MIMETYPE)


def _answer(outcome: bytes) -> Response:
    message = json.loads(outcome)
    if message.get("type") == "refused":
        return json_error(int(message["status"]), str(message["message"]))
    return Response(line(message), mimetype=MIMETYPE)


class MailboxDrain:
    """The holding end: runs the events posted to the session's mailbox, after each
    render of the stream (:meth:`after_render`)."""

    def __init__(self, ctx: MesopContext, event: OpenEvent,
                 error_line: Callable[[MesopContext, HandlerError], dict[str, Any]]) -> None:
        self._ctx = ctx
        self._event = event
        self._error_line = error_line
        self._claimed_at = 0.0

    def after_render(self) -> Iterator[bytes]:
        """The lines of the events posted since the last claim, each run in turn."""
        mailbox = self._ctx.backend.mailbox
        session = self._event.session
        assert session is not None
        if time.monotonic() - self._claimed_at < mailbox.claim_interval:
            return
        self._claimed_at = time.monotonic()
        try:
            entries = mailbox.claim_all(session.id)
        except BackendUnavailable as exc:
            # The stream goes on: what was posted waits for the next claim, or the end.
            log.warning("could not read the session's mailbox: %s", exc)
            return
        done = 0
        try:
            for entry in entries:
                outcome: dict[str, Any] = {"type": "merged"}
                try:
                    outcome = yield from self._run(json.loads(entry.data)["event"])
                finally:
                    # Even when the stream is closed meanwhile: the waiter must not hang.
                    done += 1
                    self._ack(entry.id, outcome)
        finally:
            # The stream was closed (the tab went, the server stops) before these ran:
            # their tabs send them again once the stream is over.
            for entry in entries[done:]:
                self._ack(entry.id, {"type": "again"})

    def _ack(self, entry_id: str, outcome: dict[str, Any]) -> None:
        session = self._event.session
        assert session is not None
        try:
            self._ctx.backend.mailbox.ack(session.id, entry_id, json.dumps(outcome).encode())
        except BackendUnavailable as exc:
            log.warning("could not answer an event of the session's mailbox: %s", exc)

    def _run(self, user_event: dict[str, Any]
             ) -> Generator[bytes, None, dict[str, Any]]:
        """Run one posted event on the live state, its renders as lines; its outcome."""
        event, ctx = self._event, self._ctx
        session = event.session
        assert session is not None and session.path is not None
        started = time.perf_counter()
        kind, handler = str(user_event.get("kind")), str(user_event.get("handler"))
        path = session.path
        try:
            renders = run_event(event.app, path, session.states, user_event, event.browser)
        except (InvalidEvent, PageNotFound) as exc:
            return {"type": "refused", "status": 400,
                    "message": f"{exc}. The page may have changed; reload it."}
        except HandlerError as exc:
            return self._error_line(ctx, exc)
        outcome: dict[str, Any] = {"type": "merged"}
        try:
            for render in renders:
                yield line(session.render_message(render))
                # An event posted meanwhile runs between this one's yields too.
                yield from self.after_render()
        except HandlerError as exc:
            outcome = self._error_line(ctx, exc)
        except CodecError as exc:
            # As for the stream's own handler: the detail in production goes to the log.
            message = report(ctx.settings.prod, "The state could not be stored", exc).message
            outcome = {"type": "error", "message": message}
        finally:
            close_renders(renders)
            log_event(kind, path, handler, time.perf_counter() - started, ctx.backend.name,
                      session.id, outcome["type"] != "merged")
        if outcome["type"] != "merged":
            yield from self._redraw()
        return outcome

    def _redraw(self) -> Iterator[bytes]:
        """After a posted event failed: the page as its state now is, so that the tab
        holds what will be saved (the failed handler may have changed it)."""
        session = self._event.session
        assert session is not None
        renders: Iterator[Render] = iter(())
        try:
            renders = self._event.redraw()
            for render in renders:
                yield line(session.render_message(render))
        except (HandlerError, CodecError) as exc:
            log.warning("could not draw the page again after a failed event: %s", exc)
        finally:
            close_renders(renders)

