"""Serving the JavaScript modules of the app's web components.

Only modules the app registered with ``@me.web_component`` are served, looked up by URL
in the loaded app's table (``App.web_modules``): the request's path is a dict key, never
a file name, so no path a browser makes up reaches another file. The file is checked again
as it is read (still a regular file inside the app's directory, no symlink leading out).
"""

from __future__ import annotations

from flask import Response, request

from mesop_cli.runtime import AppLoadError
from mesop_cli.runtime.web_modules import WEB_MODULES_PREFIX, read_module
from mesop_cli.web.context import bp, json_error, mesop_context


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
    # Revalidated on every page load (ETag), so an edited module shows after a reload.
    response = Response(source, mimetype="text/javascript")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)
