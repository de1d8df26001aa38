"""The Prometheus meters: each is moved where its event happens (in one process here;
tests/test_metrics_workers.py adds them up over real gunicorn workers)."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from mesop_cli.serving import launch_dir
from mesop_cli.sessions.base import BackendUnavailable, LockTimeout
from mesop_cli.sessions.memory import MemoryBackend
from mesop_cli.state_format.session_ids import new_session_id
from mesop_cli.telemetry.meters import MULTIPROC_VARIABLE, exposition, families
from mesop_cli.web import create_flask_app
from tests.support.flask_tab import Client, make_settings, write_app


def value(name: str, backend: str = "memory", **labels: str) -> float:
    """A sample of this process's registry; 0 for a series not made yet."""
    found = families().registry.get_sample_value(name, {"backend": backend, **labels})
    return found or 0.0


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
    moved = Deltas("mesop_session_evictions_total", "mesop_state_bytes_stored_total",
                   "mesop_session_bytes_stored")
    first, second = new_session_id(), new_session_id()
    backend.save(first, b"a" * 60)
    backend.save(second, b"b" * 60)  # over the cap: the first one goes
    assert backend.load(first) is None
    assert moved["mesop_session_evictions_total"] == 1
    assert moved["mesop_state_bytes_stored_total"] == 120  # written, evicted or not
    assert moved["mesop_session_bytes_stored"] == 60  # held now
    backend.remove(second)
    assert moved["mesop_session_bytes_stored"] == 0


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
                 "mesop_state_bytes_stored_total"):
        assert f'{name}{{backend="file"' in text, name


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
    assert 'mesop_state_bytes_stored_total{backend="file"}' in text
    assert 'mesop_session_bytes_stored{backend="file"}' not in text
