"""Signatures of state that travels through the browser."""

from __future__ import annotations

import pytest

from mesop_cli.sessions.codec import canonical_bytes
from mesop_cli.sessions.signing import sign, verify

DATA = canonical_bytes({"State": {"count": 1, "text": "héllo"}})


def test_a_signature_verifies_with_the_same_data_and_secret() -> None:
    signature = sign(DATA, "secret")
    assert isinstance(signature, str) and signature.isascii()
    assert verify(DATA, signature, "secret")
    assert verify(DATA, sign(DATA, b"secret"), "secret")


def test_signatures_are_deterministic_and_depend_on_the_secret() -> None:
    assert sign(DATA, "a") == sign(DATA, "a")
    assert sign(DATA, "a") != sign(DATA, "b")
    assert not verify(DATA, sign(DATA, "a"), "b")


def test_tampered_data_is_refused() -> None:
    signature = sign(DATA, "secret")
    tampered = DATA.replace(b'"count":1', b'"count":9')
    assert tampered != DATA
    assert not verify(tampered, signature, "secret")


@pytest.mark.parametrize("bad", ["", "x", "not base64 !!", "é" * 10, None, 12])
def test_malformed_signatures_are_refused_not_raised(bad: object) -> None:
    assert verify(DATA, bad, "secret") is False  # type: ignore[arg-type]


def test_the_salt_keeps_other_uses_of_the_key_apart() -> None:
    """A plain itsdangerous signature with the same key is not a state signature."""
    from itsdangerous import Signer

    other = Signer("secret").get_signature(DATA).decode()
    assert not verify(DATA, other, "secret")
