"""The state session backend interface.

A backend stores opaque bytes (already encoded by :mod:`mesop_cli.state_format.codec`)
under a validated session id. Load, save, counting, id validation, the lock and the
throttled sweep are written once here; each backend implements only ``retrieve``,
``upsert`` and ``delete``, plus ``sweep`` where the store has no expiry of its own and
``acquire_shared`` where a process-local lock is not enough.

Concurrency: events of one session must be serialized. ``lock`` returns a held
:class:`SessionLock`; the caller loads, runs the event, saves and then releases. The lock
has two levels: a thread lock per session in this process, then, for backends shared
between processes, the store's own lock (:meth:`SessionBackend.acquire_shared`). Threads
of one process queue on the first, so only one of them at a time waits on the store.

A store's lock can be lost while an event runs (it expired, a Redis failover lost it, an
operator deleted it, the database ended its connection): another event may then take the
session, and whichever saves last would silently undo the other. So a save is *fenced*:
``save`` and ``save_image`` take the held lock, and the store writes only while that lock
is still ours, in the same step as the check (a Lua script, the lock's own transaction, a
look at the lock file's inode just before the rename); otherwise :class:`LockLost`. A
renewal that fails marks the lock lost too, and every later save under it is refused.
The in-process lock alone (``memory``, ``none``) cannot be lost while its holder lives.

Each backend has a :attr:`SessionBackend.mailbox` (:mod:`mesop_cli.sessions.mailbox`):
events sent while the lock's holder streams wait there, and the holder runs them between
two yields. It is where the lock is: in this process for ``memory`` and ``none``, in the
store for ``file``, ``redis`` and ``sql``. :meth:`SessionBackend.try_lock` polls the lock
for a request that waits on the mailbox.
"""

from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar

from mesop_cli.sessions.mailbox import LocalMailbox, Mailbox
from mesop_cli.state_format.image import StateImage, image_from_bytes
from mesop_cli.state_format.session_ids import validate_session_id
from mesop_cli.telemetry.meters import BackendMeters

logger = logging.getLogger(__name__)


class BackendUnavailable(Exception):
    """The store cannot be reached (dead Redis, unwritable directory, ...)."""


class LockTimeout(Exception):
    """Another event of the same session held the lock for too long."""


class LockLost(Exception):
    """The session's lock stopped being ours before a save (expired, deleted, its store
    failed over or ended its connection), or a renewal failed: the save was not made, and
    another event may have changed the session meanwhile. Nothing was overwritten; the
    event must be sent again. Not a :class:`BackendUnavailable`: the store may be fine.
    """


@dataclass
class BackendStats:
    """This backend object's own counts (tests, the memory cap); the launch's counts,
    summed over workers, are the Prometheus meters (:mod:`mesop_cli.telemetry.meters`)."""

    hits: int = 0
    misses: int = 0
    evictions: int = 0
    bytes_stored: int = 0
    _guard: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, name: str, amount: int = 1) -> None:
        with self._guard:
            setattr(self, name, getattr(self, name) + amount)


class SessionLock(ABC):
    """A held per-session lock; ``release`` is idempotent."""

    @abstractmethod
    def release(self) -> None: ...

    def renew(self) -> None:
        """Push back the expiry of a lock that has one (Redis, SQLite leases), so a long
        streaming event keeps its session. Locks that cannot expire do nothing. Raises
        :class:`LockLost` when the lock turns out not to be ours any more, or cannot be
        renewed."""
        return None

    def fence(self, session_id: str) -> SharedLock | None:
        """The store's half of this lock, which a save of ``session_id`` must still hold
        when it writes; None where there is none (the in-process lock cannot be lost).
        Raises :class:`LockLost` when this lock is known lost, released, or another
        session's."""
        return None


