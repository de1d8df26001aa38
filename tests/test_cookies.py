"""Mesop's cookie API without HTTP: ``@me.cookieclass`` and its names, the checks on what an
app sets, and the values it reads back (plain, signed, encrypted; altered, expired, made
with a rotated key)."""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

import pytest

import mesop_cli as me
from mesop_cli.runtime.browser import cookie_codec
from mesop_cli.runtime.browser.browser_context import BrowserContext
from mesop_cli.runtime.browser.cookie_jar import CookieJar, CookieSecrets
from mesop_cli.runtime.browser.cookie_rules import OutgoingCookie
from mesop_cli.runtime.browser.cookieclass import cookieclass_info, snake_case
from mesop_cli.runtime.scope import Scope, activated

SECRETS = CookieSecrets("current-secret-" * 3)
ROTATED = CookieSecrets("next-secret-" * 3, previous=(SECRETS.current,))


@me.cookieclass
class SessionCookie:
    username: str = ""
    role: str = "guest"


@me.cookieclass(signed=True)
class SignedCookie:
    user: str = ""
    visits: int = 0


@me.cookieclass(encrypted=True, name="hidden")
class HiddenCookie:
    token: str = ""


@contextmanager
def event(received: dict[str, str] | None = None, https: bool = False,
          secrets: CookieSecrets | None = SECRETS) -> Iterator[CookieJar]:
    """A scope as an event has it, with this request's cookies."""
    jar = CookieJar(received=dict(received or {}), https=https, secrets=secrets)
    scope = Scope(cast(Any, None), {}, browser=BrowserContext(cookies=jar))
    with activated(scope):
        yield jar


def written(instance: object, secrets: CookieSecrets = SECRETS, **options: Any
            ) -> OutgoingCookie:
    with event(secrets=secrets) as jar:
        me.set_cookie(instance, **options)
        (cookie,) = jar.pending()
    return cookie


def read_back(cls: type, value: str, secrets: CookieSecrets = SECRETS) -> Any:
    name = cookieclass_info(cls).name  # type: ignore[union-attr]
    with event({name: value}, secrets=secrets):
        return me.cookie(cls)


# ---- names and classes ---------------------------------------------------------------------


@pytest.mark.parametrize("name, expected", [
    ("SessionCookie", "session_cookie"), ("session_cookie", "session_cookie"),
    ("MyHTTPSession", "my_http_session"), ("Cookie", "cookie"),
    ("Session2Cookie", "session2_cookie"), ("_Session", "__session"),
    ("HTTPSession", "http_session"),
])
def test_the_cookie_name_is_the_class_name_in_snake_case_as_in_mesop(name: str,
                                                                    expected: str) -> None:
    assert snake_case(name) == expected


def test_a_cookie_class_is_a_dataclass_with_defaults_and_its_name() -> None:
    @me.cookieclass
    class UserPrefs:
        theme: str
        size: int
        tags: list[str]

    assert dataclasses.is_dataclass(UserPrefs)
    assert UserPrefs() == UserPrefs(theme="", size=0, tags=[])
    assert UserPrefs().tags is not UserPrefs().tags
    assert cookieclass_info(UserPrefs).name == "user_prefs"  # type: ignore[union-attr]
    assert cookieclass_info(HiddenCookie).name == "hidden"  # type: ignore[union-attr]
    assert cookieclass_info(SignedCookie).protection == "signed"  # type: ignore[union-attr]


