"""What :class:`SessionBackend` writes once for every backend: the two-level lock and the
throttled sweep on save, checked on a fake backend whose shared lock and sweep we control."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import pytest

from mesop_cli.sessions.base import (
    BackendUnavailable,
    LockTimeout,
    SessionBackend,
    SessionLock,
    SharedLock,
)
from mesop_cli.state_format.session_ids import new_session_id


class FakeShared(SharedLock):
    def __init__(self, backend: FakeBackend, session_id: str) -> None:
        self._backend = backend
        self._session_id = session_id

    def renew(self) -> None:
        self._backend.renewals += 1

    def release(self) -> None:
        self._backend.shared_releases += 1
        if self._backend.on_shared_release is not None:
            self._backend.on_shared_release(self._session_id)


class LocalFirstShared(FakeShared):
    release_local_first = True


class FakeBackend(SessionBackend):
    """A dict store; ``shared`` decides what acquire_shared does, ``sweeper`` what sweep does."""

    name = "fake"
    sweep_interval = 60.0

    def __init__(self) -> None:
        super().__init__(ttl_seconds=600)
        self.data: dict[str, bytes] = {}
        self.now = 1000.0
        self.shared: Callable[[str, float], SharedLock | None] = self._fake_shared
        self.shared_class: type[FakeShared] = FakeShared
        self.deadlines: list[float] = []
        self.renewals = 0
        self.shared_releases = 0
        self.on_shared_release: Callable[[str], None] | None = None
        self.sweeps = 0
        self.sweeper: Callable[[], int] = lambda: 0

    def _fake_shared(self, session_id: str, deadline: float) -> SharedLock:
        return self.shared_class(self, session_id)

    def acquire_shared(self, session_id: str, deadline: float) -> SharedLock | None:
        self.deadlines.append(deadline)
        return self.shared(session_id, deadline)

    def clock(self) -> float:
        return self.now

    def sweep(self) -> int:
        self.sweeps += 1
        return self.sweeper()

    def retrieve(self, session_id: str) -> bytes | None:
        return self.data.get(session_id)

    def upsert(self, session_id: str, data: bytes) -> None:
        self.data[session_id] = data

    def delete(self, session_id: str) -> None:
        self.data.pop(session_id, None)


def _lock_from_another_thread(backend: SessionBackend, session_id: str,
                              timeout: float) -> SessionLock | LockTimeout:
    """What another thread of this process gets when it asks for the session's lock."""
    outcome: list[SessionLock | LockTimeout] = []

    def attempt() -> None:
        try:
            outcome.append(backend.lock(session_id, timeout=timeout))
        except LockTimeout as exc:
            outcome.append(exc)

    thread = threading.Thread(target=attempt)
    thread.start()
    thread.join(timeout + 10)
    return outcome[0]


def _wait_until(condition: Callable[[], bool]) -> None:
    give_up = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < give_up, "condition never became true"
        time.sleep(0.001)


# -- the two-level lock ---------------------------------------------------------------


@pytest.mark.parametrize("failure", [BackendUnavailable("store down"), LockTimeout(),
                                     KeyboardInterrupt()], ids=repr)
def test_a_failed_shared_lock_releases_the_local_one(failure: BaseException) -> None:
    backend = FakeBackend()
    session_id = new_session_id()

    def fail(session_id: str, deadline: float) -> SharedLock:
        raise failure

    backend.shared = fail
    with pytest.raises(type(failure)):
        backend.lock(session_id, timeout=5)
    backend.shared = backend._fake_shared
    other = _lock_from_another_thread(backend, session_id, timeout=0.5)
    assert isinstance(other, SessionLock)  # the local lock was free again
    other.release()
    assert backend._locks == {}  # and nothing is left behind for that session


def test_a_shared_timeout_names_the_whole_timeout() -> None:
    backend = FakeBackend()

    def busy(session_id: str, deadline: float) -> SharedLock:
        raise LockTimeout

    backend.shared = busy
    with pytest.raises(LockTimeout, match="more than 2.5s"):
        backend.lock(new_session_id(), timeout=2.5)


def test_the_shared_lock_gets_what_the_local_wait_left_of_the_timeout() -> None:
    backend = FakeBackend()
    session_id = new_session_id()
    holder = backend.lock(session_id, timeout=1)
    timeout = 30.0
    asked_at: list[float] = []

    def waiter() -> None:
        asked_at.append(time.monotonic())
        backend.lock(session_id, timeout=timeout).release()

    thread = threading.Thread(target=waiter)
    thread.start()
    _wait_until(lambda: backend._locks[session_id].users == 2)  # queued on the local lock
    released_at = time.monotonic()
    holder.release()
    thread.join(10)
    first, second = backend.deadlines
    # Measured from the call, not from the moment the local lock was taken.
    assert asked_at[0] + timeout <= second <= released_at + timeout
    assert first < second


def test_a_local_wait_that_uses_up_the_timeout_never_asks_the_store() -> None:
    backend = FakeBackend()
    session_id = new_session_id()
    holder = backend.lock(session_id, timeout=1)
    outcome = _lock_from_another_thread(backend, session_id, timeout=0.05)
    assert isinstance(outcome, LockTimeout) and "more than 0.05s" in str(outcome)
    assert len(backend.deadlines) == 1  # the holder's only
    holder.release()
    assert backend._locks == {}


