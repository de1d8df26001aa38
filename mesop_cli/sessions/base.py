"""The state session backend interface.

A backend stores opaque bytes (already encoded by :mod:`mesop_cli.sessions.codec`)
under a validated session id. Load, save, counting and id validation are written once
here; each backend implements only ``retrieve``, ``upsert`` and ``delete`` (plus
``sweep`` where the store has no expiry of its own, and ``lock`` where a process-local
lock is not enough).

Concurrency: events of one session must be serialized. ``lock`` returns a held
:class:`SessionLock`; the caller loads, runs the event, saves and then releases. The
default lock only serializes threads of one process, which is right for ``memory`` and
wrong for anything shared between processes, so those backends override it.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from mesop_cli.sessions.ids import validate_session_id
from mesop_cli.sessions.image import StateImage, image_from_bytes


class BackendUnavailable(Exception):
    """The store cannot be reached (dead Redis, unwritable directory, ...)."""


class LockTimeout(Exception):
    """Another event of the same session held the lock for too long."""


@dataclass
class BackendStats:
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
        streaming event keeps its session. Locks that cannot expire do nothing."""
        return None


class _ThreadLock(SessionLock):
    def __init__(self, backend: SessionBackend, session_id: str, entry: _LockEntry) -> None:
        self._backend = backend
        self._session_id = session_id
        self._entry = entry
        self._held = True

    def release(self) -> None:
        if self._held:
            self._held = False
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

    def __init__(self, ttl_seconds: int) -> None:
        self.ttl_seconds = ttl_seconds
        self.stats = BackendStats()
        self._locks: dict[str, _LockEntry] = {}
        self._locks_guard = threading.Lock()

    # -- written once -----------------------------------------------------------------

    def load(self, session_id: str) -> bytes | None:
        """The session's bytes, renewing its expiry; None (a counted miss) if absent."""
        validate_session_id(session_id)
        data = self.retrieve(session_id)
        self.stats.count("hits" if data is not None else "misses")
        return data

    def save(self, session_id: str, data: bytes) -> None:
        validate_session_id(session_id)
        self.upsert(session_id, data)

    def remove(self, session_id: str) -> None:
        validate_session_id(session_id)
        self.delete(session_id)

    def lock(self, session_id: str, timeout: float = 30.0) -> SessionLock:
        """Block until this session is ours; raise :class:`LockTimeout` after ``timeout``."""
        validate_session_id(session_id)
        with self._locks_guard:
            entry = self._locks.setdefault(session_id, _LockEntry())
            entry.users += 1
        if not entry.lock.acquire(timeout=timeout):
            self._drop_lock_user(session_id, entry)
            raise LockTimeout(f"session busy for more than {timeout:g}s")
        return _ThreadLock(self, session_id, entry)

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

    def close(self) -> None:
        """Release connections and files; the default holds none."""
        return None

    # -- state images: what the web layer loads and saves ------------------------------

    def load_image(self, session_id: str) -> StateImage | None:
        """The session's state, renewing its expiry; None (a counted miss) if absent.
        Raises CodecError (or ValueError) for stored bytes that do not decode."""
        data = self.load(session_id)
        return None if data is None else image_from_bytes(data)

    def save_image(self, session_id: str, image: StateImage) -> None:
        self.save(session_id, image.to_bytes())

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
