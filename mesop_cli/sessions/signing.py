"""HMAC signatures for state that travels through the browser (the ``none`` backend and
the copy a browser keeps to recover from a miss).

The signature covers :func:`mesop_cli.sessions.codec.canonical_bytes` of the state, so
the caller signs and verifies the same canonical bytes. A salt specific to state keeps a
signature made here from being accepted by any other use of the same secret key (Flask's
session cookie, for one).
"""

from __future__ import annotations

import hashlib

from itsdangerous import Signer

_SALT = "mesop-cli.state-session"


def _signer(secret: str | bytes) -> Signer:
    return Signer(secret, salt=_SALT, key_derivation="hmac", digest_method=hashlib.sha256)


def sign(data_bytes: bytes, secret: str | bytes) -> str:
    """A URL-safe signature of ``data_bytes`` under ``secret``."""
    return _signer(secret).get_signature(data_bytes).decode("ascii")


def verify(data_bytes: bytes, signature: str, secret: str | bytes) -> bool:
    """True only for a signature made by :func:`sign` with the same secret (constant time)."""
    if not isinstance(signature, str) or not signature.isascii():
        return False
    return _signer(secret).verify_signature(data_bytes, signature.encode("ascii"))
