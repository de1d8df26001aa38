"""The event data path under failure: what the browser holds stays true, errors stay JSON."""

from __future__ import annotations

import json
from pathlib import Path

import jsonpatch
import pytest

from mesop_cli.sessions.memory import MemoryBackend
from mesop_cli.web import create_flask_app
from tests.support.flask_tab import Client, make_settings, write_app


@pytest.fixture()
def app_file(tmp_path: Path) -> Path:
    return write_app(tmp_path)


def test_state_saved_without_a_render_reaches_the_browser_whole(app_file: Path) -> None:
    """A handler that changes state and raises before its first render leaves the server
    a version ahead of the browser; the next event must not patch the browser's copy as if
    it held that version, or the copy drifts from its signature and a later miss loses it."""
    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
    client = Client(create_flask_app(app_file, make_settings(), backend=backend))
    client.send(None)
    assert client.click("Half")[-1]["type"] == "error"
    assert client.state is not None and client.state["State"]["words"] == []

    render = client.click("Increment")[-1]
    assert "state" in render and "patch" not in render
    assert client.state is not None and client.state["State"] == {"count": 1, "words": ["half"]}

    backend.remove(client.session or "")  # a miss: the browser's copy must still verify
    client.click("Increment", with_copy=True)
    assert client.state is not None and client.state["State"] == {"count": 2, "words": ["half"]}


CLOSURE_APP = '''
import mesop_cli as me

@me.stateclass
class State:
    count: int = 0

@me.page(path="/")
def home():
    s = me.state(State)
    if s.count >= 1:
        raise ValueError("page broke")
    def bump(e: me.ClickEvent):
        me.state(State).count += 1
    me.button("Bump", on_click=bump)
'''


def test_page_raising_while_finding_a_closure_handler_is_a_handler_error(tmp_path: Path) -> None:
    """Finding a closure handler re-renders the page before the stream starts; if the page
    raises then, the developer sees file and line, not an HTML 500."""
    app_file = tmp_path / "main.py"
    app_file.write_text(CLOSURE_APP)
    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
    client = Client(create_flask_app(app_file, make_settings(), backend=backend))
    client.send(None)
    handler = client.handler("Bump")
    assert client.click("Bump")[-1]["type"] == "error"  # count is 1: the page now raises
    event = {"handler": handler, "kind": "click", "key": "", "value": None}
    status, messages = client.post({"session": client.session, "path": "/", "event": event,
                                    "version": (client.state or {})["#version"]})
    assert status == 200 and isinstance(messages, list)
    assert messages[-1]["type"] == "error" and f"{app_file}:" in messages[-1]["message"]
    backend.lock(client.session or "", timeout=0.5).release()  # and the lock was released


