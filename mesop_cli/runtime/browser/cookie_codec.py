"""Turning a cookie class's JSON into a cookie value and back: plain, signed or encrypted.

- plain: the JSON in URL-safe base64 (JSON's quotes and commas cannot go in a cookie);
- signed: the same, with an HMAC-SHA256 signature (itsdangerous), readable but not
  changeable by the browser;
- encrypted: a Fernet token (``cryptography``), neither readable nor changeable.

Keys are derived from the launcher's secret (``MESOP_SECRET_KEY``), never used as it is:
signatures use their own salt (not the state signer's), encryption its own HKDF salt, and
both bind the cookie's name, so a value made for one cookie class is refused by another.
A value made with the previous secret (``MESOP_SECRET_KEY_PREVIOUS``) is still read,
which is how the secret is rotated without logging anybody out.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
from typing import Literal

from itsdangerous import BadSignature, Signer

from mesop_cli.runtime.browser.cookie_jar import CookieSecrets
from mesop_cli.runtime.browser.cookie_rules import MAX_COOKIE_BYTES

Protection = Literal["plain", "signed", "encrypted"]

_SIGN_SALT = "mesop-cli.cookie.signed.v1"
_FERNET_SALT = b"mesop-cli.cookie.encrypted.v1"

INSTALL_HINT = "pip install 'mesop-cli[cookies]'"


class CookieRefused(Exception):
    """A cookie value that does not decode; the message says why, never what it held."""


def encryption_available() -> bool:
    try:
        import cryptography.fernet  # noqa: F401
        import cryptography.hazmat.primitives.kdf.hkdf  # noqa: F401
    except ImportError:
        return False
    return True


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise CookieRefused("it is not base64") from None


def _signer(name: str, secrets: CookieSecrets) -> Signer:
    # itsdangerous signs with the last key and verifies with every one of them.
    return Signer([*secrets.previous, secrets.current], salt=f"{_SIGN_SALT} {name}",
                  key_derivation="hmac", digest_method=hashlib.sha256)


@functools.lru_cache(maxsize=256)
def _fernet_key(secret: str, name: str) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=_FERNET_SALT,
                   info=f"cookie {name}".encode()).derive(secret.encode())
    return base64.urlsafe_b64encode(derived)


def _fernet(name: str, secrets: CookieSecrets):  # -> cryptography.fernet.MultiFernet
    from cryptography.fernet import Fernet, MultiFernet

    # MultiFernet encrypts with the first key and decrypts with any.
    keys = [secrets.current, *secrets.previous]
    return MultiFernet([Fernet(_fernet_key(key, name)) for key in keys])


def encode(data: bytes, name: str, protection: Protection,
           secrets: CookieSecrets | None) -> str:
    """The cookie value carrying ``data``."""
    if protection == "plain":
        return _b64encode(data)
    if secrets is None:
        raise RuntimeError(f"a {protection} cookie needs the server's secret key, which only "
                           "a served event has")
    if protection == "signed":
        return _signer(name, secrets).sign(_b64encode(data)).decode("ascii")
    return _fernet(name, secrets).encrypt(data).decode("ascii")


def decode(value: str, name: str, protection: Protection,
           secrets: CookieSecrets | None) -> bytes:
    """The data ``value`` carries; CookieRefused when it was altered, made with a key we do
    not have, or is not ours at all."""
    if len(value) > MAX_COOKIE_BYTES or not value.isascii():
        raise CookieRefused("it is not a value this server made")
    if protection == "plain":
        return _b64decode(value)
    if secrets is None:
        raise CookieRefused("no secret key to check it with outside a served event")
    if protection == "signed":
        try:
            return _b64decode(_signer(name, secrets).unsign(value).decode("ascii"))
        except BadSignature:
            raise CookieRefused("its signature does not match (altered, or signed with "
                                "another key)") from None
    from cryptography.fernet import InvalidToken

    try:
        return _fernet(name, secrets).decrypt(value.encode("ascii"))
    except InvalidToken:
        raise CookieRefused("it does not decrypt (altered, or encrypted with another "
                            "key)") from None
