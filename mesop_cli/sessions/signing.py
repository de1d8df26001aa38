"""HMAC signatures for state that travels through the browser (the ``none`` backend and
the copy a browser keeps to recover from a miss).

The caller decides what is signed: the web layer signs the session id and the manifest of
the state's field digests (:meth:`mesop_cli.sessions.image.StateImage.manifest`), built
the same way when it signs and when it verifies. A salt specific to state keeps a
signature made here from being accepted by any other use of the same secret key (Flask's
session cookie, for one).

Each signature carries the time it was made and is refused once older than the session
TTL: a copy is as old as the last event that produced it, so an idle tab's copy dies with
its session, and an old copy saved by someone cannot be replayed for ever. Verification
also accepts the previous secret keys, which is how a key is rotated without logging
everybody out: their signatures expire within one TTL, after which the old key can go.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Sequence

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

#: "v2": signatures cover the digests of the fields (see sessions/image.py), not the
#: whole state; a signature of the earlier kind is invalid, never misread.
_SALT = "mesop-cli.state-session.v2"
_SEP = b"."


class Verdict(enum.Enum):
    VALID = "valid"
    #: Made by one of our keys, but longer ago than the TTL.
    EXPIRED = "expired"
    #: Not made by any of our keys over these bytes (altered, forged or malformed).
    INVALID = "invalid"


class StateSigner:
    """Signs with ``key``; verifies with ``key`` and ``previous_keys``, up to ``max_age`` s."""

    def __init__(self, key: str | bytes, max_age: int,
                 previous_keys: Sequence[str | bytes] = ()) -> None:
        self.max_age = max_age
        # itsdangerous signs with the last key of the list and verifies with all of them.
        keys = [*previous_keys, key]
        self._signer = TimestampSigner(keys, salt=_SALT, sep=_SEP, key_derivation="hmac",
                                       digest_method=hashlib.sha256)

    def sign(self, data: bytes) -> str:
        """``<timestamp>.<signature>``: URL-safe, without the data itself."""
        signed = self._signer.sign(data)
        return signed[len(data) + len(_SEP):].decode("ascii")

    def check(self, data: bytes, signature: object) -> Verdict:
        """Whether ``signature`` was made by :meth:`sign` over ``data`` (constant time)."""
        if not isinstance(signature, str) or not signature.isascii() or len(signature) > 200:
            return Verdict.INVALID
        try:
            self._signer.unsign(data + _SEP + signature.encode("ascii"), max_age=self.max_age)
        except SignatureExpired:
            return Verdict.EXPIRED
        except BadSignature:
            return Verdict.INVALID
        return Verdict.VALID
