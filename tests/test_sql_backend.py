"""The ``sql`` backend on SQLite (a temporary file) and PostgreSQL (MESOP_TEST_POSTGRES_URI).

Every test uses a table of its own and drops it afterwards.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy

from mesop_cli.sessions import sql as sql_module
from mesop_cli.sessions.base import BackendUnavailable, LockTimeout, SessionBackend
from mesop_cli.sessions.ids import new_session_id
from mesop_cli.sessions.sql import SqlBackend
from tests.support.services import postgres_uri

MakeBackend = Callable[..., SqlBackend]


def increment(backend: SessionBackend, session_id: str, times: int) -> None:
    """Read-modify-write under the session lock; the pause widens any race."""
    for _ in range(times):
        lock = backend.lock(session_id, timeout=30)
        try:
            value = int(backend.load(session_id) or b"0")
            time.sleep(0.001)
            backend.save(session_id, str(value + 1).encode())
        finally:
            lock.release()


def increment_in_process(uri: str, table: str, session_id: str, times: int) -> None:
    backend = SqlBackend(uri, table, ttl_seconds=60)
    try:
        increment(backend, session_id, times)
    finally:
        backend.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(uri, table) of an empty table name; PostgreSQL skips (fails under CI) when absent."""
    table = f"mesop_test_{uuid.uuid4().hex[:12]}"
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'sessions.db'}", table
        return
    uri = postgres_uri()
    yield uri, table
    engine = sqlalchemy.create_engine(uri)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'DROP TABLE IF EXISTS "{table}"'))
    engine.dispose()


@pytest.fixture
def make(database: tuple[str, str]) -> Iterator[MakeBackend]:
    """Backends on one table, as several app instances would share it."""
    uri, table = database
    made: list[SqlBackend] = []

    def factory(ttl_seconds: int = 60) -> SqlBackend:
        backend = SqlBackend(uri, table, ttl_seconds=ttl_seconds)
        made.append(backend)
        return backend

    yield factory
    for backend in made:
        backend.close()