def test_an_existing_dataclass_is_kept_and_given_missing_defaults() -> None:
    @dataclasses.dataclass
    class Complete:
        a: str = "x"

    assert me.cookieclass(Complete) is Complete

    @me.cookieclass
    @dataclasses.dataclass(frozen=True)
    class Partial:
        a: str
        b: int = 3

    assert Partial() == Partial(a="", b=3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        Partial().a = "y"  # type: ignore[misc]


def test_dataclass_with_defaults_is_mesops_helper() -> None:
    @me.dataclass_with_defaults
    class Plain:
        n: float
        note: str | None

    assert Plain() == Plain(n=0.0, note=None)
    assert cookieclass_info(Plain) is None


def test_cookie_class_mistakes_are_said_at_the_decorator() -> None:
    with pytest.raises(me.MesopDeveloperException, match="exclude each other"):
        me.cookieclass(signed=True, encrypted=True)
    with pytest.raises(me.MesopDeveloperException, match="not a valid cookie name"):
        me.cookieclass(name="bad name")
    with pytest.raises(me.MesopDeveloperException, match="not a valid cookie name"):
        me.cookieclass(name="a;b")


def test_encrypted_without_cryptography_names_the_extra(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    monkeypatch.setattr(cookie_codec, "encryption_available", lambda: False)
    with pytest.raises(me.MesopDeveloperException) as caught:
        me.cookieclass(encrypted=True)
    message = str(caught.value)
    assert "pip install 'mesop-cli[cookies]'" in message and "\n" not in message


def test_a_subclass_is_not_a_cookie_class_until_decorated() -> None:
    class Sub(SessionCookie):
        pass

    with event(), pytest.raises(me.MesopDeveloperException, match="not a cookie class"):
        me.cookie(Sub)


# ---- what an app may set -------------------------------------------------------------------


def test_a_plain_set_cookie_has_mesops_defaults() -> None:
    with event() as jar:
        me.set_cookie("theme", "dark")
    assert jar.pending() == (OutgoingCookie("theme", "dark", None, "/", None, False, True,
                                            "Lax"),)


@pytest.mark.parametrize("value", ["a b", "a;b", "a,b", 'a"b', "a\\b", "é", "a\nSet-Cookie: x",
                                   "a\x00", "a\x7f"])
def test_values_a_cookie_cannot_carry_are_refused_without_quoting_them(value: str) -> None:
    with event() as jar, pytest.raises(me.MesopDeveloperException) as caught:
        me.set_cookie("token", value)
    assert "encode it first" in str(caught.value)
    assert value not in str(caught.value)
    assert jar.pending() == ()


@pytest.mark.parametrize("name", ["", "a b", "a=b", "a;b", "é", "a\r\nX: y", "a,b"])
def test_names_that_are_not_tokens_are_refused(name: str) -> None:
    with event(), pytest.raises(me.MesopDeveloperException, match="not a valid cookie name"):
        me.set_cookie(name, "v")


@pytest.mark.parametrize("options, message", [
    ({"samesite": "lax"}, "samesite must be one of Strict, Lax, None"),
    ({"samesite": None}, "samesite must be one of"),
    ({"samesite": "None"}, "needs a Secure cookie"),
    ({"samesite": "None", "secure": False}, "needs a Secure cookie"),
    ({"max_age": -1}, "max_age"),
    ({"max_age": 1.5}, "max_age"),
    ({"max_age": True}, "max_age"),
    ({"path": "nope"}, "path must start with '/'"),
    ({"path": "/a;b"}, "path must start"),
    ({"domain": "a;b"}, "domain must be"),
    ({"domain": ""}, "domain must be"),
    ({"httponly": "yes"}, "httponly"),
    ({"secure": "yes"}, "secure must be"),
])
def test_attributes_are_checked(options: dict[str, Any], message: str) -> None:
    with event(), pytest.raises(me.MesopDeveloperException, match=message):
        me.set_cookie("n", "v", **options)


def test_samesite_none_is_fine_when_secure() -> None:
    with event() as jar:
        me.set_cookie("n", "v", samesite="None", secure=True)
    assert jar.pending()[0].secure is True


def test_secure_defaults_to_how_the_browser_came() -> None:
    with event(https=True) as jar:
        me.set_cookie("a", "1")
        me.set_cookie("b", "1", secure=False)
        me.delete_cookie("c")
    assert [c.secure for c in jar.pending()] == [True, False, True]
    with event(https=False) as jar:
        me.set_cookie("a", "1")
    assert jar.pending()[0].secure is False


def test_the_browsers_prefixes_are_enforced() -> None:
    with event(), pytest.raises(me.MesopDeveloperException, match="prefix needs a Secure"):
        me.set_cookie("__Secure-id", "1")
    with event(https=True), pytest.raises(me.MesopDeveloperException, match="path='/'"):
        me.set_cookie("__Host-id", "1", path="/app")
    with event(https=True) as jar:
        me.set_cookie("__Host-id", "1")
    assert jar.pending()[0].secure


def test_a_value_too_long_for_a_browser_is_refused() -> None:
    with event(), pytest.raises(me.MesopDeveloperException, match="over the 4096"):
        me.set_cookie("big", "x" * 5000)


def test_set_cookie_needs_a_value_with_a_name_and_a_cookie_class_instance() -> None:
    with event(), pytest.raises(TypeError, match="needs a value"):
        me.set_cookie("name")
    with event(), pytest.raises(me.MesopDeveloperException, match="not a cookie class"):
        me.set_cookie(object())
    with event(), pytest.raises(me.MesopDeveloperException, match="not a cookie class"):
        me.delete_cookie(dict)


def test_fields_that_are_not_json_are_refused() -> None:
    @me.cookieclass
    class Odd:
        things: Any = None

    with event(), pytest.raises(me.MesopDeveloperException, match="JSON values"):
        me.set_cookie(Odd(things={1, 2}))


def test_delete_cookie_expires_it_by_name_or_class() -> None:
    with event() as jar:
        me.delete_cookie(SessionCookie, path="/app", domain="example.com")
    assert jar.pending() == (OutgoingCookie("session_cookie", "", 0, "/app", "example.com",
                                            False, True, "Lax"),)
    with event() as jar:
        me.delete_cookie(name="theme")  # Mesop's argument name, by keyword
    assert [(c.name, c.max_age) for c in jar.pending()] == [("theme", 0)]


def test_the_last_word_on_a_cookie_wins() -> None:
    with event() as jar:
        me.set_cookie(SessionCookie(username="a"))
        me.delete_cookie(SessionCookie)
    assert [c.max_age for c in jar.pending()] == [0]


def test_a_sealed_jar_refuses_with_the_reason_at_the_call() -> None:
    with event() as jar:
        me.set_cookie("early", "1")
        assert [c.name for c in jar.seal()] == ["early"]
        with pytest.raises(me.MesopDeveloperException, match="before the first `yield`"):
            me.set_cookie("late", "1")
        with pytest.raises(me.MesopDeveloperException, match="before the first `yield`"):
            me.delete_cookie("early")


def test_the_api_outside_an_event_says_so() -> None:
    for call in (lambda: me.cookie(SessionCookie), lambda: me.cookie("x"),
                 lambda: me.set_cookie("x", "1"), lambda: me.delete_cookie("x")):
        with pytest.raises(RuntimeError, match="can only be called while a page renders or an "
                                               "event handler runs"):
            call()


# ---- reading back --------------------------------------------------------------------------


def test_absent_cookies_read_as_defaults_and_raw_names_as_empty() -> None:
    with event({"other": "1"}):
        assert me.cookie(SessionCookie) == SessionCookie()
        assert me.cookie("missing") == ""
        assert me.cookie("other") == "1"


@pytest.mark.parametrize("cls, instance", [
    (SessionCookie, SessionCookie(username="alice", role="admin")),
    (SignedCookie, SignedCookie(user="bob", visits=3)),
    (HiddenCookie, HiddenCookie(token="s3cret value, with; anything")),
])
def test_each_protection_reads_back_what_was_set(cls: type, instance: object) -> None:
    cookie = written(instance, max_age=60)
    assert read_back(cls, cookie.value) == instance


def test_signed_values_are_readable_encrypted_ones_are_not() -> None:
    signed = written(SignedCookie(user="bob")).value
    assert "bob" in base64.urlsafe_b64decode(signed.split(".")[0] + "==").decode()
    hidden = written(HiddenCookie(token="needle")).value
    assert b"needle" not in base64.urlsafe_b64decode(hidden)


def test_a_cookie_set_in_this_event_is_not_read_back_in_it_as_in_mesop() -> None:
    with event():
        me.set_cookie(SessionCookie(username="new"))
        assert me.cookie(SessionCookie) == SessionCookie()


def test_unknown_fields_are_ignored_and_missing_ones_default() -> None:
    payload = json.dumps({"d": {"username": "carol", "later_field": 1}}).encode()
    value = cookie_codec.encode(payload, "session_cookie", "plain", None)
    assert read_back(SessionCookie, value) == SessionCookie(username="carol")


@pytest.mark.parametrize("cls, tamper", [
    (SignedCookie, lambda v: v[:-2] + ("AA" if not v.endswith("AA") else "BB")),
    (SignedCookie, lambda v: written(SignedCookie(user="mallory")).value.split(".")[0] + "."
     + v.split(".")[1]),
    (HiddenCookie, lambda v: v[:20] + ("A" if v[20] != "A" else "B") + v[21:]),
    (SessionCookie, lambda v: "not base64!"),
    (SessionCookie, lambda v: base64.urlsafe_b64encode(b"[1,2]").decode()),
    (SessionCookie, lambda v: base64.urlsafe_b64encode(b'{"d":{"role":5}}').decode()),
    (SessionCookie, lambda v: "x" * 5000),
])
def test_altered_or_foreign_values_read_as_defaults_with_one_quiet_warning(
        cls: type, tamper: Any, caplog: pytest.LogCaptureFixture) -> None:
    value = tamper(written(cls()).value)
    from mesop_cli.runtime.browser import cookieclass as cookies

    cookies._REFUSALS = type(cookies._REFUSALS)()  # a fresh throttle: this test's line shows
    with caplog.at_level(logging.WARNING, logger="mesop_cli.cookies"):
        assert read_back(cls, value) == cls()
    (record,) = caplog.records
    assert "read as defaults" in record.getMessage()
    assert value not in record.getMessage() and value[:12] not in record.getMessage()


def test_a_value_made_for_one_cookie_class_is_refused_by_another() -> None:
    @me.cookieclass(signed=True, name="other")
    class Other:
        user: str = ""

    value = written(SignedCookie(user="bob")).value
    assert read_back(Other, value) == Other()


def test_values_of_the_previous_secret_are_read_after_a_rotation() -> None:
    for cls, instance in ((SignedCookie, SignedCookie(user="old")),
                          (HiddenCookie, HiddenCookie(token="old"))):
        old_value = written(instance, secrets=SECRETS).value
        assert read_back(cls, old_value, secrets=ROTATED) == instance
        # Without the previous secret, it reads as defaults.
        assert read_back(cls, old_value, secrets=CookieSecrets(ROTATED.current)) == cls()
        # New values are made with the new secret.
        new_value = written(instance, secrets=ROTATED).value
        assert read_back(cls, new_value, secrets=CookieSecrets(ROTATED.current)) == instance


def test_a_signed_value_past_its_max_age_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    value = written(SignedCookie(user="bob"), max_age=10).value
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 11)
    assert read_back(SignedCookie, value) == SignedCookie()


def test_keyed_cookies_need_a_served_event() -> None:
    with event(secrets=None), pytest.raises(RuntimeError, match="secret key"):
        me.set_cookie(SignedCookie(user="x"))
    value = written(SignedCookie(user="x")).value
    assert read_back(SignedCookie, value, secrets=cast(Any, None)) == SignedCookie()


@dataclasses.dataclass
class Inner:
    n: int = 0


@me.cookieclass
class Outer:
    inner: Inner = dataclasses.field(default_factory=Inner)
    maybe: str | None = None
    scores: dict[str, float] = dataclasses.field(default_factory=dict)


def test_nested_and_optional_fields_round_trip() -> None:
    instance = Outer(Inner(4), "x", {"a": 1.5, "b": 2})
    assert read_back(Outer, written(instance).value) == instance
