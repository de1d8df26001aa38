"""What every view and hook of the web layer shares: the pages' blueprint, the event
endpoint's path and blueprint name, and the app context."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app

from mesop_cli.config import Settings
from mesop_cli.sessions.base import SessionBackend
from mesop_cli.state_format.signing import StateSigner
from mesop_cli.web.app_holder import AppHolder
from mesop_cli.web.host_policy import HostPolicy
from mesop_cli.web.metrics import Metrics

#: Largest request body accepted. Only the `none` backend uploads state with each event.
MAX_REQUEST_BYTES = 16 * 1024 * 1024
#: How long an event waits for another event of the same session to finish.
LOCK_TIMEOUT_SECONDS = 30.0

EVENTS_PATH = "/__mesop__/events"
#: The blueprint of the event endpoint alone (events_endpoint.py), whose hooks and error
#: pages apply to it only.
EVENTS_BLUEPRINT = "mesop_events"

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
        self.metrics = Metrics(backend.name)
        previous = [settings.secret_key_previous] if settings.secret_key_previous else []
        self.signer = StateSigner(settings.secret_key, signed_copy_max_age(settings, backend),
                                  previous)
        #: Origins besides the request's own from which events are accepted (a proxy's).
        self.allowed_origins: tuple[str, ...] = settings.allowed_origins or ()
        self.host_policy = HostPolicy.from_settings(settings.allowed_hosts,
                                                    settings.allowed_origins, settings.prod)

    @property
    def redact_errors(self) -> bool:
        """Error pages and lines say what failed without its detail: production, unless
        MESOP_PROD_UNREDACTED_ERRORS (Mesop's) asks for the detail there too."""
        return self.settings.prod and not self.settings.prod_unredacted_errors


def signed_copy_max_age(settings: Settings, backend: SessionBackend) -> int | None:
    """How long a tab's signed copy of its state is accepted; None: for ever.

    A server-side backend's copy only recovers a session the store lost, and lives as long
    as the session would have (the TTL). Under `none` the copy is the session itself, and
    Mesop's never expires: it gets its own, long, maximum age, 0 meaning none.
    """
    if backend.server_side:
        return settings.ttl_seconds
    return settings.none_max_age_seconds or None


def mesop_context() -> MesopContext:
    return current_app.extensions["mesop"]


def json_error(status: int, message: str, reset: bool = False) -> Response:
    """An error for the client script; ``reset`` tells it to drop the session it holds,
    which only helps when that session itself is what the server refused."""
    body: dict[str, object] = {"message": message}
    if reset:
        body["reset"] = True
    return Response(json.dumps(body), status=status, mimetype="application/json")
