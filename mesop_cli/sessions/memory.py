"""The ``memory`` backend: a dict in this process.

Fast and dependency-free, but each process has its own: with several workers and no
session affinity most events miss (the launcher warns about that). Expiry is sliding
(each load renews it), and a byte cap evicts the least recently used sessions, counted
in ``stats.evictions``. The cap charges each session what it costs in memory, estimated by
:func:`mesop_cli.sessions.footprint.resident_bytes` (a fixed cost per session and per
field, plus the items and bytes of its data; measured figures there): the sample app's
fresh session is charged 3.4 KB, not the 23 bytes of its values, so a cap of 1 MB holds
about 300 of them and a server grows by about the cap, not by 9 MB per 2,500 sessions.
What ``stats.bytes_stored`` and the ``mesop_session_bytes_stored`` gauge show is that
charge.

What the web layer saves here is kept as it is, never turned into bytes: the state image
and the live state objects it was captured from. The next event of the session gets both
back, so it decodes nothing and hashes only what it changes; that is what makes an event's
cost independent of the state's size. Bytes saved through :meth:`save` (tests, tools) are
kept as bytes and read back as bytes, and charged their length alone: there the cap's
arithmetic is what is exercised.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict

from mesop_cli.sessions.base import SessionBackend, SessionLock
from mesop_cli.sessions.footprint import resident_bytes
from mesop_cli.state_format.image import StateImage, image_from_bytes
from mesop_cli.state_format.session_ids import validate_session_id

#: What an entry holds: bytes saved as bytes, or an image saved as one.
_Stored = bytes | StateImage

logger = logging.getLogger(__name__)

#: Expired entries are also dropped by a sweep on save, at most this often (seconds).
SWEEP_INTERVAL = 60.0


def now() -> float:
    """The clock of this backend; tests replace it to travel in time."""
    return time.monotonic()


class MemoryBackend(SessionBackend):
    name = "memory"
    sweep_interval = SWEEP_INTERVAL
    per_process_store = True

    def __init__(self, ttl_seconds: int, max_bytes: int) -> None:
        super().__init__(ttl_seconds)
        self.max_bytes = max_bytes
        # session id -> (data, what the cap charges it, last use); least recently used first.
        self._entries: OrderedDict[str, tuple[_Stored, int, float]] = OrderedDict()
        self._guard = threading.Lock()

    def clock(self) -> float:
        return now()

    def retrieve(self, session_id: str) -> bytes | None:
        data = self._take(session_id)
        return data.to_bytes() if isinstance(data, StateImage) else data

    def load_image(self, session_id: str, count: bool = True) -> StateImage | None:
        validate_session_id(session_id)
        data = self._take(session_id)
        if count:
            self.count_lookup(data is not None)
        if data is None or isinstance(data, StateImage):
            return data
        return image_from_bytes(data)

    def save_image(self, session_id: str, image: StateImage,
                   lock: SessionLock | None = None) -> None:
        validate_session_id(session_id)
        if lock is not None:
            lock.fence(session_id)  # refuses a released lock; this one cannot be lost
        state_bytes = image.size
        self._put(session_id, image, resident_bytes(image, state_bytes))
        self.meters.bytes_written.inc(state_bytes)
        self._maybe_sweep()

    def forget_live(self, session_id: str) -> None:
        with self._guard:
            entry = self._entries.get(session_id)
            if entry is not None and isinstance(entry[0], StateImage):
                entry[0].states = None

    def _take(self, session_id: str) -> _Stored | None:
        """The entry's data, renewing its expiry."""
        with self._guard:
            entry = self._entries.get(session_id)
            if entry is None:
                return None
            data, size, last_use = entry
            t = now()
            if t - last_use > self.ttl_seconds:
                self.count_held_bytes(-self._drop(session_id))
                return None
            self._entries[session_id] = (data, size, t)
            self._entries.move_to_end(session_id)
            return data

    def upsert(self, session_id: str, data: bytes) -> None:
        self._put(session_id, data, len(data))

    def _put(self, session_id: str, data: _Stored, size: int) -> None:
        with self._guard:
            freed = self._drop(session_id)
            if size > self.max_bytes:
                # Storing it would evict everyone else and still break the cap; the
                # browser's signed copy recovers it on the next event, as after any miss.
                logger.warning(
                    "a session taking about %d bytes of memory exceeds "
                    "MESOP_STATE_SESSION_BACKEND_MEMORY_MAX_MB on its own; it is not kept",
                    size,
                )
                self.count_eviction()
                self.count_held_bytes(-freed)
                return
            while self.stats.bytes_stored - freed + size > self.max_bytes:
                oldest = next(iter(self._entries))
                freed += self._drop(oldest)
                self.count_eviction()
            self._entries[session_id] = (data, size, now())
            # One update for the whole put (none when the size is unchanged): under
            # gunicorn each update writes the meter's file.
            self.count_held_bytes(size - freed)

    def delete(self, session_id: str) -> None:
        with self._guard:
            self.count_held_bytes(-self._drop(session_id))

    def sweep(self) -> int:
        with self._guard:
            t = now()
            expired = [
                sid for sid, (_, _, last_use) in self._entries.items()
                if t - last_use > self.ttl_seconds
            ]
            self.count_held_bytes(-sum(self._drop(sid) for sid in expired))
            return len(expired)

    def close(self) -> None:
        with self._guard:
            self.count_held_bytes(-sum(self._drop(sid) for sid in list(self._entries)))

    def _drop(self, session_id: str) -> int:
        """Forget one entry; the bytes it held, which the caller (holding the guard)
        counts."""
        entry = self._entries.pop(session_id, None)
        return 0 if entry is None else entry[1]
