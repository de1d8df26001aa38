"""The event endpoint's counters and the text served at /__mesop__/metrics.

What is counted, and how the workers of a launch add their counts up, is
:mod:`mesop_cli.telemetry.meters`; this module only ties it to the web app.
"""

from __future__ import annotations

from mesop_cli.sessions.base import SessionBackend
from mesop_cli.telemetry.meters import EventMeters, exposition


class Metrics:
    """The event counters of one web app, labelled with its backend's name; made at the
    first event, so in a gunicorn worker after the fork."""

    def __init__(self, backend: str) -> None:
        self._backend = backend
        self._meters: EventMeters | None = None

    @property
    def meters(self) -> EventMeters:
        meters = self._meters
        if meters is None:
            meters = self._meters = EventMeters.of(self._backend)
        return meters

    def observe_event(self, seconds: float, failed: bool) -> None:
        self.meters.observe_event(seconds, failed)

    def count_recovery(self) -> None:
        self.meters.recoveries.inc()


def render(metrics: Metrics, backend: SessionBackend) -> bytes:
    """The Prometheus text; every series of this backend is shown, at 0 until it moves."""
    _ = metrics.meters
    if backend.server_side:
        _ = backend.meters
    return exposition()
