"""The event endpoint: run a page load or an event, stream one JSON line per render.

The stream is run up to its first line before the response is made: what the event did
until then (a plain handler, an on_load, a generator handler before its first ``yield``)
is known while the headers can still change, so the cookies it set go out as
``Set-Cookie`` headers of this very response. The rest streams as before.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from flask import Response, request, stream_with_context

from mesop_cli.logs import log_event
from mesop_cli.runtime import (
    BrowserContext,
    HandlerError,
    InvalidEvent,
    PageNotFound,
    Render,
    run_event,
    run_load,
    run_refresh,
)
from mesop_cli.sessions.base import LockLost
from mesop_cli.state_format.codec import CodecError
from mesop_cli.web.active_session import ActiveSession
from mesop_cli.web.context import EVENTS_PATH, MesopContext, bp, json_error, mesop_context
from mesop_cli.web.cookie_headers import cookie_jar_for, write_cookies
from mesop_cli.web.error_reports import report
from mesop_cli.web.hooks import pending_event
from mesop_cli.web.protocol import line
from mesop_cli.web.shutdown import stopping, stream_ended, stream_started

log = logging.getLogger("mesop_cli.web")


@bp.post(EVENTS_PATH)
def events() -> Response:
    ctx = mesop_context()
    pending = pending_event()
    session = pending.session
    if session is None:
        return Response(line({"type": "miss"}), mimetype="application/x-ndjson")
    if session.recovered:
        ctx.metrics.count_recovery()
    req, app = pending.request, pending.app
    browser = session.browser_context(req)
    browser.cookies = cookie_jar_for(request, ctx.settings)
    try:
        if req.refresh and session.path is not None:
            # The window was resized or its colour scheme changed: the session's own page
            # is drawn again, and nothing runs (not even on_load).
            renders = run_refresh(app, session.path, session.states, browser)
        elif req.event is None or session.path is None:
            # A page load, or an event of a session with no page to check it against (a
            # new one: the browser's was unknown or expired); the event is not run.
            renders = run_load(app, req.path, session.states, browser)
        else:
            # Against the page the server recorded for the session, not the one named by
            # the browser: a handler runs only if this session's own page shows it.
            renders = run_event(app, session.path, session.states, req.event, browser)
    except PageNotFound as exc:
        refusal = json_error(404, str(exc))
    except InvalidEvent as exc:
        refusal = json_error(400, f"{exc}. The page may have changed; reload it.")
    except HandlerError as exc:
        # The page raised while being rendered to find the handler: the developer's error,
        # reported like one raised by the handler itself.
        refusal = Response(line(_handler_error_message(ctx, exc)),
                           mimetype="application/x-ndjson")
    else:
        if req.refresh and session.path is not None:
            described = ("refresh", session.path, None)
        elif req.event is None or session.path is None:
            # The page's registered path, never the browser's text (its query could
            # carry a line break that forges a log line).
            described = ("load", app.page_for(req.path).path, None)
        else:
            described = (req.event["kind"], session.path, req.event["handler"])

        def redraw() -> Iterator[Render]:
            assert session.path is not None  # set by the render that came before
            return run_refresh(app, session.path, session.states, browser)

        stream = _Primed(_stream(ctx, session, renders, pending.started, described, browser,
                                 redraw), session)
        response = Response(stream_with_context(stream), mimetype="application/x-ndjson")
        try:
            # After the first line: a cookie set from now on raises at its call.
            write_cookies(response, browser.cookies.seal())
        except BaseException:
            stream.close()  # logs the event, saves and unlocks the session
            raise
        return response
    session.release_unsaved()
    return refusal


class _Primed:
    """An event's stream with its first line already produced (so the handler ran up to
    its first render before the headers are written); closing it closes the stream, whose
    ``finally`` closes the handler and logs the event, even when no line was ever asked
    for, and then saves and unlocks the session. A stopping server waits for that."""

    def __init__(self, lines: Iterator[bytes], session: ActiveSession) -> None:
        self._session = session
        stream_started()
        self._lines = lines
        try:
            self._first = [first for first in (next(lines, None),) if first is not None]
        except BaseException:
            stream_ended()
            raise

    def __iter__(self) -> _Primed:
        return self

    def __next__(self) -> bytes:
        if self._first:
            return self._first.pop()
        return next(self._lines)

    def close(self) -> None:
        try:
            close = getattr(self._lines, "close", None)
            if close is not None:
                close()
        finally:
            try:
                self._session.close()
            finally:
                stream_ended()


def _stream(
    ctx: MesopContext, session: ActiveSession, renders: Iterator[Render], started: float,
    described: tuple[str, str, str | None], browser: BrowserContext,
    redraw: Callable[[], Iterator[Render]],
) -> Iterator[bytes]:
    """The renders as response lines; ``described`` is the event's (kind, page path,
    handler id) for its log line. A failed event's cookies are not sent (as in Mesop).

    However the stream ends (the handler finished or raised, the client went away, the
    server is stopping), the handler is closed before this returns, so its ``finally``
    has run when the session is saved: the state saved is the state of its last
    completed ``yield`` plus what its clean-up did. When the server stops, the page gets
    one last render of that state, so a tab on ``none`` holds it too.
    """
    failed = False
    try:
        for render in renders:
            yield line(session.render_message(render))
            session.keep_lock()
            if stopping():
                _close(renders)
                for last in redraw():
                    yield line(session.render_message(last))
                break
        session.finished_with_render()
    except LockLost:
        # The session's lock could not be renewed: the handler stops here, since its
        # save would be refused; the browser is told below to send the event again.
        failed = True
    except HandlerError as exc:
        failed = True
        browser.cookies.discard()  # before the error line, which may be the first one
        yield line(_handler_error_message(ctx, exc))
    except CodecError as exc:
        # The app put a value in state that cannot be stored (a set, say): its error, so
        # the developer is told which field; the stored state stays as it was.
        failed = True
        browser.cookies.discard()  # before the error line, which may be the first one
        message = report(ctx.settings.prod, "The state could not be stored", exc).message
        yield line({"type": "error", "message": message})
    except Exception as exc:  # a bug of ours or an unknown page/handler: never a bare 500
        failed = True
        browser.cookies.discard()  # before the error line, which may be the first one
        log.exception("event failed")
        yield line({"type": "error", "message": _describe(exc)})
    finally:
        # Not left to the garbage collector: the session is saved right after this, and
        # the handler's own clean-up must be in what is saved.
        _close(renders)
        seconds = time.perf_counter() - started
        ctx.metrics.observe_event(seconds, failed)
        log_event(*described, seconds, ctx.backend.name, session.id, failed)
    # Saved here, before the response ends, rather than once it has: a save refused
    # because the session's lock was lost (another event may have saved meanwhile) can
    # still be answered, with a last line that has the browser drop this event's renders
    # and send it again.
    try:
        session.save()
    except LockLost as exc:
        log.warning("event not saved, the session's lock was lost: %s", exc)
        yield line(session.retry_message())


def _close(renders: Iterator[Render]) -> None:
    """Close the handler at the yield it stands at, so its ``finally`` runs now; idempotent.
    An error raised by that clean-up is logged: the stream has ended either way."""
    close = getattr(renders, "close", None)
    if close is None:
        return
    try:
        close()
    except Exception:
        log.exception("a handler failed while being closed")


def _handler_error_message(ctx: MesopContext, exc: HandlerError) -> dict[str, Any]:
    reported = report(ctx.settings.prod, "Something went wrong", exc, dev_message=str(exc),
                      logged=f"{exc}\n{exc.traceback_text}")
    if ctx.settings.prod:
        return {"type": "error", "message": reported.message}
    return {"type": "error", "message": reported.message, "traceback": exc.traceback_text}


def _describe(exc: Exception) -> str:
    if isinstance(exc, PageNotFound):
        return str(exc)
    return f"Internal error ({type(exc).__name__}); see the server log."
