"""The event path attacked as a hostile browser would: raw HTTP against a real server.

Each test names the attack it replays. The server is `mesop` started as a subprocess on
the security app (tests/support/security_app.py), once per backend the attack applies to.
Other attacks have modules of their own: cross-site requests (test_cross_site.py), file
privacy (test_file_privacy.py), slow clients and huge bodies (test_slow_clients.py), dead
and frozen stores (test_dead_store.py, test_frozen_store.py).
"""

from __future__ import annotations

import copy
import json
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.server import RunningServer, running_server
from tests.support.services import redis_url
from tests.support.tab import EVENTS_PATH, Tab

pytestmark = pytest.mark.integration

APP = Path(__file__).parent / "support" / "security_app.py"
ADMIN_PASSWORD = "open sesame"
SERVER_SIDE = ["memory", "file", "redis", "sql"]


def backend_env(backend: str, tmp_path: Path) -> dict[str, str]:
    env = {"MESOP_STATE_SESSION_BACKEND": backend,
           "MESOP_SECRET_KEY": "security-suite-key-" + "x" * 24}
    if backend == "file":
        env["MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR"] = str(tmp_path / "sessions")
    if backend == "redis":
        env["MESOP_STATE_SESSION_BACKEND_REDIS_URL"] = redis_url()
    if backend == "sql":
        env["MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI"] = f"sqlite:///{tmp_path}/s.db"
    return env


@pytest.fixture(scope="module", params=["none", *SERVER_SIDE])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[str, RunningServer]]:
    backend = request.param
    env = backend_env(backend, tmp_path_factory.mktemp(backend))
    with running_server([], env=env, app=APP) as running:
        yield backend, running


def post(server: RunningServer, body: Any) -> tuple[int, list[dict[str, Any]]]:
    """One raw event request; the status and the JSON messages of the answer."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = requests.post(server.url + EVENTS_PATH, data=data, timeout=30,
                             headers={"Content-Type": "application/json"})
    assert "Traceback" not in response.text
    if response.headers.get("Content-Type", "").startswith("application/json"):
        return response.status_code, [response.json()]
    return response.status_code, [json.loads(text) for text in response.text.splitlines()]


def tab_for(backend: str, running: RunningServer) -> Tab:
    tab = Tab(running.url, server_side=backend != "none")
    tab.open("/")
    return tab


def status_line(tab: Tab) -> str:
    return next(text for text in tab.texts() if text.startswith("count="))


def count_in(render: dict[str, Any]) -> str:
    """The status line of a render message's tree."""
    stack = [render["tree"]]
    while stack:
        node = stack.pop()
        text = str(node["p"].get("text", ""))
        if node["t"] == "text" and text.startswith("count="):
            return text
        stack.extend(node.get("c", []))
    raise LookupError("no status line")


def handler_of(tab: Tab, label: str) -> str:
    return tab.find(lambda n: n["t"] == "button" and n["p"].get("label") == label)["p"][
        "on_click"]


def forged_click(tab: Tab, handler: str, **overrides: Any) -> tuple[int, list[dict[str, Any]]]:
    """The event a hostile page would post with this tab's session and copy."""
    body: dict[str, Any] = {
        "session": tab.session_id, "path": tab.path, "has_copy": True,
        "version": tab.state["#version"] if tab.state else None,
        "event": {"handler": handler, "kind": "click", "key": "", "value": None},
    }
    if not tab.server_side:
        body["state"], body["sig"] = tab.state, tab.sig
    body.update(overrides)
    return post_tab(tab, body)


def post_tab(tab: Tab, body: dict[str, Any]) -> tuple[int, list[dict[str, Any]]]:
    response = requests.post(tab.base_url + EVENTS_PATH, data=json.dumps(body).encode(),
                             headers={"Content-Type": "application/json"}, timeout=30)
    assert "Traceback" not in response.text
    if response.status_code != 200:
        return response.status_code, [response.json()]
    return 200, [json.loads(text) for text in response.text.splitlines()]


