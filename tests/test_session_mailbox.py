"""The session mailbox contract (sessions/mailbox.py), on every backend of the contract
suite: events posted while a session's lock is held are claimed once, in order; a
withdrawal and a claim never both succeed; an ack wakes its waiter; and where the lock
is shared between processes, so is the mailbox (two backend objects on one store stand
for two instances)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mesop_cli.sessions.base import SessionBackend
from mesop_cli.state_format.session_ids import new_session_id
from tests.test_sessions_contract import (  # noqa: F401  (the module's cleanup fixture)
    BACKENDS,
    _drop_what_this_run_stored,
    _maker,
)

#: Where the lock is in a store that other processes reach: the mailbox must be too.
SHARED = ("file", "redis", "redis-cluster", "sql-sqlite", "sql-postgresql")


@pytest.fixture(params=BACKENDS)
def make_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    yield from _maker(request, tmp_path)


@pytest.fixture
def backend(make_backend: Callable[..., SessionBackend]) -> SessionBackend:
    return make_backend()


def test_entries_are_claimed_once_in_the_order_posted(backend: SessionBackend) -> None:
    sid, other = new_session_id(), new_session_id()
    mailbox = backend.mailbox
    assert mailbox.claim_all(sid) == []
    ids = [mailbox.post(sid, f"event {n}".encode()) for n in range(5)]
    mailbox.post(other, b"another session's")
    claimed = mailbox.claim_all(sid)
    assert [entry.id for entry in claimed] == ids
    assert [entry.data for entry in claimed] == [f"event {n}".encode() for n in range(5)]
    assert mailbox.claim_all(sid) == []  # taken: never claimed twice
    assert [entry.data for entry in mailbox.claim_all(other)] == [b"another session's"]


def test_bytes_survive_as_they_are(backend: SessionBackend) -> None:
    sid = new_session_id()
    data = bytes(range(256)) + '{"value": "é\\n"}'.encode() + b"\x00" * 3
    backend.mailbox.post(sid, data)
    assert [entry.data for entry in backend.mailbox.claim_all(sid)] == [data]


def test_withdraw_and_claim_exclude_each_other(backend: SessionBackend) -> None:
    sid = new_session_id()
    mailbox = backend.mailbox
    first, second, third = (mailbox.post(sid, name) for name in (b"a", b"b", b"c"))
    assert mailbox.withdraw(sid, second) is True
    assert mailbox.withdraw(sid, second) is False  # already gone
    claimed = mailbox.claim_all(sid)
    assert [entry.id for entry in claimed] == [first, third]  # the others keep their order
    assert mailbox.withdraw(sid, first) is False  # claimed: its outcome will come instead


def test_an_ack_wakes_its_waiter_with_the_outcome(backend: SessionBackend) -> None:
    sid = new_session_id()
    mailbox = backend.mailbox
    entry = mailbox.post(sid, b"stop")
    assert mailbox.wait(sid, entry, 0.05) is None  # nobody acked it
    got: list[bytes | None] = []
    waiter = threading.Thread(target=lambda: got.append(mailbox.wait(sid, entry, 10.0)))
    waiter.start()
    (claimed,) = mailbox.claim_all(sid)
    mailbox.ack(sid, claimed.id, b'{"type": "merged"}')
    waiter.join(15.0)
    assert got == [b'{"type": "merged"}']
    assert mailbox.wait(sid, entry, 0.05) is None  # an outcome is taken once


def test_outcomes_of_entries_stay_apart(backend: SessionBackend) -> None:
    sid = new_session_id()
    mailbox = backend.mailbox
    one, two = mailbox.post(sid, b"1"), mailbox.post(sid, b"2")
    mailbox.claim_all(sid)
    mailbox.ack(sid, two, b"second")
    mailbox.ack(sid, one, b"first")
    assert mailbox.wait(sid, one, 5.0) == b"first"
    assert mailbox.wait(sid, two, 5.0) == b"second"


def test_try_lock_answers_none_while_the_session_is_held(backend: SessionBackend) -> None:
    sid = new_session_id()
    held = backend.lock(sid, timeout=5.0)
    try:
        assert backend.try_lock(sid, 0.05) is None
    finally:
        held.release()
    again = backend.try_lock(sid, 5.0)
    assert again is not None
    again.release()


def test_a_shared_store_shares_its_mailbox(make_backend: Callable[..., SessionBackend],
                                           request: pytest.FixtureRequest) -> None:
    """Two backend objects on one store are two instances: an event posted through one
    is claimed through the other, and its outcome comes back. A process's own lock
    (memory, none) goes with a mailbox of its own."""
    holder, waiter = make_backend(), make_backend()
    shared = request.node.callspec.id in SHARED
    assert holder.mailbox.shared is shared
    sid = new_session_id()
    if not shared:
        # Each backend object is a process of its own: nothing crosses between them.
        waiter.mailbox.post(sid, b"stays with its own process")
        assert holder.mailbox.claim_all(sid) == []
        return
    entry = waiter.mailbox.post(sid, b"from the other instance")
    (claimed,) = holder.mailbox.claim_all(sid)
    assert (claimed.id, claimed.data) == (entry, b"from the other instance")
    assert waiter.mailbox.withdraw(sid, entry) is False
    holder.mailbox.ack(sid, entry, b"done")
    assert waiter.mailbox.wait(sid, entry, 5.0) == b"done"


def test_withdrawal_races_a_claim_and_exactly_one_wins(backend: SessionBackend) -> None:
    """Many rounds of a waiter withdrawing while the holder claims: every entry is either
    claimed or withdrawn, never both, never neither."""
    sid = new_session_id()
    mailbox = backend.mailbox
    for _ in range(30):
        entry = mailbox.post(sid, b"x")
        withdrawn: list[bool] = []
        racer = threading.Thread(target=lambda entry=entry, out=withdrawn: out.append(
            mailbox.withdraw(sid, entry)))
        racer.start()
        claimed = [e.id for e in mailbox.claim_all(sid)]
        racer.join(10.0)
        assert withdrawn[0] != (claimed == [entry]), (withdrawn, claimed)
        assert claimed in ([], [entry])
