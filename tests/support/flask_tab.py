"""A browser tab over Flask's test client, for tests of the web layer without a server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonpatch

from mesop_cli.config import Settings


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = dict(
        backend="memory", file_base_dir="/tmp", redis_url=None, sql_connection_uri=None,
        sql_table="mesop_state_sessions", ttl_seconds=600, memory_max_mb=256,
        secret_key="test-secret-key-" * 4, secret_key_previous=None, allowed_origins=None,
        secret_key_generated=False, host="127.0.0.1",
        port=32123, workers=1, threads=8, prod=False, reload=True,
    )
    values.update(overrides)
    return Settings(**values)


class Client:
    """A tab over Flask's test client, closing each response as a WSGI server does."""

    def __init__(self, flask_app: Any) -> None:
        self.http = flask_app.test_client()
        self.session: str | None = None
        self.state: dict[str, Any] | None = None
        self.sig: str | None = None
        self.tree: dict[str, Any] = {}
        self.path = "/"

    def post(self, body: dict[str, Any]) -> tuple[int, list[dict[str, Any]] | dict[str, Any]]:
        response = self.http.post("/__mesop__/events", data=json.dumps(body),
                                  content_type="application/json")
        data = response.get_data()
        response.close()
        if response.status_code != 200:
            return response.status_code, json.loads(data)
        return 200, [json.loads(line) for line in data.splitlines()]

    def send(self, event: dict[str, Any] | None, with_copy: bool = False) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"session": self.session, "path": self.path, "event": event,
                                "version": self.state["#version"] if self.state else None}
        if with_copy:
            body.update(state=self.state, sig=self.sig)
        status, messages = self.post(body)
        assert status == 200, messages
        for message in messages:
            self.apply(message)
        return messages

    def apply(self, message: dict[str, Any]) -> None:
        """Take a render's state and tree, as the client script does."""
        if message["type"] == "render":
            self.session = message["session"]
            self.state = (message["state"] if "state" in message
                          else jsonpatch.apply_patch(self.state, message["patch"]))
            self.sig = message["sig"]
            self.tree = message["tree"]

    def handler(self, label: str) -> str:
        stack = [self.tree]
        while stack:
            node = stack.pop()
            if node["t"] == "button" and node["p"]["label"] == label:
                return node["p"]["on_click"]
            stack.extend(node["c"])
        raise LookupError(label)

    def click(self, label: str, with_copy: bool = False) -> list[dict[str, Any]]:
        event = {"handler": self.handler(label), "kind": "click", "key": "", "value": None}
        return self.send(event, with_copy)


#: The app most web-layer tests drive: a counter, a streaming handler, and two that raise
#: (one before changing state, one after).
APP_SOURCE = '''
import mesop_cli as me

@me.stateclass
class State:
    count: int = 0
    words: list[str]

def increment(e: me.ClickEvent):
    me.state(State).count += 1

def stream(e: me.ClickEvent):
    for word in ["one", "two", "three"]:
        me.state(State).words.append(word)
        yield

def explode(e: me.ClickEvent):
    raise RuntimeError("boom")

def half_done(e: me.ClickEvent):
    me.state(State).words.append("half")
    raise RuntimeError("failed halfway")

@me.page(path="/", title="Home")
def home():
    s = me.state(State)
    me.text(f"Count: {s.count}")
    me.text("Words: " + " ".join(s.words))
    me.button("Increment", on_click=increment)
    me.button("Stream", on_click=stream)
    me.button("Explode", on_click=explode)
    me.button("Half", on_click=half_done)
'''


def write_app(directory: Path) -> Path:
    path = directory / "main.py"
    path.write_text(APP_SOURCE)
    return path
