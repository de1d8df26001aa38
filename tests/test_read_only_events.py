"""An event that changes nothing writes nothing to the store, and keeps the version."""

from __future__ import annotations

from pathlib import Path

import pytest

from mesop_cli.sessions.base import SessionBackend, SessionLock
from mesop_cli.sessions.file import FileBackend
from mesop_cli.sessions.memory import MemoryBackend
from mesop_cli.state_format.image import StateImage
from mesop_cli.web import create_flask_app
from tests.support.flask_tab import Client, make_settings

APP = '''
import mesop_cli as me

@me.stateclass
class State:
    count: int = 0
    price: float = 50.0

def look(e: me.ClickEvent):
    me.state(State)  # reads, changes nothing

def add(e: me.ClickEvent):
    me.state(State).count += 1

def go(e: me.ClickEvent):
    me.navigate("/other")

@me.page(path="/")
def home():
    me.text(f"Count: {me.state(State).count}")
    me.button("Look", on_click=look)
    me.button("Add", on_click=add)
    me.button("Go", on_click=go)

@me.page(path="/other")
def other():
    me.text("other")
'''


def counting(backend: SessionBackend) -> list[str]:
    """The ids saved through ``backend`` from now on (``save_image`` is the web layer's
    only way to write: it stores bytes through ``upsert``, or, for ``memory``, objects)."""
    saved: list[str] = []
    original = backend.save_image

    def save_image(session_id: str, image: StateImage, lock: SessionLock | None = None) -> None:
        saved.append(session_id)
        original(session_id, image, lock)

    backend.save_image = save_image  # type: ignore[method-assign]
    return saved


@pytest.mark.parametrize("kind", ["memory", "file"])
def test_a_read_only_event_writes_nothing(kind: str, tmp_path: Path) -> None:
    app_file = tmp_path / "main.py"
    app_file.write_text(APP)
    backend: SessionBackend = (MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
                               if kind == "memory"
                               else FileBackend(ttl_seconds=600, base_dir=str(tmp_path / "s")))
    client = Client(create_flask_app(app_file, make_settings(backend=kind), backend=backend))
    client.send(None)
    saved = counting(backend)
    version = client.state["#version"] if client.state else None

    messages = client.click("Look")
    assert saved == []
    assert client.state is not None and client.state["#version"] == version
    assert messages[-1]["patch"] == []  # nothing changed, nothing to send

    client.click("Add")
    assert saved == [client.session]
    assert client.state["#version"] == version + 1  # type: ignore[operator]

    client.click("Look")
    client.click("Look")
    assert len(saved) == 1
    client.click("Go")  # the page changed: that is state too
    assert len(saved) == 2