# -- 1. a handler is callable only where the session can see it --------------------------


def test_a_guest_cannot_run_the_handler_of_a_button_only_admins_see(server: Any) -> None:
    backend, running = server
    admin = tab_for(backend, running)
    admin.type_into("Password", ADMIN_PASSWORD, kind="enter")
    wipe = handler_of(admin, "Wipe everything")

    guest = tab_for(backend, running)
    guest.click("Increment")
    status, messages = forged_click(guest, wipe)
    assert status == 400, messages
    assert "no handler" in messages[0]["message"]
    # Nothing ran and nothing was saved: the guest's next real event sees its own state.
    guest.click("Increment")
    assert status_line(guest) == "count=2 role=guest wiped=False"
    # The admin, whose page shows the button, may use it.
    admin.click("Wipe everything")
    assert status_line(admin) == "count=0 role=admin wiped=True"


def test_a_handler_of_another_page_is_refused_even_when_the_path_lies(server: Any) -> None:
    backend, running = server
    home = tab_for(backend, running)
    increment = handler_of(home, "Increment")
    other = tab_for(backend, running)
    other.click("Other page")
    assert other.path == "/other"
    add_hundred = handler_of(other, "Add a hundred")

    # A session on /other naming a handler of "/", with the path it sends set to "/".
    status, messages = forged_click(other, increment, path="/")
    assert status == 400, messages
    # A session on "/" naming the handler of /other, the path set to /other.
    status, messages = forged_click(home, add_hundred, path="/other")
    assert status == 400, messages
    home.click("Increment")
    assert status_line(home) == "count=1 role=guest wiped=False"


@pytest.mark.parametrize("handler", [
    "_mesop_app_security_app:not_a_handler",
    "_mesop_app_security_app:State",
    "_mesop_app_security_app:home",
    "os:system",
    "builtins:exec",
    "_mesop_app_security_app:increment#0",
    "../../etc/passwd",
])
def test_ids_of_functions_that_are_not_handlers_on_the_page_are_refused(
    server: Any, handler: str
) -> None:
    backend, running = server
    tab = tab_for(backend, running)
    status, messages = forged_click(tab, handler)
    assert status == 400, messages
    tab.click("Increment")
    assert status_line(tab) == "count=1 role=guest wiped=False"


def test_a_handler_is_refused_for_an_event_kind_it_does_not_take(server: Any) -> None:
    backend, running = server
    tab = tab_for(backend, running)
    status, messages = forged_click(tab, handler_of(tab, "Increment"),
                                    event={"handler": handler_of(tab, "Increment"),
                                           "kind": "input", "key": "", "value": "x"})
    assert status == 400 and "takes click events" in messages[0]["message"]


# -- 3. no rollback -----------------------------------------------------------------------


@pytest.mark.parametrize("server", ["memory", "file"], indirect=True)
def test_an_old_signed_copy_with_a_made_up_version_does_not_roll_the_store_back(
    server: Any,
) -> None:
    backend, running = server
    tab = tab_for(backend, running)
    tab.click("Increment")
    tab.click("Increment")
    old_state, old_sig = copy.deepcopy(tab.state), tab.sig
    for _ in range(4):
        tab.click("Increment")
    assert status_line(tab) == "count=6 role=guest wiped=False"

    body = {"session": tab.session_id, "path": "/", "has_copy": True, "version": 10_000,
            "state": old_state, "sig": old_sig, "event": None}
    status, messages = post_tab(tab, body)
    assert status == 200
    render = messages[-1]
    assert render["type"] == "render"
    # The store's newer state wins; the browser is sent it whole, not patched.
    assert "state" in render and render["state"]["State"]["count"] == 6
    tab.click("Increment")
    assert status_line(tab) == "count=7 role=guest wiped=False"


