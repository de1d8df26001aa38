"""The Prometheus meters: each is moved where its event happens (in one process here;
tests/test_metrics_workers.py adds them up over real gunicorn workers)."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from mesop_cli.serving import launch_dir
from mesop_cli.sessions.base import BackendUnavailable, LockTimeout
from mesop_cli.sessions.memory import MemoryBackend
from mesop_cli.state_format.session_ids import new_session_id
from mesop_cli.telemetry.meters import (
    DEPRECATED_ALIASES,
    MULTIPROC_VARIABLE,
    exposition,
    families,
)
from mesop_cli.web import create_flask_app
from tests.support.flask_tab import Client, make_settings, write_app


def value(name: str, backend: str | None = "memory", **labels: str) -> float:
    """The sum of this process's samples ``name`` with these labels (any value of the
    others: an event's kind and handler); 0 for a series not made yet."""
    wanted = {"backend": backend, **labels} if backend is not None else labels
    return sum(sample.value for metric in families().registry.collect()
               for sample in metric.samples
               if sample.name == name
               and all(sample.labels.get(k) == v for k, v in wanted.items()))


class Deltas:
    """How far some samples moved since the object was made (the registry is shared by
    every test of the process, so tests compare before and after)."""

    def __init__(self, *names: str, backend: str = "memory") -> None:
        self.backend = backend
        self.before = {name: value(name, backend) for name in names}

    def __getitem__(self, name: str) -> float:
        return value(name, self.backend) - self.before[name]


def test_load_counts_a_hit_or_a_miss() -> None:
    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
    moved = Deltas("mesop_session_hits_total", "mesop_session_misses_total")
    session_id = new_session_id()
    assert backend.load(session_id) is None
    backend.save(session_id, b"{}")
    assert backend.load(session_id) == b"{}"
    assert backend.load(session_id) == b"{}"
    assert moved["mesop_session_misses_total"] == 1
    assert moved["mesop_session_hits_total"] == 2


def test_near_cache_hits_are_counted_among_the_hits(tmp_path: Path) -> None:
    from mesop_cli.sessions.file import FileBackend
    from mesop_cli.state_format.image import capture
    from tests.test_near_cache import State

    backend = FileBackend(ttl_seconds=600, base_dir=str(tmp_path))
    other = FileBackend(ttl_seconds=600, base_dir=str(tmp_path))
    moved = Deltas("mesop_session_hits_total", "mesop_session_cache_hits_total",
                   backend="file")
    session_id = new_session_id()
    backend.save_image(session_id, capture({"State": State(1)}, None, 1, "/"))
    assert backend.load_image(session_id) is not None  # its own copy
    other.save_image(session_id, capture({"State": State(2)}, None, 2, "/"))
    assert backend.load_image(session_id) is not None  # read from the files again
    assert moved["mesop_session_hits_total"] == 2
    assert moved["mesop_session_cache_hits_total"] == 1


def test_a_load_the_caller_counts_itself_moves_nothing() -> None:
    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
    moved = Deltas("mesop_session_hits_total", "mesop_session_misses_total")
    assert backend.load_image(new_session_id(), count=False) is None
    assert moved["mesop_session_misses_total"] == 0 and moved["mesop_session_hits_total"] == 0


def test_eviction_and_bytes_on_memory() -> None:
    backend = MemoryBackend(ttl_seconds=600, max_bytes=100)
    moved = Deltas("mesop_session_evictions_total", "mesop_state_written_bytes_total",
                   "mesop_session_stored_bytes", *DEPRECATED_ALIASES.values())
    first, second = new_session_id(), new_session_id()
    backend.save(first, b"a" * 60)
    backend.save(second, b"b" * 60)  # over the cap: the first one goes
    assert backend.load(first) is None
    assert moved["mesop_session_evictions_total"] == 1
    assert moved["mesop_state_written_bytes_total"] == 120  # written, evicted or not
    assert moved["mesop_session_stored_bytes"] == 60  # held now
    for name, alias in DEPRECATED_ALIASES.items():  # the old names move alike
        assert moved[alias] == moved[name]
    backend.remove(second)
    assert moved["mesop_session_stored_bytes"] == 0 == moved["mesop_session_bytes_stored"]


