"""HMAC signatures for state that travels through the browser (the ``none`` backend and
the copy a browser keeps to recover from a miss).

The caller decides what is signed: the web layer signs the session id and the manifest of
the state's field digests (:meth:`mesop_cli.state_format.image.StateImage.manifest`), built
the same way when it signs and when it verifies. A salt specific to state keeps a
signature made here from being accepted by any other use of the same secret key (Flask's
session cookie, for one).

Each signature carries the time it was made and is refused once older than the signer's
maximum age. A copy is as old as the last event that produced it. The copy a server-side
backend keeps in the browser to recover from a miss gets the session TTL, so it dies with
its session. Under `none` the copy is the session, and gets a maximum age of its own,
long (MESOP_STATE_SESSION_NONE_MAX_AGE_SECONDS), or none at all: an idle tab keeps its
work, and a copy saved by someone can be replayed only within that age. An expired copy
still says how old it is (its time is under the signature), so the page can tell the
user how long the tab was idle. Verification also accepts the previous secret keys,
which is how a key is rotated without logging everybody out: their signatures expire
within one maximum age, after which the old key can go.
"""

from __future__ import annotations

import enum
import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

#: "v2": signatures cover the digests of the fields (see state_format/image.py), not the
#: whole state; a signature of the earlier kind is invalid, never misread.
_SALT = "mesop-cli.state-session.v2"
_SEP = b"."


class Verdict(enum.Enum):
    VALID = "valid"
    #: Made by one of our keys, but longer ago than the maximum age.
    EXPIRED = "expired"
    #: Not made by any of our keys over these bytes (altered, forged or malformed).
    INVALID = "invalid"


@dataclass(frozen=True)
class Checked:
    """A verdict, and for an expired signature how old it is: trustworthy, since the time
    is covered by the signature."""

    verdict: Verdict
    age_seconds: float | None = None


class StateSigner:
    """Signs with ``key``; verifies with ``key`` and ``previous_keys``, up to ``max_age``
    seconds (None: signatures never expire, as in Mesop's `none`)."""

    def __init__(self, key: str | bytes, max_age: int | None,
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
        return self.verify(data, signature).verdict

    def verify(self, data: bytes, signature: object) -> Checked:
        """:meth:`check`, with the age of an expired signature."""
        if not isinstance(signature, str) or not signature.isascii() or len(signature) > 200:
            return Checked(Verdict.INVALID)
        try:
            self._signer.unsign(data + _SEP + signature.encode("ascii"), max_age=self.max_age)
        except SignatureExpired as exc:
            # Raised only once the signature itself has verified, also for a time ahead of
            # this clock (another instance's clock is fast): that one has no age to tell.
            signed = exc.date_signed.timestamp() if exc.date_signed is not None else None
            age = None if signed is None else time.time() - signed
            return Checked(Verdict.EXPIRED, age if age is not None and age >= 0 else None)
        except BadSignature:
            return Checked(Verdict.INVALID)
        return Checked(Verdict.VALID)
