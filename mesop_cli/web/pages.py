"""The page shell (and the type of the client modules it loads), the health and metrics
endpoints."""

from __future__ import annotations

import json

from flask import Response, render_template, request
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from mesop_cli.runtime import AppLoadError, Page
from mesop_cli.sessions.base import BackendUnavailable
from mesop_cli.web.context import EVENTS_PATH, bp, mesop_context
from mesop_cli.web.csp import page_headers
from mesop_cli.web.error_reports import report
from mesop_cli.web.live_reload import live_url
from mesop_cli.web.metrics import render as render_metrics
from mesop_cli.web.web_components import web_components_cache_key


@bp.after_request
def typed_module_scripts(response: Response) -> Response:
    """The client (static/client.js and the modules it imports) runs as ES modules, which a
    browser runs only when served with a JavaScript type (nosniff is on every response):
    the type is set here rather than left to the platform's MIME table, which on some
    machines calls .js text/plain."""
    if (request.endpoint == "mesop.static" and request.path.endswith(".js")
            and response.status_code < 400):
        response.mimetype = "text/javascript"
    return response


@bp.get("/__mesop__/healthz")
def healthz() -> Response:
    ctx = mesop_context()
    try:
        ctx.backend.ping()
    except BackendUnavailable as exc:
        # Answered under any Host, so in production it names no directory, host or port.
        reported = report(ctx.settings.prod, "The state store is unavailable", exc,
                          dev_message=f"{ctx.backend.name} backend unavailable: {exc}")
        return Response(json.dumps({"status": "unavailable", "message": reported.message}),
                        status=503, mimetype="application/json")
    return Response(json.dumps({"status": "ok", "backend": ctx.backend.name}),
                    mimetype="application/json")


@bp.get("/__mesop__/metrics")
def metrics() -> Response:
    ctx = mesop_context()
    # Readable by anyone who reaches the server, like healthz: counts, never session data.
    return Response(render_metrics(ctx.metrics, ctx.backend),
                    content_type=CONTENT_TYPE_PLAIN_0_0_4)


@bp.get("/", defaults={"subpath": ""})
@bp.get("/<path:subpath>")
def page(subpath: str) -> Response:
    ctx = mesop_context()
    path = "/" + subpath
    status, title, message = 200, "Mesop", ""
    found: Page | None = None
    web_components = False
    try:
        app = ctx.holder.get()
    except AppLoadError as exc:
        status = 500
        message = report(ctx.redact_errors, "The app failed to load", exc,
                         dev_message=f"The app failed to load: {exc}").message
    else:
        found = app.pages.get(path)
        web_components = bool(app.web_modules)
        if found is None:
            status, title = 404, "Not found"
        else:
            title = found.title or "Mesop"
    live = live_url()  # dev: where reloads are announced (web/live_reload.py)
    # Every address the client uses comes from here, under the base path (base_path.py).
    base = request.script_root
    boot = {"eventsUrl": base + EVENTS_PATH, "backend": ctx.backend.name,
            "serverSide": ctx.backend.server_side,
            "keepOnReload": ctx.settings.session_keep_on_reload,
            "maxUploadBytes": ctx.settings.max_upload_bytes,
            "liveUrl": base + live if live else None, "basePath": base,
            "webComponentsCacheKey": web_components_cache_key(ctx.settings)}
    body = render_template(
        "page.html", title=title, status=message, boot=json.dumps(boot),
        stylesheets=found.stylesheets if found is not None else (),
    )
    return Response(body, status=status, mimetype="text/html",
                    headers=page_headers(found, web_components))

