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
first out; an entry whose live objects may have been changed without a save is dropped.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict

from mesop_cli.sessions.image import StateImage

TAG_BYTES = 16


def new_tag() -> bytes:
    """A write tag: random, so two writes never share one, whichever process made them."""
    return secrets.token_bytes(TAG_BYTES)


class NearCache:
    """Images kept under their write tags, at most ``max_bytes`` of state in all."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        # session id -> (write tag, image, its size); least recently used first.
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

    def put(self, session_id: str, tag: bytes, image: StateImage, size: int) -> None:
        """Keep ``image`` (about ``size`` bytes) as saved under ``tag``."""
        if not self.enabled:
            return
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
