"""Start the real `mesop` command on the sample app and drive it over HTTP."""

from __future__ import annotations

import threading
import uuid

import pytest
import sqlalchemy

from tests.support.server import running_server
from tests.support.services import postgres_uri, redis_url
from tests.support.tab import Tab

pytestmark = pytest.mark.integration

INCREMENTS = 50


def backend_env(backend: str, tmp_path) -> dict[str, str]:
    env = {"MESOP_STATE_SESSION_BACKEND": backend}
    if backend == "file":
        env["MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR"] = str(tmp_path / "sessions")
    return env


def count_on_page(tab: Tab) -> int:
    counts = [t for t in tab.texts() if t.startswith("Count: ")]
    assert counts, f"no 'Count: N' text on the page: {tab.texts()}"
    return int(counts[0].removeprefix("Count: "))


@pytest.mark.parametrize("backend", ["none", "memory", "file"])
def test_fifty_increments(backend: str, tmp_path) -> None:
    with running_server([], env=backend_env(backend, tmp_path)) as server:
        tab = Tab(server.url, server_side=backend != "none")
        tab.open("/")
        assert count_on_page(tab) == 0
        for _ in range(INCREMENTS):
            tab.click("Increment")
        assert count_on_page(tab) == INCREMENTS
        assert tab.misses == 0
        # A page load that presents the session again (a reload with
        # MESOP_STATE_SESSION_KEEP_ON_RELOAD, as this tab does) keeps the count.
        tab.open("/")
        assert count_on_page(tab) == INCREMENTS


def test_file_backend_three_workers_counts_exactly_under_concurrency(tmp_path) -> None:
    env = backend_env("file", tmp_path)
    with running_server(["--workers", "3"], env=env) as server:
        tabs = [Tab(server.url, server_side=True, keep_alive=False) for _ in range(4)]
        for tab in tabs:
            tab.open("/")

        def click_many(tab: Tab) -> None:
            for _ in range(INCREMENTS):
                tab.click("Increment")

        threads = [threading.Thread(target=click_many, args=(tab,)) for tab in tabs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for tab in tabs:
            tab.open("/")
            assert count_on_page(tab) == INCREMENTS
            assert tab.misses == 0  # every worker reads the shared files


def test_one_session_hammered_from_several_threads_loses_no_update(tmp_path) -> None:
    """Events of one session racing through 3 processes: the per-session lock serializes
    them, so every increment lands."""
    env = backend_env("file", tmp_path)
    with running_server(["--workers", "3"], env=env) as server:
        first = Tab(server.url, server_side=True)
        first.open("/")
        handler = first.find(lambda n: n["t"] == "button")["p"]["on_click"]

        def racer() -> None:
            # A tab that shares the session id but keeps no copy: the server sends the
            # full state back, so racing tabs never apply a patch to a stale copy.
            tab = Tab(server.url, server_side=True, keep_alive=False)
            tab.session_id = first.session_id
            for _ in range(25):
                tab.state = None
                tab._send({"handler": handler, "kind": "click", "key": "", "value": None})

        threads = [threading.Thread(target=racer) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        first.state = None
        first.open("/")
        assert count_on_page(first) == 100


def test_memory_with_three_workers_warns_and_recovers_misses(tmp_path) -> None:
    with running_server(["--workers", "3"], env=backend_env("memory", tmp_path)) as server:
        tab = Tab(server.url, server_side=True, keep_alive=False)
        tab.open("/")
        for _ in range(30):
            tab.click("Increment")
        # Which worker takes each connection is the kernel's choice, so how many events
        # missed varies; that none was lost does not.
        assert count_on_page(tab) == 30
        output = server.output()
    assert "memory" in output and "worker" in output
    assert "67%" in output or "(W-1)/W" in output or "2 of 3" in output


def test_memory_across_two_instances_recovers_every_miss(tmp_path) -> None:
    """Two instances without session affinity, events alternating between them: each
    instance misses or holds a stale copy, and the browser's signed copy carries the state."""
    env = {**backend_env("memory", tmp_path), "MESOP_SECRET_KEY": "shared-by-both-instances-" * 2}
    with running_server([], env=env) as first, running_server([], env=env) as second:
        tab = Tab(first.url, server_side=True)
        tab.open("/")
        for index in range(20):
            tab.base_url = (second if index % 2 == 0 else first).url
            tab.click("Increment")
        assert count_on_page(tab) == 20
        assert tab.misses == 20  # every switch found the other instance empty or stale


def test_redis_backend_counts(tmp_path) -> None:
    url = redis_url()
    env = {"MESOP_STATE_SESSION_BACKEND": "redis", "MESOP_STATE_SESSION_BACKEND_REDIS_URL": url}
    with running_server(["--workers", "2"], env=env) as server:
        tab = Tab(server.url, server_side=True)
        tab.open("/")
        for _ in range(INCREMENTS):
            tab.click("Increment")
        assert count_on_page(tab) == INCREMENTS
        assert tab.misses == 0


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_sql_backend_counts_across_workers(database: str, tmp_path) -> None:
    if database == "sqlite":
        uri = f"sqlite:///{tmp_path / 'sessions.db'}"
    else:
        uri = postgres_uri()
    table = f"mesop_it_{uuid.uuid4().hex[:12]}"
    env = {"MESOP_STATE_SESSION_BACKEND": "sql",
           "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI": uri,
           "MESOP_STATE_SESSION_BACKEND_SQL_TABLE": table}
    try:
        with running_server(["--workers", "2"], env=env) as server:
            tab = Tab(server.url, server_side=True, keep_alive=False)
            tab.open("/")
            for _ in range(INCREMENTS):
                tab.click("Increment")
            assert count_on_page(tab) == INCREMENTS
            assert tab.misses == 0
    finally:
        if database == "postgresql":
            engine = sqlalchemy.create_engine(uri)
            with engine.begin() as conn:
                for name in (table, f"{table}_locks"):
                    conn.execute(sqlalchemy.text(f'DROP TABLE IF EXISTS "{name}"'))
            engine.dispose()


def test_tampered_state_is_refused_with_400(tmp_path) -> None:
    with running_server([], env=backend_env("none", tmp_path)) as server:
        tab = Tab(server.url, server_side=False)
        tab.open("/")
        tab.click("Increment")
        state_name = next(iter(tab.state))
        tab.state[state_name]["count"] = 1_000_000
        with pytest.raises(Exception) as refused:
            tab.click("Increment")
        assert getattr(refused.value, "status", None) == 400
        assert "signature" in str(refused.value)
