"""Whether this process is stopping, and the events it still has to wind down.

A streaming handler can run for minutes (a chat answer). When the server is told to stop
(SIGTERM, Ctrl-C), each stream ends at its next ``yield``: the handler is closed there, so
its ``finally`` runs, and its session is saved as of that yield before the process goes.
The serving layer calls :func:`begin_shutdown` and then :func:`wait_for_events`; the
event endpoint's hooks count every event from its session's opening to its closing.
"""

from __future__ import annotations

import threading

_stopping = threading.Event()
_idle = threading.Condition()
_active = 0


def begin_shutdown() -> None:
    """Ask every running stream to end at its next yield."""
    _stopping.set()


def stopping() -> bool:
    return _stopping.is_set()


def event_opened() -> None:
    """Count one more event in flight; pair with :func:`event_closed`."""
    global _active
    with _idle:
        _active += 1


def event_closed() -> None:
    global _active
    with _idle:
        _active -= 1
        _idle.notify_all()


def wait_for_events(timeout: float) -> bool:
    """Wait until no event is in flight, at most ``timeout`` seconds; True if none is left."""
    with _idle:
        return _idle.wait_for(lambda: _active == 0, timeout)
