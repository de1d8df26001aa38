"""App-wide request hooks for the HTTP metrics: responses by status class, and requests
in flight from their arrival until their response has been sent in full (an event's
stream included) or the client has gone."""

from __future__ import annotations

import threading

from flask import Response, g

from mesop_cli.web.context import mesop_context

#: Where a request keeps its place in the in-flight gauge until its response carries it.
_IN_FLIGHT = "mesop_in_flight"


class _InFlight:
    """One request counted in flight; leaves the count once, whoever ends it."""

    def __init__(self) -> None:
        self._gauge = mesop_context().metrics.http.in_flight
        self._lock = threading.Lock()
        self._done = False
        self._gauge.inc()

    def end(self) -> None:
        with self._lock:
            if self._done:
                return
            self._done = True
        self._gauge.dec()


def arrived() -> None:
    """Before-request, first of all (a request refused for its Host is one too)."""
    g.setdefault(_IN_FLIGHT, _InFlight())


def answered(response: Response) -> Response:
    """After-request: count the status, and leave the gauge when the body has been sent."""
    mesop_context().metrics.http.count_response(response.status_code)
    request: _InFlight | None = g.pop(_IN_FLIGHT, None)
    if request is not None:
        response.call_on_close(request.end)
    return response


def ended(error: BaseException | None) -> None:
    """Teardown: a request no response carried out (an after-request hook raised)."""
    request: _InFlight | None = g.pop(_IN_FLIGHT, None)
    if request is not None:
        request.end()
