"""One state session, opened (locked, loaded) and closed (saved, unlocked) around an event.

The before-request hook opens the session: it locks it, loads it from the backend and
decodes it (or, after a miss, verifies and adopts the browser's signed copy). The
session closes when the response stream has been sent: it is encoded, saved and
unlocked. Nothing here knows how state is stored; that is the backend's job.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from mesop_cli.sessions.base import SessionBackend, SessionLock
from mesop_cli.sessions.codec import CodecError, canonical_bytes, decode_states, encode_states
from mesop_cli.sessions.ids import new_session_id
from mesop_cli.sessions.signing import sign, verify
from mesop_cli.web.protocol import EventRequest

log = logging.getLogger("mesop_cli.web")


#: How often a streaming event renews its session lock; well under the shortest expiry (60 s).
LOCK_RENEW_SECONDS = 10.0

#: Key of the save counter kept beside the state classes. Not an identifier, so it can
#: never collide with a class name; the codec ignores it when decoding.
VERSION_KEY = "#version"


class TamperedState(Exception):
    """The browser's copy does not match its signature."""


def _signed_payload(session_id: str, state_bytes: bytes) -> bytes:
    # Binding the id into the signature stops one tab's copy being replayed as another's.
    return session_id.encode() + b"\n" + state_bytes


@dataclass
class ActiveSession:
    """One session, locked for the duration of one event."""

    backend: SessionBackend
    id: str
    states: dict[str, object]
    #: The state as the browser holds it; None means the browser needs the full state.
    browser_copy: dict[str, Any] | None
    lock: SessionLock | None
    #: Counts the states handed out so far (one per render, see :meth:`next_render`). A
    #: `memory` worker can hold an older copy of a session that another worker has moved
    #: on; the counter tells stale from fresh.
    version: int = 1
    recovered: bool = False
    _closed: bool = field(default=False, repr=False)
    _rendered: bool = field(default=False, repr=False)
    #: Canonical bytes of the last render, and whether the state is still exactly that
    #: (the handler finished after it), so closing saves them instead of encoding again.
    _rendered_bytes: bytes = field(default=b"", repr=False)
    _rendered_is_final: bool = field(default=False, repr=False)
    _lock_renewed: float = field(default_factory=time.monotonic, repr=False)

    def encoded(self) -> dict[str, Any]:
        """The state as stored and as sent to the browser, with its version."""
        encoded = encode_states(self.states)
        encoded[VERSION_KEY] = self.version
        return encoded

    def next_render(self) -> dict[str, Any]:
        """The state for one render, under a version of its own: a browser whose stream
        broke off holds an earlier render of this event, and a version shared with the
        final, saved state would pass that copy off as the saved one."""
        if self._rendered:
            self.version += 1
        self._rendered = True
        return self.encoded()

    def keep_lock(self) -> None:
        """Renew an expiring lock (Redis, SQLite) now and then while a handler streams, so
        an event longer than the lock's expiry keeps its session to itself."""
        if self.lock is None or time.monotonic() - self._lock_renewed < LOCK_RENEW_SECONDS:
            return
        self.lock.renew()
        self._lock_renewed = time.monotonic()

    def sign_render(self, encoded: dict[str, Any], secret: str) -> str:
        """The signature of one render's state, sent with it to the browser."""
        self._rendered_bytes = canonical_bytes(encoded)
        self._rendered_is_final = False
        return sign(_signed_payload(self.id, self._rendered_bytes), secret)

    def finished_with_render(self) -> None:
        """The handler ended on the last render: nothing changed the state since."""
        self._rendered_is_final = self._rendered

    def close(self) -> None:
        """Save and unlock; safe to call twice. A failed save is logged, not raised:
        the browser still holds a signed copy, so the next event recovers it."""
        if self._closed:
            return
        self._closed = True
        try:
            if self.backend.server_side:
                data = (self._rendered_bytes if self._rendered_is_final
                        else canonical_bytes(self.encoded()))
                self.backend.save(self.id, data)
        except Exception:
            log.exception("could not save session state to the %s backend", self.backend.name)
        finally:
            if self.lock is not None:
                self.lock.release()

    def release_unsaved(self) -> None:
        """Unlock without saving, for an event refused before anything ran: a save would
        only move the version past the copy the browser holds, for the same state."""
        self._closed = True
        if self.lock is not None:
            self.lock.release()


def open_session(
    backend: SessionBackend,
    request: EventRequest,
    classes: dict[str, type],
    secret: str,
    lock_timeout: float,
) -> ActiveSession | None:
    """Lock and load the request's session; None means a miss the browser must answer
    by resending its copy."""
    session_id = request.session_id or new_session_id()
    lock = backend.lock(session_id, timeout=lock_timeout) if backend.server_side else None
    try:
        active = _load(backend, request, session_id, lock, classes, secret)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    if active is None and lock is not None:
        lock.release()
    return active


def _version_of(encoded: dict[str, Any]) -> int:
    version = encoded.get(VERSION_KEY, 0)
    return version if isinstance(version, int) else 0


def _load(
    backend: SessionBackend,
    request: EventRequest,
    session_id: str,
    lock: SessionLock | None,
    classes: dict[str, type],
    secret: str,
) -> ActiveSession | None:
    def session(states: dict[str, object], previous: int, has_copy: bool) -> ActiveSession:
        active = ActiveSession(backend, session_id, states, None, lock, version=previous + 1)
        if has_copy:
            # Diff against the re-encoded state, not the raw copy: stored bytes write 50.0
            # as 50, and a patch that only flips a number's type is noise for the browser.
            active.browser_copy = encode_states(states)
            active.browser_copy[VERSION_KEY] = previous
        return active

    if request.session_id is None:
        return session({}, 0, has_copy=False)

    stored = backend.load(session_id) if backend.server_side else None
    if stored is not None:
        try:
            encoded = json.loads(stored)
            states = decode_states(encoded, classes)
        except (ValueError, CodecError) as exc:
            # Typically a state class changed shape across a reload; start it afresh.
            log.warning("discarding stored state of a session: %s", exc)
            return session({}, 0, has_copy=False)
        version = _version_of(encoded)
        if request.version is None or version >= request.version:
            # A patch only fits the copy it was computed from. A newer stored version was
            # saved by an event whose renders never reached the browser (the handler raised
            # before its first render, or the connection dropped mid-stream), so the
            # browser's copy differs from it: send the full state instead.
            in_step = request.version is None or version == request.version
            return session(states, version, has_copy=request.has_copy and in_step)
        # Older than what the browser already saw: this process's copy is stale, a miss
        # in all but name, and counted as one.
        backend.stats.count("hits", -1)
        backend.stats.count("misses")

    if request.state is not None:
        signature = request.signature or ""
        copy_bytes = canonical_bytes(request.state)
        if not verify(_signed_payload(session_id, copy_bytes), signature, secret):
            raise TamperedState("the state sent by the browser does not match its signature")
        try:
            states = decode_states(request.state, classes)
        except CodecError as exc:
            raise TamperedState(f"the state sent by the browser does not decode: {exc}") from None
        active = session(states, _version_of(request.state), has_copy=True)
        active.recovered = backend.server_side
        return active

    if backend.server_side and request.has_copy:
        return None
    # No copy anywhere (the `none` backend's first load, or a browser that lost it).
    return session({}, 0, has_copy=False)
