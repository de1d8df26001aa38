"""The Prometheus metrics of a launch: declared here, counted where things happen.

Each process picks one of two modes when it first counts, never at import (``mesop
--prod`` imports this module in the launcher, before it makes the launch's directory):

- **all workers**: ``PROMETHEUS_MULTIPROC_DIR`` names an existing directory. Every process
  writes its values to its own small mmap files there (prometheus_client's multiprocess
  mode), and a scrape, whichever worker answers it, adds up the files of every worker the
  launch has had, so a counter never goes back when a worker dies or is replaced.
- **this process**: no directory (the dev server, tests, a plain gunicorn run without
  ``mesop_cli.gunicorn_conf``). A registry of this process; the scrape says so.

Counters and histograms are labelled with the backend's name; the event meters also
with the event's kind and handler (names from a bounded set, see
:mod:`mesop_cli.web.handler_labels`). Children are looked up once (:class:`BackendMeters`,
:class:`EventMeters`), so counting costs an increment, not a label lookup.

Names follow Prometheus's conventions (the unit last, then ``_total`` for a counter). Two
older names that did not are still written, with the same values, for one release:
``mesop_session_bytes_stored`` (now ``mesop_session_stored_bytes``) and
``mesop_state_bytes_stored_total`` (now ``mesop_state_written_bytes_total``).
"""

from __future__ import annotations

import os
import platform
import threading
from dataclasses import dataclass, field
from functools import cached_property
from importlib import metadata

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, values
from prometheus_client.exposition import generate_latest
from prometheus_client.metrics import disable_created_metrics
from prometheus_client.multiprocess import MultiProcessCollector

#: prometheus_client's own variable: the directory the workers of one launch share.
MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
#: Upper bounds (seconds) of the event duration histogram.
EVENT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
#: Upper bounds (seconds) of the session lock wait histogram; 30 s is the lock timeout.
LOCK_WAIT_BUCKETS = (0.001, 0.005, 0.025, 0.1, 0.5, 1.0, 5.0, 30.0)

#: Gauge modes of ``mesop_session_stored_bytes`` across workers: a store held in each
#: worker's memory adds up over the live workers; a shared store is measured whole by every
#: worker, so the latest measure of a live worker is the answer.
PER_PROCESS_STORE = "livesum"
SHARED_STORE = "livemostrecent"
#: The status classes counted, each shown from the start (at 0 until one is answered).
STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")
#: Deprecated names still written for one release, by their new name.
DEPRECATED_ALIASES = {
    "mesop_session_stored_bytes": "mesop_session_bytes_stored",
    "mesop_state_written_bytes_total": "mesop_state_bytes_stored_total",
}


def multiprocess_directory() -> str | None:
    """The directory the launch's workers share, or None when there is none to use."""
    path = os.environ.get(MULTIPROC_VARIABLE)
    return path if path and os.path.isdir(path) else None