def row_count(database: tuple[str, str]) -> int:
    uri, table = database
    engine = sqlalchemy.create_engine(uri)
    with engine.connect() as conn:
        count = conn.execute(sqlalchemy.text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one()
    engine.dispose()
    return count


def test_ping_creates_the_table(make: MakeBackend, database: tuple[str, str]) -> None:
    uri, table = database
    make().ping()
    engine = sqlalchemy.create_engine(uri)
    columns = {c["name"] for c in sqlalchemy.inspect(engine).get_columns(table)}
    indexes = sqlalchemy.inspect(engine).get_indexes(table)
    engine.dispose()
    assert columns == {"id", "data", "expires_at"}
    assert any(index["column_names"] == ["expires_at"] for index in indexes)
    make().ping()  # an existing table is fine


def test_round_trip_and_counts(make: MakeBackend) -> None:
    backend = make()
    sid = new_session_id()
    assert backend.load(sid) is None
    backend.save(sid, b'{"count": 1}')
    assert backend.load(sid) == b'{"count": 1}'
    backend.save(sid, b"\x00\xff binary")
    assert make().load(sid) == b"\x00\xff binary"  # another instance sees it
    backend.remove(sid)
    assert backend.load(sid) is None
    assert (backend.stats.hits, backend.stats.misses) == (1, 2)


def test_expiry_slides_with_each_load(make: MakeBackend) -> None:
    backend = make(ttl_seconds=2)
    sid = new_session_id()
    backend.save(sid, b"x")
    time.sleep(1.2)
    assert backend.load(sid) == b"x"
    time.sleep(1.2)  # 2.4 s after the save: alive only because the load renewed it
    assert backend.load(sid) == b"x"
    time.sleep(2.1)
    assert backend.load(sid) is None


def test_sweep_removes_expired_rows_only(make: MakeBackend, database: tuple[str, str]) -> None:
    short, long = make(ttl_seconds=1), make(ttl_seconds=60)
    live = new_session_id()
    long.save(live, b"live!")
    expired = [new_session_id(), new_session_id()]
    for sid in expired:
        short.save(sid, b"old")
    time.sleep(1.1)
    assert short.load(expired[0]) is None  # invisible before the sweep
    assert long.sweep() == 2
    assert row_count(database) == 1
    assert long.load(live) == b"live!"
    assert long.stats.bytes_stored == 5


def test_save_sweeps_opportunistically(make: MakeBackend, database: tuple[str, str]) -> None:
    make(ttl_seconds=1).save(new_session_id(), b"old")
    time.sleep(1.1)
    backend = make()
    backend.save(new_session_id(), b"new")  # its first save is due for a sweep
    assert row_count(database) == 1
    backend.save(new_session_id(), b"newer")  # the next one is not
    assert backend.stats.bytes_stored == 3


@pytest.mark.parametrize("instances", [1, 2], ids=["one-instance", "two-instances"])
def test_lock_serializes_threads(make: MakeBackend, instances: int) -> None:
    backends = [make() for _ in range(instances)]
    sid = new_session_id()
    threads = [
        threading.Thread(target=increment, args=(backends[i % instances], sid, 100))
        for i in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert backends[0].load(sid) == b"200"


def test_lock_serializes_processes(make: MakeBackend, database: tuple[str, str]) -> None:
    uri, table = database
    make().ping()  # create the table before the race
    sid = new_session_id()
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=increment_in_process, args=(uri, table, sid, 50)) for _ in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    assert make().load(sid) == b"150"


def test_lock_timeout(make: MakeBackend) -> None:
    holder, other = make(), make()
    sid = new_session_id()
    held = holder.lock(sid, timeout=1)
    started = time.monotonic()
    with pytest.raises(LockTimeout, match="0.3s"):
        other.lock(sid, timeout=0.3)
    assert 0.25 <= time.monotonic() - started < 2
    with pytest.raises(LockTimeout):  # another event in the same instance waits too
        holder.lock(sid, timeout=0.1)
    held.release()
    held.release()  # idempotent
    other.lock(sid, timeout=0.3).release()


def test_sqlite_lease_of_a_crashed_holder_expires(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uri = f"sqlite:///{tmp_path / 'sessions.db'}"
    crashed, survivor, third = (SqlBackend(uri, "sessions", 60) for _ in range(3))
    sid = new_session_id()
    monkeypatch.setattr(sql_module, "LOCK_EXPIRY_SECONDS", 0.3)
    stale = crashed.lock(sid, timeout=1)
    fresh = survivor.lock(sid, timeout=2)  # succeeds once the stale lease expires
    monkeypatch.setattr(sql_module, "LOCK_EXPIRY_SECONDS", 60.0)
    stale.release()  # must not free the survivor's lease
    with pytest.raises(LockTimeout):
        third.lock(sid, timeout=0.2)
    fresh.release()
    third.lock(sid, timeout=0.2).release()
    for backend in (crashed, survivor, third):
        backend.close()


def test_dead_postgres_is_unavailable_quickly_and_redacted() -> None:
    backend = SqlBackend("postgresql+psycopg://root:hunter2@127.0.0.1:1/test", "sessions", 60)
    sid = new_session_id()
    calls: list[Callable[[], object]] = [
        backend.ping,
        lambda: backend.load(sid),
        lambda: backend.save(sid, b"x"),
        lambda: backend.lock(sid, timeout=1),
    ]
    for call in calls:
        started = time.monotonic()
        with pytest.raises(BackendUnavailable) as info:
            call()
        assert time.monotonic() - started < 5
        assert "127.0.0.1:1" in str(info.value)
        assert "hunter2" not in str(info.value)
    backend.close()


def test_unopenable_sqlite_is_unavailable(tmp_path: Path) -> None:
    backend = SqlBackend(f"sqlite:///{tmp_path / 'missing' / 'x.db'}", "sessions", 60)
    with pytest.raises(BackendUnavailable, match="missing/x.db"):
        backend.ping()
    backend.close()


def test_unsupported_database_is_refused() -> None:
    with pytest.raises(ValueError, match="sqlite and postgresql, not 'mysql'"):
        SqlBackend("mysql://u:hunter2@db/x", "sessions", 60)


def test_sqlite_lease_renewed_by_a_long_event_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uri = f"sqlite:///{tmp_path / 'sessions.db'}"
    holder, other = SqlBackend(uri, "sessions", 60), SqlBackend(uri, "sessions", 60)
    sid = new_session_id()
    monkeypatch.setattr(sql_module, "LOCK_EXPIRY_SECONDS", 0.4)
    held = holder.lock(sid, timeout=1)
    for _ in range(4):  # 0.8 s in all, twice the lease
        time.sleep(0.2)
        held.renew()
    with pytest.raises(LockTimeout):
        other.lock(sid, timeout=0.1)
    held.release()
    other.lock(sid, timeout=0.5).release()
    for backend in (holder, other):
        backend.close()
