"""The requests we refuse before anything runs: unknown Host names (DNS rebinding; the
policy and its reasons are in ``mesop_cli/web/host_policy.py``), and cross-site or
non-JSON posts to the event endpoint, before any session is touched.

Cross-site posts and content types:

A page on another site can make a browser POST to us: a form, or ``fetch`` in ``no-cors``
mode, sends ``text/plain``, ``application/x-www-form-urlencoded`` or ``multipart/form-data``
without asking. Anything else, ``application/json`` included, needs a CORS preflight that
we never answer with CORS headers, so the browser never sends it. Hence two checks:

- the body must be ``application/json`` (415 otherwise), which no cross-site page can send;
- a browser says where the request comes from, in ``Origin`` (every POST from a modern
  browser) or ``Sec-Fetch-Site``; when it says another site, the event is refused (403).

A request with neither header does not come from a modern browser (curl, a test, an old
client): the content-type rule alone protects it, since it cannot be cross-site.
"""

from __future__ import annotations

import logging

from flask import Request, Response, request

from mesop_cli.config.origins import normalize_origin
from mesop_cli.logs.throttle import Throttle
from mesop_cli.web.context import EVENTS_BLUEPRINT, json_error, mesop_context

log = logging.getLogger("mesop_cli.web")

# "none" is a request the user started (typed URL, bookmark), never another site's page.
_SAME_SITE_FETCH = frozenset({"same-origin", "none"})


def own_origin(request: Request) -> str | None:
    """The origin the request was addressed to, as the server sees it (its Host header)."""
    return normalize_origin(f"{request.scheme}://{request.host}")


def check_event_request(request: Request, allowed: tuple[str, ...], prod: bool
                        ) -> Response | None:
    """A refusal for a cross-site or non-JSON event request, else None (the event
    endpoint's before-request hook asks, for its requests only)."""
    origin = request.headers.get("Origin")
    if origin is not None:
        seen = normalize_origin(origin)
        if seen is None or (seen != own_origin(request) and seen not in allowed):
            return _cross_site(request, f"its Origin {origin[:100]!r}", prod)
    else:
        fetch_site = request.headers.get("Sec-Fetch-Site")
        if fetch_site is not None and fetch_site.lower() not in _SAME_SITE_FETCH:
            return _cross_site(request, f"its Sec-Fetch-Site {fetch_site[:40]!r}", prod)
    if request.mimetype != "application/json":
        sent = request.content_type or "no Content-Type"
        return json_error(415, f"Event refused: events must be sent as application/json, "
                               f"this one was {sent[:100]!r}.")
    return None


def _cross_site(request: Request, what: str, prod: bool) -> Response:
    here = own_origin(request) or (
        f"unknown: its Host {request.headers.get('Host', '')[:100]!r} is not a host name")
    # The likeliest cause in production is a proxy whose public address was not listed,
    # and there the browser only shows the short message: the log says what to set.
    log.warning("cross-site event refused: %s is not this site (%s) nor in "
                "MESOP_ALLOWED_ORIGINS", what, here)
    if prod:
        return json_error(403, "Event refused: it does not come from this site.")
    return json_error(403, f"Event refused: {what} is not this site ({here}). Behind a "
                           "proxy, list the origins users browse in MESOP_ALLOWED_ORIGINS.")


def protective_headers(response: Response) -> Response:
    """On every response: no content sniffing (a JSON error must never be read as HTML),
    and no URL of this app's pages sent to other sites in the Referer header.

    ``same-origin`` rather than ``no-referrer``: both keep the Referer from other sites,
    and both let the client script's same-origin fetch carry its real Origin (measured in
    Chromium), but ``same-origin`` leaves the app's own access logs their Referer.
    """
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


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
    if request.blueprint == EVENTS_BLUEPRINT:  # the client script reads JSON
        return json_error(400, message)
    return Response(message + "\n", status=400, mimetype="text/plain")