class SharedLock(SessionLock):
    """The half of a session lock that other processes see (a flock, a Redis key, a
    database lock), held under the in-process half; see
    :meth:`SessionBackend.acquire_shared`."""

    #: Release the in-process lock before this one. Right when this release can hang on
    #: an unresponsive store: the next thread of the process then waits on this lock,
    #: which is still held, rather than behind the hanging release. Otherwise (the
    #: default) this one goes first, so the next thread of the process finds the store's
    #: lock already free and takes it without polling.
    release_local_first: ClassVar[bool] = False

    def renew(self) -> None:
        """As :meth:`SessionLock.renew`; raise :class:`LockLost` on any failure, since a
        lock that could not be renewed may expire before the save."""
        return None


class _HeldLock(SessionLock):
    """A session's in-process lock, plus the backend's shared lock when it has one."""

    def __init__(self, backend: SessionBackend, session_id: str, entry: _LockEntry,
                 shared: SharedLock | None) -> None:
        self._backend = backend
        self._session_id = session_id
        self._entry = entry
        self._shared = shared
        self._held = True
        #: Why this lock is no longer ours (a failed renewal), once it is known.
        self._lost: str | None = None

    def renew(self) -> None:
        if self._lost is not None:
            raise LockLost(self._lost)
        if self._held and self._shared is not None:
            try:
                self._shared.renew()
            except LockLost as exc:
                # Marked, so that the event's save is refused even if the store would
                # still take it (a renewal that timed out may yet have expired the lock).
                self._lost = str(exc)
                raise

    def fence(self, session_id: str) -> SharedLock | None:
        if session_id != self._session_id:
            raise LockLost("the lock given is another session's")
        if not self._held:
            raise LockLost("the session's lock was already released")
        if self._lost is not None:
            raise LockLost(self._lost)
        return self._shared

    def release(self) -> None:
        if not self._held:
            return
        self._held = False
        shared = self._shared
        if shared is None:
            self._release_local()
        elif shared.release_local_first:
            self._release_local()
            self._release_shared(shared)
        else:
            try:
                self._release_shared(shared)
            finally:
                self._release_local()

    def _release_shared(self, shared: SharedLock) -> None:
        try:
            shared.release()
        except BackendUnavailable:
            self._backend.meters.store_errors.inc()
            raise

    def _release_local(self) -> None:
        self._entry.lock.release()
        self._backend._drop_lock_user(self._session_id, self._entry)


