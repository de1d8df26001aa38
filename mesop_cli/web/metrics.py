"""The event endpoint's counters and the text served at /__mesop__/metrics.

What is counted, and how the workers of a launch add their counts up, is
:mod:`mesop_cli.telemetry.meters`; this module only ties it to the web app.
"""

from __future__ import annotations

from mesop_cli.sessions.base import SessionBackend
from mesop_cli.telemetry.meters import EventMeters, HttpMeters, exposition


class Metrics:
    """The event counters of one web app, labelled with its backend's name; made at the
    first event, so in a gunicorn worker after the fork."""

    def __init__(self, backend: str) -> None:
        self._backend = backend
        self._meters: EventMeters | None = None
        self._http: HttpMeters | None = None

    @property
    def meters(self) -> EventMeters:
        meters = self._meters
        if meters is None:
            meters = self._meters = EventMeters.of(self._backend)
        return meters

    @property
    def http(self) -> HttpMeters:
        http = self._http
        if http is None:
            http = self._http = HttpMeters.of()
        return http

    def observe_event(self, seconds: float, failed: bool, kind: str, handler: str) -> None:
        """``kind`` and ``handler`` are labels: from bounded sets (see handler_labels)."""
        self.meters.observe_event(seconds, failed, kind, handler)

    def count_recovery(self) -> None:
        self.meters.recoveries.inc()


def render(metrics: Metrics, backend: SessionBackend) -> bytes:
    """The Prometheus text; every series of this backend is shown, at 0 until it moves."""
    _ = metrics.meters
    _ = metrics.http
    if backend.server_side:
        _ = backend.meters
    return exposition()
