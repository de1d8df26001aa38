"""Hypothesis fuzz of the event body against a real server.

Whatever the body, the server answers with a status the client script understands, never
a 500 or a traceback, and a session's stored state changes only through a valid event of
that session. Under CI the fuzz runs 2,000 bodies; elsewhere 300 (set
MESOP_FUZZ_EXAMPLES to change it).
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.support.server import RunningServer, running_server
from tests.support.services import in_ci
from tests.support.tab import EVENTS_PATH, Tab

pytestmark = pytest.mark.integration

APP = Path(__file__).parent / "support" / "security_app.py"
EXAMPLES = int(os.environ.get("MESOP_FUZZ_EXAMPLES", "2000" if in_ci() else "300"))
#: What the event endpoint may answer: a stream, or a refusal the client script reads.
EXPECTED_STATUSES = {200, 400, 404, 413, 415}


class Victim:
    """A session the fuzz attacks; its state is read back after every body."""

    def __init__(self, running: RunningServer) -> None:
        self.url = running.url + EVENTS_PATH
        tab = Tab(running.url, server_side=True)
        tab.open("/")
        tab.click("Increment")
        tab.type_into("Note", "kept")
        self.tab = tab
        self.id = tab.session_id
        self.signed_state, self.sig = tab.state, tab.sig
        home_handlers = {n["p"][k] for n in tab.nodes() for k in n["p"] if k.startswith("on_")}
        other = Tab(running.url, server_side=True)
        other.open("/other")
        other_handlers = {n["p"][k] for n in other.nodes() for k in n["p"]
                          if k.startswith("on_")}
        admin = Tab(running.url, server_side=True)
        admin.open("/")
        admin.type_into("Password", "open sesame", kind="enter")
        admin_handlers = {n["p"][k] for n in admin.nodes() for k in n["p"]
                          if k.startswith("on_")}
        #: Handlers the victim's pages show it: an event naming one may change its state.
        self.own_handlers = home_handlers | other_handlers
        self.all_handlers = sorted(self.own_handlers | admin_handlers)
        self.last = self.read()

    def read(self) -> dict[str, Any]:
        """The victim's state, as a page load returns it in full."""
        body = {"session": self.id, "path": "/", "has_copy": False, "event": None}
        response = requests.post(self.url, json=body, timeout=30)
        assert response.status_code == 200, response.text
        render = json.loads(response.text.splitlines()[-1])
        assert render["session"] == self.id, "the victim's session was lost"
        return render["state"]["State"]


@pytest.fixture(scope="module")
def victim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Victim]:
    env = {"MESOP_STATE_SESSION_BACKEND": "memory",
           "MESOP_SECRET_KEY": "fuzz-suite-key-" + "f" * 30}
    with running_server(["--no-reload"], env=env, app=APP) as running:
        yield Victim(running)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def bodies(victim: Victim) -> st.SearchStrategy[Any]:
    made_up = secrets.token_urlsafe(32)
    sessions = st.sampled_from([victim.id, made_up, None, "", "../../etc/passwd", "*"]) \
        | st.text(max_size=50) | json_values
    handlers = st.sampled_from(victim.all_handlers + ["os:system", "builtins:exec"]) \
        | st.text(max_size=30) | json_values
    kinds = st.sampled_from(["click", "input", "blur", "enter", "change", "selection",
                             "slider"]) | st.text(max_size=10) | json_values
    events = st.none() | json_values | st.fixed_dictionaries(
        {"handler": handlers, "kind": kinds},
        optional={"key": st.text(max_size=10) | json_values, "value": json_values},
    )
    paths = st.sampled_from(["/", "/other", "/missing", "/?\ud800", "//", "/" + "a" * 3000]) \
        | st.text(max_size=30) | json_values
    tampered = {**victim.signed_state, "State": {"role": "admin", "count": 1337}}
    states = st.sampled_from([victim.signed_state, tampered]) | json_values
    sigs = st.sampled_from([victim.sig]) | st.text(max_size=80) | json_values
    queries = st.lists(st.lists(st.text(max_size=8), max_size=3), max_size=4) \
        | st.sampled_from(["?q=1&q=2", "%ZZ=%ED%A0%80", "k=v&" * 300, [["k", "v" * 9000]]]) \
        | st.text(max_size=40) | json_values
    structured = st.fixed_dictionaries({}, optional={
        "session": sessions, "path": paths, "event": events, "state": states, "sig": sigs,
        "has_copy": json_values, "version": st.integers() | json_values, "query": queries,
    })
    as_json = (structured | json_values).map(
        lambda body: json.dumps(body).encode("utf-8", "surrogatepass"))
    return as_json | st.binary(max_size=300)


def _may_change_victim(body: bytes, victim: Victim) -> bool:
    """Only a parseable event of the victim's session naming one of its own handlers."""
    try:
        message = json.loads(body)
    except ValueError:
        return False
    if not isinstance(message, dict) or message.get("session") != victim.id:
        return False
    event = message.get("event")
    return isinstance(event, dict) and event.get("handler") in victim.own_handlers


@pytest.fixture(scope="module")
def body_strategy(victim: Victim) -> st.SearchStrategy[Any]:
    return bodies(victim)


def test_fuzzed_event_bodies(victim: Victim, body_strategy: st.SearchStrategy[Any]) -> None:
    seen_statuses: set[int] = set()

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    # Besides what the strategy draws, two bodies known to pass the parser (a page load of
    # the victim's session, and one of a session nobody has), so both sides of the event
    # path are reached however few examples run locally.
    @example(body=json.dumps({"session": victim.id, "path": "/", "event": None}).encode())
    @example(body=json.dumps({"session": "x" * 43, "path": "/other", "event": None}).encode())
    @given(body=body_strategy)
    def one_body(body: bytes) -> None:
        response = requests.post(victim.url, data=body, timeout=30,
                                 headers={"Content-Type": "application/json"})
        text = response.text
        assert response.status_code in EXPECTED_STATUSES, (response.status_code, text, body)
        assert "Traceback" not in text and "Internal error" not in text, (text, body)
        if response.status_code == 200:
            for line in text.splitlines():
                message = json.loads(line)
                assert message["type"] in ("render", "miss"), (message, body)
        else:
            assert isinstance(response.json().get("message"), str)
        seen_statuses.add(response.status_code)
        now = victim.read()
        if now != victim.last:
            assert response.status_code == 200 and _may_change_victim(body, victim), (
                f"state changed {victim.last} -> {now} by {body!r}")
            victim.last = now

    one_body()
    # The fuzz reached both sides of the event path, not only the parser.
    assert {200, 400} <= seen_statuses