@pytest.mark.parametrize("server", SERVER_SIDE, indirect=True)
def test_the_unsigned_version_field_only_earns_a_miss(server: Any) -> None:
    backend, running = server
    tab = tab_for(backend, running)
    tab.click("Increment")
    status, messages = forged_click(tab, handler_of(tab, "Increment"), version=10_000)
    assert status == 200 and messages == [{"type": "miss"}]
    tab.click("Increment")
    assert status_line(tab) == "count=2 role=guest wiped=False"


def test_none_copies_expire_with_their_max_age(tmp_path: Path) -> None:
    """The none backend cannot tell an old copy from the newest (the server keeps nothing),
    so a replayed copy is bounded in time: after MESOP_STATE_SESSION_NONE_MAX_AGE_SECONDS
    it starts a fresh session, and says so."""
    env = {**backend_env("none", tmp_path), "MESOP_STATE_SESSION_NONE_MAX_AGE_SECONDS": "1"}
    with running_server([], env=env, app=APP) as running:
        tab = tab_for("none", running)
        tab.click("Increment")
        old_state, old_sig, old_id = copy.deepcopy(tab.state), tab.sig, tab.session_id
        time.sleep(2.2)  # a real server's clock: the signature's time is whole seconds
        body = {"session": old_id, "path": "/", "has_copy": True, "state": old_state,
                "sig": old_sig, "event": None}
        status, messages = post_tab(tab, body)
        assert status == 200
        assert messages[-1]["session"] != old_id
        assert messages[-1]["state"]["State"]["count"] == 0
        assert messages[-1]["notice"].startswith("This page was reset after being idle for ")


# -- 4. session ids come from the server --------------------------------------------------


def test_an_id_the_server_never_issued_is_not_adopted(server: Any) -> None:
    backend, running = server
    made_up = secrets.token_urlsafe(32)
    for has_copy in (False, True):
        body = {"session": made_up, "path": "/", "has_copy": has_copy, "event": None}
        status, messages = post(running, body)
        assert status == 200
        if has_copy and backend != "none":
            # The server asks for the copy the browser says it has; none comes back.
            assert messages == [{"type": "miss"}]
            body["state"], body["sig"] = {"State": {"count": 1337}, "#version": 99}, "1.abc"
            status, messages = post(running, body)
            assert status == 400 and messages[0].get("reset") is True
            continue
        assert messages[-1]["session"] != made_up
        assert messages[-1]["state"]["State"]["count"] == 0


def test_an_event_under_a_made_up_id_is_not_run(server: Any) -> None:
    backend, running = server
    tab = tab_for(backend, running)
    body = {"session": secrets.token_urlsafe(32), "path": "/", "has_copy": False,
            "event": {"handler": handler_of(tab, "Increment"), "kind": "click", "key": "",
                      "value": None}}
    status, messages = post(running, body)
    assert status == 200
    assert messages[-1]["session"] != body["session"]
    assert messages[-1]["state"]["State"]["count"] == 0


# -- 6. numbers and text that break things ------------------------------------------------


def _slider(tab: Tab) -> tuple[str, str]:
    node = tab.find(lambda n: n["t"] == "slider")
    return node["p"]["on_value_change"], node["k"]


@pytest.mark.parametrize("raw_value", [b"1" + b"0" * 400, b"1e400", b"-1e400", b"NaN",
                                       b"Infinity", b"-Infinity", b"9" * 5000])
def test_numbers_beyond_a_float_are_refused_before_the_handler(server: Any,
                                                                raw_value: bytes) -> None:
    backend, running = server
    tab = tab_for(backend, running)
    handler, key = _slider(tab)
    body = json.dumps({
        "session": tab.session_id, "path": "/", "has_copy": True,
        "version": tab.state["#version"] if tab.state else None,
        **({} if tab.server_side else {"state": tab.state, "sig": tab.sig}),
        "event": {"handler": handler, "kind": "slider", "key": key, "value": "VALUE"},
    }).encode().replace(b'"VALUE"', raw_value)
    status, messages = post(running, body)
    assert status == 400, messages
    assert "number" in messages[0]["message"] or "JSON" in messages[0]["message"]
    tab.click("Increment")
    assert status_line(tab) == "count=1 role=guest wiped=False"


