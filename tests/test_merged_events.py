"""Events sent while an event of their session streams (web/merged_events.py), over
Flask's test client on every backend: they run between the stream's yields, in the order
sent, on the live state, their renders on the stream; the streaming handler sees their
change at its next yield (Mesop's Stop pattern); none is lost when the stream ends first.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mesop_cli.sessions.base import SessionBackend
from mesop_cli.sessions.file import FileBackend
from mesop_cli.sessions.memory import MemoryBackend
from mesop_cli.sessions.none import NoneBackend
from mesop_cli.sessions.redis import RedisBackend
from mesop_cli.sessions.sql import SqlBackend
from mesop_cli.web import create_flask_app
from tests.support.flask_tab import Client, make_settings
from tests.support.services import redis_url

APP = '''
import mesop_cli as me

@me.stateclass
class State:
    log: list[str]
    seen: list[int]
    answer: str = ""
    cancelled: bool = False

def ask(e: me.ClickEvent):
    s = me.state(State)
    s.cancelled = False
    for n in range(40):
        if s.cancelled:
            s.log.append("stopped")
            return
        s.seen.append(len(s.log))
        s.answer += f"{n} "
        yield

def stop(e: me.ClickEvent):
    s = me.state(State)
    s.cancelled = True
    s.log.append("stop")

def note_b(e: me.ClickEvent):
    me.state(State).log.append("B")

def note_c(e: me.ClickEvent):
    me.state(State).log.append("C")

@me.page(path="/")
def home():
    s = me.state(State)
    me.text(s.answer)
    me.button("Ask", on_click=ask)
    me.button("Stop", on_click=stop)
    me.button("B", on_click=note_b)
    me.button("C", on_click=note_c)
'''

SHARED = ("file", "redis", "sql")


def _backend(kind: str, tmp_path: Path) -> SessionBackend:
    if kind == "none":
        return NoneBackend(ttl_seconds=600)
    if kind == "memory":
        return MemoryBackend(ttl_seconds=600, max_bytes=1 << 24)
    if kind == "file":
        return FileBackend(ttl_seconds=600, base_dir=str(tmp_path / "sessions"))
    if kind == "redis":
        return RedisBackend(url=redis_url(), ttl_seconds=600,
                            key_prefix=f"mesop-merge-test:{tmp_path.name}:")
    return SqlBackend(uri=f"sqlite:///{tmp_path / 's.db'}", table="sessions",
                      ttl_seconds=600)


class Posts:
    """Counts what reaches the backend's mailbox, so a test knows an event waits there."""

    def __init__(self, backend: SessionBackend) -> None:
        self.count = 0
        self._changed = threading.Condition()
        original = backend.mailbox.post

        def post(session_id: str, data: bytes) -> str:
            entry = original(session_id, data)
            with self._changed:
                self.count += 1
                self._changed.notify_all()
            return entry

        backend.mailbox.post = post  # type: ignore[method-assign]

    def wait_for(self, count: int) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: self.count >= count, timeout=20.0)


class Tab:
    """A tab with one streaming request open and events sent beside it."""

    def __init__(self, client: Client, server_side: bool) -> None:
        self.client = client
        self.server_side = server_side
        self.stream: Iterator[bytes] | None = None
        self._response: Any = None

    def body(self, label: str, during: bool) -> dict[str, Any]:
        c = self.client
        body: dict[str, Any] = {
            "session": c.session, "path": "/", "version": c.state["#version"],
            "event": {"handler": c.handler(label), "kind": "click", "key": "", "value": None},
        }
        if during:
            body["during"] = True
        if not self.server_side:
            body.update(state=c.state, sig=c.sig)
        return body

    def start_stream(self, label: str) -> None:
        self._response = self.client.http.post(
            "/__mesop__/events", data=json.dumps(self.body(label, False)),
            content_type="application/json", buffered=False)
        self.stream = iter(self._response.response)
        self.read_lines(1)

    def read_lines(self, count: int | None = None) -> list[dict[str, Any]]:
        """Read ``count`` lines of the stream (all that are left: None), applying them."""
        assert self.stream is not None
        messages = []
        for chunk in self.stream:
            for text in chunk.splitlines():
                message = json.loads(text)
                self.client.apply(message)
                messages.append(message)
            if count is not None and len(messages) >= count:
                return messages
        self._response.close()  # as a WSGI server does once it has sent it all
        return messages

    def close_stream(self) -> None:
        self._response.close()

    def during(self, label: str) -> Callable[[], tuple[int, Any]]:
        """Send an event beside the stream from another thread; a call that answers it."""
        body = self.body(label, True)
        answer: list[tuple[int, Any]] = []
        thread = threading.Thread(target=lambda: answer.append(self.client.post(body)))
        thread.start()

        def result() -> tuple[int, Any]:
            thread.join(30.0)
            return answer[0]

        return result


