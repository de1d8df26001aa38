"""One event request, from the hook that opens it to the hook that closes it.

:meth:`OpenEvent.open` reads the body, parses it into a checked request, refuses an upload
over the limit and opens the session (locked and loaded, or a miss), in that order, so
nothing reaches a session before it is known to be well formed. :meth:`OpenEvent.start`
decides, in one place, what runs: a refresh of the session's page, a page load, or the
event's handler found on the session's own page. :meth:`OpenEvent.close` runs once, after
the response has streamed: the session is saved (unless the stream saved it) and unlocked;
an event refused before its handler ran is unlocked without a save.

Every refusal is an :class:`EventRefused` carrying the response the browser gets.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from flask import Request, Response

from mesop_cli.runtime import (
    App,
    AppLoadError,
    BrowserContext,
    HandlerError,
    InvalidEvent,
    PageNotFound,
    Render,
    run_event,
    run_load,
    run_refresh,
)
from mesop_cli.runtime.uploads import UploadTooLarge, check_upload_size
from mesop_cli.sessions.base import BackendUnavailable, LockTimeout
from mesop_cli.web import context
from mesop_cli.web.active_session import ActiveSession, TamperedState, open_session
from mesop_cli.web.base_path import page_path
from mesop_cli.web.body import read_body
from mesop_cli.web.context import MesopContext, json_error
from mesop_cli.web.cookie_headers import cookie_jar_for
from mesop_cli.web.error_reports import report
from mesop_cli.web.event_stream import handler_error_line, ndjson
from mesop_cli.web.merged_events import lock_or_merge
from mesop_cli.web.protocol import (
    EventRequest,
    MalformedSessionId,
    ProtocolError,
    parse_event_request,
)
from mesop_cli.web.shutdown import event_closed, event_opened


class EventRefused(Exception):
    """The event stops here; ``response`` is what the browser is told."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


@dataclass(frozen=True)
class Step:
    """What an event runs: its renders, and how its log line names it (the kind, the
    page's registered path, the handler id)."""

    renders: Iterator[Render]
    kind: str
    path: str
    handler: str | None = None