@pytest.mark.parametrize("field", ["path", "key", "value", "handler", "query"])
def test_a_lone_surrogate_anywhere_is_refused(server: Any, field: str) -> None:
    backend, running = server
    tab = tab_for(backend, running)
    event = {"handler": handler_of(tab, "Increment"), "kind": "click", "key": "",
             "value": None}
    body = {"session": tab.session_id, "path": "/", "has_copy": True, "event": event}
    if field == "path":
        body["path"] = "/?\ud800"
    elif field == "query":
        body["query"] = [["q", "\ud800"]]
    else:
        event[field] = "x\udc00" if field != "value" else "\ud800"
    status, messages = post(running, json.dumps(body).encode())  # ensure_ascii: \ud800
    assert status == 400, messages
    assert "surrogate" in messages[0]["message"]
    status, messages = post(running, {"path": "/?\ud83d\ude00"})  # a valid pair is text
    assert status == 200


@pytest.mark.parametrize("query", [
    {"q": "x"}, [["q"]], [["q", 1]], 7, [["k", "v"]] * 257, [["k", "v" * 8193]],
    "k=v&" * 257, "k=" + "v" * 8193,
])
def test_a_hostile_query_is_refused_and_runs_nothing(server: Any, query: Any) -> None:
    backend, running = server
    tab = tab_for(backend, running)
    status, messages = forged_click(tab, handler_of(tab, "Increment"), query=query)
    assert status == 400, messages
    assert messages[0]["message"].startswith("Bad event request: query ")
    tab.click("Increment")
    assert status_line(tab) == "count=1 role=guest wiped=False"


def test_the_unsigned_query_picks_no_page_and_no_handler(server: Any) -> None:
    """me.query_params is data for the app: a query naming another page, handler or session
    changes nothing about what runs."""
    backend, running = server
    tab = tab_for(backend, running)
    other = tab_for(backend, running)
    status, messages = forged_click(tab, handler_of(tab, "Increment"), query=[
        ["path", "/other"], ["handler", "_mesop_app_security_app:wipe_everything"],
        ["session", other.session_id or ""]])
    assert status == 200, messages
    assert messages[-1]["path"] == "/" and messages[-1]["session"] == tab.session_id
    assert count_in(messages[-1]) == "count=1 role=guest wiped=False"
    other.click("Increment")
    assert status_line(other) == "count=1 role=guest wiped=False"


# -- 12. rotating MESOP_SECRET_KEY --------------------------------------------------------


def test_a_rotated_key_still_verifies_copies_signed_with_the_previous_one(tmp_path: Path) -> None:
    old_key, new_key = "the-old-key-" + "o" * 30, "the-new-key-" + "n" * 30
    env = {**backend_env("none", tmp_path), "MESOP_SECRET_KEY": old_key}
    with running_server([], env=env, app=APP) as running:
        tab = tab_for("none", running)
        tab.click("Increment")
        saved = (tab.session_id, copy.deepcopy(tab.state), tab.sig)

    def replay(running: RunningServer) -> tuple[int, list[dict[str, Any]]]:
        tab.base_url = running.url
        tab.session_id, tab.state, tab.sig = saved[0], copy.deepcopy(saved[1]), saved[2]
        return forged_click(tab, handler_of(tab, "Increment"))

    rotated = {**env, "MESOP_SECRET_KEY": new_key, "MESOP_SECRET_KEY_PREVIOUS": old_key}
    with running_server([], env=rotated, app=APP) as running:
        status, messages = replay(running)
        assert status == 200 and count_in(messages[-1]).startswith("count=2 ")
    with running_server([], env={**env, "MESOP_SECRET_KEY": new_key}, app=APP) as running:
        status, messages = replay(running)
        assert status == 400 and messages[0]["reset"] is True