def test_unexpected_failure_on_the_event_endpoint_is_json(
    app_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
    client = Client(create_flask_app(app_file, make_settings(), backend=backend))
    client.send(None)

    def broken(*args: object) -> None:
        raise KeyError("a bug of ours")

    monkeypatch.setattr("mesop_cli.web.open_event.run_load", broken)
    status, body = client.post({"session": client.session, "path": "/", "event": None})
    assert status == 500 and isinstance(body, dict) and "server" in body["message"]
    backend.lock(client.session or "", timeout=0.5).release()
    assert client.http.get("/nope").status_code == 404  # other paths keep Flask's pages


def test_deeply_nested_body_gets_a_clear_400(app_file: Path) -> None:
    http = create_flask_app(app_file, make_settings()).test_client()
    body = b'{"path": "/", "event": {"handler": "x", "kind": "click", "value": '
    body += b"[" * 100_000 + b"]" * 100_000 + b"}}"
    response = http.post("/__mesop__/events", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.get_json()["message"]


@pytest.mark.parametrize("depth", [700, 900, 5000])
def test_deeply_nested_state_copy_gets_a_clear_400(app_file: Path, depth: int) -> None:
    """However deep, a forged copy is refused with a sentence, never a 500:
    deeper than the request parser walks it is "nested too deeply", below that the codec
    walks it and the signature refuses it."""
    client = Client(create_flask_app(app_file, make_settings(backend="none")))
    client.send(None)
    head = json.dumps({"session": client.session, "path": "/", "event": None,
                       "sig": "forged"})[:-1].encode()
    body = head + b', "state": {"State": {"words": ' + b"[" * depth + b"]" * depth + b"}}}"
    response = client.http.post("/__mesop__/events", data=body,
                                content_type="application/json")
    message = response.get_json()["message"]
    assert response.status_code == 400
    assert "nested too deeply" in message or "does not match its signature" in message


def test_only_a_refused_session_tells_the_browser_to_drop_it(app_file: Path) -> None:
    """The client script starts afresh only on ``reset``: an unknown handler (a page edited
    under an open tab) must not cost the tab its state."""
    client = Client(create_flask_app(app_file, make_settings(backend="none")))
    client.send(None)
    unknown = {"handler": "gone", "kind": "click", "key": ""}
    status, body = client.post({"session": client.session, "path": "/", "event": unknown,
                                "state": client.state, "sig": client.sig})
    assert status == 400 and isinstance(body, dict) and "reset" not in body
    status, body = client.post({"session": client.session, "path": "/", "event": None,
                                "state": client.state, "sig": "forged"})
    assert status == 400 and isinstance(body, dict) and body["reset"] is True
    status, body = client.post({"session": "../" * 15, "path": "/", "event": None})
    assert status == 400 and isinstance(body, dict) and body["reset"] is True


def test_stream_broken_off_midway_leaves_a_copy_the_next_event_can_trust(app_file: Path) -> None:
    """The connection drops after the first render reached the browser while the handler
    went on: the browser's copy is that first render, the server saved the last one. They
    must not share a version, or the next patch is applied to the wrong copy."""
    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
    client = Client(create_flask_app(app_file, make_settings(), backend=backend))
    client.send(None)
    event = {"handler": client.handler("Stream"), "kind": "click", "key": "", "value": None}
    body = {"session": client.session, "path": "/", "event": event,
            "version": (client.state or {})["#version"]}
    response = client.http.post("/__mesop__/events", data=json.dumps(body),
                                content_type="application/json", buffered=False)
    lines = response.iter_encoded()
    received = json.loads(next(lines))
    next(lines)  # the server produced more, which never arrived
    response.close()
    assert client.state is not None
    client.state = jsonpatch.apply_patch(client.state, received["patch"])
    client.sig = received["sig"]
    assert client.state["State"]["words"] == ["one"]

    client.click("Increment")
    stored = json.loads(backend.load(client.session or "") or b"")
    stored.pop("#digests")  # kept beside the state in the store, never sent
    assert client.state == stored
    backend.remove(client.session or "")  # a miss: the browser's copy must still verify
    client.click("Increment", with_copy=True)
    assert client.state["State"]["count"] == 2


def test_refused_event_leaves_the_stored_session_as_the_browser_holds_it(app_file: Path) -> None:
    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
    client = Client(create_flask_app(app_file, make_settings(), backend=backend))
    client.send(None)
    client.click("Increment")
    stored = backend.load(client.session or "")
    unknown = {"handler": "gone", "kind": "click", "key": ""}
    for body in ({"event": unknown}, {"event": None, "path": "/missing"}):
        status, _ = client.post({"session": client.session, "path": "/",
                                 "version": (client.state or {})["#version"], **body})
        assert status in (400, 404)
        assert backend.load(client.session or "") == stored
    assert "patch" in client.click("Increment")[-1]  # still in step: a patch, not the state


UNSTORABLE_APP = '''
import mesop_cli as me
from typing import Any

@me.stateclass
class State:
    tags: Any = None

def add(e: me.ClickEvent):
    me.state(State).tags = {"a", "b"}

@me.page(path="/")
def home():
    me.text(str(me.state(State).tags))
    me.button("Add", on_click=add)
'''


def test_state_value_the_codec_cannot_store_names_the_field(tmp_path: Path) -> None:
    app_file = tmp_path / "main.py"
    app_file.write_text(UNSTORABLE_APP)
    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
    client = Client(create_flask_app(app_file, make_settings(), backend=backend))
    client.send(None)
    error = client.click("Add")[-1]
    assert error["type"] == "error" and "State.tags" in error["message"]
    assert "set" in error["message"]
    backend.lock(client.session or "", timeout=0.5).release()
