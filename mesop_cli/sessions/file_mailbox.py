"""The ``file`` backend's session mailbox (see :mod:`mesop_cli.sessions.mailbox`).

Entries are files in ``mesop-mailbox/`` inside the backend's private directory, named
``<session id>.<time>.<token>.event`` so that a session's entries sort in the order
posted; each is written to a temporary file and renamed into place, so it appears whole.
A claim renames each entry to ``.claimed`` before reading it, a withdrawal unlinks the
entry: of a rename and an unlink of one name, exactly one succeeds. An outcome is a file
``<session id>.<entry id>.ack``, written the same way, that the waiter polls for and
removes. Files nobody took (a waiter or holder that died) are swept with the sessions.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable

from mesop_cli.sessions.base import BackendUnavailable
from mesop_cli.sessions.mailbox import Mailbox, MailboxEntry, new_entry_id

DIRECTORY = "mesop-mailbox"
#: How often a waiter looks for its outcome.
POLL_SECONDS = 0.01
#: Files older than this are left over by a process that died; the sweep removes them.
STALE_SECONDS = 300.0
_EVENT, _CLAIMED, _ACK, _TMP = ".event", ".claimed", ".ack", ".tmp"


class FileMailbox(Mailbox):
    """Mailboxes as files in ``<directory>/mesop-mailbox``; ``restore`` makes the
    backend's private directory again when it was removed."""

    shared = True
    claim_interval = 0.05

    def __init__(self, directory: str, restore: Callable[[], None]) -> None:
        self._parent = directory
        self._dir = os.path.join(directory, DIRECTORY)
        self._restore = restore

    def _path(self, session_id: str, entry_id: str, suffix: str) -> str:
        return os.path.join(self._dir, f"{session_id}.{entry_id}{suffix}")

    def _write(self, path: str, data: bytes) -> None:
        try:
            fd, tmp = tempfile.mkstemp(suffix=_TMP, dir=self._dir)
        except FileNotFoundError:
            if not os.path.isdir(self._parent):
                self._restore()
            with contextlib.suppress(FileExistsError):
                os.mkdir(self._dir, 0o700)
            fd, tmp = tempfile.mkstemp(suffix=_TMP, dir=self._dir)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.rename(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def post(self, session_id: str, data: bytes) -> str:
        entry_id = f"{time.time_ns():020d}.{new_entry_id()}"
        try:
            self._write(self._path(session_id, entry_id, _EVENT), data)
        except OSError as exc:
            raise _unavailable("post an event", exc) from None
        return entry_id

    def claim_all(self, session_id: str) -> list[MailboxEntry]:
        start = f"{session_id}."
        try:
            names = sorted(name for name in os.listdir(self._dir)
                           if name.startswith(start) and name.endswith(_EVENT))
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise _unavailable("read the mailbox", exc) from None
        claimed: list[MailboxEntry] = []
        for name in names:
            entry_id = name[len(start):-len(_EVENT)]
            path = os.path.join(self._dir, name)
            taken = self._path(session_id, entry_id, _CLAIMED)
            try:
                os.rename(path, taken)
            except FileNotFoundError:
                continue  # withdrawn meanwhile
            except OSError as exc:
                raise _unavailable("claim an event", exc) from None
            try:
                with open(taken, "rb") as source:
                    claimed.append(MailboxEntry(entry_id, source.read()))
                os.unlink(taken)
            except OSError as exc:
                raise _unavailable("read an event", exc) from None
        return claimed

    def ack(self, session_id: str, entry_id: str, outcome: bytes) -> None:
        try:
            self._write(self._path(session_id, entry_id, _ACK), outcome)
        except OSError as exc:
            raise _unavailable("answer an event", exc) from None

    def wait(self, session_id: str, entry_id: str, timeout: float) -> bytes | None:
        path = self._path(session_id, entry_id, _ACK)
        deadline = time.monotonic() + timeout
        while True:
            try:
                with open(path, "rb") as source:
                    outcome = source.read()
                os.unlink(path)
                return outcome
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise _unavailable("read an answer", exc) from None
            if time.monotonic() >= deadline:
                return None
            time.sleep(POLL_SECONDS)

    def withdraw(self, session_id: str, entry_id: str) -> bool:
        try:
            os.unlink(self._path(session_id, entry_id, _EVENT))
        except FileNotFoundError:
            return False  # claimed (renamed) first
        except OSError as exc:
            raise _unavailable("withdraw an event", exc) from None
        return True

    def sweep(self) -> None:
        """Remove what a process that died left: entries, outcomes, temporary files."""
        cutoff = time.time() - STALE_SECONDS
        try:
            entries = list(os.scandir(self._dir))
        except OSError:
            return
        for entry in entries:
            with contextlib.suppress(OSError):
                if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)


def _unavailable(action: str, exc: OSError) -> BackendUnavailable:
    return BackendUnavailable(f"cannot {action} in the session mailbox: {exc.strerror or exc}")
