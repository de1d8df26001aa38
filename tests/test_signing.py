"""Signatures of state that travels through the browser: timed, salted, rotatable."""

from __future__ import annotations

import pytest

from mesop_cli.state_format.codec import canonical_bytes
from mesop_cli.state_format.signing import StateSigner, Verdict

DATA = canonical_bytes({"State": {"count": 1, "text": "héllo"}})


class FakeClock:
    """Stands in for itsdangerous' clock, so expiry is tested without waiting."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock(1_800_000_000.0)
    monkeypatch.setattr("itsdangerous.timed.time.time", fake)
    return fake


def test_a_signature_verifies_with_the_same_data_and_key() -> None:
    signature = StateSigner("secret", 600).sign(DATA)
    assert isinstance(signature, str) and signature.isascii()
    assert StateSigner("secret", 600).check(DATA, signature) is Verdict.VALID
    assert StateSigner(b"secret", 600).check(DATA, signature) is Verdict.VALID


def test_signatures_depend_on_the_key() -> None:
    signature = StateSigner("a", 600).sign(DATA)
    assert StateSigner("b", 600).check(DATA, signature) is Verdict.INVALID


def test_tampered_data_is_refused() -> None:
    signature = StateSigner("secret", 600).sign(DATA)
    tampered = DATA.replace(b'"count":1', b'"count":9')
    assert tampered != DATA
    assert StateSigner("secret", 600).check(tampered, signature) is Verdict.INVALID


def test_a_signature_expires_after_max_age(clock: FakeClock) -> None:
    signer = StateSigner("secret", 600)
    signature = signer.sign(DATA)
    clock.now += 600
    assert signer.check(DATA, signature) is Verdict.VALID
    clock.now += 2
    assert signer.check(DATA, signature) is Verdict.EXPIRED


def test_an_altered_timestamp_is_invalid_not_fresh(clock: FakeClock) -> None:
    """The time is under the signature: moving it forward to dodge expiry breaks it."""
    signer = StateSigner("secret", 600)
    stamp, mac = signer.sign(DATA).split(".")
    clock.now += 1000
    newer_stamp = StateSigner("other", 600).sign(DATA).split(".")[0]
    assert newer_stamp != stamp
    assert signer.check(DATA, f"{newer_stamp}.{mac}") is Verdict.INVALID


def test_rotation_accepts_the_previous_key_for_verification_only(clock: FakeClock) -> None:
    old = StateSigner("old-key", 600)
    signed_before_rotation = old.sign(DATA)
    rotated = StateSigner("new-key", 600, previous_keys=["old-key"])
    assert rotated.check(DATA, signed_before_rotation) is Verdict.VALID
    # New signatures are made with the new key only.
    fresh = rotated.sign(DATA)
    assert StateSigner("new-key", 600).check(DATA, fresh) is Verdict.VALID
    assert old.check(DATA, fresh) is Verdict.INVALID
    # The grace period is the TTL: old signatures expire like any other.
    clock.now += 601
    assert rotated.check(DATA, signed_before_rotation) is Verdict.EXPIRED
    # Without the previous key the old signature is simply not ours.
    assert StateSigner("new-key", 600).check(DATA, signed_before_rotation) is Verdict.INVALID


@pytest.mark.parametrize("bad", ["", "x", "not base64 !!", "é" * 10, None, 12, "a.b.c",
                                 "x" * 10_000])
def test_malformed_signatures_are_refused_not_raised(bad: object) -> None:
    assert StateSigner("secret", 600).check(DATA, bad) is Verdict.INVALID


def test_the_salt_keeps_other_uses_of_the_key_apart() -> None:
    """A plain itsdangerous timed signature with the same key is not a state signature."""
    from itsdangerous import TimestampSigner

    other = TimestampSigner("secret").sign(DATA)[len(DATA) + 1:].decode()
    assert StateSigner("secret", 600).check(DATA, other) is Verdict.INVALID
