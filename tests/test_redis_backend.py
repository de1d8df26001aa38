"""The ``redis`` backend against a real Redis (MESOP_TEST_REDIS_URL).

Every test uses a key prefix of its own and deletes its keys afterwards, so the suite can
share a database with other runs.
"""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
import redis

from mesop_cli.sessions import redis as redis_module
from mesop_cli.sessions.base import LockTimeout
from mesop_cli.sessions.redis import RedisBackend
from mesop_cli.state_format.session_ids import new_session_id
from tests.support.services import redis_url
from tests.support.store_checks import (
    check_dead_store,
    check_lock_timeout,
    check_processes_serialize,
    check_renew_outlives_the_expiry,
    check_threads_serialize,
)

MakeBackend = Callable[..., RedisBackend]


@pytest.fixture
def url() -> str:
    """The test Redis; skips (fails under CI=true) when nothing answers there."""
    return redis_url()


@pytest.fixture
def prefix(url: str) -> Iterator[str]:
    prefix = f"mesop-test:{uuid.uuid4().hex}:"
    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    yield prefix
    for key in client.scan_iter(match=prefix + "*"):
        client.delete(key)
    client.close()


@pytest.fixture
def make(url: str, prefix: str) -> Iterator[MakeBackend]:
    """Backends sharing one prefix, as several app instances would."""
    made: list[RedisBackend] = []

    def factory(ttl_seconds: int = 60) -> RedisBackend:
        backend = RedisBackend(url, ttl_seconds=ttl_seconds, key_prefix=prefix)
        made.append(backend)
        return backend

    yield factory
    for backend in made:
        backend.close()


def test_round_trip_and_counts(make: MakeBackend) -> None:
    backend = make()
    sid = new_session_id()
    assert backend.load(sid) is None
    backend.save(sid, b'{"count": 1}')
    assert backend.load(sid) == b'{"count": 1}'
    backend.save(sid, b'{"count": 2}')
    assert make().load(sid) == b'{"count": 2}'  # another instance sees it
    backend.remove(sid)
    assert backend.load(sid) is None
    assert (backend.stats.hits, backend.stats.misses) == (1, 2)


def test_key_has_prefix_and_expiry(make: MakeBackend, url: str, prefix: str) -> None:
    backend = make(ttl_seconds=120)
    sid = new_session_id()
    backend.save(sid, b"x")
    client = redis.Redis.from_url(url)
    assert 0 < client.ttl(prefix + sid) <= 120
    client.close()


def test_expiry_slides_with_each_load(make: MakeBackend) -> None:
    backend = make(ttl_seconds=2)
    sid = new_session_id()
    backend.save(sid, b"x")
    time.sleep(1.2)
    assert backend.load(sid) == b"x"
    time.sleep(1.2)  # 2.4 s after the save: alive only because the load renewed it
    assert backend.load(sid) == b"x"
    time.sleep(2.3)
    assert backend.load(sid) is None


@pytest.mark.parametrize("instances", [1, 2], ids=["one-instance", "two-instances"])
def test_lock_serializes_threads(make: MakeBackend, instances: int) -> None:
    check_threads_serialize([make() for _ in range(instances)])


def test_lock_serializes_processes(url: str, prefix: str) -> None:
    check_processes_serialize(
        functools.partial(RedisBackend, url, ttl_seconds=60, key_prefix=prefix)
    )


def test_lock_timeout(make: MakeBackend) -> None:
    check_lock_timeout(make(), make())


def test_expired_lock_is_taken_over_and_not_released_by_old_owner(
    make: MakeBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(redis_module, "LOCK_EXPIRY_SECONDS", 0.3)
    crashed, survivor, third = make(), make(), make()
    sid = new_session_id()
    stale = crashed.lock(sid, timeout=1)
    fresh = survivor.lock(sid, timeout=2)  # succeeds once the stale lock expires
    monkeypatch.setattr(redis_module, "LOCK_EXPIRY_SECONDS", 60.0)
    stale.release()  # logged, not raised, and must not free the survivor's lock
    with pytest.raises(LockTimeout):
        third.lock(sid, timeout=0.2)
    fresh.release()


def test_sweep_measures_bytes_of_this_prefix_only(make: MakeBackend, url: str, prefix: str) -> None:
    backend = make()
    for size in (10, 20, 30):
        backend.save(new_session_id(), b"x" * size)
    lock = backend.lock(new_session_id())  # lock keys are not sessions
    client = redis.Redis.from_url(url)
    client.set(prefix + "not-a-session", b"y" * 1000, ex=60)
    client.close()
    assert backend.sweep() == 0
    assert backend.stats.bytes_stored == 60
    lock.release()


def test_dead_server_is_unavailable_quickly_and_redacted() -> None:
    check_dead_store(RedisBackend("redis://:hunter2@127.0.0.1:1/0", ttl_seconds=60),
                     "127.0.0.1:1", "hunter2")


def test_renew_keeps_a_long_event_s_lock(
    make: MakeBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A streaming event that outlives the lock's expiry renews it and keeps its session."""
    monkeypatch.setattr(redis_module, "LOCK_EXPIRY_SECONDS", 0.4)
    check_renew_outlives_the_expiry(make(), make())