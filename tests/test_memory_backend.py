"""What only the ``memory`` backend does: its clock, its byte cap (charging what a session
costs in memory) and LRU eviction."""

from __future__ import annotations

import dataclasses
import gc
import random
import threading
import tracemalloc
from collections.abc import Callable

import pytest

from mesop_cli.sessions import footprint, memory
from mesop_cli.sessions.footprint import resident_bytes
from mesop_cli.sessions.memory import MemoryBackend
from mesop_cli.state_format.image import StateImage, capture
from mesop_cli.state_format.session_ids import new_session_id


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


@dataclasses.dataclass
class Form:
    count: int = 0
    name: str = ""
    notes: str = ""
    subscribe: bool = False
    color: str = ""
    volume: float = 50.0


@dataclasses.dataclass
class Chat:
    draft: str = ""
    messages: list[str] = dataclasses.field(default_factory=list)
    rows: list[dict[str, object]] = dataclasses.field(default_factory=list)


def saved_image(states: dict[str, object]) -> StateImage:
    """As the web layer saves an image: with the live objects it was captured from."""
    image = capture(states, None, 1, "/")
    image.states = states
    return image


def test_a_session_is_charged_its_estimated_cost_not_its_json() -> None:
    """Before, the cap charged the bytes of the field values: 23 for a fresh session of
    the sample app, whose objects take about 3.3 KB."""
    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 30)
    image = saved_image({"State": Form(), "ChatState": Chat()})
    backend.save_image(new_session_id(), image)
    charged = backend.stats.bytes_stored
    assert charged == resident_bytes(image, image.size)
    assert charged > 100 * image.size and charged > footprint.SESSION_BYTES
    rows = [{"id": n, "name": "x" * 10} for n in range(100)]
    bigger = saved_image({"ChatState": Chat(messages=["hello"] * 100, rows=rows)})
    # Each message and row is an object of its own, whatever its JSON weighs.
    assert resident_bytes(bigger, bigger.size) > bigger.size + 100 * (
        footprint.STRING_ITEM_BYTES + footprint.DICT_ITEM_BYTES)


def test_evictions_start_when_the_charges_pass_the_cap() -> None:
    images = [saved_image({"State": Form(count=10 + n)}) for n in range(40)]
    charge = resident_bytes(images[0], images[0].size)
    assert all(resident_bytes(i, i.size) == charge for i in images)  # one shape, one charge
    backend = MemoryBackend(ttl_seconds=600, max_bytes=10 * charge + charge // 2)
    ids = [new_session_id() for _ in images]
    for n, (session_id, image) in enumerate(zip(ids, images, strict=True)):
        backend.save_image(session_id, image)
        # Ten fit under the cap; each session past them evicts the oldest one.
        assert backend.stats.evictions == max(0, n + 1 - 10)
        assert backend.stats.bytes_stored == min(n + 1, 10) * charge <= backend.max_bytes
    kept = [backend.load_image(i, count=False) is not None for i in ids]
    assert kept == [False] * 30 + [True] * 10


def test_the_estimate_follows_what_sessions_measure() -> None:
    """The constants of sessions/footprint.py against tracemalloc, for three shapes: a
    change to what a session keeps (a new attribute per field, say) shows here."""
    shapes: list[Callable[[int], dict[str, object]]] = [
        lambda n: {"State": Form(count=n + 1000), "ChatState": Chat()},
        lambda n: {"ChatState": Chat(messages=[f"message {n} {i} " * 3 for i in range(50)])},
        lambda n: {"ChatState": Chat(rows=[{"id": n * 100 + i, "name": f"row {i:05}"}
                                           for i in range(20)])},
    ]
    for make in shapes:
        backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 30)
        ids = [new_session_id() for _ in range(300)]
        gc.collect()
        tracemalloc.start()
        try:
            for n, session_id in enumerate(ids):
                backend.save_image(session_id, saved_image(make(n)))
            gc.collect()
            measured = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
        charged = backend.stats.bytes_stored
        assert 0.8 < charged / measured < 1.35, (make(0), charged / len(ids),
                                                 measured / len(ids))
