"""The ``sql`` backend on SQLite (a temporary file) and PostgreSQL (MESOP_TEST_POSTGRES_URI).

Every test uses a table of its own and drops it afterwards.
"""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy

from mesop_cli.sessions import sql as sql_module
from mesop_cli.sessions.base import BackendUnavailable, LockTimeout
from mesop_cli.sessions.sql import SqlBackend
from mesop_cli.state_format.session_ids import new_session_id
from tests.support.services import postgres_uri
from tests.support.store_checks import (
    check_dead_store,
    check_lock_timeout,
    check_processes_serialize,
    check_renew_outlives_the_expiry,
    check_threads_serialize,
)

MakeBackend = Callable[..., SqlBackend]


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(uri, table) of an empty table name; PostgreSQL skips (fails under CI) when absent."""
    table = f"mesop_test_{uuid.uuid4().hex[:12]}"
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'sessions.db'}", table
        return
    yield from _postgresql_table(table)


@pytest.fixture
def postgresql_database() -> Iterator[tuple[str, str]]:
    """(uri, table) on PostgreSQL only, for its own settings; skips (fails under CI)
    without it."""
    yield from _postgresql_table(f"mesop_test_{uuid.uuid4().hex[:12]}")


def _postgresql_table(table: str) -> Iterator[tuple[str, str]]:
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
    check_threads_serialize([make() for _ in range(instances)])


def test_lock_serializes_processes(make: MakeBackend, database: tuple[str, str]) -> None:
    uri, table = database
    make().ping()  # create the table before the race
    check_processes_serialize(functools.partial(SqlBackend, uri, table, ttl_seconds=60))


def test_lock_timeout(make: MakeBackend) -> None:
    check_lock_timeout(make(), make())


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
    uri = "postgresql+psycopg://root:hunter2@127.0.0.1:1/test"
    check_dead_store(SqlBackend(uri, "sessions", 60), "127.0.0.1:1", "hunter2")


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
    monkeypatch.setattr(sql_module, "LOCK_EXPIRY_SECONDS", 0.4)
    check_renew_outlives_the_expiry(holder, other)
    for backend in (holder, other):
        backend.close()


def test_a_failed_create_checks_every_table_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers starting at once on a fresh database: when another one created the
    sessions table between our check and our CREATE, the lease table may still be
    missing, so every table is checked again, not only the sessions table."""
    backend = SqlBackend(f"sqlite:///{tmp_path / 'fresh.db'}", "sessions", 60)
    real_create_all = sqlalchemy.MetaData.create_all
    calls: list[int] = []

    def create_all_losing_a_race(self: sqlalchemy.MetaData, bind: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            real_create_all(self, bind, tables=[self.tables["sessions"]])  # the other worker
            raise sqlalchemy.exc.OperationalError(
                "CREATE TABLE sessions", {}, Exception("table sessions already exists"))
        real_create_all(self, bind, **kwargs)

    monkeypatch.setattr(sqlalchemy.MetaData, "create_all", create_all_losing_a_race)
    backend.lock(new_session_id(), timeout=1).release()  # needs the lease table
    assert len(calls) == 2
    backend.close()


def test_postgresql_data_is_compressed_with_lz4_even_on_an_existing_table(
        postgresql_database: tuple[str, str]) -> None:
    uri, table = postgresql_database
    engine = sqlalchemy.create_engine(uri)
    with engine.begin() as conn:  # a table as an earlier version created it: pglz
        conn.execute(sqlalchemy.text(f'CREATE TABLE "{table}" (id VARCHAR(43) PRIMARY KEY, '
                                     "data BYTEA NOT NULL, expires_at FLOAT NOT NULL)"))
    backend = SqlBackend(uri, table, ttl_seconds=60)
    backend.ping()
    sid = new_session_id()
    data = b'{"rows": [' + b'"a compressible row", ' * 50_000 + b'"end"]}'
    backend.save(sid, data)
    assert backend.load(sid) == data
    backend.close()
    with engine.connect() as conn:
        method = conn.execute(sqlalchemy.text(
            f"SELECT pg_column_compression(data), pg_column_size(data) FROM \"{table}\"")).one()
    engine.dispose()
    assert method[0] == "lz4"
    assert method[1] < len(data) // 4


def test_postgresql_data_connections_commit_asynchronously(
        postgresql_database: tuple[str, str]) -> None:
    database = postgresql_database
    backend = SqlBackend(*database, ttl_seconds=60)
    backend.ping()
    with backend._engine.connect() as conn:
        assert conn.execute(sqlalchemy.text("SHOW synchronous_commit")).scalar_one() == "off"
    plain = sqlalchemy.create_engine(database[0])
    with plain.connect() as conn:
        configured = conn.execute(sqlalchemy.text("SHOW synchronous_commit")).scalar_one()
    plain.dispose()
    assert backend._lock_engine is not None
    with backend._lock_engine.connect() as conn:  # the lock connections are left alone
        assert conn.execute(sqlalchemy.text("SHOW synchronous_commit")).scalar_one() == configured
    backend.close()


def test_an_expired_row_is_neither_read_nor_renewed(make: MakeBackend,
                                                     database: tuple[str, str]) -> None:
    backend = make(ttl_seconds=1)
    sid = new_session_id()
    backend.save(sid, b"kept")
    uri, table = database
    engine = sqlalchemy.create_engine(uri)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'UPDATE "{table}" SET expires_at = 1'))
    assert backend.load(sid) is None
    with engine.connect() as conn:
        expires = conn.execute(sqlalchemy.text(f'SELECT expires_at FROM "{table}"')).scalar_one()
    engine.dispose()
    assert expires == 1