class _LockEntry:
    """A session's thread lock and how many threads hold or wait for it, so that the
    entry can be dropped when nobody does (otherwise the map grows with every session)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0


class SessionBackend(ABC):
    """Base class of every backend. Subclasses set ``name``."""

    name: str = "abstract"
    #: True when state lives on the server, so the browser uploads only the id.
    server_side: bool = True
    #: ``save`` runs :meth:`sweep` on the first save and then at most this often
    #: (seconds, by :meth:`clock`); None where saving never sweeps.
    sweep_interval: float | None = None
    #: True where each process holds sessions of its own (``memory``): the bytes held by
    #: the workers of a launch then add up; a shared store is measured whole by each.
    per_process_store: bool = False

    def __init__(self, ttl_seconds: int) -> None:
        self.ttl_seconds = ttl_seconds
        self.stats = BackendStats()
        self._meters: BackendMeters | None = None
        self._locks: dict[str, _LockEntry] = {}
        self._locks_guard = threading.Lock()
        self._sweep_guard = threading.Lock()
        self._last_sweep: float | None = None
        #: Events posted while another event of their session streams; in this process
        #: unless the store shares its lock between processes, and then its own.
        self.mailbox: Mailbox = LocalMailbox()

    # -- counting ---------------------------------------------------------------------

    @property
    def meters(self) -> BackendMeters:
        """This backend's Prometheus meters, made at the first count: in a gunicorn worker,
        after the fork, once the launch's metrics directory is known."""
        meters = self._meters
        if meters is None:
            meters = self._meters = BackendMeters.of(self.name, self.per_process_store)
        return meters

    def count_lookup(self, found: bool) -> None:
        """One session load, a hit or a miss. ``load(..., count=False)`` leaves it to a
        caller that decides later (a stale copy found in the store is a miss)."""
        if found:
            self.stats.count("hits")
            self.meters.hits.inc()
        else:
            self.stats.count("misses")
            self.meters.misses.inc()

    def count_eviction(self) -> None:
        self.stats.count("evictions")
        self.meters.evictions.inc()

    def count_held_bytes(self, change: int) -> None:
        """The bytes a per-process store holds grew (or shrank) by ``change``."""
        if not change:
            return
        self.stats.count("bytes_stored", change)
        self.meters.add_held_bytes(change)

    def measured_held_bytes(self, total: int) -> None:
        """A shared store was measured: it holds ``total`` bytes."""
        self.stats.bytes_stored = total
        self.meters.bytes_held.set(total)

    def _store_error(self) -> None:
        self.meters.store_errors.inc()

    # -- written once -----------------------------------------------------------------

    def load(self, session_id: str, count: bool = True) -> bytes | None:
        """The session's bytes, renewing its expiry; None (a miss) if absent."""
        validate_session_id(session_id)
        try:
            data = self.retrieve(session_id)
        except BackendUnavailable:
            self._store_error()
            raise
        if count:
            self.count_lookup(data is not None)
        return data

    def save(self, session_id: str, data: bytes, lock: SessionLock | None = None) -> None:
        """Store ``data``; with ``lock`` (the session's, held), only while the store's half
        of it is still ours, else :class:`LockLost` and nothing is written."""
        validate_session_id(session_id)
        shared = None if lock is None else lock.fence(session_id)
        try:
            if shared is None:
                self.upsert(session_id, data)
            else:
                self.upsert_fenced(session_id, data, shared)
        except BackendUnavailable:
            self._store_error()
            raise
        self.meters.bytes_written.inc(len(data))
        self._maybe_sweep()

    def remove(self, session_id: str) -> None:
        validate_session_id(session_id)
        try:
            self.delete(session_id)
        except BackendUnavailable:
            self._store_error()
            raise

    def lock(self, session_id: str, timeout: float = 30.0) -> SessionLock:
        """Block until this session is ours; raise :class:`LockTimeout` after ``timeout``.

        The in-process lock comes first, then :meth:`acquire_shared` gets what is left of
        ``timeout``; if that fails in any way, the in-process lock is released again.
        """
        return self._lock(session_id, timeout, count_timeout=True)

    def try_lock(self, session_id: str, timeout: float) -> SessionLock | None:
        """:meth:`lock`, but None rather than :class:`LockTimeout`, and not counted as a
        lock timeout: for a caller that polls the lock while it waits on the session's
        mailbox (see :mod:`mesop_cli.sessions.mailbox`)."""
        try:
            return self._lock(session_id, timeout, count_timeout=False)
        except LockTimeout:
            return None

    def _lock(self, session_id: str, timeout: float, count_timeout: bool) -> SessionLock:
        validate_session_id(session_id)
        started = time.monotonic()
        deadline = started + timeout
        with self._locks_guard:
            entry = self._locks.setdefault(session_id, _LockEntry())
            entry.users += 1
        if not entry.lock.acquire(timeout=timeout):
            self._drop_lock_user(session_id, entry)
            if count_timeout:
                self.meters.lock_timeouts.inc()
            raise LockTimeout(f"session busy for more than {timeout:g}s")
        try:
            shared = self.acquire_shared(session_id, deadline)
        except BaseException as exc:
            entry.lock.release()
            self._drop_lock_user(session_id, entry)
            if isinstance(exc, LockTimeout):
                if count_timeout:
                    self.meters.lock_timeouts.inc()
                raise LockTimeout(f"session busy for more than {timeout:g}s") from None
            if isinstance(exc, BackendUnavailable):
                self._store_error()
            raise
        self.meters.lock_wait.observe(time.monotonic() - started)
        return _HeldLock(self, session_id, entry, shared)

    def acquire_shared(self, session_id: str, deadline: float) -> SharedLock | None:
        """Take the session's lock in the store, for a caller that already holds its
        in-process lock; raise a bare :class:`LockTimeout` once ``deadline`` (by
        ``time.monotonic``) has passed, after at least one try. None: the store is not
        shared between processes, so the in-process lock is all there is (the default).
        """
        return None

    def _drop_lock_user(self, session_id: str, entry: _LockEntry) -> None:
        with self._locks_guard:
            entry.users -= 1
            if entry.users == 0:
                del self._locks[session_id]

    def ping(self) -> None:
        """Raise :class:`BackendUnavailable` when the store does not answer.

        The default has nothing to reach, so it always answers.
        """
        return None

    def sweep(self) -> int:
        """Drop expired sessions; return how many. Stores with native expiry do nothing."""
        return 0

    def clock(self) -> float:
        """The time the sweep throttle reads; backends whose tests travel in time return
        their own clock."""
        return time.monotonic()

    def _maybe_sweep(self) -> None:
        """Sweep if due, in whichever thread gets here first; the others save on without
        waiting for it. A failed sweep is logged, not raised: the save itself succeeded,
        and the next sweep is one interval away."""
        if self.sweep_interval is None or not self._sweep_due():
            return
        if not self._sweep_guard.acquire(blocking=False):
            return  # another thread is sweeping
        try:
            if not self._sweep_due():
                return  # another thread swept between our check and our guard
            self._last_sweep = self.clock()
            self.sweep()
        except BackendUnavailable as exc:
            logger.warning("the %s backend could not sweep: %s", self.name, exc)
        except Exception:
            logger.exception("the %s backend could not sweep", self.name)
        finally:
            self._sweep_guard.release()

    def _sweep_due(self) -> bool:
        assert self.sweep_interval is not None
        if self._last_sweep is None:
            return True
        elapsed = self.clock() - self._last_sweep
        # A negative elapsed time: the clock was set back (a wall clock); sweep now rather
        # than wait for it to catch up.
        return elapsed >= self.sweep_interval or elapsed < 0

    def close(self) -> None:
        """Release connections and files; the default holds none."""
        return None

    # -- state images: what the web layer loads and saves ------------------------------

    def load_image(self, session_id: str, count: bool = True) -> StateImage | None:
        """The session's state, renewing its expiry; None (a miss) if absent; ``count``
        as in :meth:`load`. Raises CodecError (or ValueError) for stored bytes that do
        not decode."""
        data = self.load(session_id, count)
        return None if data is None else image_from_bytes(data)

    def save_image(self, session_id: str, image: StateImage,
                   lock: SessionLock | None = None) -> None:
        """Store ``image``; ``lock`` as in :meth:`save`."""
        self.save(session_id, image.to_bytes(), lock)

    def forget_live(self, session_id: str) -> None:
        """The state objects handed out with this session's image were changed without
        being saved: do not hand them out again. Only a backend that keeps them cares."""
        return None

    # -- per backend -------------------------------------------------------------------

    @abstractmethod
    def retrieve(self, session_id: str) -> bytes | None: ...

    @abstractmethod
    def upsert(self, session_id: str, data: bytes) -> None: ...

    @abstractmethod
    def delete(self, session_id: str) -> None: ...

    def upsert_fenced(self, session_id: str, data: bytes, shared: SharedLock) -> None:
        """``upsert``, in one step with checking that ``shared`` (this backend's own, from
        :meth:`acquire_shared`) is still held; :class:`LockLost` otherwise. Every backend
        whose :meth:`acquire_shared` returns a lock implements it."""
        raise NotImplementedError(f"the {self.name} backend cannot fence a save")
