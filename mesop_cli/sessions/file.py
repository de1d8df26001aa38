"""The ``file`` backend: one file per session in a directory shared by the host's processes.

Files live in ``<base dir>/mesop-sessions-<uid>``, a directory of the serving user's with
mode 0700 (see :mod:`mesop_cli.config.private_dir`): their names contain session ids,
which no other user may list. ``mesop-session-<id>.json`` holds the state. Writes go to a
temporary file in the same directory, are flushed to disk, then renamed over the old file,
so a reader sees the old state or the new one, never half of one. A file that is not a
regular file owned by the serving user (planted by root, a symlink, a FIFO) is never read,
locked or swept: it is reported once, and a save renames our own file over it.

The per-session lock is the base class's thread lock, then ``fcntl.flock`` on
``mesop-session-<id>.lock``, opened anew for each acquisition: flock conflicts between open
files, so it serializes the processes of a host (not hosts: use ``redis`` or ``sql``), and
a sweep of this process too, while the threads of the process queue on the thread lock.
Releasing the lock of a session that has no data removes the lock file, so ids nobody
issued (an attacker's) leave nothing behind.

A save under a held lock checks, after writing its temporary file and just before the
rename, that the lock file's path still names the file our descriptor locks: the sweep
never removes a locked file, so a lock file that went (an operator's ``rm``, the directory
removed) means another event may hold a new one, and the save is refused with
:class:`~mesop_cli.sessions.base.LockLost` rather than overwrite what that event saved.
Only a removal in the instant between check and rename escapes it.

The private directory may be removed while the server runs (``systemd-tmpfiles`` ageing
``/tmp``, an operator's ``rm -rf``). The next lock, save or health check that finds it
missing makes it again, with the checks made at start; sessions stored in it are gone, and
browsers restore theirs from their signed copies. The base directory is the operator's:
it is made at start when missing, never while serving (a volume that went away must not
be replaced by an empty directory on another disk), so until it exists again events and
healthz answer 503, saying so.

Expiry is sliding, by modification time: a load touches the file. Stale files are swept
on the first save and then at most every :data:`SWEEP_INTERVAL` seconds, and by
:meth:`FileBackend.sweep`.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import stat
import tempfile
import time

from mesop_cli.config.private_dir import UnsafeDirectory, describe_owner, ensure_private_dir
from mesop_cli.sessions.base import BackendUnavailable, LockLost, LockTimeout, SharedLock
from mesop_cli.sessions.file_mailbox import FileMailbox
from mesop_cli.sessions.near_cache import DEFAULT_CACHE_BYTES, HEADER_BYTES, NearCachedBackend
from mesop_cli.state_format.session_ids import (
    ID_LENGTH,
    InvalidSessionId,
    redact_session_ids,
    validate_session_id,
)

logger = logging.getLogger(__name__)

PREFIX = "mesop-session-"
DATA_SUFFIX = ".json"
LOCK_SUFFIX = ".lock"
TMP_SUFFIX = ".tmp"
SWEEP_INTERVAL = 60.0
_SETTING = "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR"


def now() -> float:
    """Wall-clock time, comparable with file mtimes; tests replace it to travel in time."""
    return time.time()


class _FileLock(SharedLock):
    def __init__(self, fd: int, lock_path: str, data_path: str) -> None:
        self._fd: int | None = fd
        self._lock_path = lock_path
        self._data_path = data_path

    def verify(self) -> None:
        """:class:`LockLost` unless the lock file's path still names the file we lock."""
        fd = self._fd
        if fd is None:
            raise LockLost("the session's lock was already released")
        try:
            current = os.stat(self._lock_path, follow_symlinks=False)
        except (FileNotFoundError, NotADirectoryError):
            current = None
        if current is None or not _same_file(current, os.fstat(fd)):
            raise LockLost("the session's lock file was removed while the event ran (another "
                           "event may hold a new one); nothing was written")

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if not os.path.exists(self._data_path):
                # No session here (an id nobody issued, or one just deleted): drop the lock
                # file while holding it. A waiter then holds a lock on an unlinked file,
                # which _acquire's inode check notices, so exclusion is kept. Only the file
                # this lock holds: the path may name a newer one (a sweep replaced ours),
                # and nobody can replace it while we hold the inode it names.
                with contextlib.suppress(FileNotFoundError):
                    if _same_file(os.stat(self._lock_path, follow_symlinks=False),
                                  os.fstat(fd)):
                        os.unlink(self._lock_path)
        finally:
            os.close(fd)  # closing the only descriptor releases the flock


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


