"""State session backends: where a browser tab's UI state lives between events.

:func:`create_backend` builds the backend named by the settings, importing a backend's
module (and its optional dependency: redis, SQLAlchemy) only when it is the one chosen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesop_cli.config.options import BACKENDS
from mesop_cli.sessions.base import (
    BackendStats,
    BackendUnavailable,
    LockLost,
    LockTimeout,
    SessionBackend,
    SessionLock,
)
from mesop_cli.state_format.session_ids import InvalidSessionId, new_session_id, validate_session_id

if TYPE_CHECKING:
    from mesop_cli.config import Settings

__all__ = [
    "BACKENDS",
    "BackendStats",
    "BackendUnavailable",
    "InvalidSessionId",
    "LockLost",
    "LockTimeout",
    "SessionBackend",
    "SessionLock",
    "create_backend",
    "new_session_id",
    "validate_session_id",
]


def create_backend(settings: Settings) -> SessionBackend:
    """The backend named by ``settings.backend``, ready to use.

    Raises ValueError for an unknown name (listing the accepted ones) or a missing
    setting the backend needs, and :class:`BackendUnavailable` when its store cannot
    be reached or created.
    """
    name = settings.backend
    ttl = settings.ttl_seconds
    if name == "none":
        from mesop_cli.sessions.none import NoneBackend

        return NoneBackend(ttl_seconds=ttl)
    if name == "memory":
        from mesop_cli.sessions.memory import MemoryBackend

        return MemoryBackend(ttl_seconds=ttl, max_bytes=settings.memory_max_mb * 1024 * 1024)
    if name == "file":
        from mesop_cli.sessions.file import FileBackend

        return FileBackend(ttl_seconds=ttl, base_dir=settings.file_base_dir,
                           cache_bytes=settings.session_cache_mb * 1024 * 1024)
    if name == "redis":
        if not settings.redis_url:
            raise ValueError("MESOP_STATE_SESSION_BACKEND_REDIS_URL is required for redis")
        from mesop_cli.sessions.redis import RedisBackend

        return RedisBackend(url=settings.redis_url, ttl_seconds=ttl,
                            key_prefix=settings.redis_key_prefix,
                            cache_bytes=settings.session_cache_mb * 1024 * 1024)
    if name == "sql":
        if not settings.sql_connection_uri:
            raise ValueError(
                "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI is required for sql"
            )
        from mesop_cli.sessions.sql import SqlBackend

        return SqlBackend(
            uri=settings.sql_connection_uri, table=settings.sql_table, ttl_seconds=ttl,
            cache_bytes=settings.session_cache_mb * 1024 * 1024,
        )
    raise ValueError(
        f"MESOP_STATE_SESSION_BACKEND={name!r} is not a backend; "
        f"accepted: {', '.join(BACKENDS)}"
    )
