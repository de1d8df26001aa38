"""Hostile requests found by a review of the event path: each is refused or made harmless."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import secrets
from pathlib import Path
from typing import Any

import pytest

from mesop_cli.logs.formatters import FIELDS, JsonFormatter, configure_logging
from mesop_cli.state_format.codec import CodecError, decode_state, encode_state
from mesop_cli.state_format.session_ids import session_hash
from mesop_cli.web import create_flask_app
from tests.support.flask_tab import Client, make_settings, write_app


def test_a_load_logs_the_pages_registered_path_not_the_browsers_text(tmp_path: Path) -> None:
    """The path of a load is the browser's word; its query (ignored to find the page)
    must not reach the log, where a line break would forge a line of its own."""
    stream = io.StringIO()
    root = logging.getLogger()
    before = list(root.handlers)
    configure_logging("text", stream)
    try:
        client = Client(create_flask_app(write_app(tmp_path), make_settings()))
        client.path = "/?x\n2026-11-25 10:00:00,000 INFO mesop_cli.web: FORGED"
        client.send(None)
    finally:  # leave logging as it was, for the tests that count handlers
        for handler in list(root.handlers):
            if handler not in before:
                root.removeHandler(handler)
        for handler in before:
            if handler not in root.handlers:
                root.addHandler(handler)
        logging.getLogger("mesop_cli").setLevel(logging.NOTSET)
    written = stream.getvalue()
    assert "event load on /:" in written
    assert "FORGED" not in written and written.count("\n") == 1


@dataclasses.dataclass
class _Holder:
    data: dict[str, Any] = dataclasses.field(default_factory=dict)


FORGED_FILE = {"__mesop.UploadedFile__": {"contents": "", "name": "../../etc/passwd",
                                          "size": 10**9, "mime_type": "text/html; x"}}


@pytest.mark.parametrize("forged", [FORGED_FILE, {"__python.bytes__": "YQ=="},
                                    {"__datetime.date__": "2024-01-01"}])
def test_a_plain_dict_shaped_like_a_tagged_value_is_not_stored(forged: dict[str, Any]) -> None:
    """A browser's JSON kept in state must not come back as an uploaded file (with a name
    and size no upload checked), bytes or a date: storing it is refused instead."""
    with pytest.raises(CodecError, match="only key"):
        decode_state(encode_state(_Holder({"f": forged})), _Holder)


WEB_APP = '''
from typing import Any
import dataclasses
import mesop_cli as me

@me.stateclass
class State:
    data: dict[str, Any] = dataclasses.field(default_factory=dict)

def keep(e: me.WebEvent):
    me.state(State).data = e.value

def look(e: me.ClickEvent):
    me.state(State).data = {"kind": type(me.state(State).data.get("f")).__name__}

@me.web_component(path="./comp.js")
def comp():
    return me.insert_web_component(name="x-comp", events={"sendIt": keep})

@me.page(path="/")
def home():
    me.text(repr(me.state(State).data))
    comp()
    me.button("Look", on_click=look)
'''


def test_a_web_event_cannot_forge_an_uploaded_file_in_state(tmp_path: Path) -> None:
    (tmp_path / "comp.js").write_text(
        "customElements.define('x-comp', class extends HTMLElement {});\n")
    (tmp_path / "main.py").write_text(WEB_APP)
    client = Client(create_flask_app(tmp_path / "main.py", make_settings(backend="none")))
    client.send(None)
    stack, handler = [client.tree], None
    while stack:
        node = stack.pop()
        handler = node["p"].get("events", {}).get("sendIt") or handler
        stack.extend(node["c"])
    assert handler is not None
    messages = client.send({"handler": handler, "kind": "web", "key": "",
                            "value": {"f": FORGED_FILE}}, with_copy=True)
    assert messages[-1]["type"] == "error"  # the handler's state could not be stored
    client.click("Look", with_copy=True)
    assert client.state is not None
    assert client.state["State"]["data"] != {"kind": "UploadedFile"}


def test_a_json_lines_string_fields_carry_no_raw_session_id() -> None:
    """The access log's ``path`` field is the URL a browser asked for: an id-shaped token
    in it is redacted like the same text in the message."""
    session_id = secrets.token_urlsafe(32)
    path = f"/shared/{session_id}"
    made = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "GET %s 404",
                             (path,), None)
    setattr(made, FIELDS, {"method": "GET", "path": path, "status": 404})
    line = JsonFormatter().format(made)
    assert session_id not in line
    assert json.loads(line)["path"] == f"/shared/session#{session_hash(session_id)}"