_KINDS = {stat.S_IFLNK: "a symlink", stat.S_IFIFO: "a FIFO", stat.S_IFDIR: "a directory",
          stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device"}


def _foreign(info: os.stat_result) -> str | None:
    """Why a file must not be used: not a regular file, or another user's (planted: only
    root can write in the private directory, but we trust its contents to no one else)."""
    if not stat.S_ISREG(info.st_mode):
        return f"{_KINDS.get(stat.S_IFMT(info.st_mode), 'something else')}, not a regular file"
    if info.st_uid != os.geteuid():
        return f"owned by {describe_owner(info.st_uid)}, not by the serving user"
    return None


def _acquire(path: str, deadline: float) -> int | None:
    """A descriptor holding an exclusive flock on ``path``, or None once ``deadline``
    (``time.monotonic``) has passed. One non-blocking try when the deadline is now.
    PermissionError when ``path`` is not a lock file of ours (never flocked)."""
    delay = 0.001
    while True:
        try:
            # O_NONBLOCK: opening a FIFO planted under the name must not wait for a writer.
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
                         | os.O_NONBLOCK, 0o600)
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
            raise PermissionError(errno.EPERM, f"{path} is a symlink, not a lock file; "
                                               "remove it") from None
        why = _foreign(os.fstat(fd))
        if why:
            os.close(fd)
            raise PermissionError(errno.EPERM, f"{path} is {why}; remove it")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                return None
            time.sleep(delay)
            delay = min(delay * 2, 0.01)
            continue
        # A sweep may have removed the lock file while we waited on it: a lock on an
        # unlinked file guards nothing, so start again on the file the path names now.
        try:
            current = os.stat(path, follow_symlinks=False)
        except FileNotFoundError:
            current = None
        if current is not None and _same_file(current, os.fstat(fd)):
            return fd
        os.close(fd)