def test_lock_wait_is_observed_and_a_timeout_counted() -> None:
    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
    moved = Deltas("mesop_lock_wait_seconds_count", "mesop_lock_timeouts_total")
    session_id = new_session_id()
    held = backend.lock(session_id)
    outcome: list[BaseException] = []

    def second_event() -> None:
        try:
            backend.lock(session_id, timeout=0.05).release()
        except LockTimeout as exc:
            outcome.append(exc)

    thread = threading.Thread(target=second_event)
    thread.start()
    thread.join()
    held.release()
    assert len(outcome) == 1
    assert moved["mesop_lock_wait_seconds_count"] == 1  # the one acquired
    assert moved["mesop_lock_timeouts_total"] == 1


def test_store_errors_on_a_dead_redis() -> None:
    pytest.importorskip("redis", reason="the redis package (extra 'redis') is not installed")
    from mesop_cli.sessions.redis import RedisBackend

    backend = RedisBackend("redis://127.0.0.1:1/0", ttl_seconds=600)  # nothing listens there
    moved = Deltas("mesop_store_errors_total", "mesop_session_misses_total", backend="redis")
    session_id = new_session_id()
    with pytest.raises(BackendUnavailable):
        backend.load(session_id)
    with pytest.raises(BackendUnavailable):
        backend.save(session_id, b"{}")
    with pytest.raises(BackendUnavailable):
        backend.lock(session_id, timeout=1)
    assert moved["mesop_store_errors_total"] == 3
    assert moved["mesop_session_misses_total"] == 0  # a store that did not answer missed nothing
    backend.close()


def test_events_errors_and_duration_from_the_event_endpoint(tmp_path: Path) -> None:
    client = Client(create_flask_app(write_app(tmp_path), make_settings()))
    moved = Deltas("mesop_events_total", "mesop_event_errors_total",
                   "mesop_event_duration_seconds_count", "mesop_session_hits_total")
    client.send(None)  # a page load is an event too
    client.click("Increment")
    client.click("Explode")
    assert moved["mesop_events_total"] == 3
    assert moved["mesop_event_errors_total"] == 1
    assert moved["mesop_event_duration_seconds_count"] == 3
    assert moved["mesop_session_hits_total"] == 2  # the page load started a new session


def test_a_stale_copy_in_the_store_counts_as_a_miss_and_a_recovery(tmp_path: Path) -> None:
    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
    client = Client(create_flask_app(write_app(tmp_path), make_settings(), backend=backend))
    client.send(None)
    client.click("Increment")
    stale = backend.load(client.session or "")
    assert stale is not None
    client.click("Increment")
    backend.save(client.session or "", stale)  # as a `memory` worker left behind holds it
    moved = Deltas("mesop_session_hits_total", "mesop_session_misses_total",
                   "mesop_session_recoveries_total")
    client.click("Increment", with_copy=True)
    assert client.state is not None and client.state["State"]["count"] == 3
    assert moved["mesop_session_misses_total"] == 1
    assert moved["mesop_session_hits_total"] == 0
    assert moved["mesop_session_recoveries_total"] == 1


def test_the_endpoint_shows_every_series_of_its_backend(tmp_path: Path) -> None:
    flask_app = create_flask_app(write_app(tmp_path), make_settings(backend="file",
                                                              file_base_dir=str(tmp_path)))
    response = flask_app.test_client().get("/__mesop__/metrics")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/plain"
    for name in ("mesop_events_total", "mesop_event_errors_total",
                 "mesop_event_duration_seconds_bucket", "mesop_session_hits_total",
                 "mesop_session_misses_total", "mesop_session_recoveries_total",
                 "mesop_session_evictions_total", "mesop_lock_wait_seconds_count",
                 "mesop_lock_timeouts_total", "mesop_store_errors_total",
                 "mesop_state_written_bytes_total", "mesop_state_bytes_stored_total"):
        assert f'{name}{{backend="file"' in text, name
    for status_class in ("1xx", "2xx", "3xx", "4xx", "5xx"):
        assert f'mesop_http_responses_total{{status_class="{status_class}"}}' in text
    assert "\nmesop_http_requests_in_flight " in text and "\nmesop_build_info{" in text


def test_without_a_shared_directory_the_text_says_it_is_one_process() -> None:
    assert families().directory is None  # tests run without PROMETHEUS_MULTIPROC_DIR
    text = exposition().decode()
    assert text.startswith(f"# mesop-cli: these metrics are of this process only (pid "
                           f"{os.getpid()})")
    assert "mesop_cli.gunicorn_conf" in text.splitlines()[0]


