"""The event endpoint, ``POST /__mesop__/events``, read top-down.

1. The Host is one this server answers (the app-wide hook in ``guard.py``, first of all).
2. :func:`open_event`, this blueprint's before-request hook: a cross-site or non-JSON post
   is refused; the body is read and parsed into a checked request; the session is opened,
   locked and loaded (``open_event.py``).
3. :func:`events`, the view: a miss asks the browser for its copy; otherwise what runs is
   decided (a refresh, a page load or the event's handler) and its renders stream back,
   one JSON line each, the state saved at the end (``event_stream.py``).
4. Once the response has streamed (or the client has gone), :meth:`OpenEvent.close`: the
   session saved if the stream did not get to it, and unlocked. The after-request hook
   hands it to the response; the teardown hook calls it only when no response carried
   the event (an exception).

The hooks are this blueprint's own, so they run for this endpoint only: no hook tests
the path.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, request
from werkzeug.exceptions import InternalServerError, RequestEntityTooLarge

from mesop_cli.web import context
from mesop_cli.web.context import EVENTS_BLUEPRINT, EVENTS_PATH, json_error, mesop_context
from mesop_cli.web.event_stream import ndjson, stream_response
from mesop_cli.web.guard import check_event_request
from mesop_cli.web.open_event import EventRefused, OpenEvent

events_bp = Blueprint(EVENTS_BLUEPRINT, __name__)


@events_bp.before_request
def open_event() -> Response | None:
    ctx = mesop_context()
    refusal = check_event_request(request, ctx.allowed_origins, ctx.settings.prod)
    if refusal is not None:
        return refusal
    try:
        g.mesop_event = OpenEvent.open(ctx, request)
    except EventRefused as refused:
        return refused.response
    return None


@events_bp.post(EVENTS_PATH)
def events() -> Response:
    ctx, event = mesop_context(), g.mesop_event
    if event.session is None:
        return ndjson({"type": "miss"})  # the browser resends its signed copy
    if event.session.recovered:
        ctx.metrics.count_recovery()
    try:
        step = event.start(ctx, request)
    except EventRefused as refused:
        return refused.response
    return stream_response(ctx, event, step)


@events_bp.after_request
def close_with_response(response: Response) -> Response:
    # The response streams after this returns: the event closes when the server has sent
    # it all, or the client has gone.
    event: OpenEvent | None = g.pop("mesop_event", None)
    if event is not None:
        response.call_on_close(event.close)
    return response


@events_bp.teardown_request
def close_without_response(error: BaseException | None) -> None:
    # A request that ended in an exception before any response carried the event.
    event: OpenEvent | None = g.pop("mesop_event", None)
    if event is not None:
        event.close()


@events_bp.errorhandler(RequestEntityTooLarge)
def too_large(exc: RequestEntityTooLarge) -> Response:
    limit_mb = context.MAX_REQUEST_BYTES // (1024 * 1024)
    response = json_error(413, f"Request larger than {limit_mb} MB refused; nothing was changed.")
    # The rest of the body was never read, so the connection cannot carry another request.
    response.headers["Connection"] = "close"
    return response


@events_bp.errorhandler(InternalServerError)
def internal_error(exc: InternalServerError) -> Response:
    """An unexpected failure answers in the JSON the client script reads, so the user sees
    a sentence rather than an HTML page's source (other paths keep Flask's pages)."""
    return json_error(500, "Internal error on the server; see its log.")