@dataclass
class OpenEvent:
    """A parsed event request and the session it opened (None: a miss, the browser must
    resend its copy)."""

    request: EventRequest
    app: App
    session: ActiveSession | None
    #: ``time.perf_counter()`` when the request reached the hook.
    started: float
    #: The browser side of the event for the runtime, set by :meth:`start`.
    browser: BrowserContext | None = None
    _ran: bool = field(default=False, repr=False)
    _closed: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        event_opened()  # a stopping server waits until it is closed

    @classmethod
    def open(cls, ctx: MesopContext, http: Request) -> OpenEvent:
        """Read, parse and check the request, then lock and load its session."""
        started = time.perf_counter()
        try:
            parsed = parse_event_request(read_body(http, context.MAX_REQUEST_BYTES))
            parsed = replace(parsed, path=page_path(parsed.path))  # under a base path
            _check_upload(parsed, ctx.settings.max_upload_bytes)
            app = ctx.holder.get()
            # Sent while an event of the session streams: run between its yields.
            held = lock_or_merge(ctx, parsed, context.LOCK_TIMEOUT_SECONDS)
            if isinstance(held, Response):
                raise EventRefused(held)
            session = open_session(ctx.backend, parsed, app.state_classes, ctx.signer,
                                   context.LOCK_TIMEOUT_SECONDS, held)
        except UploadTooLarge as exc:
            # Refused before the session is touched: the state and the page stay as they are.
            raise EventRefused(json_error(413, f"{exc}.")) from None
        except ProtocolError as exc:
            reset = isinstance(exc, MalformedSessionId)
            raise EventRefused(json_error(400, f"Bad event request: {exc}.", reset=reset)
                               ) from None
        except TamperedState as exc:
            raise EventRefused(json_error(
                400, f"State refused: {exc}. Reload the page to start afresh.", reset=True)
            ) from None
        except RecursionError:
            # JSON parses deeper than the codec can walk: a state copy no server sent.
            raise EventRefused(json_error(400, "State refused: it is nested too deeply.",
                                          reset=True)) from None
        except LockTimeout as exc:
            raise EventRefused(json_error(
                503, f"This tab's session is busy ({exc}); try again.")) from None
        except BackendUnavailable as exc:
            # The store's text names its directory, host and port: the log's, not the public's.
            reported = report(ctx.settings.prod, "The state store is unavailable", exc)
            raise EventRefused(json_error(503, reported.message)) from None
        except AppLoadError as exc:
            raise EventRefused(app_error_response(ctx, exc)) from None
        return cls(parsed, app, session, started)

    def start(self, ctx: MesopContext, http: Request) -> Step:
        """Decide what runs and run it up to finding its handler (nothing is rendered for
        the browser yet). Raises EventRefused for a bad path or event, or a page that
        raised while drawn to find the handler."""
        session = self.session
        assert session is not None, "a miss runs nothing"
        req, app = self.request, self.app
        browser = self.browser = session.browser_context(req)
        browser.cookies = cookie_jar_for(http, ctx.settings)
        try:
            if req.refresh and session.path is not None:
                # The window was resized or its colour scheme changed: the session's own
                # page is drawn again, and nothing runs (not even on_load).
                step = Step(run_refresh(app, session.path, session.states, browser),
                            "refresh", session.path)
            elif req.event is None or session.path is None:
                # A page load, or an event of a session with no page to check it against
                # (a new one: the browser's was unknown or expired); the event is not run.
                # Logged under the page's registered path, never the browser's text (its
                # query could carry a line break that forges a log line).
                renders = run_load(app, req.path, session.states, browser)
                step = Step(renders, "load", app.page_for(req.path).path)
            else:
                # Against the page the server recorded for the session, not the one named
                # by the browser: a handler runs only if this session's own page shows it.
                step = Step(run_event(app, session.path, session.states, req.event, browser),
                            req.event["kind"], session.path, req.event["handler"])
        except PageNotFound as exc:
            raise EventRefused(json_error(404, str(exc))) from None
        except InvalidEvent as exc:
            raise EventRefused(json_error(
                400, f"{exc}. The page may have changed; reload it.")) from None
        except HandlerError as exc:
            # The page raised while being drawn to find the handler: the developer's error,
            # reported like one raised by the handler itself.
            raise EventRefused(ndjson(handler_error_line(ctx, exc))) from None
        self._ran = True
        return step

    def redraw(self) -> Iterator[Render]:
        """The session's page drawn again with its state as it is, running nothing."""
        assert self.session is not None and self.session.path is not None
        return run_refresh(self.app, self.session.path, self.session.states, self.browser)

    def close(self) -> None:
        """Save (unless the stream did) and unlock; an event refused before its handler ran
        is unlocked without a save, which would only move the version past the browser's
        copy for the same state. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        try:
            if self.session is None:
                return
            if self._ran:
                self.session.close()
            else:
                self.session.release_unsaved()
        finally:
            event_closed()


def _check_upload(event_request: EventRequest, limit: int) -> None:
    """Refuse an upload over the limit, or malformed, before any session is opened or
    locked: it is measured from the length of its base64 text, nothing decoded."""
    event = event_request.event
    if event is None or event["kind"] != "upload":
        return
    try:
        check_upload_size(event["value"], limit)
    except UploadTooLarge:
        raise
    except InvalidEvent as exc:
        raise ProtocolError(str(exc)) from None


def app_error_response(ctx: MesopContext, exc: AppLoadError) -> Response:
    reported = report(ctx.redact_errors, "The app failed to load", exc,
                      dev_message=f"The app failed to load: {exc}")
    return json_error(500, reported.message)
