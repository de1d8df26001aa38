"""A process's copy of the sessions it served last, for a store shared between processes.

Loading a session from a shared store costs its whole size (the transfer, then decoding),
even when nothing changed since this very process saved it: the usual case, one user's
events arriving one after the other. So each save writes, beside the state, a random
*write tag*, and this process keeps the image it saved (with the live state objects, as the
``memory`` backend does) under that tag. The next load first reads only the tag: if it is
still ours, no other process has written the session since, and the kept image is used
without transferring or decoding anything. Otherwise the state is read from the store as
before.

Why this is safe: an event loads and saves under the session's lock, and a store writes
the state and its tag in one transaction; the tag is read before the state, so a kept image
can only ever be paired with the tag written with it. Bounded by bytes, least recently used
first out, each session charged what it costs in memory (estimated as for the ``memory``
backend's cap: :mod:`mesop_cli.sessions.footprint`); an entry whose live objects may have
been changed without a save is dropped.
"""

from __future__ import annotations

import secrets
import threading
from abc import abstractmethod
from collections import OrderedDict

from mesop_cli.sessions.base import BackendUnavailable, SessionBackend, SessionLock, SharedLock
from mesop_cli.sessions.footprint import resident_bytes
from mesop_cli.state_format.image import StateImage, image_from_bytes
from mesop_cli.state_format.session_ids import validate_session_id

TAG_BYTES = 16
#: Default bytes of memory each process spends on the sessions it saved last.
DEFAULT_CACHE_BYTES = 32 * 1024 * 1024


def new_tag() -> bytes:
    """A write tag: random, so two writes never share one, whichever process made them."""
    return secrets.token_bytes(TAG_BYTES)


