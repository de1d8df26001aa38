"""Session ids: 256 random bits, URL-safe base64 without padding (43 characters)."""

from __future__ import annotations

import re
import secrets

#: Characters in a session id: 32 random bytes in base64 without padding.
ID_LENGTH = 43
_ID_PATTERN = re.compile(rf"[A-Za-z0-9_-]{{{ID_LENGTH}}}")


class InvalidSessionId(ValueError):
    """A session id that could not have come from :func:`new_session_id`."""


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def validate_session_id(session_id: object) -> str:
    """Return the id unchanged, or raise before it can reach a path or a key."""
    if not isinstance(session_id, str) or not _ID_PATTERN.fullmatch(session_id):
        raise InvalidSessionId("malformed session id")
    return session_id