class _Families:
    """Every metric family of this process, in the mode chosen when it was made."""

    def __init__(self, directory: str | None) -> None:
        self.directory = directory
        if directory is not None:
            # Chosen here rather than by prometheus_client at its import, which may have
            # happened before the launch set the directory up.
            values.ValueClass = values.MultiProcessValue()
        # The _created series carry a per-process timestamp that cannot be added up.
        disable_created_metrics()
        # In multiprocess mode the values live in the files, and a scrape reads them
        # through a fresh collector; the registry only keeps the names unique.
        self.registry = CollectorRegistry()
        backend = ("backend",)
        event = ("backend", "kind", "handler")
        r = self.registry
        self.events = Counter("mesop_events_total", "Events and page loads handled.",
                              event, registry=r)
        self.event_errors = Counter("mesop_event_errors_total",
                                    "Events whose handler (or our code) raised.",
                                    event, registry=r)
        self.event_duration = Histogram(
            "mesop_event_duration_seconds",
            "Time from the request to the last render of an event.",
            event, buckets=EVENT_BUCKETS, registry=r)
        self.hits = Counter("mesop_session_hits_total", "Session loads found in the store.",
                            backend, registry=r)
        self.misses = Counter("mesop_session_misses_total",
                              "Session loads not found in the store (or found stale).",
                              backend, registry=r)
        self.cache_hits = Counter("mesop_session_cache_hits_total",
                                  "Session loads served by the process's near cache (the "
                                  "store was asked only for the write tag).",
                                  backend, registry=r)
        self.recoveries = Counter("mesop_session_recoveries_total",
                                  "Misses recovered from the browser's signed copy.",
                                  backend, registry=r)
        self.evictions = Counter("mesop_session_evictions_total",
                                 "Sessions evicted to respect the memory cap.",
                                 backend, registry=r)
        self.lock_wait = Histogram(
            "mesop_lock_wait_seconds",
            "Time an event waited for its session's lock (in the process, then the store).",
            backend, buckets=LOCK_WAIT_BUCKETS, registry=r)
        self.lock_timeouts = Counter("mesop_lock_timeouts_total",
                                     "Events refused (503) because their session stayed busy.",
                                     backend, registry=r)
        self.store_errors = Counter("mesop_store_errors_total",
                                    "Store operations that failed because the store did "
                                    "not answer (each one a 503 or a lost save).",
                                    backend, registry=r)
        written = "Bytes of state written to the store by saves."
        self.bytes_written = Counter("mesop_state_written_bytes_total", written,
                                     backend, registry=r)
        self.bytes_written_alias = Counter(
            DEPRECATED_ALIASES["mesop_state_written_bytes_total"],
            f"Deprecated: mesop_state_written_bytes_total. {written}", backend, registry=r)
        self.http_responses = Counter("mesop_http_responses_total",
                                      "HTTP responses sent, by status class (2xx, 4xx...).",
                                      ("status_class",), registry=r)
        # livesum: each worker counts its own requests; a dead worker's are over.
        self.in_flight = Gauge("mesop_http_requests_in_flight",
                               "Requests received and not yet answered in full (a "
                               "streaming event counts until its last line is sent).",
                               multiprocess_mode="livesum", registry=r)
        build = Gauge("mesop_build_info", "The running mesop-cli: always 1, with its "
                      "version and Python's as labels.", ("version", "python"),
                      multiprocess_mode="livemax", registry=r)
        build.labels(_version(), platform.python_version()).set(1)
        self._bytes_held: tuple[Gauge, Gauge] | None = None
        self._bytes_held_guard = threading.Lock()

    def bytes_held(self, mode: str) -> tuple[Gauge, Gauge]:
        """The gauge of the bytes a store holds and its deprecated alias, made by the
        first backend that reports them: one launch has one backend, so one mode."""
        with self._bytes_held_guard:
            if self._bytes_held is None:
                held = ("Bytes of state the store holds now (memory: summed over the live "
                        "workers; redis, sql: the latest measure of the shared store).")
                self._bytes_held = tuple(  # type: ignore[assignment]
                    Gauge(name, text, ("backend",), multiprocess_mode=mode,
                          registry=self.registry)
                    for name, text in (
                        ("mesop_session_stored_bytes", held),
                        (DEPRECATED_ALIASES["mesop_session_stored_bytes"],
                         f"Deprecated: mesop_session_stored_bytes. {held}")))
            assert self._bytes_held is not None
            return self._bytes_held


def _version() -> str:
    try:
        return metadata.version("mesop-cli")
    except metadata.PackageNotFoundError:  # run from a source tree never installed
        return "unknown"


class Paired:
    """A meter and its deprecated alias, moved together (the alias goes in a release)."""

    def __init__(self, current: Counter | Gauge, alias: Counter | Gauge) -> None:
        self.current = current
        self.alias = alias

    def inc(self, amount: float = 1) -> None:
        self.current.inc(amount)
        self.alias.inc(amount)

    def set(self, value: float) -> None:
        self.current.set(value)  # type: ignore[union-attr]
        self.alias.set(value)  # type: ignore[union-attr]


_families: _Families | None = None
_families_guard = threading.Lock()
#: Bytes held by this process's stores, by backend name (see add_held_bytes).
_held_totals: dict[str, int] = {}
_held_guard = threading.Lock()


def families() -> _Families:
    global _families
    if _families is None:
        with _families_guard:
            if _families is None:
                _families = _Families(multiprocess_directory())
    return _families