def test_launch_directory_is_private_and_removed_only_by_its_maker(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(launch_dir.tempfile, "tempdir", None)  # re-read TMPDIR
    monkeypatch.delenv(MULTIPROC_VARIABLE, raising=False)
    monkeypatch.setattr(launch_dir, "_made", None)
    path = launch_dir.create_launch_directory()
    assert Path(path).parent == tmp_path and os.environ[MULTIPROC_VARIABLE] == path
    info = os.stat(path)
    assert stat.S_IMODE(info.st_mode) == 0o700 and info.st_uid == os.getuid()
    assert launch_dir.create_launch_directory() == path  # once per process
    # A forked worker runs the master's atexit handlers too: it must not remove it.
    monkeypatch.setattr(launch_dir, "_made", (path, os.getpid() + 1))
    launch_dir.remove_launch_directory()
    assert os.path.isdir(path)
    monkeypatch.setattr(launch_dir, "_made", (path, os.getpid()))
    launch_dir.on_exit(server=None)
    assert not os.path.exists(path) and MULTIPROC_VARIABLE not in os.environ
    launch_dir.on_exit(server=None)  # twice is harmless


def test_a_backend_that_does_not_measure_its_store_shows_no_bytes_held(tmp_path: Path) -> None:
    flask_app = create_flask_app(write_app(tmp_path), make_settings(backend="file",
                                                              file_base_dir=str(tmp_path)))
    client = Client(flask_app)
    client.send(None)
    client.click("Increment")
    text = flask_app.test_client().get("/__mesop__/metrics").get_data(as_text=True)
    assert 'mesop_state_written_bytes_total{backend="file"}' in text
    assert 'mesop_session_stored_bytes{backend="file"}' not in text
    assert 'mesop_session_bytes_stored{backend="file"}' not in text


# -- names, labels, HTTP and build info ----------------------------------------------------

FAILING_APP = Path(__file__).parent / "apps" / "failing_handler_app.py"
UNITS = ("bytes", "seconds")


def test_names_put_the_unit_last_and_the_old_names_are_kept_as_aliases(
        tmp_path: Path) -> None:
    flask_app = create_flask_app(write_app(tmp_path), make_settings())
    Client(flask_app).send(None)
    text = flask_app.test_client().get("/__mesop__/metrics").get_data(as_text=True)
    names = {metric.name: metric.type for metric in families().registry.collect()}
    assert set(DEPRECATED_ALIASES) <= {f"{n}_total" if t == "counter" else n
                                       for n, t in names.items()}
    deprecated = {alias.removesuffix("_total") for alias in DEPRECATED_ALIASES.values()}
    for name in names:  # prometheus_client keeps a counter's name without its _total
        if name in deprecated:
            continue
        for unit in UNITS:
            if unit in name.split("_"):
                assert name.endswith(f"_{unit}"), f"{name}: the unit goes last"
    for alias in DEPRECATED_ALIASES.values():
        assert f"# HELP {alias} Deprecated: " in text


def test_the_handler_label_is_a_name_of_the_apps_code_or_other() -> None:
    from mesop_cli.runtime import load_app
    from mesop_cli.web.handler_labels import handler_label, handler_names, kind_label

    app = load_app(FAILING_APP)
    module = app.module.__name__
    assert handler_label(app, f"{module}:add") == "add"
    assert handler_label(app, f"{module}:home.<locals>.add_two#7") == "home.<locals>.add_two"
    assert handler_label(app, None) == handler_label(app, "") == ""
    for forged in ("nothing", f"{module}:nope", f"{module}:add.x", ":", "add",
                   f"os:{'x' * 500}", f"{module}:divide\nforged line"):
        assert handler_label(app, forged) == "other", forged
    labels = {handler_label(app, f"{module}:h{n}#{n}") for n in range(1000)}
    assert labels == {"other"}  # a thousand forged ids, one series
    assert {"add", "divide", "home", "home.<locals>.add_two", "State"} <= handler_names(app)
    assert kind_label("click") == "click" and kind_label("load") == "load"
    assert kind_label("click\nforged") == kind_label("made_up") == "other"


def test_events_are_counted_by_kind_and_handler() -> None:
    client = Client(create_flask_app(FAILING_APP, make_settings()))
    series = ("mesop_events_total", "mesop_event_errors_total",
              "mesop_event_duration_seconds_count")
    moved = {handler: {name: value(name, kind=kind, handler=handler) for name in series}
             for kind, handler in (("load", ""), ("click", "add"), ("click", "divide"),
                                   ("click", "home.<locals>.add_two"))}
    client.send(None)
    client.click("Add")
    client.click("Add two")
    client.click("Add two")
    status, lines = client.post({"session": client.session, "path": "/", "version": None,
                                 "event": {"handler": client.handler("Fail"), "kind": "click",
                                           "key": "", "value": None}})
    assert status == 200 and isinstance(lines, list) and lines[-1]["type"] == "error"

    def delta(kind: str, handler: str, name: str) -> float:
        return value(name, kind=kind, handler=handler) - moved[handler][name]

    assert delta("load", "", "mesop_events_total") == 1
    assert delta("click", "add", "mesop_events_total") == 1
    assert delta("click", "home.<locals>.add_two", "mesop_events_total") == 2  # no "#0"
    assert delta("click", "divide", "mesop_events_total") == 1
    assert delta("click", "divide", "mesop_event_errors_total") == 1
    assert delta("click", "add", "mesop_event_errors_total") == 0
    assert delta("click", "add", "mesop_event_duration_seconds_count") == 1


def test_forged_handler_ids_add_no_series() -> None:
    client = Client(create_flask_app(FAILING_APP, make_settings()))
    client.send(None)
    client.click("Add")

    def series() -> int:
        return sum(1 for metric in families().registry.collect() for _ in metric.samples)

    before = series()
    for n in range(50):
        status, _body = client.post({
            "session": client.session, "path": "/", "version": None,
            "event": {"handler": f"{FAILING_APP.stem}:forged_{n}#{n}", "kind": "click",
                      "key": "", "value": None}})
        assert status == 400  # refused before it runs, and never a label
    assert series() == before


def test_responses_are_counted_by_status_class(tmp_path: Path) -> None:
    class DeadBackend(MemoryBackend):
        def ping(self) -> None:
            raise BackendUnavailable("nothing answers")

    flask_app = create_flask_app(write_app(tmp_path), make_settings(),
                                 backend=DeadBackend(ttl_seconds=600, max_bytes=1 << 20))
    moved = {c: value("mesop_http_responses_total", backend=None, status_class=c)
             for c in ("2xx", "4xx", "5xx")}
    http = flask_app.test_client()
    for path, host, expected in (("/", "127.0.0.1", 200), ("/missing", "127.0.0.1", 404),
                                 ("/", "evil.example", 400),
                                 ("/__mesop__/healthz", "127.0.0.1", 503)):
        response = http.get(path, headers={"Host": host})
        assert response.status_code == expected, path
        response.close()

    def delta(status_class: str) -> float:
        return value("mesop_http_responses_total", backend=None,
                     status_class=status_class) - moved[status_class]

    assert (delta("2xx"), delta("4xx"), delta("5xx")) == (1, 2, 1)


def test_a_streamed_response_is_in_flight_until_it_is_closed(tmp_path: Path) -> None:
    client = Client(create_flask_app(write_app(tmp_path), make_settings()))
    client.send(None)
    before = value("mesop_http_requests_in_flight", backend=None)
    response = client.http.post("/__mesop__/events", content_type="application/json",
                                data=json.dumps({"session": client.session, "path": "/",
                                                 "version": None, "event": {
                                                     "handler": client.handler("Stream"),
                                                     "kind": "click", "key": "",
                                                     "value": None}}),
                                buffered=False)
    assert value("mesop_http_requests_in_flight", backend=None) == before + 1
    lines = [json.loads(line) for line in response.get_data().splitlines()]
    assert len(lines) > 1 and {line["type"] for line in lines} == {"render"}  # it streamed
    response.close()  # as a server does once it has sent the last line
    assert value("mesop_http_requests_in_flight", backend=None) == before


def test_build_info_names_the_version() -> None:
    import platform
    from importlib.metadata import version

    _ = families()
    assert value("mesop_build_info", backend=None, version=version("mesop-cli"),
                 python=platform.python_version()) == 1