@pytest.fixture(params=["none", "memory", "file", "redis", "sql"])
def kind(request: pytest.FixtureRequest) -> str:
    return request.param


def _tab(kind: str, tmp_path: Path) -> tuple[Tab, SessionBackend]:
    app_file = tmp_path / "main.py"
    app_file.write_text(APP)
    backend = _backend(kind, tmp_path)
    client = Client(create_flask_app(app_file, make_settings(backend=kind), backend=backend))
    client.send(None)
    return Tab(client, backend.server_side), backend


def test_events_during_a_stream_run_between_its_yields_in_order(kind: str,
                                                                 tmp_path: Path) -> None:
    tab, backend = _tab(kind, tmp_path)
    posts = Posts(backend)
    tab.start_stream("Ask")
    b = tab.during("B")
    posts.wait_for(1)
    c = tab.during("C")
    posts.wait_for(2)
    # The stream claims both after the render it stands at, runs them in the order sent,
    # and its handler sees them at its next yield.
    lines = tab.read_lines()
    assert b() == (200, [{"type": "merged"}])
    assert c() == (200, [{"type": "merged"}])
    state = tab.client.state
    assert state is not None
    assert state["State"]["log"] == ["B", "C"]
    assert state["State"]["seen"][:2] == [0, 2]
    # B's render, C's, then the handler's other 39 yields and its end.
    assert len(lines) == 2 + 39 + 1
    # What the tab holds is what was saved: the next event starts from it.
    tab.client.click("B", with_copy=not tab.server_side)
    assert tab.client.state is not None and tab.client.state["State"]["log"] == ["B", "C", "B"]


def test_a_stop_click_ends_the_stream_at_its_next_yield(kind: str, tmp_path: Path) -> None:
    tab, backend = _tab(kind, tmp_path)
    posts = Posts(backend)
    tab.start_stream("Ask")
    tab.read_lines(2)
    stop = tab.during("Stop")
    posts.wait_for(1)
    rest = tab.read_lines()
    assert stop() == (200, [{"type": "merged"}])
    state = tab.client.state
    assert state is not None
    assert state["State"]["log"] == ["stop", "stopped"]
    # Stop's render, then the handler's last: it returned at its next yield, keeping the
    # partial answer.
    assert len(rest) == 2
    assert state["State"]["answer"] == "0 1 2 "
    tab.client.click("B", with_copy=not tab.server_side)
    assert tab.client.state["State"]["answer"] == "0 1 2 "  # type: ignore[index]


def test_an_event_posted_as_the_stream_ends_is_not_lost(kind: str, tmp_path: Path) -> None:
    """The stream goes before it claims the event (here: the tab closed it): the lock
    comes free, the waiter withdraws its entry, and the event runs under the lock (a
    shared store holds what the stream saved), or the tab is told to send it again once
    its stream is over (a process's own lock: the stream may be in another process)."""
    tab, backend = _tab(kind, tmp_path)
    posts = Posts(backend)
    tab.start_stream("Ask")
    b = tab.during("B")
    posts.wait_for(1)
    tab.close_stream()
    status, messages = b()
    assert status == 200
    if kind in SHARED:
        assert messages[-1]["type"] == "render"
        for message in messages:
            tab.client.apply(message)
    else:
        assert messages == [{"type": "again"}]
        tab.client.click("B", with_copy=not tab.server_side)
    state = tab.client.state
    assert state is not None and state["State"]["log"] == ["B"]
    assert state["State"]["answer"] == "0 "  # the stream's first yield, saved when it closed


def test_an_event_marked_during_with_no_stream_runs_or_comes_back(kind: str,
                                                                   tmp_path: Path) -> None:
    tab, _ = _tab(kind, tmp_path)
    status, messages = tab.client.post(tab.body("B", True))
    assert status == 200
    if kind in SHARED:
        assert [m["type"] for m in messages] == ["render"]
    else:
        assert messages == [{"type": "again"}]


def test_a_during_event_of_a_forged_none_copy_is_not_merged(tmp_path: Path) -> None:
    """Under `none` the signed copy shows the tab owns the session: an event with the
    session's id and a forged copy is never posted to the running stream's mailbox."""
    tab, backend = _tab("none", tmp_path)
    posts = Posts(backend)
    tab.start_stream("Ask")
    body = tab.body("Stop", True)
    body["sig"] = "forged"
    status, messages = tab.client.post(body)
    assert (status, messages) == (200, [{"type": "again"}])
    assert posts.count == 0
    tab.read_lines()
    assert tab.client.state is not None and tab.client.state["State"]["log"] == []