@pytest.mark.parametrize(("shared_class", "local_free_during_shared_release"),
                         [(FakeShared, False), (LocalFirstShared, True)])
def test_the_shared_lock_chooses_which_half_is_released_first(
    shared_class: type[FakeShared], local_free_during_shared_release: bool
) -> None:
    backend = FakeBackend()
    backend.shared_class = shared_class
    session_id = new_session_id()
    seen: list[bool] = []

    def probe(session_id: str) -> None:
        backend.on_shared_release = None  # the probe's own lock releases quietly
        other = _lock_from_another_thread(backend, session_id, timeout=0)
        seen.append(isinstance(other, SessionLock))
        if isinstance(other, SessionLock):
            other.release()

    backend.on_shared_release = probe
    backend.lock(session_id, timeout=1).release()
    assert seen == [local_free_during_shared_release]
    assert backend._locks == {}


def test_a_shared_release_that_raises_still_frees_the_local_lock() -> None:
    backend = FakeBackend()
    session_id = new_session_id()

    def explode(session_id: str) -> None:
        raise RuntimeError("release failed")

    backend.on_shared_release = explode
    lock = backend.lock(session_id, timeout=1)
    with pytest.raises(RuntimeError):
        lock.release()
    lock.release()  # idempotent: the shared half is not released twice
    assert backend.shared_releases == 1
    backend.on_shared_release = None
    other = _lock_from_another_thread(backend, session_id, timeout=0)
    assert isinstance(other, SessionLock)
    other.release()


def test_renew_reaches_the_shared_lock_until_release() -> None:
    backend = FakeBackend()
    lock = backend.lock(new_session_id(), timeout=1)
    lock.renew()
    lock.renew()
    lock.release()
    lock.renew()
    assert backend.renewals == 2


def test_a_backend_without_a_shared_lock_serializes_threads_alone() -> None:
    backend = FakeBackend()
    backend.shared = lambda session_id, deadline: None
    session_id = new_session_id()
    lock = backend.lock(session_id, timeout=1)
    assert isinstance(_lock_from_another_thread(backend, session_id, timeout=0.05), LockTimeout)
    lock.renew()  # nothing to renew, and no error
    lock.release()
    lock.release()
    other = _lock_from_another_thread(backend, session_id, timeout=0)
    assert isinstance(other, SessionLock)
    other.release()
    assert backend.shared_releases == 0


# -- the throttled sweep --------------------------------------------------------------


def test_save_sweeps_first_then_once_per_interval() -> None:
    backend = FakeBackend()
    backend.save(new_session_id(), b"1")
    assert backend.sweeps == 1
    backend.now += 59
    backend.save(new_session_id(), b"2")
    assert backend.sweeps == 1
    backend.now += 1
    backend.save(new_session_id(), b"3")
    assert backend.sweeps == 2


def test_a_clock_set_back_sweeps_at_once() -> None:
    backend = FakeBackend()
    backend.save(new_session_id(), b"1")
    backend.now -= 3600
    backend.save(new_session_id(), b"2")
    assert backend.sweeps == 2


def test_no_interval_means_save_never_sweeps() -> None:
    backend = FakeBackend()
    backend.sweep_interval = None
    backend.save(new_session_id(), b"1")
    assert backend.sweeps == 0


def test_one_sweep_at_a_time_and_saves_never_wait_for_it() -> None:
    backend = FakeBackend()
    sweeping = threading.Event()
    finish = threading.Event()

    def slow_sweep() -> int:
        sweeping.set()
        assert finish.wait(10)
        return 0

    backend.sweeper = slow_sweep
    first = threading.Thread(target=backend.save, args=(new_session_id(), b"first"))
    first.start()
    assert sweeping.wait(10)
    backend.now += 3600  # every save below would be due, were it not for the running sweep
    ids = [new_session_id() for _ in range(16)]
    savers = [threading.Thread(target=backend.save, args=(sid, b"x")) for sid in ids]
    for saver in savers:
        saver.start()
    for saver in savers:
        saver.join(10)
    assert all(sid in backend.data for sid in ids)  # all saved while the sweep still runs
    assert backend.sweeps == 1
    finish.set()
    first.join(10)
    assert backend.sweeps == 1


def test_a_failing_sweep_is_logged_and_the_save_stands(caplog: pytest.LogCaptureFixture) -> None:
    backend = FakeBackend()

    def broken() -> int:
        raise RuntimeError("sweep bug")

    backend.sweeper = broken
    session_id = new_session_id()
    with caplog.at_level(logging.WARNING, logger="mesop_cli.sessions.base"):
        backend.save(session_id, b"kept")
    assert backend.data[session_id] == b"kept"
    assert "fake backend could not sweep" in caplog.text and "sweep bug" in caplog.text
    backend.save(new_session_id(), b"again")  # not retried on every save
    assert backend.sweeps == 1
    backend.now += 60
    backend.save(new_session_id(), b"later")
    assert backend.sweeps == 2


def test_an_unavailable_store_during_the_sweep_is_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    backend = FakeBackend()

    def down() -> int:
        raise BackendUnavailable("Redis at db:6379 is unavailable (timeout)")

    backend.sweeper = down
    session_id = new_session_id()
    with caplog.at_level(logging.WARNING, logger="mesop_cli.sessions.base"):
        backend.save(session_id, b"kept")
    assert backend.data[session_id] == b"kept"
    [record] = caplog.records
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert "Redis at db:6379 is unavailable" in record.getMessage()
