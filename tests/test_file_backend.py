"""What only the ``file`` backend does: files, atomic writes, cross-process locks, sweeps."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import stat
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from mesop_cli.config.private_dir import private_dir_name
from mesop_cli.sessions import BackendUnavailable, LockLost, LockTimeout, file
from mesop_cli.sessions.file import FileBackend
from mesop_cli.state_format.codec import canonical_bytes
from mesop_cli.state_format.session_ids import new_session_id


class Clock:
    def __init__(self) -> None:
        self.t = time.time()

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def session_dir(tmp_path: Path) -> Path:
    """Where the files are: the serving user's private directory inside the base dir."""
    return tmp_path / "sessions" / private_dir_name()


@pytest.fixture
def backend(session_dir: Path) -> FileBackend:
    return FileBackend(ttl_seconds=600, base_dir=str(session_dir.parent))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(file, "now", fake)
    return fake


def _data_path(session_dir: Path, session_id: str) -> Path:
    return session_dir / f"mesop-session-{session_id}.json"


def test_one_private_file_per_session_and_no_leftovers(
    backend: FileBackend, session_dir: Path
) -> None:
    session_id = new_session_id()
    backend.save(session_id, b'{"a":1}')
    backend.save(session_id, b'{"a":2}')
    assert os.listdir(session_dir) == [f"mesop-session-{session_id}.json"]
    path = _data_path(session_dir, session_id)
    assert path.read_bytes() == b'{"a":2}'
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_base_dir_is_created_when_missing(tmp_path: Path) -> None:
    nested = tmp_path / "a" / "b"
    FileBackend(ttl_seconds=60, base_dir=str(nested))
    assert nested.is_dir()


def test_an_impossible_base_dir_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    with pytest.raises(BackendUnavailable, match="MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR"):
        FileBackend(ttl_seconds=60, base_dir=str(blocker / "sessions"))


def test_ping_and_save_report_a_directory_that_went_away(
    backend: FileBackend, session_dir: Path
) -> None:
    shutil.rmtree(session_dir)
    session_dir.write_text("")  # a file where the directory was
    with pytest.raises(BackendUnavailable, match="not writable"):
        backend.ping()
    with pytest.raises(BackendUnavailable, match="cannot write a session"):
        backend.save(new_session_id(), b"{}")


def test_readers_never_see_half_a_write(backend: FileBackend) -> None:
    session_id = new_session_id()
    versions = [b"a" * 300_000, b"b" * 200_000]
    backend.save(session_id, versions[0])
    done = threading.Event()
    seen: list[bytes | None] = []

    def read() -> None:
        while not done.is_set():
            seen.append(backend.load(session_id))

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()
    for i in range(100):
        backend.save(session_id, versions[i % 2])
    done.set()
    for reader in readers:
        reader.join()
    assert seen and all(data in versions for data in seen)


def test_sliding_expiry_by_modification_time(backend: FileBackend, clock: Clock) -> None:
    session_id = new_session_id()
    backend.save(session_id, b"{}")
    clock.t += 599
    assert backend.load(session_id) == b"{}"  # touches the file
    clock.t += 599
    assert backend.load(session_id) == b"{}"
    clock.t += 601
    assert backend.load(session_id) is None


def test_sweep_removes_stale_files_and_leaves_the_rest(
    backend: FileBackend, session_dir: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backend, "sweep_interval", 10_000.0)  # only the explicit sweep
    stale, busy, fresh, orphan = (new_session_id() for _ in range(4))
    backend.save(stale, b"{}")
    backend.lock(stale).release()  # leaves a lock file to sweep too
    backend.save(busy, b"{}")
    leftover = session_dir / f"mesop-session-{stale}.x1y2.tmp"
    leftover.write_bytes(b"half")
    orphan_lock = session_dir / f"mesop-session-{orphan}.lock"
    orphan_lock.write_bytes(b"")
    unrelated = [session_dir / "notes.txt", session_dir / "mesop-session-short.json"]
    for path in unrelated:
        path.write_text("keep")
    for path in (leftover, orphan_lock, *unrelated):
        os.utime(path, (clock.t, clock.t))
    clock.t += 601
    backend.save(fresh, b"{}")
    held = backend.lock(busy)
    try:
        assert backend.sweep() == 1
    finally:
        held.release()
    assert sorted(os.listdir(session_dir)) == sorted(
        [
            "mesop-session-short.json",
            "notes.txt",
            f"mesop-session-{busy}.json",
            f"mesop-session-{busy}.lock",
            f"mesop-session-{fresh}.json",
        ]
    )


def test_save_sweeps_now_and_then(backend: FileBackend, session_dir: Path, clock: Clock) -> None:
    stale = new_session_id()
    backend.save(stale, b"{}")
    clock.t += file.SWEEP_INTERVAL + 601
    backend.save(new_session_id(), b"{}")
    assert not _data_path(session_dir, stale).exists()


