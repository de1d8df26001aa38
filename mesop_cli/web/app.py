"""The Flask app factory: pages, the event endpoint and the /__mesop__/ endpoints."""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonpatch
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    render_template,
    request,
    stream_with_context,
)
from werkzeug.exceptions import RequestEntityTooLarge

from mesop_cli.config import Settings
from mesop_cli.runtime import (
    AppLoadError,
    HandlerError,
    InvalidEvent,
    PageNotFound,
    Render,
    run_event,
    run_load,
)
from mesop_cli.sessions import create_backend
from mesop_cli.sessions.base import BackendUnavailable, LockTimeout, SessionBackend
from mesop_cli.web.app_holder import AppHolder
from mesop_cli.web.metrics import Metrics
from mesop_cli.web.protocol import ProtocolError, line, parse_event_request
from mesop_cli.web.session_hooks import ActiveSession, TamperedState, open_session, sign_copy

log = logging.getLogger("mesop_cli.web")

#: Largest request body accepted. Only the `none` backend uploads state with each event.
MAX_REQUEST_BYTES = 16 * 1024 * 1024
#: How long an event waits for another event of the same session to finish.
LOCK_TIMEOUT_SECONDS = 30.0

EVENTS_PATH = "/__mesop__/events"

bp = Blueprint(
    "mesop",
    __name__,
    static_folder="static",
    static_url_path="/__mesop__/static",
    template_folder="templates",
)


class MesopContext:
    """Everything the views need, stored on the Flask app as ``extensions["mesop"]``."""

    def __init__(self, holder: AppHolder, settings: Settings, backend: SessionBackend) -> None:
        self.holder = holder
        self.settings = settings
        self.backend = backend
        self.metrics = Metrics()


def create_app(
    app_path: str | Path, settings: Settings, backend: SessionBackend | None = None
) -> Flask:
    """Build the WSGI app serving the Mesop-style app at ``app_path``."""
    app_path = Path(app_path).resolve()
    holder = AppHolder(app_path, watch=settings.reload and not settings.prod)
    flask_app = Flask(__name__)
    flask_app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    flask_app.config["SECRET_KEY"] = settings.secret_key
    flask_app.extensions["mesop"] = MesopContext(
        holder, settings, backend if backend is not None else create_backend(settings)
    )
    flask_app.register_blueprint(bp)
    flask_app.before_request(_open_event_session)
    flask_app.after_request(_close_after_stream)
    flask_app.teardown_request(_release_on_failure)
    flask_app.register_error_handler(RequestEntityTooLarge, _too_large)
    return flask_app


def _ctx() -> MesopContext:
    return current_app.extensions["mesop"]


def _json_error(status: int, message: str) -> Response:
    return Response(json.dumps({"message": message}), status=status, mimetype="application/json")


def _too_large(exc: RequestEntityTooLarge) -> Response:
    limit_mb = MAX_REQUEST_BYTES // (1024 * 1024)
    return _json_error(413, f"Request larger than {limit_mb} MB refused; nothing was changed.")


# ---- request hooks: load + lock before the event, save + unlock after it ---------------


def _open_event_session() -> Response | None:
    if request.path != EVENTS_PATH or request.method != "POST":
        return None
    ctx = _ctx()
    g.mesop_started = time.perf_counter()
    try:
        g.mesop_request = parse_event_request(request.get_data(cache=False))
        app = ctx.holder.get()
        g.mesop_app = app
        g.mesop_session = open_session(
            ctx.backend, g.mesop_request, app.state_classes, ctx.settings.secret_key,
            LOCK_TIMEOUT_SECONDS,
        )
    except ProtocolError as exc:
        return _json_error(400, f"Bad event request: {exc}.")
    except TamperedState as exc:
        return _json_error(400, f"State refused: {exc}. Reload the page to start afresh.")
    except LockTimeout as exc:
        return _json_error(503, f"This tab's session is busy ({exc}); try again.")
    except BackendUnavailable as exc:
        log.error("state backend unavailable: %s", exc)
        return _json_error(503, f"The state store is unavailable: {exc}.")
    except AppLoadError as exc:
        g.mesop_session = None
        return _app_error_response(exc)
    return None


def _close_after_stream(response: Response) -> Response:
    session: ActiveSession | None = g.pop("mesop_session", None)
    if session is not None:
        # The body is a stream produced after this hook returns: save once it has been sent.
        response.call_on_close(session.close)
    return response


def _release_on_failure(error: BaseException | None) -> None:
    session: ActiveSession | None = g.pop("mesop_session", None)
    if session is not None:
        session.close()


# ---- views -----------------------------------------------------------------------------


