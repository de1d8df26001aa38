"""One INFO line per event: its kind, page, handler, duration, backend and session hash."""

from __future__ import annotations

import logging

from mesop_cli.logs.formatters import FIELDS
from mesop_cli.state_format.session_ids import session_hash

#: Its own logger, so the event lines can be silenced (or raised to) on their own.
EVENT_LOGGER = logging.getLogger("mesop_cli.events")


def log_event(
    kind: str, path: str | None, handler: str | None, seconds: float, backend: str,
    session_id: str, failed: bool,
) -> None:
    """Log an event that ran (``kind`` "load" for a page load, whose handler is None).

    Returns at once when INFO is off for the logger, so an event pays for neither the
    hash nor the formatting then.
    """
    if not EVENT_LOGGER.isEnabledFor(logging.INFO):
        return
    session = session_hash(session_id)
    duration_ms = round(seconds * 1000, 2)
    outcome = "error" if failed else "ok"
    EVENT_LOGGER.info(
        "event %s on %s%s: %s in %.1f ms (backend %s, session %s)",
        kind, path, f" by {handler}" if handler else "", outcome, duration_ms, backend,
        session,
        extra={FIELDS: {"event": kind, "path": path, "handler": handler,
                        "duration_ms": duration_ms, "backend": backend,
                        "session_hash": session, "outcome": outcome}},
    )