class NearCache:
    """Images kept under their write tags, costing at most ``max_bytes`` of memory in all."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        # session id -> (write tag, image, what it is charged); least recently used first.
        self._entries: OrderedDict[str, tuple[bytes, StateImage, int]] = OrderedDict()
        self._bytes = 0
        self._guard = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def has(self, session_id: str) -> bool:
        with self._guard:
            return session_id in self._entries

    def get(self, session_id: str, tag: bytes | None) -> StateImage | None:
        """The kept image if it was saved under ``tag``; a stale entry is dropped."""
        if tag is None or not self.enabled:
            self.drop(session_id)
            return None
        with self._guard:
            entry = self._entries.get(session_id)
            if entry is None:
                return None
            if entry[0] != tag:
                self._pop(session_id)
                return None
            self._entries.move_to_end(session_id)
            return entry[1]

    def put(self, session_id: str, tag: bytes, image: StateImage, state_bytes: int) -> None:
        """Keep ``image`` (whose stored state is ``state_bytes`` long) as saved under
        ``tag``."""
        if not self.enabled:
            return
        # The stored length counts each field's digest once more than the estimate needs
        # (about 80 bytes a field): an overcharge, never an undercharge.
        size = resident_bytes(image, state_bytes)
        with self._guard:
            self._pop(session_id)
            if size > self.max_bytes:
                return  # it would push out everyone else; the store has it anyway
            while self._entries and self._bytes + size > self.max_bytes:
                self._pop(next(iter(self._entries)))
            self._entries[session_id] = (tag, image, size)
            self._bytes += size

    def drop(self, session_id: str) -> None:
        with self._guard:
            self._pop(session_id)

    def clear(self) -> None:
        with self._guard:
            self._entries.clear()
            self._bytes = 0

    def _pop(self, session_id: str) -> None:
        entry = self._entries.pop(session_id, None)
        if entry is not None:
            self._bytes -= entry[2]


# -- stored values: the write tag in front of the state ---------------------------------

#: What starts a value saved from a state image: then its write tag, then the state's
#: bytes. JSON never starts with a NUL byte, so a value without it (written by ``save``, or
#: by an older release) is the state's bytes as they are.
_TAGGED = b"\x00mt1"
HEADER_BYTES = len(_TAGGED) + TAG_BYTES


def tagged(tag: bytes, data: bytes, padding: int = 0) -> bytes:
    """The stored value: marker, write tag, state, and ``padding`` spaces (JSON allows
    them after the state), joined in one copy."""
    return b"".join((_TAGGED, tag, data, b" " * padding))


def untagged(value: bytes) -> tuple[bytes | None, bytes]:
    """(write tag, state bytes) of a stored value; no tag for a value saved as bytes."""
    if value.startswith(_TAGGED) and len(value) >= HEADER_BYTES:
        return value[len(_TAGGED):HEADER_BYTES], value[HEADER_BYTES:]
    return None, value


class NearCachedBackend(SessionBackend):
    """A backend shared between processes whose state images go through a :class:`NearCache`.

    Subclasses store values (a header and the state, or plain bytes) and implement
    :meth:`fetch_value`, :meth:`fetch_header` and :meth:`store_value`; ``retrieve``,
    ``upsert`` and ``delete`` are written here on top of them, plus ``remove_value``.
    """

    def __init__(self, ttl_seconds: int, cache_bytes: int) -> None:
        super().__init__(ttl_seconds)
        self._cache = NearCache(cache_bytes)

    # -- per backend ------------------------------------------------------------------

    @abstractmethod
    def fetch_value(self, session_id: str) -> bytes | None:
        """The stored value, renewing its expiry; None if absent or expired."""

    @abstractmethod
    def fetch_header(self, session_id: str) -> bytes | None:
        """The value's first :data:`HEADER_BYTES` bytes (fewer if it is shorter), renewing
        its expiry; None if absent or expired."""

    @abstractmethod
    def store_value(self, session_id: str, value: bytes, fence: SharedLock | None = None
                    ) -> None:
        """Store ``value``; with ``fence`` (this backend's shared lock), only while it is
        still held, checked in the same step as the write: :class:`LockLost` otherwise."""

    @abstractmethod
    def remove_value(self, session_id: str) -> None: ...

    def padding(self, length: int) -> int:
        """Spaces to store after a state image's value of ``length`` bytes (none here)."""
        return 0

    # -- written once -----------------------------------------------------------------

    def retrieve(self, session_id: str) -> bytes | None:
        value = self.fetch_value(session_id)
        return None if value is None else untagged(value)[1]

    def upsert(self, session_id: str, data: bytes) -> None:
        self._cache.drop(session_id)
        self.store_value(session_id, data)

    def upsert_fenced(self, session_id: str, data: bytes, shared: SharedLock) -> None:
        self._cache.drop(session_id)
        self.store_value(session_id, data, shared)

    def delete(self, session_id: str) -> None:
        self._cache.drop(session_id)
        self.remove_value(session_id)

    def load_image(self, session_id: str, count: bool = True) -> StateImage | None:
        validate_session_id(session_id)
        try:
            image = self._load_image(session_id)
        except BackendUnavailable:
            self._store_error()
            raise
        if count:
            self.count_lookup(image is not None)
        return image

    def _load_image(self, session_id: str) -> StateImage | None:
        if self._cache.has(session_id):
            header = self.fetch_header(session_id)
            kept = self._cache.get(session_id, untagged(header)[0] if header else None)
            if kept is not None:
                self.meters.cache_hits.inc()
                return kept
        value = self.fetch_value(session_id)
        if value is None:
            return None
        tag, data = untagged(value)
        image = image_from_bytes(data)
        if tag is not None:
            self._cache.put(session_id, tag, image, len(data))
        return image

    def save_image(self, session_id: str, image: StateImage,
                   lock: SessionLock | None = None) -> None:
        validate_session_id(session_id)
        fence = None if lock is None else lock.fence(session_id)
        data = image.to_bytes()
        tag = new_tag()
        # Until the store holds the new state; kept only once it does, so a save refused
        # for a lost lock (LockLost) leaves no copy that the store does not hold.
        self._cache.drop(session_id)
        try:
            self.store_value(session_id,
                             tagged(tag, data, self.padding(HEADER_BYTES + len(data))), fence)
        except BackendUnavailable:
            self._store_error()
            raise
        self._cache.put(session_id, tag, image, len(data))
        self.meters.bytes_written.inc(len(data))
        self._maybe_sweep()

    def forget_live(self, session_id: str) -> None:
        self._cache.drop(session_id)

    def close(self) -> None:
        self._cache.clear()
