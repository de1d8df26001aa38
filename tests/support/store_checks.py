"""Checks shared by the tests of the backends whose store outlives a process (redis, sql).

The lock checks drive real read-modify-write races through a backend's session lock, so a
lock that does not exclude shows up as a lost increment.
"""

from __future__ import annotations

import functools
import multiprocessing
import threading
import time
from collections.abc import Callable

import pytest

from mesop_cli.sessions.base import BackendUnavailable, LockTimeout, SessionBackend
from mesop_cli.state_format.session_ids import new_session_id

#: Builds a fresh backend; a functools.partial of the class, so spawned processes can too.
BackendFactory = Callable[[], SessionBackend]


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


def increment_in_process(factory: BackendFactory, session_id: str, times: int) -> None:
    backend = factory()
    try:
        increment(backend, session_id, times)
    finally:
        backend.close()


def check_threads_serialize(backends: list[SessionBackend]) -> None:
    """Two threads, 100 increments each, over one or several instances: 200 in the end."""
    session_id = new_session_id()
    threads = [
        threading.Thread(target=increment, args=(backends[i % len(backends)], session_id, 100))
        for i in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert backends[0].load(session_id) == b"200"


def check_processes_serialize(factory: functools.partial[SessionBackend]) -> None:
    """Three spawned processes, 50 increments each: 150 in the end."""
    session_id = new_session_id()
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=increment_in_process, args=(factory, session_id, 50))
        for _ in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    backend = factory()
    try:
        assert backend.load(session_id) == b"150"
    finally:
        backend.close()


def check_lock_timeout(holder: SessionBackend, other: SessionBackend) -> None:
    """A held lock makes others wait, then give up with LockTimeout; release is idempotent."""
    session_id = new_session_id()
    held = holder.lock(session_id, timeout=1)
    started = time.monotonic()
    with pytest.raises(LockTimeout, match="0.3s"):
        other.lock(session_id, timeout=0.3)
    assert 0.25 <= time.monotonic() - started < 2
    with pytest.raises(LockTimeout):  # another event in the same instance waits too
        holder.lock(session_id, timeout=0.1)
    held.release()
    held.release()
    other.lock(session_id, timeout=0.3).release()


def check_renew_outlives_the_expiry(holder: SessionBackend, other: SessionBackend) -> None:
    """With the lock's expiry patched to 0.4 s: a holder renewing every 0.2 s keeps it."""
    session_id = new_session_id()
    held = holder.lock(session_id, timeout=1)
    for _ in range(4):  # 0.8 s in all, twice the expiry
        time.sleep(0.2)
        held.renew()
    with pytest.raises(LockTimeout):
        other.lock(session_id, timeout=0.1)
    held.release()
    held.renew()  # after release: nothing to renew, nothing raised
    other.lock(session_id, timeout=0.5).release()


def check_dead_store(backend: SessionBackend, where: str, password: str) -> None:
    """Every operation on a store that does not answer fails within 5 s, naming where
    the store is and never its password."""
    session_id = new_session_id()
    calls: list[Callable[[], object]] = [
        backend.ping,
        lambda: backend.load(session_id),
        lambda: backend.save(session_id, b"x"),
        lambda: backend.lock(session_id, timeout=1),
    ]
    for call in calls:
        started = time.monotonic()
        with pytest.raises(BackendUnavailable) as info:
            call()
        assert time.monotonic() - started < 5
        assert where in str(info.value)
        assert password not in str(info.value)
    backend.close()
