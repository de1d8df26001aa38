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
from mesop_cli.sessions.signing import StateSigner, Verdict
from mesop_cli.web.diff import same
from mesop_cli.web.protocol import EventRequest

log = logging.getLogger("mesop_cli.web")


#: How often a streaming event renews its session lock; well under the shortest expiry (60 s).
LOCK_RENEW_SECONDS = 10.0

#: Keys kept beside the state classes: the save counter, and the page the session is on
#: (events run only against that page). Not identifiers, so they can never collide with a
#: class name; the codec ignores them when decoding. Both are signed with the state.
VERSION_KEY = "#version"
PATH_KEY = "#path"


class TamperedState(Exception):
    """The browser's copy does not match its signature."""


def _signed_payload(session_id: str, state_bytes: bytes) -> bytes:
    # Binding the id into the signature stops one tab's copy being replayed as another's.
    return session_id.encode() + b"\n" + state_bytes


@dataclass
class ActiveSession:
    """One session, locked for the duration of one event."""

    backend: SessionBackend
    signer: StateSigner
    id: str
    states: dict[str, object]
    #: The state as the browser holds it; None means the browser needs the full state.
    browser_copy: dict[str, Any] | None
    lock: SessionLock | None
    #: The page this session is on, as the server last rendered it; None for a session
    #: that has not been rendered yet. Events are checked against this page, never against
    #: the path the browser names.
    path: str | None = None
    #: Counts the states handed out so far (one per render, see :meth:`next_render`). A
    #: `memory` worker can hold an older copy of a session that another worker has moved
    #: on; the counter tells stale from fresh.
    version: int = 1
    recovered: bool = False
    #: The JSON the store held when the event began (None when it held nothing usable, or
    #: the browser's copy was adopted): an event that leaves it as it was writes nothing.
    stored: dict[str, Any] | None = None
    _closed: bool = field(default=False, repr=False)
    _unchanged: bool = field(default=False, repr=False)
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
        if self.path is not None:
            encoded[PATH_KEY] = self.path
        return encoded

    def next_render(self) -> dict[str, Any]:
        """The state for one render, under a version of its own: a browser whose stream
        broke off holds an earlier render of this event, and a version shared with the
        final, saved state would pass that copy off as the saved one."""
        if self._rendered:
            self.version += 1
        self._rendered = True
        encoded = self.encoded()
        self._unchanged = self._same_as_stored(encoded)
        if self._unchanged:
            # The same state keeps the same version: the browser's copy stays the stored one.
            encoded[VERSION_KEY] = self.stored[VERSION_KEY]  # type: ignore[index]
        return encoded

    def _same_as_stored(self, encoded: dict[str, Any]) -> bool:
        if self.stored is None or VERSION_KEY not in self.stored:
            return False
        return same({k: v for k, v in encoded.items() if k != VERSION_KEY},
                    {k: v for k, v in self.stored.items() if k != VERSION_KEY})

    def keep_lock(self) -> None:
        """Renew an expiring lock (Redis, SQLite) now and then while a handler streams, so
        an event longer than the lock's expiry keeps its session to itself."""
        if self.lock is None or time.monotonic() - self._lock_renewed < LOCK_RENEW_SECONDS:
            return
        self.lock.renew()
        self._lock_renewed = time.monotonic()

    def sign_render(self, encoded: dict[str, Any]) -> str:
        """The signature of one render's state, sent with it to the browser."""
        self._rendered_bytes = canonical_bytes(encoded)
        self._rendered_is_final = False
        return self.signer.sign(_signed_payload(self.id, self._rendered_bytes))

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
                if self._rendered_is_final:
                    unchanged, data = self._unchanged, self._rendered_bytes
                else:
                    encoded = self.encoded()
                    unchanged, data = self._same_as_stored(encoded), canonical_bytes(encoded)
                # A read-only event writes nothing: loading already renewed the expiry.
                if not unchanged:
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
    signer: StateSigner,
    lock_timeout: float,
) -> ActiveSession | None:
    """Lock and load the request's session; None means a miss the browser must answer
    by resending its copy.

    Session ids come from the server: an id that neither the store nor a valid signed
    copy knows is never adopted (that would let a page fix a victim's session id, and
    let anyone fill the store with ids of their choosing); a new session under a new id
    is started instead.
    """
    if request.session_id is not None:
        lock = backend.lock(request.session_id, timeout=lock_timeout) \
            if backend.server_side else None
        try:
            found = _resume(backend, signer, request, lock, classes)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        if isinstance(found, ActiveSession):
            return found
        if lock is not None:
            lock.release()
        if found is _MISS:
            return None
    session_id = new_session_id()
    lock = backend.lock(session_id, timeout=lock_timeout) if backend.server_side else None
    return ActiveSession(backend, signer, session_id, {}, None, lock)


