"""Flask request hooks: lock + load a session before an event, save + unlock after it.

The event's response is a stream produced after the after-request hook returns, so the
session is saved and unlocked when the server closes the response, not earlier.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from flask import Flask, Response, g, request
from werkzeug.exceptions import InternalServerError, RequestEntityTooLarge

from mesop_cli.runtime import App, AppLoadError, InvalidEvent
from mesop_cli.runtime.uploads import UploadTooLarge, check_upload_size
from mesop_cli.sessions.base import BackendUnavailable, LockTimeout
from mesop_cli.web import context
from mesop_cli.web.active_session import ActiveSession, TamperedState, open_session
from mesop_cli.web.body import read_body
from mesop_cli.web.context import EVENTS_PATH, json_error, mesop_context
from mesop_cli.web.error_reports import report
from mesop_cli.web.guard import protective_headers, refuse_cross_site, refuse_unknown_host
from mesop_cli.web.protocol import (
    EventRequest,
    MalformedSessionId,
    ProtocolError,
    parse_event_request,
)

log = logging.getLogger("mesop_cli.web")


@dataclass
class PendingEvent:
    """What the before-request hook hands the event view: the request, the app it runs
    in, and the session it opened (None for a miss: the browser must resend its copy)."""

    request: EventRequest
    app: App
    session: ActiveSession | None
    #: ``time.perf_counter()`` when the request reached the hook.
    started: float


def pending_event() -> PendingEvent:
    return g.mesop_event


def install_session_hooks(flask_app: Flask) -> None:
    # First, so a cross-site or non-JSON request never reaches a session.
    flask_app.before_request(refuse_unknown_host)
    flask_app.before_request(refuse_cross_site)
    flask_app.before_request(open_event_session)
    flask_app.after_request(protective_headers)
    flask_app.after_request(close_after_stream)
    flask_app.teardown_request(release_on_failure)
    flask_app.register_error_handler(RequestEntityTooLarge, too_large)
    flask_app.register_error_handler(InternalServerError, internal_error)


def open_event_session() -> Response | None:
    if request.path != EVENTS_PATH or request.method != "POST":
        return None
    ctx = mesop_context()
    started = time.perf_counter()
    try:
        event_request = parse_event_request(read_body(request, context.MAX_REQUEST_BYTES))
        _check_upload(event_request, ctx.settings.max_upload_bytes)
        app = ctx.holder.get()
        session = open_session(ctx.backend, event_request, app.state_classes, ctx.signer,
                               context.LOCK_TIMEOUT_SECONDS)
        g.mesop_event = PendingEvent(event_request, app, session, started)
    except UploadTooLarge as exc:
        # Refused before the session is touched: the state and the page stay as they are.
        return json_error(413, f"{exc}.")
    except ProtocolError as exc:
        reset = isinstance(exc, MalformedSessionId)
        return json_error(400, f"Bad event request: {exc}.", reset=reset)
    except TamperedState as exc:
        return json_error(400, f"State refused: {exc}. Reload the page to start afresh.",
                          reset=True)
    except RecursionError:
        # JSON parses deeper than the codec can walk: a state copy no server sent.
        return json_error(400, "State refused: it is nested too deeply.", reset=True)
    except LockTimeout as exc:
        return json_error(503, f"This tab's session is busy ({exc}); try again.")
    except BackendUnavailable as exc:
        # The store's text names its directory, host and port: the log's, not the public's.
        reported = report(ctx.settings.prod, "The state store is unavailable", exc)
        return json_error(503, reported.message)
    except AppLoadError as exc:
        return app_error_response(exc)
    return None


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


def close_after_stream(response: Response) -> Response:
    event: PendingEvent | None = g.pop("mesop_event", None)
    if event is not None and event.session is not None:
        response.call_on_close(event.session.close)
    return response


def release_on_failure(error: BaseException | None) -> None:
    event: PendingEvent | None = g.pop("mesop_event", None)
    if event is not None and event.session is not None:
        event.session.close()


def too_large(exc: RequestEntityTooLarge) -> Response:
    limit_mb = context.MAX_REQUEST_BYTES // (1024 * 1024)
    response = json_error(413, f"Request larger than {limit_mb} MB refused; nothing was changed.")
    # The rest of the body was never read, so the connection cannot carry another request.
    response.headers["Connection"] = "close"
    return response


def internal_error(exc: InternalServerError) -> Response | InternalServerError:
    """An unexpected failure on the event endpoint answers in the JSON the client script
    reads, so the user sees a sentence rather than an HTML page's source."""
    if request.path != EVENTS_PATH:
        return exc
    return json_error(500, "Internal error on the server; see its log.")


def app_error_response(exc: AppLoadError) -> Response:
    reported = report(mesop_context().settings.prod, "The app failed to load", exc,
                      dev_message=f"The app failed to load: {exc}")
    return json_error(500, reported.message)
