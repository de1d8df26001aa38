"""The before-request hook refusing Host headers the server does not answer (DNS rebinding;
the policy and its reasons are in ``mesop_cli/hosts.py``)."""

from __future__ import annotations

import logging

from flask import Response, request

from mesop_cli.logs.throttle import Throttle
from mesop_cli.web.context import EVENTS_PATH, json_error, mesop_context

log = logging.getLogger("mesop_cli.web")

# Answered whatever the Host: probes often use an address or an internal name, and it
# reveals nothing.
HEALTHZ_PATH = "/__mesop__/healthz"

# Anyone can send any Host, as often as they like: one line per name a minute is enough.
_warnings = Throttle()


def refuse_unknown_host() -> Response | None:
    """The before-request hook: a Host we do not serve gets 400 before anything runs."""
    ctx = mesop_context()
    if request.path == HEALTHZ_PATH or ctx.host_policy.allows(request.host):
        return None
    shown = request.host[:100]
    should_log, held_back = _warnings.allow(shown)
    if should_log:
        log.warning("request refused: its Host %r is not served here (MESOP_ALLOWED_HOSTS)%s",
                    shown, f"; {held_back} more refused since the last line" if held_back else "")
    message = f"Bad request: this server does not answer to the host name {shown!r}."
    if not ctx.settings.prod:
        message += (" If you opened the app by this name, add it to MESOP_ALLOWED_HOSTS; "
                    "if you did not, a page you visited tried to reach this server.")
    if request.path == EVENTS_PATH:
        return json_error(400, message)
    return Response(message + "\n", status=400, mimetype="text/plain")
