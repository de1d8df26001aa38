"""A session's mailbox: events that arrived while another event of the session streams.

A streaming handler holds its session's lock for as long as it yields, so an event of the
same tab sent meanwhile (a Stop button's click) cannot take the lock. Instead, the request
that carries it *posts* it here and waits; the lock's holder *claims* what was posted,
between two yields of its stream, runs each event on the live state, sends its render on
its own stream (the one ordered channel to the tab) and *acks* it with an outcome, which
the waiting request answers with. Should the lock come free first (the stream ended), the
waiting request *withdraws* its entry: exactly one of the holder's claim and the waiter's
withdrawal succeeds, so an event runs once, never twice, never not at all.

The waiting request may be served by another process than the holder, or another host:
where the session's lock is in a shared store (``file``, ``redis``, ``sql``), so is its
mailbox (each backend's own :class:`Mailbox`). Where the lock is the process's own
(``memory``, ``none``), so is the mailbox: :class:`LocalMailbox`, a dict of queues.

Entries and outcomes are opaque bytes (the web layer's JSON); entries of one session are
claimed in the order they were posted.
"""

from __future__ import annotations

import secrets
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from dataclasses import dataclass

#: How long an outcome nobody collected (its waiter gave up) is kept before it is dropped.
OUTCOME_KEEP_SECONDS = 300.0


@dataclass(frozen=True)
class MailboxEntry:
    """One posted event: its id (for the ack and the withdrawal) and its bytes."""

    id: str
    data: bytes


def new_entry_id() -> str:
    return secrets.token_hex(12)


class Mailbox(ABC):
    """Posted events of sessions, in the order posted; see the module docstring."""

    #: True where the mailbox is in a store that other processes reach.
    shared: bool = False
    #: The holder claims at most this often (seconds): a round trip to a store costs
    #: something, and a stream may yield hundreds of times a second. Zero: every yield.
    claim_interval: float = 0.0

    @abstractmethod
    def post(self, session_id: str, data: bytes) -> str:
        """Add an event to the session's mailbox; its entry id."""

    @abstractmethod
    def claim_all(self, session_id: str) -> list[MailboxEntry]:
        """Take every entry posted, oldest first (only the holder of the session's lock
        calls this): a claimed entry can no longer be withdrawn."""

    @abstractmethod
    def ack(self, session_id: str, entry_id: str, outcome: bytes) -> None:
        """The claimed entry ran: hand ``outcome`` to its waiter."""

    @abstractmethod
    def wait(self, session_id: str, entry_id: str, timeout: float) -> bytes | None:
        """The entry's outcome once it is acked (taken: a second call does not see it),
        or None after ``timeout`` seconds."""

    @abstractmethod
    def withdraw(self, session_id: str, entry_id: str) -> bool:
        """Take back an entry not yet claimed: True if it was (it will never run), False
        if the holder claimed it first (its outcome will come)."""


class LocalMailbox(Mailbox):
    """The mailbox of a process's own sessions: queues and outcomes in memory, one
    condition for all (waits are short, and a mailbox is rarely used)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._entries: dict[str, deque[MailboxEntry]] = {}
        #: (session id, entry id) -> (outcome, when it was acked)
        self._outcomes: dict[tuple[str, str], tuple[bytes, float]] = {}

    def post(self, session_id: str, data: bytes) -> str:
        entry = MailboxEntry(new_entry_id(), data)
        with self._changed:
            self._entries.setdefault(session_id, deque()).append(entry)
        return entry.id

    def claim_all(self, session_id: str) -> list[MailboxEntry]:
        if session_id not in self._entries:  # the common case, without the condition
            return []
        with self._changed:
            return list(self._entries.pop(session_id, ()))

    def ack(self, session_id: str, entry_id: str, outcome: bytes) -> None:
        with self._changed:
            now = time.monotonic()
            for key in [key for key, (_, acked) in self._outcomes.items()
                        if now - acked > OUTCOME_KEEP_SECONDS]:
                del self._outcomes[key]  # their waiters gave up long ago
            self._outcomes[(session_id, entry_id)] = (outcome, now)
            self._changed.notify_all()

    def wait(self, session_id: str, entry_id: str, timeout: float) -> bytes | None:
        key = (session_id, entry_id)
        deadline = time.monotonic() + timeout
        with self._changed:
            while key not in self._outcomes:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._changed.wait(left)
            return self._outcomes.pop(key)[0]

    def withdraw(self, session_id: str, entry_id: str) -> bool:
        with self._changed:
            entries = self._entries.get(session_id)
            if entries is None:
                return False
            for entry in entries:
                if entry.id == entry_id:
                    entries.remove(entry)
                    if not entries:
                        del self._entries[session_id]
                    return True
            return False
