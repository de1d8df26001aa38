"""One state session, opened (locked, loaded) and closed (saved, unlocked) around an event.

The order of one event, all of it in this class:

1. :func:`open_session` locks the session and loads its state image from the backend (or,
   after a miss, verifies and adopts the browser's signed copy), and hands out the state
   objects: decoded from the image, or, where the backend kept them (``memory``), as the
   previous event left them.
2. The handler changes the objects; each render becomes one message through
   :meth:`ActiveSession.render_message`: the state is captured as an image (reusing every
   field image that did not change), diffed against the browser's copy, and signed.
3. :meth:`ActiveSession.save`, at the end of the response (before its last bytes, so the
   browser can be told when it failed), saves the image of the last render (captured again
   only if the handler changed the state after it), unless it holds what the store already
   holds; only while the session's lock is still ours (else ``LockLost``: see
   :meth:`ActiveSession.retry_message`). :meth:`ActiveSession.close`, when the response
   has been sent, saves if that has not happened (the client went away) and unlocks.

Nothing here knows how state is stored; that is the backend's job.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from mesop_cli.runtime import BrowserContext, Render, ThemeSettings
from mesop_cli.runtime.browser.query_state import QueryState
from mesop_cli.sessions.base import LockLost, SessionBackend, SessionLock
from mesop_cli.state_format.codec import CodecError
from mesop_cli.state_format.diff import patch_images
from mesop_cli.state_format.image import StateImage, capture, image_from_json
from mesop_cli.state_format.session_ids import new_session_id
from mesop_cli.state_format.signing import StateSigner, Verdict
from mesop_cli.web.base_path import browser_commands, browser_path
from mesop_cli.web.protocol import EventRequest

log = logging.getLogger("mesop_cli.web")


#: How often a streaming event renews its session lock; well under the shortest expiry (60 s).
LOCK_RENEW_SECONDS = 10.0


class TamperedState(Exception):
    """The browser's copy does not match its signature."""


def _signed_payload(session_id: str, image: StateImage) -> bytes:
    # Binding the id into the signature stops one tab's copy being replayed as another's.
    return session_id.encode() + b"\n" + image.manifest()


