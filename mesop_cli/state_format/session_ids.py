"""Session ids: 256 random bits, URL-safe base64 without padding (43 characters)."""

from __future__ import annotations

import hashlib
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


#: Hex digits of a session hash: 64 bits, so distinct sessions do not collide in practice.
HASH_LENGTH = 16
#: A session id standing alone, or after the file backend's ``mesop-session-`` prefix
#: (whose final ``-`` is a character ids may contain, so it needs its own look-behind).
_ID_IN_TEXT = re.compile(
    rf"(?:(?<=mesop-session-)|(?<![A-Za-z0-9_-]))[A-Za-z0-9_-]{{{ID_LENGTH}}}(?![A-Za-z0-9_-])"
)


def session_hash(session_id: str) -> str:
    """What logs show instead of a session id: a SHA-256 prefix.

    Whoever reads the logs learns nothing they could send as a session id (ids are
    bearer tokens), yet lines of one session share a hash, and an operator holding an id
    can compute its hash to find them. Plain SHA-256 rather than keyed, so the hash stays
    the same across restarts and key rotations.
    """
    return hashlib.sha256(session_id.encode()).hexdigest()[:HASH_LENGTH]


def redact_session_ids(text: str) -> str:
    """``text`` with anything shaped like a session id replaced by ``session#<hash>``.

    A last line of defence in the log formatters: code never logs a raw id on purpose,
    and this catches one that slips in through an exception message or a file path.
    """
    if len(text) < ID_LENGTH:
        return text
    return _ID_IN_TEXT.sub(lambda m: f"session#{session_hash(m.group())}", text)
