"""The ``redis`` backend's session mailbox (see :mod:`mesop_cli.sessions.mailbox`).

A session's entries are one list, ``<prefix>mailbox:<id>``, each element the entry id
followed by the event's bytes: a post is an ``RPUSH``, a claim takes the whole list in one
script (``LRANGE`` and ``DEL``), a withdrawal is an ``LREM`` of the exact element, so of a
claim and a withdrawal exactly one finds it. An outcome is pushed to a list of its own,
``<prefix>mailbox-ack:<id>:<entry>``, that the waiter pops with ``BLPOP``: it is woken the
moment the holder acks, on whichever instance it is. Every key expires by itself, so a
waiter or holder that died leaves nothing for long. On a cluster the id is each key's hash
tag, as for the session's other keys.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from redis.commands.core import Script

from mesop_cli.sessions.mailbox import Mailbox, MailboxEntry, new_entry_id

#: How long posted entries and outcomes survive without being taken (seconds).
KEY_EXPIRY_SECONDS = 120
#: Longest single ``BLPOP``: under the client's command timeout, which a longer block
#: would trip.
MAX_BLOCK_SECONDS = 1.0
#: The length of an entry id at the start of each element.
_ID_CHARS = len(new_entry_id())
#: The whole list, taken in one step.
_TAKE_ALL = """
local entries = redis.call('lrange', KEYS[1], 0, -1)
if #entries > 0 then
    redis.call('del', KEYS[1])
end
return entries
"""


class RedisMailbox(Mailbox):
    """Mailboxes as Redis lists; ``tagged(id)`` is the id as the backend's keys hold it
    (in braces on a cluster), ``errors()`` turns Redis failures into
    :class:`~mesop_cli.sessions.base.BackendUnavailable`."""

    shared = True
    claim_interval = 0.05

    def __init__(self, client: Any, prefix: str, tagged: Callable[[str], str],
                 errors: Callable[[], AbstractContextManager[None]]) -> None:
        self._client = client
        self._prefix = prefix
        self._tagged = tagged
        self._errors = errors
        self._take_all = Script(client, _TAKE_ALL)

    def _entries_key(self, session_id: str) -> str:
        return f"{self._prefix}mailbox:{self._tagged(session_id)}"

    def _outcome_key(self, session_id: str, entry_id: str) -> str:
        return f"{self._prefix}mailbox-ack:{self._tagged(session_id)}:{entry_id}"

    def post(self, session_id: str, data: bytes) -> str:
        entry_id = new_entry_id()
        key = self._entries_key(session_id)
        with self._errors():
            pipe = self._client.pipeline(transaction=False)
            pipe.rpush(key, entry_id.encode() + data)
            pipe.expire(key, KEY_EXPIRY_SECONDS)
            pipe.execute()
        return entry_id

    def claim_all(self, session_id: str) -> list[MailboxEntry]:
        with self._errors():
            taken = self._take_all(keys=[self._entries_key(session_id)])
        return [MailboxEntry(raw[:_ID_CHARS].decode(), raw[_ID_CHARS:]) for raw in taken]

    def ack(self, session_id: str, entry_id: str, outcome: bytes) -> None:
        key = self._outcome_key(session_id, entry_id)
        with self._errors():
            pipe = self._client.pipeline(transaction=False)
            pipe.rpush(key, outcome)
            pipe.expire(key, KEY_EXPIRY_SECONDS)
            pipe.execute()

    def wait(self, session_id: str, entry_id: str, timeout: float) -> bytes | None:
        key = self._outcome_key(session_id, entry_id)
        deadline = time.monotonic() + timeout
        while True:
            # BLPOP's timeout has a millisecond's resolution; zero would block for ever.
            block = min(max(deadline - time.monotonic(), 0.001), MAX_BLOCK_SECONDS)
            with self._errors():
                popped = self._client.blpop([key], block)
            if popped is not None:
                return popped[1]
            if time.monotonic() >= deadline:
                return None

    def withdraw(self, session_id: str, entry_id: str) -> bool:
        key = self._entries_key(session_id)
        with self._errors():
            # The element's exact bytes are not known here; find it by its id first. Only
            # the holder's claim takes elements away, in one step, so the element found
            # is either still there for LREM or gone with the whole list.
            for raw in self._client.lrange(key, 0, -1):
                if raw[:_ID_CHARS].decode() == entry_id:
                    return bool(self._client.lrem(key, 1, raw))
        return False
