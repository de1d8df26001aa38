"""What only the ``memory`` backend does: its clock, its byte cap and LRU eviction."""

from __future__ import annotations

import random
import threading

import pytest

from mesop_cli.sessions import memory
from mesop_cli.sessions.ids import new_session_id
from mesop_cli.sessions.memory import MemoryBackend


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(memory, "now", fake)
    return fake


def test_sliding_expiry(clock: Clock) -> None:
    backend = MemoryBackend(ttl_seconds=10, max_bytes=1000)
    session_id = new_session_id()
    backend.save(session_id, b"abc")
    clock.t += 9
    assert backend.load(session_id) == b"abc"
    clock.t += 9  # 18 s after the save, 9 s after the load
    assert backend.load(session_id) == b"abc"
    clock.t += 11
    assert backend.load(session_id) is None
    assert backend.stats.bytes_stored == 0
    assert backend.stats.evictions == 0  # expiry is not eviction


def test_least_recently_used_sessions_are_evicted_past_the_cap(clock: Clock) -> None:
    backend = MemoryBackend(ttl_seconds=600, max_bytes=100)
    a, b, c = new_session_id(), new_session_id(), new_session_id()
    backend.save(a, b"a" * 40)
    backend.save(b, b"b" * 40)
    assert backend.load(a) is not None  # now b is the least recently used
    backend.save(c, b"c" * 40)
    assert backend.load(b) is None
    assert backend.load(a) == b"a" * 40 and backend.load(c) == b"c" * 40
    assert backend.stats.evictions == 1
    assert backend.stats.bytes_stored == 80


def test_a_session_larger_than_the_cap_is_not_kept(clock: Clock) -> None:
    backend = MemoryBackend(ttl_seconds=600, max_bytes=100)
    small, huge = new_session_id(), new_session_id()
    backend.save(small, b"s" * 10)
    backend.save(huge, b"h" * 101)
    assert backend.load(huge) is None
    assert backend.load(small) == b"s" * 10
    assert backend.stats.evictions == 1
    assert backend.stats.bytes_stored == 10


def test_bytes_stored_follow_overwrites_removals_and_sweeps(clock: Clock) -> None:
    backend = MemoryBackend(ttl_seconds=10, max_bytes=1000)
    a, b = new_session_id(), new_session_id()
    backend.save(a, b"1234")
    backend.save(a, b"12")
    backend.save(b, b"123456")
    assert backend.stats.bytes_stored == 8
    backend.remove(b)
    assert backend.stats.bytes_stored == 2
    clock.t += 11
    assert backend.sweep() == 1
    assert backend.stats.bytes_stored == 0


def test_save_sweeps_expired_sessions_now_and_then(clock: Clock) -> None:
    backend = MemoryBackend(ttl_seconds=10, max_bytes=1000)
    old = new_session_id()
    backend.save(old, b"old")
    clock.t += memory.SWEEP_INTERVAL + 1
    backend.save(new_session_id(), b"new")
    assert backend.stats.bytes_stored == 3


def test_close_drops_everything() -> None:
    backend = MemoryBackend(ttl_seconds=10, max_bytes=1000)
    backend.save(new_session_id(), b"x")
    backend.close()
    assert backend.stats.bytes_stored == 0


def test_byte_count_stays_exact_under_threads() -> None:
    backend = MemoryBackend(ttl_seconds=600, max_bytes=5000)
    ids = [new_session_id() for _ in range(50)]

    def churn(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(2000):
            session_id = rng.choice(ids)
            action = rng.random()
            if action < 0.6:
                backend.save(session_id, b"x" * rng.randrange(1, 300))
            elif action < 0.8:
                backend.remove(session_id)
            else:
                backend.load(session_id)

    threads = [threading.Thread(target=churn, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    kept = sum(len(data) for data in map(backend.load, ids) if data is not None)
    assert backend.stats.bytes_stored == kept <= 5000
    assert backend.stats.evictions > 0