@bp.post(EVENTS_PATH)
def events() -> Response:
    ctx = _ctx()
    session: ActiveSession | None = g.get("mesop_session")
    if session is None:
        return Response(line({"type": "miss"}), mimetype="application/x-ndjson")
    if session.recovered:
        ctx.metrics.count_recovery()
    req = g.mesop_request
    app = g.mesop_app
    try:
        if req.event is None:
            renders = run_load(app, req.path, session.states)
        else:
            renders = run_event(app, req.path, session.states, req.event)
    except PageNotFound as exc:
        return _json_error(404, str(exc))
    except InvalidEvent as exc:
        return _json_error(400, f"{exc}. The page may have changed; reload it.")
    stream = _stream(ctx, session, renders, g.mesop_started)
    return Response(stream_with_context(stream), mimetype="application/x-ndjson")


def _stream(
    ctx: MesopContext, session: ActiveSession, renders: Iterator[Render], started: float
) -> Iterator[bytes]:
    failed = False
    try:
        for render in renders:
            yield line(_render_message(ctx, session, render))
    except HandlerError as exc:
        failed = True
        yield line(_handler_error_message(ctx, exc))
    except Exception as exc:  # a bug of ours or an unknown page/handler: never a bare 500
        failed = True
        log.exception("event failed")
        yield line({"type": "error", "message": _describe(exc)})
    finally:
        ctx.metrics.observe_event(time.perf_counter() - started, failed)


def _render_message(ctx: MesopContext, session: ActiveSession, render: Render) -> dict[str, Any]:
    encoded = session.encoded()
    message: dict[str, Any] = {
        "type": "render",
        "session": session.id,
        "path": render.path,
        "title": render.title,
        "tree": render.tree,
    }
    if session.browser_copy is None:
        message["state"] = encoded
    else:
        message["patch"] = jsonpatch.make_patch(session.browser_copy, encoded).patch
    message["sig"] = sign_copy(session.id, encoded, ctx.settings.secret_key)
    session.browser_copy = encoded
    return message


def _handler_error_message(ctx: MesopContext, exc: HandlerError) -> dict[str, Any]:
    if ctx.settings.prod:
        reference = secrets.token_hex(4)
        log.error("handler error [%s]: %s\n%s", reference, exc, exc.traceback_text)
        return {"type": "error", "message": f"Something went wrong (reference {reference})."}
    log.error("handler error: %s\n%s", exc, exc.traceback_text)
    return {"type": "error", "message": str(exc), "traceback": exc.traceback_text}


def _describe(exc: Exception) -> str:
    if isinstance(exc, PageNotFound):
        return str(exc)
    return f"Internal error ({type(exc).__name__}); see the server log."


def _app_error_response(exc: AppLoadError) -> Response:
    if _ctx().settings.prod:
        log.error("app failed to load: %s", exc)
        return _json_error(500, "The app failed to load; see the server log.")
    return _json_error(500, f"The app failed to load: {exc}")


@bp.get("/__mesop__/healthz")
def healthz() -> Response:
    ctx = _ctx()
    try:
        ctx.backend.ping()
    except BackendUnavailable as exc:
        return _json_error(503, f"{ctx.backend.name} backend unavailable: {exc}")
    return Response(json.dumps({"status": "ok", "backend": ctx.backend.name}),
                    mimetype="application/json")


@bp.get("/__mesop__/metrics")
def metrics() -> Response:
    ctx = _ctx()
    return Response(ctx.metrics.render(ctx.backend), mimetype="text/plain; version=0.0.4")


@bp.get("/", defaults={"subpath": ""})
@bp.get("/<path:subpath>")
def page(subpath: str) -> Response:
    ctx = _ctx()
    path = "/" + subpath
    status, title, message = 200, "Mesop", ""
    try:
        app = ctx.holder.get()
    except AppLoadError as exc:
        status, message = 500, "The app failed to load; see the server log."
        if not ctx.settings.prod:
            message = f"The app failed to load: {exc}"
    else:
        found = app.pages.get(path)
        if found is None:
            status, title = 404, "Not found"
        else:
            title = found.title or "Mesop"
    boot = {"eventsUrl": EVENTS_PATH, "backend": ctx.backend.name,
            "serverSide": ctx.backend.server_side}
    body = render_template(
        "page.html", title=title, status=message, boot=json.dumps(boot)
    )
    return Response(body, status=status, mimetype="text/html",
                    headers={"Content-Security-Policy": _CSP, "X-Content-Type-Options": "nosniff"})


# Scripts only from this origin; inline style attributes are how me.Style reaches the page.
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: https:; object-src 'none'; base-uri 'none'")

