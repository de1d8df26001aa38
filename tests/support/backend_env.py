"""The environment that serves an app on a given backend, for tests that start real
servers on each of them (the stores a test uses are its own: a directory, a key prefix, a
SQLite file)."""

from __future__ import annotations

import uuid
from pathlib import Path

from tests.support.services import redis_url

#: One secret for every instance a test starts: signed copies are read by any of them.
SECRET = "backend-env-test-secret-" * 3


def backend_env(kind: str, directory: Path) -> dict[str, str]:
    env = {"MESOP_STATE_SESSION_BACKEND": kind, "MESOP_SECRET_KEY": SECRET}
    if kind == "file":
        env["MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR"] = str(directory / "sessions")
    elif kind == "redis":
        env["MESOP_STATE_SESSION_BACKEND_REDIS_URL"] = redis_url()
        env["MESOP_STATE_SESSION_BACKEND_REDIS_KEY_PREFIX"] = f"mesop-test-{uuid.uuid4().hex}:"
    elif kind == "sql":
        env["MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI"] = f"sqlite:///{directory}/s.db"
    return env
