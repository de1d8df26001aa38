"""An idle tab: `none` copies live for their own long maximum age, and a tab whose session
is gone for good is told so on the page instead of being reset without a word."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mesop_cli.config.options import NONE_MAX_AGE_DEFAULT
from mesop_cli.sessions.memory import MemoryBackend
from mesop_cli.sessions.none import NoneBackend
from mesop_cli.state_format.signing import StateSigner, Verdict
from mesop_cli.web import create_flask_app
from mesop_cli.web.active_session import idle_notice
from mesop_cli.web.context import signed_copy_max_age
from tests.support.flask_tab import Client, make_settings, write_app

DATA = b"session-id\nmanifest"
DAY = 86_400


class FakeClock:
    """Stands in for the clock signatures are made and checked with."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock(1_800_000_000.0)
    # itsdangerous reads time.time through its module's `time`: the same function the
    # signer uses for an expired copy's age.
    monkeypatch.setattr("itsdangerous.timed.time.time", fake)
    return fake


@pytest.fixture()
def app_file(tmp_path: Path) -> Path:
    return write_app(tmp_path)


def notices(messages: list[dict[str, Any]]) -> list[str | None]:
    return [m.get("notice") for m in messages if m["type"] == "render"]


# -- the signer ------------------------------------------------------------------------


def test_an_expired_signature_tells_its_age(clock: FakeClock) -> None:
    signer = StateSigner("secret", 600)
    signature = signer.sign(DATA)
    clock.now += 3 * 3600 + 5
    checked = signer.verify(DATA, signature)
    assert checked.verdict is Verdict.EXPIRED and checked.age_seconds == 3 * 3600 + 5
    assert signer.verify(DATA, signature + "x").verdict is Verdict.INVALID
    assert signer.verify(DATA, signature + "x").age_seconds is None


def test_a_signature_from_ahead_of_this_clock_has_no_age(clock: FakeClock) -> None:
    signature = StateSigner("secret", 600).sign(DATA)
    clock.now -= 100  # another instance's clock was fast
    checked = StateSigner("secret", 600).verify(DATA, signature)
    assert checked.verdict is Verdict.EXPIRED and checked.age_seconds is None


def test_no_max_age_never_expires(clock: FakeClock) -> None:
    signer = StateSigner("secret", None)
    signature = signer.sign(DATA)
    clock.now += 10 * 365 * DAY
    assert signer.check(DATA, signature) is Verdict.VALID


def test_none_gets_its_own_max_age_and_server_side_backends_the_ttl() -> None:
    settings = make_settings(ttl_seconds=600)
    assert settings.none_max_age_seconds == NONE_MAX_AGE_DEFAULT == 7 * DAY
    assert signed_copy_max_age(settings, NoneBackend(ttl_seconds=600)) == 7 * DAY
    memory = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
    assert signed_copy_max_age(settings, memory) == 600
    never = make_settings(none_max_age_seconds=0)
    assert signed_copy_max_age(never, NoneBackend(ttl_seconds=600)) is None
    assert signed_copy_max_age(never, memory) == 600


@pytest.mark.parametrize(("age", "text"), [
    (0, "0 seconds"), (1, "1 second"), (59.9, "59 seconds"), (119, "119 seconds"),
    (120, "2 minutes"), (660, "11 minutes"), (7199, "119 minutes"), (7200, "2 hours"),
    (47 * 3600, "47 hours"), (2 * DAY, "2 days"), (7 * DAY + 1, "7 days"),
])
def test_the_notice_says_how_long_in_the_largest_unit_that_fits(age: float, text: str) -> None:
    assert idle_notice(age) == f"This page was reset after being idle for {text}."


def test_the_notice_without_an_age() -> None:
    assert idle_notice(None) == "This page was reset: its session had expired."


# -- none ------------------------------------------------------------------------------


def test_none_keeps_a_tab_idle_longer_than_the_ttl(app_file: Path, clock: FakeClock) -> None:
    """The default settings: a copy older than the TTL (600 s) is still the session."""
    client = Client(create_flask_app(app_file, make_settings(backend="none")))
    client.send(None, with_copy=True)
    client.click("Increment", with_copy=True)
    first = client.session
    clock.now += 6 * 3600  # an afternoon away
    messages = client.click("Increment", with_copy=True)
    assert notices(messages) == [None]
    assert client.session == first and client.state is not None
    assert client.state["State"]["count"] == 2


def test_none_past_its_max_age_resets_with_a_notice(app_file: Path, clock: FakeClock) -> None:
    client = Client(create_flask_app(app_file, make_settings(backend="none")))
    client.send(None, with_copy=True)
    client.click("Increment", with_copy=True)
    first = client.session
    clock.now += 8 * DAY
    messages = client.click("Increment", with_copy=True)
    assert notices(messages) == ["This page was reset after being idle for 8 days."]
    # A fresh session: the click was not run on it, the page says why.
    assert client.session != first and client.state is not None
    assert client.state["State"]["count"] == 0
    messages = client.click("Increment", with_copy=True)
    assert notices(messages) == [None]
    assert client.state["State"]["count"] == 1


def test_none_max_age_zero_never_resets(app_file: Path, clock: FakeClock) -> None:
    settings = make_settings(backend="none", none_max_age_seconds=0)
    client = Client(create_flask_app(app_file, settings))
    client.send(None, with_copy=True)
    client.click("Increment", with_copy=True)
    clock.now += 300 * DAY
    messages = client.click("Increment", with_copy=True)
    assert notices(messages) == [None] and client.state is not None
    assert client.state["State"]["count"] == 2


# -- server-side -----------------------------------------------------------------------


def test_an_expired_session_and_copy_reset_with_a_notice(
    app_file: Path, clock: FakeClock
) -> None:
    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
    client = Client(create_flask_app(app_file, make_settings(), backend=backend))
    client.send(None)
    client.click("Increment")
    first = client.session
    backend.remove(first or "")  # expired in the store
    clock.now += 11 * 60  # and the copy is past the TTL too
    assert client.click("Increment") == [{"type": "miss"}]
    messages = client.click("Increment", with_copy=True)
    assert notices(messages) == ["This page was reset after being idle for 11 minutes."]
    assert client.session != first and client.state is not None
    assert client.state["State"]["count"] == 0
    messages = client.click("Increment")
    assert notices(messages) == [None] and client.state["State"]["count"] == 1


def test_a_copy_within_the_ttl_still_recovers_silently(
    app_file: Path, clock: FakeClock
) -> None:
    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
    client = Client(create_flask_app(app_file, make_settings(), backend=backend))
    client.send(None)
    client.click("Increment")
    backend.remove(client.session or "")  # evicted, say
    clock.now += 5 * 60
    assert client.click("Increment") == [{"type": "miss"}]
    messages = client.click("Increment", with_copy=True)
    assert notices(messages) == [None] and client.state is not None
    assert client.state["State"]["count"] == 2
