"""An event's response: one JSON line per render, streamed as the handler yields.

The stream is run up to its first line before the response is made: what the event did
until then (a plain handler, an on_load, a generator handler before its first ``yield``)
is known while the headers can still change, so the cookies it set go out as
``Set-Cookie`` headers of this very response.

However the stream ends (the handler finished or raised, the client went away, the
server is stopping), the handler is closed before the stream does, so its ``finally``
has run when the session is saved: the state saved is that of its last completed
``yield`` plus what its clean-up did. The save is the stream's last step, while a line
can still be written: a save refused because the session's lock was lost ends the
stream with a line that has the browser drop this event's renders and send it again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from flask import Response, stream_with_context

from mesop_cli.logs import log_event
from mesop_cli.runtime import HandlerError, PageNotFound, close_renders
from mesop_cli.sessions.base import LockLost
from mesop_cli.state_format.codec import CodecError
from mesop_cli.web.context import MesopContext
from mesop_cli.web.cookie_headers import write_cookies
from mesop_cli.web.error_reports import report
from mesop_cli.web.handler_labels import handler_label, kind_label
from mesop_cli.web.merged_events import MailboxDrain
from mesop_cli.web.protocol import line
from mesop_cli.web.shutdown import stopping

if TYPE_CHECKING:
    from mesop_cli.web.open_event import OpenEvent, Step

log = logging.getLogger("mesop_cli.web")

MIMETYPE = "application/x-ndjson"


def ndjson(message: dict[str, Any]) -> Response:
    """A one-line response, for answers that stream nothing (a miss, an error)."""
    return Response(line(message), mimetype=MIMETYPE)


def stream_response(ctx: MesopContext, event: OpenEvent, step: Step) -> Response:
    """The event's response: its first line made now, the rest streamed."""
    assert event.browser is not None, "the event was started"
    stream = _Primed(_lines(ctx, event, step))
    response = Response(stream_with_context(stream), mimetype=MIMETYPE)
    try:
        # After the first line: a cookie set from now on raises at its call.
        write_cookies(response, event.browser.cookies.seal())
    except BaseException:
        stream.close()  # closes the handler and logs the event; the teardown hook saves
        raise
    return response


class _Primed:
    """Lines with the first one already produced (so the handler ran up to its first
    render before the headers are written); closing it closes the lines, whose
    ``finally`` closes the handler and logs the event, even when no line was asked for."""

    def __init__(self, lines: Iterator[bytes]) -> None:
        self._lines = lines
        self._first = [first for first in (next(lines, None),) if first is not None]

    def __iter__(self) -> _Primed:
        return self

    def __next__(self) -> bytes:
        if self._first:
            return self._first.pop()
        return next(self._lines)

    def close(self) -> None:
        close = getattr(self._lines, "close", None)
        if close is not None:
            close()


def _lines(ctx: MesopContext, event: OpenEvent, step: Step) -> Iterator[bytes]:
    """The renders as response lines, then the save. A failed event's cookies are not
    sent (as in Mesop). When the server stops, the page gets one last render of the
    state as saved, so a tab on ``none`` holds it too."""
    session, renders = event.session, step.renders
    assert session is not None and event.browser is not None
    cookies = event.browser.cookies
    failed = False
    # Events the tab sent meanwhile, run between the renders (merged_events.py).
    merged = MailboxDrain(ctx, event, handler_error_line)
    try:
        for render in renders:
            yield line(session.render_message(render))
            yield from merged.after_render()
            session.keep_lock()
            if stopping():
                close_renders(renders)
                for last in event.redraw():
                    yield line(session.render_message(last))
                break
        session.finished_with_render()
    except LockLost:
        # The session's lock could not be renewed: the handler stops here, since its
        # save would be refused; the browser is told below to send the event again.
        failed = True
    except HandlerError as exc:
        failed = True
        cookies.discard()  # before the error line, which may be the first one
        yield line(handler_error_line(ctx, exc))
    except CodecError as exc:
        # The app put a value in state that cannot be stored (a set, say): its error, so
        # the developer is told which field; the stored state stays as it was.
        failed = True
        cookies.discard()
        message = report(ctx.settings.prod, "The state could not be stored", exc).message
        yield line({"type": "error", "message": message})
    except Exception as exc:  # a bug of ours or an unknown page/handler: never a bare 500
        failed = True
        cookies.discard()
        log.exception("event failed")
        yield line({"type": "error", "message": _describe(exc)})
    finally:
        # Not left to the garbage collector: the session is saved right after this, and
        # the handler's own clean-up must be in what is saved.
        close_renders(renders)
        seconds = time.perf_counter() - event.started
        # Labels from bounded sets: the browser's kind and handler id are only looked up.
        ctx.metrics.observe_event(seconds, failed, kind_label(step.kind),
                                  handler_label(event.app, step.handler))
        log_event(step.kind, step.path, step.handler, seconds, ctx.backend.name, session.id,
                  failed)
    try:
        session.save()
    except LockLost as exc:
        log.warning("event not saved, the session's lock was lost: %s", exc)
        yield line(session.retry_message())



def handler_error_line(ctx: MesopContext, exc: HandlerError) -> dict[str, Any]:
    """A handler's (or a page's) error: in dev with its traceback and its frames, in
    production a reference to the log line that has it."""
    reported = report(ctx.redact_errors, "Something went wrong", exc, dev_message=str(exc),
                      traceback=exc.traceback_text)
    if ctx.redact_errors:  # production, unless MESOP_PROD_UNREDACTED_ERRORS
        return {"type": "error", "message": reported.message}
    # The dialog's (web/static/core/error_dialog.js): the app's frames with their source.
    return {"type": "error", "message": reported.message, "traceback": exc.traceback_text,
            "exception": exc.summary, "frames": [frame.as_json() for frame in exc.frames]}


def _describe(exc: Exception) -> str:
    if isinstance(exc, PageNotFound):
        return str(exc)
    return f"Internal error ({type(exc).__name__}); see the server log."