def test_a_waiter_does_not_trust_a_lock_file_that_was_replaced(
    backend: FileBackend, session_dir: Path
) -> None:
    """A sweep may unlink the lock file someone waits on; the waiter must start again.

    The waiter and the second holder each have a backend of their own, as other processes
    do: threads sharing one backend would queue on its in-process lock instead of the file.
    """
    session_id = new_session_id()
    first = backend.lock(session_id)
    acquired = threading.Event()

    def waiter() -> None:
        other_process = FileBackend(ttl_seconds=600, base_dir=backend.base_dir)
        other_process.lock(session_id, timeout=10).release()
        acquired.set()

    thread = threading.Thread(target=waiter)
    thread.start()
    time.sleep(0.1)
    os.unlink(session_dir / f"mesop-session-{session_id}.lock")
    third_process = FileBackend(ttl_seconds=600, base_dir=backend.base_dir)
    second = third_process.lock(session_id, timeout=1)  # a new lock file, so no conflict
    first.release()
    assert not acquired.wait(0.3)  # the waiter's old file is free, but it is not the lock
    second.release()
    assert acquired.wait(5)
    thread.join()


def _increment(base_dir: str, session_id: str, rounds: int, start: Any) -> None:
    """One process's share of the cross-process test (module level, so spawn finds it)."""
    backend = FileBackend(ttl_seconds=600, base_dir=base_dir)
    start.wait()
    for _ in range(rounds):
        lock = backend.lock(session_id, timeout=60)
        try:
            data = backend.load(session_id)
            value = json.loads(data)["n"] if data is not None else 0
            backend.save(session_id, canonical_bytes({"n": value + 1}))
        finally:
            lock.release()


def _hold(base_dir: str, session_id: str, held: Any, release: Any) -> None:
    backend = FileBackend(ttl_seconds=600, base_dir=base_dir)
    lock = backend.lock(session_id)
    held.set()
    release.wait(30)
    lock.release()


def test_increments_from_three_processes_lose_nothing(
    backend: FileBackend, session_dir: Path
) -> None:
    context = multiprocessing.get_context("spawn")
    session_id, rounds, processes = new_session_id(), 100, 3
    start = context.Barrier(processes)
    workers = [
        context.Process(target=_increment,
                        args=(str(session_dir.parent), session_id, rounds, start))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [worker.exitcode for worker in workers] == [0] * processes
    assert json.loads(backend.load(session_id) or b"null") == {"n": rounds * processes}


def _enter_alone(base_dir: str, session_id: str, rounds: int, start: Any) -> None:
    """Take the lock of a session that never gets data (so each release removes the lock
    file) and prove nobody else is inside: the marker must not exist while we hold it."""
    backend = FileBackend(ttl_seconds=600, base_dir=base_dir)
    marker = os.path.join(base_dir, "inside")
    start.wait()
    for _ in range(rounds):
        lock = backend.lock(session_id, timeout=60)
        try:
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))  # raises if shared
            time.sleep(0.0002)
            os.unlink(marker)
        finally:
            lock.release()


def test_removing_lock_files_on_release_keeps_processes_apart(
    backend: FileBackend, session_dir: Path
) -> None:
    context = multiprocessing.get_context("spawn")
    session_id, rounds, processes = new_session_id(), 300, 3
    start = context.Barrier(processes)
    workers = [
        context.Process(target=_enter_alone,
                        args=(str(session_dir.parent), session_id, rounds, start))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [worker.exitcode for worker in workers] == [0] * processes  # FileExistsError: 1
    assert os.listdir(session_dir) == []  # and no lock file is left behind


def test_a_lock_held_by_another_process_times_out(backend: FileBackend, session_dir: Path) -> None:
    context = multiprocessing.get_context("spawn")
    session_id = new_session_id()
    held, release = context.Event(), context.Event()
    holder = context.Process(target=_hold,
                             args=(str(session_dir.parent), session_id, held, release))
    holder.start()
    try:
        assert held.wait(30)
        with pytest.raises(LockTimeout):
            backend.lock(session_id, timeout=0.2)
    finally:
        release.set()
        holder.join(30)
    backend.lock(session_id, timeout=5).release()


def test_a_removed_private_directory_is_made_again_on_the_next_event(
    backend: FileBackend, session_dir: Path
) -> None:
    session_id = new_session_id()
    held = backend.lock(session_id, timeout=5)
    shutil.rmtree(session_dir)  # systemd-tmpfiles, or rm -rf, mid-event
    with pytest.raises(LockLost):  # our lock file went with it: another may hold a new one
        backend.save(session_id, b'{"a":1}', held)
    held.release()
    assert not session_dir.exists()

    held = backend.lock(session_id, timeout=5)  # the next event makes it again
    backend.save(session_id, b'{"a":2}', held)
    held.release()
    assert stat.S_IMODE(os.stat(session_dir).st_mode) == 0o700
    assert backend.load(session_id) == b'{"a":2}'
    shutil.rmtree(session_dir)
    backend.ping()
    assert session_dir.is_dir()


def test_a_removed_base_dir_is_left_to_the_operator(
    backend: FileBackend, session_dir: Path
) -> None:
    shutil.rmtree(session_dir.parent)
    for call in (backend.ping, lambda: backend.lock(new_session_id(), timeout=1)):
        with pytest.raises(BackendUnavailable, match="no longer exists; create it again"):
            call()
    assert not session_dir.parent.exists()
    session_dir.parent.mkdir()
    backend.ping()
    assert session_dir.is_dir()
