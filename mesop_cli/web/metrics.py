"""Counters served as Prometheus text at /__mesop__/metrics.

Per process: under gunicorn each worker reports its own numbers, labelled with its pid,
so a scraper sums them. Kept in-house because five counters do not justify
prometheus_client's multiprocess directory set-up.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

from mesop_cli.sessions.base import SessionBackend

#: Upper bounds (seconds) of the event latency histogram.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass
class Metrics:
    events: int = 0
    errors: int = 0
    recoveries: int = 0
    latency_sum: float = 0.0
    latency_buckets: list[int] = field(default_factory=lambda: [0] * len(LATENCY_BUCKETS))
    _guard: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def observe_event(self, seconds: float, failed: bool) -> None:
        with self._guard:
            self.events += 1
            self.errors += int(failed)
            self.latency_sum += seconds
            for index, bound in enumerate(LATENCY_BUCKETS):
                if seconds <= bound:
                    self.latency_buckets[index] += 1

    def count_recovery(self) -> None:
        with self._guard:
            self.recoveries += 1

    def render(self, backend: SessionBackend) -> str:
        labels = f'backend="{backend.name}",pid="{os.getpid()}"'
        stats = backend.stats
        lines = [
            "# HELP mesop_events_total Events and page loads handled.",
            "# TYPE mesop_events_total counter",
            f"mesop_events_total{{{labels}}} {self.events}",
            "# HELP mesop_event_errors_total Events whose handler raised.",
            "# TYPE mesop_event_errors_total counter",
            f"mesop_event_errors_total{{{labels}}} {self.errors}",
            "# HELP mesop_event_seconds Time from request to the last render of an event.",
            "# TYPE mesop_event_seconds histogram",
        ]
        for bound, count in zip(LATENCY_BUCKETS, self.latency_buckets, strict=True):
            lines.append(f'mesop_event_seconds_bucket{{{labels},le="{bound}"}} {count}')
        lines += [
            f'mesop_event_seconds_bucket{{{labels},le="+Inf"}} {self.events}',
            f"mesop_event_seconds_sum{{{labels}}} {self.latency_sum:.6f}",
            f"mesop_event_seconds_count{{{labels}}} {self.events}",
        ]
        for name, value, help_text in (
            ("session_hits_total", stats.hits, "Session loads found in the backend."),
            ("session_misses_total", stats.misses, "Session loads not found in the backend."),
            ("session_recoveries_total", self.recoveries, "Misses recovered from the browser."),
            ("session_evictions_total", stats.evictions, "Sessions evicted to respect a cap."),
        ):
            lines += [f"# HELP mesop_{name} {help_text}", f"# TYPE mesop_{name} counter",
                      f"mesop_{name}{{{labels}}} {value}"]
        lines += [
            "# HELP mesop_session_bytes_stored Bytes of state held by this process's backend.",
            "# TYPE mesop_session_bytes_stored gauge",
            f"mesop_session_bytes_stored{{{labels}}} {stats.bytes_stored}",
        ]
        return "\n".join(lines) + "\n"
