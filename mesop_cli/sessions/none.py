"""The ``none`` backend: nothing is kept on the server.

The state travels to the browser and back with every event, signed by
:mod:`mesop_cli.state_format.signing`; the web layer verifies the signature. This class exists
so that every backend answers the same interface: it always misses and stores nothing.
"""

from __future__ import annotations

from mesop_cli.sessions.base import SessionBackend


class NoneBackend(SessionBackend):
    name = "none"
    server_side = False

    def retrieve(self, session_id: str) -> bytes | None:
        return None

    def upsert(self, session_id: str, data: bytes) -> None:
        """Nothing to do: the browser holds the state."""

    def delete(self, session_id: str) -> None:
        """Nothing to do: the browser holds the state."""
