"""Cookies on the event endpoint: what a handler, an on_load or a generator before its first
``yield`` sets arrives as ``Set-Cookie`` headers of that event's response; a failed event
sends none; after the first ``yield`` setting one is an error at the call. The rest of the
event (session save and unlock, the event's log line) behaves as it did."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from mesop_cli.runtime import load_app
from mesop_cli.runtime.browser.cookieclass import cookie_key_problem
from mesop_cli.sessions.memory import MemoryBackend
from mesop_cli.web import create_flask_app
from tests.support.flask_tab import Client, make_settings

APP_SOURCE = '''
import mesop_cli as me

@me.cookieclass(signed=True)
class Login:
    user: str = ""

@me.stateclass
class State:
    user: str = ""
    note: str = ""

def load(e: me.LoadEvent):
    me.state(State).user = me.cookie(Login).user
    me.set_cookie("visited", "1", max_age=600)

def login(e: me.ClickEvent):
    me.set_cookie(Login(user="alice"), max_age=3600)
    me.set_cookie("theme", "dark", httponly=False, samesite="Strict", path="/app")

def logout(e: me.ClickEvent):
    me.delete_cookie(Login)

def stream(e: me.ClickEvent):
    me.set_cookie("early", "1")
    yield
    me.state(State).note = "streamed"
    yield

def late(e: me.ClickEvent):
    me.state(State).note = "first"
    yield
    me.set_cookie("late", "1")

def fail(e: me.ClickEvent):
    me.set_cookie("doomed", "1")
    raise RuntimeError("boom")

def read(e: me.ClickEvent):
    me.state(State).note = me.cookie("theme") + "/" + me.cookie(Login).user

def go(e: me.ClickEvent):
    me.navigate("/other")

def other_load(e: me.LoadEvent):
    me.set_cookie("other", "1")
    yield

@me.page(path="/", on_load=load)
def home():
    s = me.state(State)
    me.text(f"user={s.user} note={s.note}")
    for label, handler in [("login", login), ("logout", logout), ("stream", stream),
                           ("late", late), ("fail", fail), ("read", read), ("go", go)]:
        me.button(label, on_click=handler)

@me.page(path="/other", on_load=other_load)
def other():
    me.text("other")
'''


@pytest.fixture
def app_file(tmp_path: Path) -> Path:
    path = tmp_path / "main.py"
    path.write_text(APP_SOURCE)
    return path


def flask_app(app_file: Path, **settings: Any) -> Any:
    return create_flask_app(app_file, make_settings(**settings),
                      backend=MemoryBackend(ttl_seconds=600, max_bytes=1 << 20))


def post(tab: Client, event: dict[str, Any] | None, **options: Any) -> Any:
    """The raw response of one event (the tab's test client keeps the cookies it gets)."""
    body = {"session": tab.session, "path": tab.path, "event": event,
            "version": tab.state["#version"] if tab.state else None}
    response = tab.http.post("/__mesop__/events", data=json.dumps(body),
                             content_type="application/json", **options)
    data = response.get_data()
    response.close()
    messages = [json.loads(line) for line in data.splitlines()]
    for message in messages:
        if message["type"] == "render":
            tab.session, tab.state, tab.tree = (message["session"], message.get("state", tab.state),
                                                message["tree"])
    return response, messages


def click(tab: Client, label: str, **options: Any) -> Any:
    event = {"handler": tab.handler(label), "kind": "click", "key": "", "value": None}
    return post(tab, event, **options)


def set_cookies(response: Any) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def loaded(app_file: Path, **settings: Any) -> tuple[Client, Any]:
    tab = Client(flask_app(app_file, **settings))
    response, _ = post(tab, None)
    return tab, response


def text_of(tab: Client) -> str:
    return tab.tree["c"][0]["p"]["text"]


def test_a_plain_handler_sets_cookies_with_their_attributes(app_file: Path) -> None:
    tab, _ = loaded(app_file)
    response, messages = click(tab, "login")
    assert [m["type"] for m in messages] == ["render"]
    sent = set_cookies(response)
    assert set(sent) == {"login", "theme"}
    login = sent["login"]
    assert "alice" not in login  # signed JSON travels base64-encoded
    assert "; HttpOnly" in login and "; Path=/" in login and "; SameSite=Lax" in login
    assert "; Max-Age=3600" in login and "Secure" not in login
    theme = sent["theme"]
    assert theme.startswith("theme=dark;") and "HttpOnly" not in theme
    assert "; Path=/app" in theme and "; SameSite=Strict" in theme and "Max-Age" not in theme


def test_on_load_sets_cookies_and_reads_the_requests(app_file: Path) -> None:
    tab, response = loaded(app_file)
    assert "; Max-Age=600" in set_cookies(response)["visited"]
    click(tab, "login")
    # A reload: a fresh session, the browser's cookies sent with it.
    tab.session, tab.state = None, None
    _response, _ = post(tab, None)
    assert text_of(tab) == "user=alice note="


def test_me_cookie_reads_in_a_handler_and_not_what_this_event_set(app_file: Path) -> None:
    tab, _ = loaded(app_file)
    click(tab, "read")
    assert text_of(tab) == "user= note=/"
    click(tab, "login")
    tab.http.set_cookie("theme", "light")  # what the browser holds for "/" (test client)
    click(tab, "read")
    assert text_of(tab) == "user= note=light/alice"


def test_a_generator_sets_cookies_before_its_first_yield(app_file: Path) -> None:
    tab, _ = loaded(app_file)
    response, messages = click(tab, "stream")
    assert [m["type"] for m in messages] == ["render", "render", "render"]
    assert set(set_cookies(response)) == {"early"}
    assert "note=streamed" in text_of(tab)


def test_a_cookie_after_the_first_yield_is_an_error_at_the_call(app_file: Path,
                                                                caplog: Any) -> None:
    tab, _ = loaded(app_file)
    with caplog.at_level(logging.INFO):
        response, messages = click(tab, "late")
    assert set_cookies(response) == {}
    assert [m["type"] for m in messages] == ["render", "error"]
    assert "before the first `yield`" in messages[-1]["message"]
    assert "main.py:33, in late" in messages[-1]["message"]
    assert "note=first" in text_of(tab)
    lines = [r.getMessage() for r in caplog.records if r.name == "mesop_cli.events"]
    assert len(lines) == 1 and ": error in" in lines[0]


def test_a_failed_handler_sends_no_cookie(app_file: Path) -> None:
    tab, _ = loaded(app_file)
    response, messages = click(tab, "fail")
    assert [m["type"] for m in messages] == ["error"]
    assert set_cookies(response) == {}
    # The session is unlocked and usable: the next event runs.
    _response, messages = click(tab, "stream")
    assert messages[-1]["type"] == "render"


def test_a_navigation_runs_the_targets_on_load_before_the_headers(app_file: Path) -> None:
    tab, _ = loaded(app_file)
    response, messages = click(tab, "go")
    assert messages[0]["path"] == "/other"
    assert set(set_cookies(response)) == {"other"}


def test_delete_cookie_expires_it(app_file: Path) -> None:
    tab, _ = loaded(app_file)
    click(tab, "login")
    assert tab.http.get_cookie("login") is not None
    response, _ = click(tab, "logout")
    header = set_cookies(response)["login"]
    assert header.startswith("login=;") and "; Max-Age=0" in header
    assert "Expires=Thu, 01 Jan 1970" in header
    assert tab.http.get_cookie("login") is None


def test_secure_follows_https_as_the_server_or_the_origin_sees_it(app_file: Path) -> None:
    tab, _ = loaded(app_file)
    response, _ = click(tab, "login", base_url="https://localhost")
    assert all("; Secure" in h for h in set_cookies(response).values())
    tab, _ = loaded(app_file, allowed_origins=("https://app.example.com",))
    response, _ = click(tab, "login", headers={"Origin": "https://app.example.com"})
    assert all("; Secure" in h for h in set_cookies(response).values())
    response, _ = click(tab, "login")
    assert not any("Secure" in h for h in set_cookies(response).values())


def test_a_tampered_signed_cookie_reads_as_logged_out(app_file: Path, caplog: Any) -> None:
    tab, _ = loaded(app_file)
    click(tab, "login")
    value = tab.http.get_cookie("login").value
    forged = value.replace(value.split(".")[0], "eyJkIjp7InVzZXIiOiJtYWxsb3J5In19")
    tab.http.set_cookie("login", forged)
    tab.session, tab.state = None, None
    with caplog.at_level(logging.WARNING, logger="mesop_cli.cookies"):
        post(tab, None)
    assert text_of(tab) == "user= note="
    assert forged not in caplog.text and "signature does not match" in caplog.text


def test_the_previous_secret_still_reads_after_a_rotation(app_file: Path) -> None:
    old_key = "old-secret-key-" * 4
    tab, _ = loaded(app_file, secret_key=old_key)
    click(tab, "login")
    value = tab.http.get_cookie("login").value
    rotated, _ = loaded(app_file, secret_key="new-secret-key-" * 4, secret_key_previous=old_key)
    rotated.http.set_cookie("login", value)
    rotated.session, rotated.state = None, None
    post(rotated, None)
    assert text_of(rotated) == "user=alice note="


def test_a_client_that_reads_nothing_still_closes_the_event(app_file: Path,
                                                            caplog: Any) -> None:
    tab, _ = loaded(app_file)
    body = {"session": tab.session, "path": "/", "version": tab.state["#version"],
            "event": {"handler": tab.handler("stream"), "kind": "click", "key": "",
                      "value": None}}
    with caplog.at_level(logging.INFO, logger="mesop_cli.events"):
        response = tab.http.post("/__mesop__/events", data=json.dumps(body),
                                 content_type="application/json")
        assert set(set_cookies(response)) == {"early"}
        response.close()  # the stream is dropped after its first line
    assert len([r for r in caplog.records if r.name == "mesop_cli.events"]) == 1
    # Unlocked: the next event of the session runs at once.
    _response, messages = click(tab, "read")
    assert messages[-1]["type"] == "render"


def test_w012_names_keyed_cookie_classes_under_a_per_launch_secret(app_file: Path) -> None:
    app = load_app(app_file)
    problem = cookie_key_problem(app.cookie_classes, secret_key_generated=True)
    assert problem is not None and problem.code == "W012" and "Login (signed)" in problem.message
    assert cookie_key_problem(app.cookie_classes, secret_key_generated=False) is None


def test_w012_is_logged_when_serving_starts(app_file: Path, caplog: Any) -> None:
    with caplog.at_level(logging.WARNING, logger="mesop_cli"):
        flask_app(app_file, secret_key_generated=True)
    assert "W012" in caplog.text
