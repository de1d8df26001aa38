"""The Flask app factory."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin

from mesop_cli.config import Settings
from mesop_cli.runtime.browser.cookieclass import cookie_key_problem
from mesop_cli.sessions import create_backend
from mesop_cli.sessions.base import SessionBackend
from mesop_cli.web import (  # noqa: F401  (their routes join the pages' blueprint)
    app_static,
    client_assets,
    pages,
    web_components,
)
from mesop_cli.web.app_holder import AppHolder
from mesop_cli.web.base_path import UnderBasePath
from mesop_cli.web.context import MAX_REQUEST_BYTES, MesopContext, bp
from mesop_cli.web.events_endpoint import events_bp
from mesop_cli.web.forwarded import ForwardedScheme
from mesop_cli.web.guard import protective_headers, refuse_unknown_host
from mesop_cli.web.request_meters import answered, arrived, ended


class _NoFlaskSession(SessionInterface):
    """Flask's ``session`` is an empty, read-only stand-in; no cookie is read or written."""

    def open_session(self, app: Flask, request: Request) -> None:
        return None  # Flask then uses its NullSession, which refuses writes

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        return None


def create_flask_app(
    app_path: str | Path, settings: Settings, backend: SessionBackend | None = None
) -> Flask:
    """Build the WSGI app serving the Mesop-style app at ``app_path``."""
    app_path = Path(app_path).resolve()
    holder = AppHolder(app_path, watch=settings.reload and not settings.prod,
                       alias_mesop=settings.alias_mesop)
    # No Flask static route: /static is the app's (MESOP_STATIC_FOLDER, app_static.py),
    # and the client has its own, versioned (client_assets.py).
    flask_app = Flask(__name__, static_folder=None)
    flask_app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    # State lives in the session backend and cookies are signed with keys of their own,
    # so Flask's cookie session is never used: without this it would still look for, and
    # unsign, a "session" cookie on every request, and hold the secret in its config.
    flask_app.session_interface = _NoFlaskSession()
    flask_app.extensions["mesop"] = MesopContext(
        holder, settings, backend if backend is not None else create_backend(settings)
    )
    loaded = holder.last_good  # None: a dev app that failed to load shows its error
    keys = cookie_key_problem(loaded.cookie_classes if loaded else (),
                              settings.secret_key_generated)
    if keys is not None:
        # Said when serving starts too, not only by --check-config: the cookies' keys die
        # with this process.
        logging.getLogger("mesop_cli").warning("warning %s", keys)
    # App-wide, before anything can refuse it: every request is counted (in flight until
    # its response is sent, then by its status class).
    flask_app.before_request(arrived)
    flask_app.after_request(answered)
    flask_app.teardown_request(ended)
    # App-wide, first of what answers: a Host this server does not answer gets nothing.
    flask_app.before_request(refuse_unknown_host)
    flask_app.after_request(protective_headers)
    flask_app.register_blueprint(bp)
    # The event endpoint, with its own hooks: open the session before, close it after.
    flask_app.register_blueprint(events_bp)
    app_static.install(flask_app, settings)  # MESOP_STATIC_FOLDER, when it exists
    # Outermost first: the scheme a trusted proxy reports, then the base path taken off.
    wsgi = flask_app.wsgi_app
    if settings.base_url_path:
        wsgi = UnderBasePath(wsgi, settings.base_url_path)
    flask_app.wsgi_app = ForwardedScheme(wsgi, settings.forwarded_allow_ips)  # type: ignore[method-assign]
    return flask_app