class _Outcome:
    """Why :func:`_resume` found no session to continue."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


#: The store does not hold the session but the browser says it has a copy: ask for it.
_MISS = _Outcome("miss")
#: Nothing valid knows this id: start a new session under a new id.
_UNKNOWN = _Outcome("unknown")


@dataclass(frozen=True)
class _Snapshot:
    """A session's decoded state with the version and page recorded beside it."""

    states: dict[str, object]
    version: int
    path: str | None
    #: The JSON it was decoded from: what the browser holds when it is in step with it.
    encoded: dict[str, Any]


def _snapshot(encoded: Any, classes: dict[str, type]) -> _Snapshot:
    """Raises CodecError (or ValueError) for data that does not decode."""
    states = decode_states(encoded, classes)
    version = encoded.get(VERSION_KEY, 0)
    path = encoded.get(PATH_KEY)
    return _Snapshot(
        states,
        version if isinstance(version, int) and not isinstance(version, bool) else 0,
        path if isinstance(path, str) else None,
        encoded,
    )


def _stored(backend: SessionBackend, session_id: str, classes: dict[str, type]
            ) -> _Snapshot | None:
    if not backend.server_side:
        return None
    data = backend.load(session_id)
    if data is None:
        return None
    try:
        return _snapshot(json.loads(data), classes)
    except (ValueError, CodecError) as exc:
        # Typically a state class changed shape across a reload; the session starts afresh.
        log.warning("discarding stored state of a session: %s", exc)
        return None


def _browser_copy(signer: StateSigner, request: EventRequest, session_id: str,
                  classes: dict[str, type]) -> _Snapshot | None:
    """The browser's signed copy, verified; None when it sent none or it has expired.
    Raises TamperedState for a copy that we did not sign."""
    if request.state is None:
        return None
    try:
        copy_bytes = canonical_bytes(request.state)
    except CodecError as exc:
        raise TamperedState(f"the state sent by the browser is not valid: {exc}") from None
    verdict = signer.check(_signed_payload(session_id, copy_bytes), request.signature)
    if verdict is Verdict.INVALID:
        raise TamperedState("the state sent by the browser does not match its signature")
    if verdict is Verdict.EXPIRED:
        log.info("a browser's state copy is older than the session TTL; starting afresh")
        return None
    try:
        return _snapshot(request.state, classes)
    except CodecError as exc:
        raise TamperedState(f"the state sent by the browser does not decode: {exc}") from None


def _resume(
    backend: SessionBackend,
    signer: StateSigner,
    request: EventRequest,
    lock: SessionLock | None,
    classes: dict[str, type],
) -> ActiveSession | _Outcome:
    session_id = request.session_id
    assert session_id is not None
    stored = _stored(backend, session_id, classes)
    copy = _browser_copy(signer, request, session_id, classes)

    def resumed(found: _Snapshot, in_step: bool) -> ActiveSession:
        active = ActiveSession(backend, signer, session_id, found.states, None, lock,
                               path=found.path, version=found.version + 1)
        if in_step:
            # The JSON the state was decoded from is what the browser holds (the diff
            # counts 50 and 50.0 as equal, as the canonical form does), so nothing needs
            # encoding again.
            active.browser_copy = found.encoded
        return active

    if stored is not None:
        # Whether the browser's copy is newer than the store's is decided by the version
        # inside the signed copy only. An older copy is never adopted: that would roll
        # the session back to a state the user (or an attacker replaying it) saved.
        if copy is not None and copy.version > stored.version:
            # A `memory` worker holding an older copy than another worker moved on to:
            # a miss in all but name, and counted as one.
            backend.stats.count("hits", -1)
            backend.stats.count("misses")
            active = resumed(copy, in_step=True)
            active.recovered = True
            return active
        if (copy is None and request.has_copy and request.version is not None
                and request.version > stored.version):
            # The browser claims a newer copy than this store holds (a stale `memory`
            # worker). The claim is unsigned, so it only earns a miss: the copy the
            # browser then sends is judged by the version it signed.
            backend.stats.count("hits", -1)
            backend.stats.count("misses")
            return _MISS
        # A patch only fits the copy it was computed from. When the browser's copy is not
        # the stored version (an event whose renders never reached it saved a newer one),
        # it gets the full state instead.
        browser_version = copy.version if copy is not None else request.version
        in_step = request.has_copy and (browser_version is None
                                        or browser_version == stored.version)
        active = resumed(stored, in_step)
        active.stored = stored.encoded
        return active

    if copy is not None:
        active = resumed(copy, in_step=True)
        active.recovered = backend.server_side
        return active
    if backend.server_side and request.has_copy and request.state is None:
        return _MISS
    return _UNKNOWN