@dataclass
class ActiveSession:
    """One session, locked for the duration of one event."""

    backend: SessionBackend
    signer: StateSigner
    id: str
    #: The state objects the handler changes.
    states: dict[str, object]
    lock: SessionLock | None
    #: The page this session is on, as the server last rendered it; None for a session
    #: that has not been rendered yet. Events are checked against this page, never against
    #: the path the browser names.
    path: str | None = None
    #: The version the next render gets. Each render has its own: a `memory` worker can
    #: hold an older copy of a session that another worker has moved on, and a browser
    #: whose stream broke off holds an earlier render of an event; the counter tells them
    #: from the saved state.
    version: int = 1
    #: What the store held when the event began; None when it held nothing usable or the
    #: browser's copy was adopted. An event that leaves it as it was writes nothing.
    stored: StateImage | None = None
    #: What the browser holds; None means it needs the full state.
    browser: StateImage | None = None
    #: The state came from the browser's copy after the store missed it.
    recovered: bool = False
    #: The objects in ``states`` are the backend's kept ones (``memory``): if the event
    #: changes them without saving, the backend must forget them.
    live: bool = False
    #: The session's theme, saved with its state. The runtime changes this very object
    #: (``me.set_theme_mode``), through :meth:`browser_context`.
    theme: ThemeSettings = field(default_factory=ThemeSettings)
    #: Said on every render of this event: the tab's session was gone for good (see
    #: :func:`idle_notice`), so this one is new and the event was not run.
    notice: str | None = None
    _closed: bool = field(default=False, repr=False)
    #: The image of the last render, and whether the state is still exactly that (the
    #: handler finished after it), so closing saves it without capturing again.
    _rendered: StateImage | None = field(default=None, repr=False)
    _rendered_is_final: bool = field(default=False, repr=False)
    _lock_renewed: float = field(default_factory=time.monotonic, repr=False)
    _saved: bool = field(default=False, repr=False)
    #: What the browser held, or was given, before this event's first render: what it
    #: goes back to when the event cannot be saved (see :meth:`retry_message`).
    _before: StateImage | None = field(default=None, repr=False)

    def render_message(self, render: Render) -> dict[str, Any]:
        """One render as the message the browser applies: the page, and the state as a
        patch of the browser's copy (or whole, when it has none) with its signature.
        Raises CodecError for state that cannot be stored."""
        self.path = render.path
        if self._rendered is not None:
            self.version += 1
        else:
            self._before = self.stored if self.stored is not None else self.browser
        image = self._capture()
        message: dict[str, Any] = {
            "type": "render",
            "session": self.id,
            "path": browser_path(render.path),  # under a base path
            "title": render.title,
            "tree": render.tree,
            "theme": self.theme.for_browser(),
        }
        if render.page_title is not None:  # me.set_page_title
            message["page_title"] = render.page_title
        if render.commands:
            message["commands"] = browser_commands(render.commands)
        if render.query is not None:  # me.query_params, me.navigate(query_params=...)
            message["query"] = render.query
        if self.notice is not None:
            message["notice"] = self.notice
        if self.browser is None:
            message["state"] = image.as_json()
        else:
            message["patch"] = patch_images(self.browser, image)
        message["sig"] = self.signer.sign(_signed_payload(self.id, image))
        self.browser = self._rendered = image
        self._rendered_is_final = False
        return message

    def _capture(self) -> StateImage:
        previous = self._rendered or self.browser or self.stored
        image = capture(self.states, previous, self.version, self.path, self.theme.as_json())
        if self.stored is not None and image.same_state(self.stored):
            # The same state keeps the same version: the browser's copy stays the stored one.
            image.version = self.stored.version
        return image

    def browser_context(self, request: EventRequest) -> BrowserContext:
        """The browser side of this event for the runtime: the session's own theme (signed
        with the state), and the colour scheme and viewport the request reported, which
        are unsigned and answer only me.theme_brightness() and me.viewport_size(), and
        the URL's query, unsigned too, which answers only me.query_params."""
        return BrowserContext(theme=self.theme, prefers_dark=request.color_scheme == "dark",
                              viewport=request.viewport, query=QueryState(request.query))

    def finished_with_render(self) -> None:
        """The handler ended on the last render: nothing changed the state since."""
        self._rendered_is_final = self._rendered is not None

    def keep_lock(self) -> None:
        """Renew an expiring lock (Redis, SQLite) now and then while a handler streams, so
        an event longer than the lock's expiry keeps its session to itself. Raises
        LockLost when the renewal fails: the event's save would be refused, so the
        handler may as well stop."""
        if self.lock is None or time.monotonic() - self._lock_renewed < LOCK_RENEW_SECONDS:
            return
        self.lock.renew()
        self._lock_renewed = time.monotonic()

    def save(self) -> None:
        """Save the event's state, once; later calls do nothing. A failed save is logged,
        not raised: the browser still holds a signed copy, so the next event recovers it.
        Except LockLost: the session's lock was lost, another event may have saved since,
        so the browser's copy of this event must not be kept (:meth:`retry_message`)."""
        if self._saved:
            return
        self._saved = True
        try:
            if self.backend.server_side:
                self._save()
        except LockLost:
            self._forget_live()
            raise
        except CodecError as exc:
            # The app put a value in state that cannot be stored: the store keeps the
            # state as it was before the event, and so must the kept objects.
            log.error("state not saved: %s", exc)
            self._forget_live()
        except Exception:
            log.exception("could not save session state to the %s backend", self.backend.name)
            self._forget_live()

    def close(self) -> None:
        """Save (unless :meth:`save` did) and unlock; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        try:
            self.save()
        except LockLost as exc:
            # The response has gone (or the client has): nobody left to tell.
            log.warning("state not saved, the session's lock was lost: %s", exc)
        finally:
            if self.lock is not None:
                self.lock.release()

    def _save(self) -> None:
        image = self._rendered if self._rendered_is_final else self._capture()
        assert image is not None
        if self.stored is not None and image.version == self.stored.version:
            # A read-only event writes nothing: loading already renewed the expiry.
            return
        image.states = self.states
        # Fenced by the lock: written only while it is still ours (LockLost otherwise).
        self.backend.save_image(self.id, image, self.lock)

    def retry_message(self) -> dict[str, Any]:
        """The last line of an event whose save was refused (LockLost): the browser must
        send the event again, and first drop what this event's renders gave it, since the
        store never held that state and another event's saved state may carry the same
        version. It goes back to the copy the event started from (signed again here), or
        to none when there was none; its copy is untouched when no render was sent."""
        message: dict[str, Any] = {
            "type": "retry",
            "message": "This change was not saved: another request took over the session "
                       "meanwhile.",
        }
        if self._rendered is None:
            return message
        before = self._before
        message["session"] = self.id
        message["state"] = None if before is None else before.as_json()
        if before is not None:
            message["sig"] = self.signer.sign(_signed_payload(self.id, before))
        return message

    def release_unsaved(self) -> None:
        """Unlock without saving, for an event refused before its handler ran: a save would
        only move the version past the copy the browser holds, for the same state."""
        self._closed = True
        # Rendering the page to find the handler ran app code, which may have touched
        # the objects; the backend decodes afresh next time rather than trust them.
        self._forget_live()
        if self.lock is not None:
            self.lock.release()

    def _forget_live(self) -> None:
        if self.live:
            self.backend.forget_live(self.id)


def open_session(
    backend: SessionBackend,
    request: EventRequest,
    classes: dict[str, type],
    signer: StateSigner,
    lock_timeout: float,
    held: SessionLock | None = None,
) -> ActiveSession | None:
    """Lock and load the request's session; None means a miss the browser must answer
    by resending its copy. ``held``: the request's session's lock, already taken.

    Every backend locks, ``none`` too (its lock is the process's own): an event sent
    while another event of the session streams finds the session busy, and is run
    between that stream's yields (``merged_events.py``) rather than beside it.

    Session ids come from the server: an id that neither the store nor a valid signed
    copy knows is never adopted (that would let a page fix a victim's session id, and
    let anyone fill the store with ids of their choosing); a new session under a new id
    is started instead.
    """
    found: ActiveSession | _Outcome | _Expired | None = None
    if request.session_id is not None:
        lock = held if held is not None else backend.lock(request.session_id,
                                                          timeout=lock_timeout)
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
    lock = backend.lock(session_id, timeout=lock_timeout)
    fresh = ActiveSession(backend, signer, session_id, {}, lock)
    if isinstance(found, _Expired):
        # Never a silent reset: the page says why it starts afresh, and the event that
        # found it so is not run against a state the user has not seen.
        fresh.notice = idle_notice(found.age_seconds)
    return fresh


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
class _Expired:
    """The session is gone for good: the store no longer holds it (or never did: `none`)
    and the browser's copy, made by us, is older than its maximum age."""

    #: How long ago the copy was signed, that is since the tab's last event; None when
    #: that cannot be told (a copy signed ahead of this server's clock).
    age_seconds: float | None


def idle_notice(age_seconds: float | None) -> str:
    """What the page says when its session expired, in the largest unit that fits."""
    if age_seconds is None:
        return "This page was reset: its session had expired."
    return f"This page was reset after being idle for {_duration(age_seconds)}."


def _duration(seconds: float) -> str:
    for unit, size, up_to in (("second", 1, 120), ("minute", 60, 120 * 60),
                              ("hour", 3600, 48 * 3600), ("day", 86_400, None)):
        if up_to is None or seconds < up_to:
            count = int(seconds // size)
            return f"{count} {unit}" + ("" if count == 1 else "s")
    raise AssertionError("unreachable: the last unit has no bound")


@dataclass(frozen=True)
class _Found:
    """A state image with its state objects, ready for an event."""

    image: StateImage
    states: dict[str, object]
    #: The objects are the backend's kept ones, not decoded for this event.
    live: bool


def _with_states(image: StateImage, classes: dict[str, type]) -> _Found:
    """Raises CodecError for state that does not decode into the app's classes."""
    live = image.live_states(classes)
    if live is not None:
        return _Found(image, live, live=True)
    return _Found(image, image.decode(classes), live=False)


def _stored(backend: SessionBackend, session_id: str, classes: dict[str, type]
            ) -> _Found | None:
    if not backend.server_side:
        return None
    try:
        # Counted by the caller, which alone can tell a stale copy (a miss) from a hit.
        image = backend.load_image(session_id, count=False)
        return None if image is None else _with_states(image, classes)
    except (ValueError, CodecError) as exc:
        # Typically a state class changed shape across a reload, or bytes written by
        # another version; the session starts afresh.
        log.warning("discarding stored state of a session: %s", exc)
        return None


def copy_is_ours(signer: StateSigner, request: EventRequest) -> bool:
    """The request carries a copy of its session's state that we signed (expired or
    not): under ``none`` that copy, not the id, is what shows the tab owns the session."""
    if request.state is None or request.session_id is None:
        return False
    try:
        copy = image_from_json(request.state)
    except CodecError:
        return False
    checked = signer.verify(_signed_payload(request.session_id, copy), request.signature)
    return checked.verdict is not Verdict.INVALID


def _browser_copy(signer: StateSigner, request: EventRequest, session_id: str,
                  classes: dict[str, type]) -> _Found | _Expired | None:
    """The browser's signed copy, verified; None when it sent none, :class:`_Expired`
    when it is older than its maximum age. Raises TamperedState for a copy that we did
    not sign."""
    if request.state is None:
        return None
    try:
        copy = image_from_json(request.state)
    except CodecError as exc:
        raise TamperedState(f"the state sent by the browser is not valid: {exc}") from None
    checked = signer.verify(_signed_payload(session_id, copy), request.signature)
    if checked.verdict is Verdict.INVALID:
        raise TamperedState("the state sent by the browser does not match its signature")
    if checked.verdict is Verdict.EXPIRED:
        log.info("a browser's state copy is older than its maximum age (%s s); the tab "
                 "starts afresh and is told so", signer.max_age)
        return _Expired(checked.age_seconds)
    try:
        return _with_states(copy, classes)
    except CodecError as exc:
        raise TamperedState(f"the state sent by the browser does not decode: {exc}") from None


def _resume(
    backend: SessionBackend,
    signer: StateSigner,
    request: EventRequest,
    lock: SessionLock | None,
    classes: dict[str, type],
) -> ActiveSession | _Outcome | _Expired:
    session_id = request.session_id
    assert session_id is not None
    stored = _stored(backend, session_id, classes)
    try:
        sent = _browser_copy(signer, request, session_id, classes)
    except TamperedState:
        if backend.server_side:
            backend.count_lookup(found=stored is not None)
        raise
    expired = sent if isinstance(sent, _Expired) else None
    copy = sent if isinstance(sent, _Found) else None

    def resumed(found: _Found, in_step: bool) -> ActiveSession:
        active = ActiveSession(backend, signer, session_id, found.states, lock,
                               path=found.image.path, version=found.image.version + 1,
                               live=found.live, theme=ThemeSettings.from_json(found.image.theme))
        if in_step:
            # The image is what the browser holds (the diff counts 50 and 50.0 as equal,
            # as the canonical form does), so only what the event changes is sent.
            active.browser = found.image
        return active

    if stored is None:
        if backend.server_side:
            backend.count_lookup(found=False)
    else:
        stored_version = stored.image.version
        # Whether the browser's copy is newer than the store's is decided by the version
        # inside the signed copy only. An older copy is never adopted: that would roll
        # the session back to a state the user (or an attacker replaying it) saved.
        if copy is not None and copy.image.version > stored_version:
            # A `memory` worker holding an older copy than another worker moved on to:
            # a miss in all but name, and counted as one.
            backend.count_lookup(found=False)
            active = resumed(copy, in_step=True)
            active.recovered = True
            return active
        if (copy is None and request.has_copy and request.version is not None
                and request.version > stored_version):
            # The browser claims a newer copy than this store holds (a stale `memory`
            # worker). The claim is unsigned, so it only earns a miss: the copy the
            # browser then sends is judged by the version it signed.
            backend.count_lookup(found=False)
            # The browser already sent its copy, and it expired: asking again would only
            # end in a silent fresh start; the store's older state is never adopted.
            return _MISS if expired is None else expired
        backend.count_lookup(found=True)
        # A patch only fits the copy it was computed from. When the browser's copy is not
        # the stored version (an event whose renders never reached it saved a newer one),
        # it gets the full state instead.
        browser_version = copy.image.version if copy is not None else request.version
        in_step = request.has_copy and (browser_version is None
                                        or browser_version == stored_version)
        active = resumed(stored, in_step)
        active.stored = stored.image
        return active

    if copy is not None:
        active = resumed(copy, in_step=True)
        active.recovered = backend.server_side
        return active
    if expired is not None:
        return expired
    if backend.server_side and request.has_copy and request.state is None:
        return _MISS
    return _UNKNOWN