class FileBackend(NearCachedBackend):
    name = "file"
    sweep_interval = SWEEP_INTERVAL

    def __init__(self, ttl_seconds: int, base_dir: str,
                 cache_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        super().__init__(ttl_seconds, cache_bytes)
        self.base_dir = base_dir
        try:
            #: Where the files are: private to the serving user, inside the base dir.
            self.directory = ensure_private_dir(base_dir)
        except UnsafeDirectory as exc:
            raise BackendUnavailable(f"{_SETTING}={base_dir!r}: {exc}") from None
        except OSError as exc:
            raise BackendUnavailable(
                f"cannot create the session directory {base_dir!r} ({_SETTING}): "
                f"{exc.strerror or exc}; create it or choose another directory"
            ) from None
        #: Planted files already reported: one warning each, not one per event or sweep.
        self._reported: set[str] = set()
        self._files_mailbox = FileMailbox(self.directory, self._restore_directory)
        self.mailbox = self._files_mailbox
        self.ping()

    def _path(self, session_id: str, suffix: str) -> str:
        return os.path.join(self.directory, f"{PREFIX}{session_id}{suffix}")

    def clock(self) -> float:
        return now()

    def acquire_shared(self, session_id: str, deadline: float) -> SharedLock:
        try:
            try:
                fd = _acquire(self._path(session_id, LOCK_SUFFIX), deadline)
            except FileNotFoundError:
                self._restore_directory()
                fd = _acquire(self._path(session_id, LOCK_SUFFIX), deadline)
        except OSError as exc:
            raise self._unavailable("lock a session", exc) from None
        if fd is None:
            raise LockTimeout
        return _FileLock(fd, self._path(session_id, LOCK_SUFFIX),
                         self._path(session_id, DATA_SUFFIX))

    def fetch_value(self, session_id: str) -> bytes | None:
        return self._read(session_id, -1)

    def fetch_header(self, session_id: str) -> bytes | None:
        return self._read(session_id, HEADER_BYTES)

    def _read(self, session_id: str, size: int) -> bytes | None:
        """The file's first ``size`` bytes (all for -1), renewing its expiry."""
        path = self._path(session_id, DATA_SUFFIX)
        try:
            # O_NONBLOCK: a FIFO planted under the name must not hang the reader.
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                self._report(path, "a symlink, not a session file")
                return None
            raise self._unavailable("read a session", exc) from None
        why = _foreign(os.fstat(fd))
        if why:
            os.close(fd)
            self._report(path, why)
            return None
        with os.fdopen(fd, "rb") as f:
            t = now()
            try:
                if t - os.fstat(fd).st_mtime > self.ttl_seconds:
                    return None  # expired: a miss now; the sweep deletes it under its lock
                data = f.read(size)
                os.utime(fd, (t, t))
            except OSError as exc:
                raise self._unavailable("read a session", exc) from None
            return data

    def store_value(self, session_id: str, data: bytes, fence: SharedLock | None = None
                    ) -> None:
        assert fence is None or isinstance(fence, _FileLock)
        try:
            try:
                fd, tmp = self._temporary(session_id)
            except FileNotFoundError:
                if fence is not None:
                    fence.verify()  # the directory went, and our lock file with it
                self._restore_directory()
                fd, tmp = self._temporary(session_id)
        except OSError as exc:
            raise self._unavailable("write a session", exc) from None
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                t = now()
                os.utime(fd, (t, t))
                # No fsync: it was a fifth of an event's time at 1 MB. The rename keeps
                # the file whole for every reader; a power cut can at worst leave a
                # file that does not decode, which is discarded, and the browser's
                # signed copy then restores the session.
            if fence is not None:
                fence.verify()
            os.replace(tmp, self._path(session_id, DATA_SUFFIX))
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            if isinstance(exc, OSError):
                raise self._unavailable("write a session", exc) from None
            raise

    def _temporary(self, session_id: str) -> tuple[int, str]:
        return tempfile.mkstemp(prefix=f"{PREFIX}{session_id}.", suffix=TMP_SUFFIX,
                                dir=self.directory)

    def _restore_directory(self) -> None:
        """Make the private directory again after it was removed (see the module
        docstring), checked as at start; :class:`BackendUnavailable` when the base dir is
        missing too, or the directory cannot be made safely."""
        base_dir = os.path.dirname(self.directory)
        if not os.path.isdir(base_dir):
            raise BackendUnavailable(
                f"the session base directory {self.base_dir!r} ({_SETTING}) no longer exists; "
                "create it again and sessions resume (mesop makes it only at start)")
        try:
            ensure_private_dir(base_dir)
        except UnsafeDirectory as exc:
            raise BackendUnavailable(f"{_SETTING}={self.base_dir!r}: {exc}") from None
        except OSError as exc:
            raise BackendUnavailable(
                f"cannot make the session directory {self.directory!r} again ({_SETTING}): "
                f"{exc.strerror or exc}") from None
        logger.warning("the session directory %s had been removed; made it again (the "
                       "sessions it held are restored from browsers' signed copies)",
                       self.directory)

    def remove_value(self, session_id: str) -> None:
        # The lock file stays: the caller may hold it; the sweep removes it later.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._path(session_id, DATA_SUFFIX))

    def ping(self) -> None:
        try:
            try:
                fd, probe = tempfile.mkstemp(prefix=".mesop-ping-", dir=self.directory)
            except FileNotFoundError:
                self._restore_directory()
                fd, probe = tempfile.mkstemp(prefix=".mesop-ping-", dir=self.directory)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise BackendUnavailable(
                f"the session directory {self.directory!r} ({_SETTING}) is not writable: "
                f"{exc.strerror or exc}"
            ) from None

    def sweep(self) -> int:
        """Delete sessions idle longer than the TTL, their lock files and leftover
        temporary files; return how many sessions. Busy sessions are left alone."""
        cutoff = now() - self.ttl_seconds
        removed = 0
        self._files_mailbox.sweep()
        try:
            entries = list(os.scandir(self.directory))
        except OSError:
            return 0
        for entry in entries:
            parsed = _parse_name(entry.name)
            if parsed is None:
                continue
            session_id, kind = parsed
            try:
                info = entry.stat(follow_symlinks=False)
                why = _foreign(info)
                if why:
                    self._report(entry.path, why)  # not ours to remove either
                    continue
                if info.st_mtime >= cutoff:
                    continue
                if kind == TMP_SUFFIX:
                    os.unlink(entry.path)  # left by a writer that died mid-write
                elif kind == DATA_SUFFIX:
                    removed += self._remove_if_stale(session_id, cutoff)
                elif not os.path.exists(self._path(session_id, DATA_SUFFIX)):
                    self._remove_if_stale(session_id, cutoff)
            except FileNotFoundError:
                continue  # another process swept it first
            except OSError as exc:
                # One odd entry (say, a symlink in a shared /tmp) must not stop the sweep.
                logger.warning("session sweep skipped %s: %s", redact_session_ids(entry.path),
                               redact_session_ids(str(exc)))
        return removed

    def _remove_if_stale(self, session_id: str, cutoff: float) -> bool:
        """Under the session's lock (if free now), remove its stale data and lock file."""
        lock_path = self._path(session_id, LOCK_SUFFIX)
        fd = _acquire(lock_path, deadline=time.monotonic())
        if fd is None:
            return False
        try:
            data_path = self._path(session_id, DATA_SUFFIX)
            try:
                info = os.stat(data_path, follow_symlinks=False)
            except FileNotFoundError:
                stale: bool | None = None  # no data: only the lock file is left
            else:
                if _foreign(info):
                    return False  # replaced since the scan, by root: not ours to remove
                stale = info.st_mtime < cutoff
            if stale is False:
                return False  # used again since the scan
            if stale:
                os.unlink(data_path)
            os.unlink(lock_path)
            return bool(stale)
        finally:
            os.close(fd)

    def _report(self, path: str, why: str) -> None:
        if path not in self._reported:
            self._reported.add(path)
            # The file name holds a session id: logs show its hash.
            logger.warning("ignoring %s: %s", redact_session_ids(path), why)

    def _unavailable(self, action: str, exc: OSError) -> BackendUnavailable:
        return BackendUnavailable(
            f"cannot {action} in {self.directory!r} ({_SETTING}): {exc.strerror or exc}"
        )


def _parse_name(name: str) -> tuple[str, str] | None:
    """(session id, kind) for one of our files, None for anything else in the directory."""
    if not name.startswith(PREFIX):
        return None
    rest = name[len(PREFIX) :]
    session_id, suffix = rest[:ID_LENGTH], rest[ID_LENGTH:]
    try:
        validate_session_id(session_id)
    except InvalidSessionId:
        return None
    if suffix in (DATA_SUFFIX, LOCK_SUFFIX):
        return session_id, suffix
    if suffix.startswith(".") and suffix.endswith(TMP_SUFFIX):
        return session_id, TMP_SUFFIX
    return None
