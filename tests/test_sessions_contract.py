"""One contract, run against every session backend.

Each backend is listed once in :data:`BACKENDS` as ``pytest.param(factory, id=name)``; a
factory takes pytest's ``tmp_path`` and a TTL in seconds and returns a fresh backend (it
may skip, through ``tests.support.services``, when the store it needs is absent). The
``none`` backend keeps nothing on the server, so the tests that need storage run over
:data:`STORING_BACKENDS` (every backend but ``none``); the ones about ids and locks run for
all. Nothing is skipped for not applying: a skip here only ever means a missing service.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
import sqlalchemy

from mesop_cli.config import Settings
from mesop_cli.sessions import (
    InvalidSessionId,
    LockLost,
    LockTimeout,
    SessionBackend,
    SessionLock,
    create_backend,
    new_session_id,
)
from mesop_cli.sessions.file import FileBackend
from mesop_cli.sessions.memory import MemoryBackend
from mesop_cli.sessions.none import NoneBackend
from mesop_cli.sessions.redis import RedisBackend
from mesop_cli.sessions.sql import SqlBackend
from mesop_cli.state_format.codec import canonical_bytes, decode_states, encode_states
from mesop_cli.state_format.image import capture, image_from_bytes
from mesop_cli.state_format.session_ids import ID_LENGTH
from mesop_cli.state_format.uploaded_file import UploadedFile
from tests.support.redis_servers import RedisClusterNodes
from tests.support.services import postgres_uri, redis_url

Factory = Callable[[Path, int], SessionBackend]


def _none(tmp_path: Path, ttl: int) -> SessionBackend:
    return NoneBackend(ttl_seconds=ttl)


def _memory(tmp_path: Path, ttl: int) -> SessionBackend:
    return MemoryBackend(ttl_seconds=ttl, max_bytes=64 * 1024 * 1024)


def _file(tmp_path: Path, ttl: int) -> SessionBackend:
    return FileBackend(ttl_seconds=ttl, base_dir=str(tmp_path / "sessions"))


# Redis and PostgreSQL are shared servers, so this run keeps its keys and rows apart and
# deletes them afterwards (see _drop_what_this_run_stored).
_RUN = uuid.uuid4().hex[:12]
_REDIS_PREFIX = f"mesop-contract:{_RUN}:"
_POSTGRES_TABLE = f"mesop_contract_{_RUN}"
_used: dict[str, set[str]] = {"redis": set(), "postgresql": set()}


def _redis(tmp_path: Path, ttl: int) -> SessionBackend:
    url = redis_url()
    _used["redis"].add(url)
    return RedisBackend(url=url, ttl_seconds=ttl, key_prefix=_REDIS_PREFIX)


#: The throwaway Redis Cluster, started by the first test that needs it (the module's
#: cleanup stops it).
_cluster: list[RedisClusterNodes] = []


def _redis_cluster(tmp_path: Path, ttl: int) -> SessionBackend:
    if not _cluster:
        nodes = RedisClusterNodes(Path(tempfile.mkdtemp(prefix="mesop-contract-cluster-")))
        _cluster.append(nodes)  # before create: a half-made cluster is stopped too
        nodes.create()
    return RedisBackend(url=_cluster[0].url(), ttl_seconds=ttl, key_prefix=_REDIS_PREFIX)


def _sql_sqlite(tmp_path: Path, ttl: int) -> SessionBackend:
    uri = f"sqlite:///{tmp_path / 'sessions.db'}"
    return SqlBackend(uri=uri, table="mesop_state_sessions", ttl_seconds=ttl)


def _sql_postgresql(tmp_path: Path, ttl: int) -> SessionBackend:
    uri = postgres_uri()
    _used["postgresql"].add(uri)
    return SqlBackend(uri=uri, table=_POSTGRES_TABLE, ttl_seconds=ttl)


@pytest.fixture(scope="module", autouse=True)
def _drop_what_this_run_stored() -> Iterator[None]:
    yield
    for url in _used["redis"]:
        client = redis.Redis.from_url(url)
        for key in client.scan_iter(match=_REDIS_PREFIX + "*"):
            client.delete(key)
        client.close()
    for uri in _used["postgresql"]:
        engine = sqlalchemy.create_engine(uri)
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(f'DROP TABLE IF EXISTS "{_POSTGRES_TABLE}"'))
        engine.dispose()
    # Other modules import this fixture, so it runs at the end of each: the next module
    # that needs the cluster starts a fresh one.
    while _cluster:
        nodes = _cluster.pop()
        nodes.stop()
        shutil.rmtree(nodes.directory, ignore_errors=True)


BACKENDS = [
    pytest.param(_none, id="none"),
    pytest.param(_memory, id="memory"),
    pytest.param(_file, id="file"),
    pytest.param(_redis, id="redis"),
    pytest.param(_redis_cluster, id="redis-cluster"),
    pytest.param(_sql_sqlite, id="sql-sqlite"),
    pytest.param(_sql_postgresql, id="sql-postgresql"),
]
STORING_BACKENDS = [param for param in BACKENDS if param.id != "none"]


def _maker(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[..., SessionBackend]]:
    made: list[SessionBackend] = []

    def make(ttl: int = 600) -> SessionBackend:
        backend = request.param(tmp_path, ttl)
        made.append(backend)
        return backend

    yield make
    for backend in made:
        backend.close()


@pytest.fixture(params=BACKENDS)
def make_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Build the backend under test with a chosen TTL; every one built is closed after."""
    yield from _maker(request, tmp_path)


