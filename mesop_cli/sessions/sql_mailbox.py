"""The ``sql`` backend's session mailbox (see :mod:`mesop_cli.sessions.mailbox`).

One table, ``<table>_mailbox``, created with the sessions table: a row per entry, keyed
by an entry id that starts with the time it was posted (so a session's entries sort in
the order posted), with its state: ``posted``, ``claimed`` or ``acked`` (with the
outcome). A claim and a withdrawal are each one statement conditioned on ``posted``
(``UPDATE ... WHERE state = 'posted'``, ``DELETE ... WHERE state = 'posted'``): the
database lets exactly one of them change the row. The waiter polls its row for the
outcome and deletes it; rows nobody took are swept with the sessions.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlalchemy import Column, Float, LargeBinary, MetaData, String, Table, delete, select, update
from sqlalchemy.engine import Connection

from mesop_cli.sessions.mailbox import Mailbox, MailboxEntry, new_entry_id
from mesop_cli.state_format.session_ids import ID_LENGTH

#: How often a waiter looks for its outcome.
POLL_SECONDS = 0.02
#: Rows older than this are left over by a process that died; the sweep removes them.
STALE_SECONDS = 300.0
_POSTED, _CLAIMED, _ACKED = "posted", "claimed", "acked"


def mailbox_table(table: str, metadata: MetaData) -> Table:
    return Table(
        f"{table}_mailbox",
        metadata,
        Column("entry_id", String(48), primary_key=True),
        Column("session_id", String(ID_LENGTH), nullable=False, index=True),
        Column("state", String(8), nullable=False),
        Column("data", LargeBinary, nullable=False),
        Column("outcome", LargeBinary, nullable=True),
        Column("posted_at", Float, nullable=False, index=True),
    )


class SqlMailbox(Mailbox):
    """Mailboxes as rows of ``table``; ``transaction()`` is the backend's (tables made,
    failures turned into :class:`~mesop_cli.sessions.base.BackendUnavailable`)."""

    shared = True
    claim_interval = 0.05

    def __init__(self, table: Table,
                 transaction: Callable[[], AbstractContextManager[Connection]]) -> None:
        self._table = table
        self._transaction = transaction

    def post(self, session_id: str, data: bytes) -> str:
        entry_id = f"{time.time_ns():020d}.{new_entry_id()}"
        with self._transaction() as conn:
            conn.execute(self._table.insert().values(
                entry_id=entry_id, session_id=session_id, state=_POSTED, data=data,
                outcome=None, posted_at=time.time()))
        return entry_id

    def claim_all(self, session_id: str) -> list[MailboxEntry]:
        t = self._table
        claimed: list[MailboxEntry] = []
        with self._transaction() as conn:
            rows = conn.execute(
                select(t.c.entry_id, t.c.data)
                .where(t.c.session_id == session_id, t.c.state == _POSTED)
                .order_by(t.c.entry_id)).all()
            for entry_id, data in rows:
                taken = conn.execute(update(t).where(t.c.entry_id == entry_id,
                                                     t.c.state == _POSTED)
                                     .values(state=_CLAIMED)).rowcount
                if taken:
                    claimed.append(MailboxEntry(entry_id, bytes(data)))
        return claimed

    def ack(self, session_id: str, entry_id: str, outcome: bytes) -> None:
        t = self._table
        with self._transaction() as conn:
            conn.execute(update(t).where(t.c.entry_id == entry_id)
                         .values(state=_ACKED, outcome=outcome))

    def wait(self, session_id: str, entry_id: str, timeout: float) -> bytes | None:
        t = self._table
        deadline = time.monotonic() + timeout
        while True:
            with self._transaction() as conn:
                outcome = conn.execute(select(t.c.outcome).where(
                    t.c.entry_id == entry_id, t.c.state == _ACKED)).scalar_one_or_none()
                if outcome is not None:
                    conn.execute(delete(t).where(t.c.entry_id == entry_id))
                    return bytes(outcome)
            if time.monotonic() >= deadline:
                return None
            time.sleep(POLL_SECONDS)

    def withdraw(self, session_id: str, entry_id: str) -> bool:
        t = self._table
        with self._transaction() as conn:
            return bool(conn.execute(delete(t).where(t.c.entry_id == entry_id,
                                                     t.c.state == _POSTED)).rowcount)

    def sweep(self, conn: Connection) -> None:
        """Remove rows a process that died left, in the backend's sweep transaction."""
        conn.execute(delete(self._table).where(
            self._table.c.posted_at < time.time() - STALE_SECONDS))