@dataclass
class BackendMeters:
    """The counters a session backend moves, for one backend name."""

    hits: Counter
    misses: Counter
    cache_hits: Counter
    evictions: Counter
    lock_wait: Histogram
    lock_timeouts: Counter
    store_errors: Counter
    bytes_written: Paired
    backend: str
    per_process_store: bool

    @classmethod
    def of(cls, backend: str, per_process_store: bool) -> BackendMeters:
        f = families()
        return cls(
            hits=f.hits.labels(backend), misses=f.misses.labels(backend),
            cache_hits=f.cache_hits.labels(backend),
            evictions=f.evictions.labels(backend), lock_wait=f.lock_wait.labels(backend),
            lock_timeouts=f.lock_timeouts.labels(backend),
            store_errors=f.store_errors.labels(backend),
            bytes_written=Paired(f.bytes_written.labels(backend),
                                 f.bytes_written_alias.labels(backend)),
            backend=backend, per_process_store=per_process_store,
        )

    def add_held_bytes(self, change: int) -> None:
        """The bytes this process's store holds grew (or shrank) by ``change``. Kept as a
        process-wide total and ``set``: a gauge made in a shared store's multiprocess
        mode refuses ``inc``, and tests build backends of several kinds in one process."""
        with _held_guard:
            _held_totals[self.backend] = total = _held_totals.get(self.backend, 0) + change
            self.bytes_held.set(total)

    @cached_property
    def bytes_held(self) -> Paired:
        """Made when the backend first reports what it holds, so a backend that never
        measures it (``file``) shows no series rather than a false 0."""
        mode = PER_PROCESS_STORE if self.per_process_store else SHARED_STORE
        current, alias = families().bytes_held(mode)
        return Paired(current.labels(self.backend), alias.labels(self.backend))


@dataclass
class EventMeters:
    """The counters the event endpoint moves, for one backend name."""

    backend: str
    recoveries: Counter
    #: (events, errors, duration) by (kind, handler): both from bounded sets, so this
    #: stays as small as the app's handlers.
    _children: dict[tuple[str, str], tuple[Counter, Counter, Histogram]] = field(
        default_factory=dict, repr=False)

    @classmethod
    def of(cls, backend: str) -> EventMeters:
        meters = cls(backend=backend, recoveries=families().recoveries.labels(backend))
        meters._of("load", "")  # shown from the start, at 0 until a page is loaded
        return meters

    def _of(self, kind: str, handler: str) -> tuple[Counter, Counter, Histogram]:
        children = self._children.get((kind, handler))
        if children is None:
            f = families()
            labels = (self.backend, kind, handler)
            # Two threads may both get here: labels() hands both the same children.
            children = self._children[(kind, handler)] = (
                f.events.labels(*labels), f.event_errors.labels(*labels),
                f.event_duration.labels(*labels))
        return children

    def observe_event(self, seconds: float, failed: bool, kind: str = "",
                      handler: str = "") -> None:
        """Count an event of ``kind`` run by ``handler`` (both labels from bounded sets:
        the caller maps what the browser sent; "" for a page load's handler)."""
        events, errors, duration = self._of(kind, handler)
        events.inc()
        if failed:
            errors.inc()
        duration.observe(seconds)


@dataclass
class HttpMeters:
    """The HTTP responses by status class, and the requests in flight, of this process."""

    in_flight: Gauge
    _by_class: dict[str, Counter]

    @classmethod
    def of(cls) -> HttpMeters:
        f = families()
        return cls(in_flight=f.in_flight,
                   _by_class={c: f.http_responses.labels(c) for c in STATUS_CLASSES})

    def count_response(self, status: int) -> None:
        counter = self._by_class.get(f"{status // 100}xx")
        if counter is not None:  # a status outside 100-599 is no class
            counter.inc()


def exposition() -> bytes:
    """The Prometheus text of this launch: summed over its workers when they share a
    directory, else this process's own, preceded by a comment saying so."""
    f = families()
    if f.directory is not None:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=f.directory)
        return generate_latest(registry)
    note = (f"# mesop-cli: these metrics are of this process only (pid {os.getpid()}); "
            f"under gunicorn with several workers, each worker answers with its own. "
            f"Start gunicorn with -c python:mesop_cli.gunicorn_conf to add them up.\n")
    return note.encode() + generate_latest(f.registry)
