"""Whether this process is stopping, and the streams it still has to wind down.

A streaming handler can run for minutes (a chat answer). When the server is told to stop
(SIGTERM, Ctrl-C), each stream ends at its next ``yield``: the handler is closed there, so
its ``finally`` runs, and its session is saved as of that yield before the process goes.
The serving layer calls :func:`begin_shutdown` and then :func:`wait_for_streams`; the
event endpoint counts its streams, from the first line until the session is saved.
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


def stream_started() -> None:
    """Count one more running stream; pair with :func:`stream_ended`."""
    global _active
    with _idle:
        _active += 1


def stream_ended() -> None:
    global _active
    with _idle:
        _active -= 1
        _idle.notify_all()


def wait_for_streams(timeout: float) -> bool:
    """Wait until no stream runs, at most ``timeout`` seconds; True if none is left."""
    with _idle:
        return _idle.wait_for(lambda: _active == 0, timeout)