@pytest.fixture(params=STORING_BACKENDS)
def make_stored(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Like make_backend, over the backends that keep state on the server."""
    yield from _maker(request, tmp_path)


@pytest.fixture
def backend(make_backend: Callable[..., SessionBackend]) -> SessionBackend:
    return make_backend()


@pytest.fixture
def stored(make_stored: Callable[..., SessionBackend]) -> SessionBackend:
    """A backend that keeps state on the server."""
    backend = make_stored()
    assert backend.server_side
    return backend


@dataclass
class Nested:
    label: str = ""
    weights: list[float] = field(default_factory=list)


@dataclass
class AllTypes:
    text: str = ""
    count: int = 0
    ratio: float = 0.0
    flag: bool = False
    nothing: None = None
    maybe: int | None = None
    either: int | str = 0
    words: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    nested: Nested = field(default_factory=Nested)
    many: list[Nested] = field(default_factory=list)
    named: dict[str, Nested] = field(default_factory=dict)
    maybe_nested: Nested | None = None


@dataclass
class Counter:
    value: int = 0


CLASSES: dict[str, type] = {"AllTypes": AllTypes, "Counter": Counter}


def _save(backend: SessionBackend, session_id: str, states: dict[str, object]) -> None:
    backend.save(session_id, canonical_bytes(encode_states(states)))


def _load(backend: SessionBackend, session_id: str) -> dict[str, object] | None:
    data = backend.load(session_id)
    return None if data is None else decode_states(json.loads(data), CLASSES)


def test_every_field_type_round_trips(stored: SessionBackend) -> None:
    session_id = new_session_id()
    states: dict[str, object] = {
        "AllTypes": AllTypes(
            text="héllo ✓ 🎉 \"quoted\" \n",
            count=-(2**40),
            ratio=0.1,
            flag=True,
            maybe=None,
            either="s",
            words=["a", ""],
            scores={"one": 1.0, "half": 0.5},
            nested=Nested("n", [1.0, 2.25]),
            many=[Nested("a"), Nested("b", [3.0])],
            named={"k": Nested("k")},
            maybe_nested=Nested("m"),
        ),
        "Counter": Counter(7),
    }
    _save(stored, session_id, states)
    assert _load(stored, session_id) == states


@dataclass
class Upload:
    file: UploadedFile = field(default_factory=UploadedFile)
    blobs: list[bytes] = field(default_factory=list)


def test_uploaded_files_and_bytes_round_trip(stored: SessionBackend) -> None:
    """What me.uploader puts in state comes back byte for byte, through the same stored
    image an event saves (digests included)."""
    session_id = new_session_id()
    contents = bytes(range(256)) * 4096  # 1 MB, every byte value
    states: dict[str, object] = {"Upload": Upload(
        UploadedFile(contents, name="scan.png", size=len(contents), mime_type="image/png"),
        [b"", b"\x00\xff"])}
    stored.save(session_id, capture(states, None, 1, "/").to_bytes())
    data = stored.load(session_id)
    assert data is not None
    back = image_from_bytes(data).decode({"Upload": Upload})
    assert back == states
    assert back["Upload"].file.getvalue() == contents  # type: ignore[attr-defined]


def test_bytes_come_back_unchanged(stored: SessionBackend) -> None:
    session_id = new_session_id()
    data = canonical_bytes({"big": "x" * 1_000_000, "text": "é"})
    stored.save(session_id, data)
    assert stored.load(session_id) == data


def test_sessions_are_separate_and_overwritten(stored: SessionBackend) -> None:
    first, second = new_session_id(), new_session_id()
    stored.save(first, b'{"n":1}')
    stored.save(second, b'{"n":2}')
    stored.save(first, b'{"n":3}')
    assert stored.load(first) == b'{"n":3}'
    assert stored.load(second) == b'{"n":2}'


def test_remove_forgets_a_session(stored: SessionBackend) -> None:
    session_id = new_session_id()
    stored.save(session_id, b"{}")
    stored.remove(session_id)
    assert stored.load(session_id) is None
    stored.remove(session_id)  # removing what is gone is fine


def test_hits_and_misses_are_counted(stored: SessionBackend) -> None:
    session_id = new_session_id()
    assert stored.load(session_id) is None
    stored.save(session_id, b"{}")
    stored.load(session_id)
    stored.load(session_id)
    assert (stored.stats.hits, stored.stats.misses) == (2, 1)


def test_none_backend_stores_nothing(tmp_path: Path) -> None:
    backend = _none(tmp_path, 600)
    assert not backend.server_side
    session_id = new_session_id()
    backend.save(session_id, b"{}")
    assert backend.load(session_id) is None


def test_sessions_expire_after_the_ttl_and_each_load_renews_it(
    make_stored: Callable[..., SessionBackend],
) -> None:
    backend = make_stored(ttl=1)
    session_id = new_session_id()
    backend.save(session_id, b"{}")
    time.sleep(0.6)
    assert backend.load(session_id) == b"{}"  # renews
    time.sleep(0.6)
    assert backend.load(session_id) == b"{}"  # 1.2 s after the save, 0.6 s after a load
    time.sleep(1.4)
    backend.sweep()
    assert backend.load(session_id) is None


BAD_IDS = ["../../etc/passwd", "", "a" * (ID_LENGTH + 1), "a" * 5000, "a" * (ID_LENGTH - 1) + "/",
           None, 42, b"a" * ID_LENGTH]


@pytest.mark.parametrize("bad_id", BAD_IDS, ids=repr)
def test_malformed_ids_are_refused_before_the_store(
    backend: SessionBackend, bad_id: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_reach_the_store(*args: object) -> None:
        raise AssertionError("a malformed id reached the store")

    for method in ("retrieve", "upsert", "delete"):
        monkeypatch.setattr(backend, method, must_not_reach_the_store)
    for call in (
        lambda: backend.load(bad_id),  # type: ignore[arg-type]
        lambda: backend.save(bad_id, b"{}"),  # type: ignore[arg-type]
        lambda: backend.remove(bad_id),  # type: ignore[arg-type]
        lambda: backend.lock(bad_id, timeout=0.1),  # type: ignore[arg-type]
    ):
        with pytest.raises(InvalidSessionId):
            call()


def test_lock_excludes_others_until_released(backend: SessionBackend) -> None:
    session_id = new_session_id()
    held = backend.lock(session_id, timeout=5)
    outcome: list[str] = []

    def contender() -> None:
        try:
            backend.lock(session_id, timeout=0.3).release()
            outcome.append("acquired")
        except LockTimeout:
            outcome.append("timed out")

    thread = threading.Thread(target=contender)
    thread.start()
    thread.join()
    assert outcome == ["timed out"]
    backend.lock(new_session_id(), timeout=0.3).release()  # other sessions are not blocked
    held.release()
    held.release()  # idempotent
    backend.lock(session_id, timeout=1).release()


def test_concurrent_events_on_one_session_lose_nothing(stored: SessionBackend) -> None:
    session_id = new_session_id()
    rounds, threads = 100, 2
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def events() -> None:
        try:
            start.wait()
            for _ in range(rounds):
                lock = stored.lock(session_id, timeout=30)
                try:
                    states = _load(stored, session_id) or {}
                    counter = states.setdefault("Counter", Counter())
                    assert isinstance(counter, Counter)
                    counter.value += 1
                    _save(stored, session_id, states)
                finally:
                    lock.release()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    workers = [threading.Thread(target=events) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    assert _load(stored, session_id) == {"Counter": Counter(rounds * threads)}


# -- fenced saves: a save happens only under the lock it was made under -------------------


def _lose_lock(backend: SessionBackend, session_id: str, held: SessionLock,
               tmp_path: Path) -> None:
    """Take ``held`` away from its holder as the world can: the Redis key deleted (as an
    operator, a failover or an expiry does), the SQLite lease expired, the PostgreSQL
    connection ended by the server, the lock file removed with ``rm``."""
    if isinstance(backend, RedisBackend):
        client = (redis.RedisCluster(host="127.0.0.1", port=_cluster[0].ports[0])
                  if backend.cluster else redis.Redis.from_url(redis_url()))
        assert client.delete(backend.lock_key(session_id)) == 1
        client.close()
    elif isinstance(backend, SqlBackend) and backend._lock_engine is None:
        engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'sessions.db'}")
        with engine.begin() as conn:
            expired = conn.execute(sqlalchemy.text(
                "UPDATE mesop_state_sessions_locks SET expires_at = 0 WHERE id = :sid"),
                {"sid": session_id}).rowcount
        engine.dispose()
        assert expired == 1
    elif isinstance(backend, SqlBackend):
        conn = held._shared._conn  # type: ignore[attr-defined]
        pid = conn.execute(sqlalchemy.text("SELECT pg_backend_pid()")).scalar_one()
        engine = sqlalchemy.create_engine(postgres_uri())
        with engine.begin() as admin:
            assert admin.execute(sqlalchemy.text("SELECT pg_terminate_backend(:pid)"),
                                 {"pid": pid}).scalar_one()
        engine.dispose()
    else:
        assert isinstance(backend, FileBackend)
        os.unlink(os.path.join(backend.directory, f"mesop-session-{session_id}.lock"))


#: The backends whose lock lives in a store, where it can be lost while an event runs.
LOSABLE_BACKENDS = [param for param in BACKENDS
                    if param.id in ("file", "redis", "redis-cluster", "sql-sqlite",
                                    "sql-postgresql")]


@pytest.fixture(params=LOSABLE_BACKENDS)
def make_losable(request: pytest.FixtureRequest,
                 tmp_path: Path) -> Iterator[Callable[..., Any]]:
    yield from _maker(request, tmp_path)


@pytest.mark.parametrize("as_image", [False, True], ids=["bytes", "image"])
def test_a_save_after_the_lock_was_lost_is_refused_and_keeps_the_new_holders_value(
    make_losable: Callable[..., SessionBackend], tmp_path: Path, as_image: bool,
) -> None:
    first, second = make_losable(), make_losable()
    session_id = new_session_id()
    first.save(session_id, b'{"n":0}')
    held = first.lock(session_id, timeout=5)
    assert first.load(session_id) == b'{"n":0}'
    _lose_lock(first, session_id, held, tmp_path)

    # Another event takes the session over and saves under its own lock.
    theirs = second.lock(session_id, timeout=5)
    second.save(session_id, b'{"n":1}', theirs)
    theirs.release()

    with pytest.raises(LockLost):
        if as_image:
            first.save_image(session_id, image_from_bytes(b'{"Counter":{"value":9}}'), held)
        else:
            first.save(session_id, b'{"n":9}', held)
    held.release()
    assert first.load(session_id) == b'{"n":1}'
    assert second.load(session_id) == b'{"n":1}'


def test_a_save_under_the_lock_still_held_is_written(backend: SessionBackend) -> None:
    session_id = new_session_id()
    held = backend.lock(session_id, timeout=5)
    backend.save(session_id, b'{"n":1}', held)
    held.release()
    if backend.server_side:
        assert backend.load(session_id) == b'{"n":1}'


def test_a_save_under_a_released_or_another_sessions_lock_is_refused(
    backend: SessionBackend,
) -> None:
    session_id, other = new_session_id(), new_session_id()
    held = backend.lock(other, timeout=5)
    with pytest.raises(LockLost):
        backend.save(session_id, b'{"n":1}', held)
    held.release()
    with pytest.raises(LockLost):
        backend.save(other, b'{"n":1}', held)
    if backend.server_side:
        assert backend.load(session_id) is None and backend.load(other) is None


@pytest.mark.parametrize("make_losable", [p for p in LOSABLE_BACKENDS
                                          if p.id in ("redis", "redis-cluster",
                                                      "sql-sqlite")],
                         indirect=True)
def test_a_renewal_that_fails_stops_the_save(
    make_losable: Callable[..., SessionBackend], tmp_path: Path,
) -> None:
    """Locks that expire (Redis, SQLite leases): once a renewal found the lock gone, no
    save goes through under it, not even one the store would take (the lease row came
    back, say, or the key was set again with our token by a late command)."""
    backend = make_losable()
    session_id = new_session_id()
    held = backend.lock(session_id, timeout=5)
    _lose_lock(backend, session_id, held, tmp_path)
    make_losable().lock(session_id, timeout=5).release()  # another event came and went
    with pytest.raises(LockLost):
        held.renew()
    with pytest.raises(LockLost):
        held.renew()
    with pytest.raises(LockLost):
        backend.save(session_id, b'{"n":1}', held)
    held.release()
    assert backend.load(session_id) is None


def test_ping_sweep_and_close_answer(backend: SessionBackend) -> None:
    backend.ping()
    assert backend.sweep() >= 0


def _settings(tmp_path: Path, **overrides: Any) -> Settings:
    base = Settings(
        backend="none",
        file_base_dir=str(tmp_path / "sessions"),
        redis_url=None,
        sql_connection_uri=None,
        sql_table="mesop_state_sessions",
        ttl_seconds=123,
        memory_max_mb=2,
        secret_key="k",
        secret_key_previous=None, allowed_origins=None,
        secret_key_generated=False,
        host="127.0.0.1",
        port=32123,
        workers=1,
        threads=8,
        prod=False,
        reload=False,
    )
    return dataclasses.replace(base, **overrides)


@pytest.mark.parametrize(
    ("name", "cls"), [("none", NoneBackend), ("memory", MemoryBackend), ("file", FileBackend)]
)
def test_create_backend_builds_the_named_backend(
    tmp_path: Path, name: str, cls: type[SessionBackend]
) -> None:
    backend = create_backend(_settings(tmp_path, backend=name))
    assert type(backend) is cls and backend.name == name
    assert backend.ttl_seconds == 123
    assert backend.server_side is (name != "none")


def test_create_backend_passes_each_backend_its_settings(tmp_path: Path) -> None:
    memory = create_backend(_settings(tmp_path, backend="memory"))
    assert isinstance(memory, MemoryBackend) and memory.max_bytes == 2 * 1024 * 1024
    create_backend(_settings(tmp_path, backend="file"))
    assert (tmp_path / "sessions").is_dir()


def test_create_backend_lists_the_accepted_names(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'memroy' is not a backend; accepted: none, memory, file"):
        create_backend(_settings(tmp_path, backend="memroy"))


@pytest.mark.parametrize(
    ("name", "setting"),
    [
        ("redis", "MESOP_STATE_SESSION_BACKEND_REDIS_URL"),
        ("sql", "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI"),
    ],
)
def test_create_backend_names_a_missing_setting(tmp_path: Path, name: str, setting: str) -> None:
    with pytest.raises(ValueError, match=f"{setting} is required"):
        create_backend(_settings(tmp_path, backend=name))
