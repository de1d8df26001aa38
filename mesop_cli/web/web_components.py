"""Serving the JavaScript modules of the app's web components.

Only modules the app registered with ``@me.web_component`` are served, looked up by URL
in the loaded app's table (``App.web_modules``): the request's path is a dict key, never
a file name, so no path a browser makes up reaches another file. The file is checked again
as it is read (still a regular file inside the app's directory, no symlink leading out).
"""

from __future__ import annotations

from flask import Response, request

from mesop_cli.config import Settings
from mesop_cli.runtime import AppLoadError
from mesop_cli.runtime.web_modules import WEB_MODULES_PREFIX, read_module
from mesop_cli.web.client_assets import IMMUTABLE
from mesop_cli.web.context import bp, json_error, mesop_context


def web_components_cache_key(settings: Settings) -> str | None:
    """MESOP_WEB_COMPONENTS_HTTP_CACHE_KEY, in production only (as in Mesop: in dev the
    modules are being edited)."""
    return settings.web_components_http_cache_key if settings.prod else None


@bp.get(WEB_MODULES_PREFIX + "<path:url_path>")
def web_component_module(url_path: str) -> Response:
    ctx = mesop_context()
    try:
        app = ctx.holder.get()
    except AppLoadError:
        return json_error(500, "The app failed to load; see the server log.")
    module = app.web_modules.get(url_path)
    source = read_module(module, app.path.parent) if module is not None else None
    if source is None:
        return json_error(404, f"no web component module {url_path[:200]!r}")
    response = Response(source, mimetype="text/javascript")
    response.headers["X-Content-Type-Options"] = "nosniff"
    key = web_components_cache_key(ctx.settings)
    # Revalidated on every page load (ETag), so an edited module shows after a reload,
    # unless the operator named this release's modules with a cache key.
    response.headers["Cache-Control"] = (
        IMMUTABLE if key is not None and request.args.get("v") == key else "no-cache")
    response.add_etag()
    return response.make_conditional(request)
