"""``me.query_params`` and ``me.navigate(url, query_params=...)``: Mesop's mapping of the
URL's query, the wire field that carries it (hostile input, validated), and the renders that
tell the browser the new query only when it changed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

import mesop_cli as me
from mesop_cli.runtime import load_app, run_event, run_load
from mesop_cli.runtime.browser.browser_context import BrowserContext
from mesop_cli.runtime.browser.query_state import MAX_QUERY_CHARS, MAX_QUERY_PAIRS, QueryState
from mesop_cli.runtime.errors import HandlerError
from mesop_cli.runtime.scope import Scope, activated
from mesop_cli.sessions.memory import MemoryBackend
from mesop_cli.web import create_flask_app
from mesop_cli.web.protocol import ProtocolError, parse_event_request
from tests.support.flask_tab import Client, make_settings

APP_SOURCE = '''
import mesop_cli as me

@me.stateclass
class State:
    seen: str = ""

def load(e: me.LoadEvent):
    me.state(State).seen = me.query_params.get("q", "-")

def set_q(e: me.ClickEvent):
    me.query_params["q"] = "x"

def set_same(e: me.ClickEvent):
    me.query_params["q"] = me.query_params["q"]

def set_list(e: me.ClickEvent):
    me.query_params["tag"] = ["a", "b"]

def delete_q(e: me.ClickEvent):
    del me.query_params["q"]

def noop(e: me.ClickEvent):
    pass

def stream(e: me.ClickEvent):
    me.query_params["step"] = "1"
    yield
    yield
    me.query_params["step"] = "2"

def go(e: me.ClickEvent):
    me.navigate("/other", query_params={"page": "2", "tags": ["x", "y"]})

def go_keep(e: me.ClickEvent):
    me.navigate("/other", query_params=me.query_params)

def go_bare(e: me.ClickEvent):
    me.navigate("/other")

def go_url_query(e: me.ClickEvent):
    me.navigate("/other?dropped=1")

def go_home_same(e: me.ClickEvent):
    me.navigate("/", query_params=me.query_params)

def too_much(e: me.ClickEvent):
    me.query_params["big"] = "x" * 9000

def bad_value(e: me.ClickEvent):
    me.query_params["n"] = 3

@me.page(path="/", on_load=load)
def home():
    me.text(f"query_params={me.query_params}")
    me.text(f"seen={me.state(State).seen}")
    for label, handler in [("Set", set_q), ("Same", set_same), ("List", set_list),
                           ("Delete", delete_q), ("Noop", noop), ("Stream", stream),
                           ("Go", go), ("Keep", go_keep), ("Bare", go_bare),
                           ("UrlQuery", go_url_query), ("Home", go_home_same),
                           ("TooMuch", too_much), ("BadValue", bad_value)]:
        me.button(label, on_click=handler)

def other_load(e: me.LoadEvent):
    me.query_params["loaded"] = "yes"

@me.page(path="/other", on_load=other_load)
def other():
    me.text(f"other={me.query_params}")
'''


@pytest.fixture()
def app_file(tmp_path: Path) -> Path:
    path = tmp_path / "main.py"
    path.write_text(APP_SOURCE)
    return path


def texts(tree: dict[str, Any]) -> list[str]:
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        if node["t"] == "text":
            found.append(node["p"]["text"])
        stack.extend(reversed(node["c"]))
    return found


@pytest.fixture()
def query() -> Iterator[QueryState]:
    """A query of ``?q=1&tag=a&q=2`` made current, as during a handler."""
    state = QueryState([("q", "1"), ("tag", "a"), ("q", "2")])
    scope = Scope(cast(Any, None), {}, browser=BrowserContext(query=state))
    with activated(scope):
        yield state


# ---- the mapping ------------------------------------------------------------------------


def test_a_key_reads_as_its_first_value_and_get_all_as_every_value(query: QueryState) -> None:
    assert me.query_params["q"] == "1"
    assert me.query_params.get_all("q") == ("1", "2")
    assert me.query_params.get_all("tag") == ("a",)
    assert me.query_params.get_all("missing") == ()
    assert me.query_params.get("missing") is None
    with pytest.raises(KeyError):
        me.query_params["missing"]


def test_iteration_length_and_membership(query: QueryState) -> None:
    assert list(me.query_params) == ["q", "tag"]
    assert len(me.query_params) == 2
    assert "q" in me.query_params and "nope" not in me.query_params
    assert dict(me.query_params) == {"q": "1", "tag": "a"}
    # Printed as Mesop prints it: every key with all its values.
    assert str(me.query_params) == "{'q': ['1', '2'], 'tag': ['a']}"
    assert f"{me.query_params}" == str(me.query_params)


def test_setting_a_string_or_a_list_and_deleting(query: QueryState) -> None:
    me.query_params["q"] = "only"
    assert me.query_params.get_all("q") == ("only",)
    me.query_params["tag"] = ["x", "y"]
    assert me.query_params["tag"] == "x"
    assert me.query_params.get_all("tag") == ("x", "y")
    me.query_params["new"] = ("t",)
    assert list(me.query_params) == ["q", "tag", "new"]  # a key set again keeps its place
    del me.query_params["q"]
    assert "q" not in me.query_params
    with pytest.raises(KeyError):
        del me.query_params["q"]
    me.query_params["tag"] = []  # no value: not in the URL, so not a key
    assert list(me.query_params) == ["new"]
    for key in list(me.query_params.keys()):  # Mesop's "delete all" idiom
        del me.query_params[key]
    assert len(me.query_params) == 0
    assert query.take_update() == []


@pytest.mark.parametrize("value", [3, None, b"x", ["a", 1], {"a": "b"}])
def test_a_value_that_is_not_text_is_refused(query: QueryState, value: Any) -> None:
    with pytest.raises(TypeError, match="string or a list of strings"):
        me.query_params["q"] = value
    assert me.query_params.get_all("q") == ("1", "2")


def test_a_key_that_is_not_text_is_refused(query: QueryState) -> None:
    with pytest.raises(TypeError, match="keys are strings"):
        me.query_params[cast(Any, 1)] = "x"


def test_a_query_too_large_to_send_back_is_refused_where_it_is_set(query: QueryState) -> None:
    with pytest.raises(ValueError, match=f"at most {MAX_QUERY_CHARS} characters"):
        me.query_params["big"] = "x" * MAX_QUERY_CHARS
    with pytest.raises(ValueError, match=f"at most {MAX_QUERY_PAIRS} values"):
        me.query_params["many"] = ["v"] * MAX_QUERY_PAIRS
    me.query_params["q"] = "kept"
    with pytest.raises(ValueError):
        me.query_params["q"] = ["v"] * MAX_QUERY_PAIRS
    assert dict(me.query_params) == {"q": "kept", "tag": "a"}


def test_outside_a_render_or_handler_it_says_so() -> None:
    with pytest.raises(RuntimeError, match="me.query_params"):
        me.query_params["q"]
    assert repr(me.query_params) == "<me.query_params>"


def test_the_update_is_taken_once_and_only_when_the_url_differs() -> None:
    state = QueryState([("a", "1")])
    assert state.take_update() is None
    state.set("a", ["1"])
    assert state.take_update() is None  # the same query: the URL already shows it
    state.set("b", ["2", "3"])
    assert state.take_update() == [["a", "1"], ["b", "2"], ["b", "3"]]
    assert state.take_update() is None
    state.replace({})  # a navigation: the new URL shows what the next render says
    assert state.take_update() == []


# ---- in the engine ----------------------------------------------------------------------


def browser(*pairs: tuple[str, str]) -> BrowserContext:
    return BrowserContext(query=QueryState(pairs))


def click(app: Any, states: dict[str, object], label: str, context: BrowserContext,
          path: str = "/") -> list[Any]:
    tree = list(run_load(app, path, dict(states), browser()))[-1].tree
    stack = [tree]
    while stack:
        node = stack.pop()
        if node["t"] == "button" and node["p"]["label"] == label:
            event = {"handler": node["p"]["on_click"], "kind": "click", "key": "",
                     "value": None}
            return list(run_event(app, path, states, event, context))
        stack.extend(node["c"])
    raise LookupError(label)


def test_on_load_and_the_page_read_the_reported_query(app_file: Path) -> None:
    app = load_app(app_file)
    renders = list(run_load(app, "/", {}, browser(("q", "hello"), ("q", "again"))))
    assert texts(renders[-1].tree)[:2] == ["query_params={'q': ['hello', 'again']}",
                                           "seen=hello"]
    assert renders[-1].query is None  # unchanged: the URL already shows it


def test_a_load_path_with_a_query_renders_the_bare_path(app_file: Path) -> None:
    renders = list(run_load(load_app(app_file), "/?q=1", {}, browser(("q", "1"))))
    assert renders[-1].path == "/"


def test_a_change_in_a_handler_is_carried_by_the_render(app_file: Path) -> None:
    app = load_app(app_file)
    renders = click(app, {}, "Set", browser(("q", "1"), ("z", "9")))
    assert renders[-1].query == [["q", "x"], ["z", "9"]]
    assert "query_params={'q': ['x'], 'z': ['9']}" in texts(renders[-1].tree)
    assert click(app, {}, "List", browser())[-1].query == [["tag", "a"], ["tag", "b"]]
    assert click(app, {}, "Delete", browser(("q", "1")))[-1].query == []


def test_an_unchanged_query_is_not_sent_again(app_file: Path) -> None:
    app = load_app(app_file)
    assert click(app, {}, "Noop", browser(("q", "1")))[-1].query is None
    assert click(app, {}, "Same", browser(("q", "1")))[-1].query is None


def test_a_streaming_handler_sends_each_change_once(app_file: Path) -> None:
    renders = click(load_app(app_file), {}, "Stream", browser())
    assert [r.query for r in renders] == [[["step", "1"]], None, [["step", "2"]]]


def test_navigate_with_query_params_and_the_target_on_load(app_file: Path) -> None:
    app = load_app(app_file)
    renders = click(app, {}, "Go", browser(("q", "old")))
    assert renders[-1].path == "/other"
    assert renders[-1].query == [["page", "2"], ["tags", "x"], ["tags", "y"],
                                 ["loaded", "yes"]]
    assert texts(renders[-1].tree) == [
        "other={'page': ['2'], 'tags': ['x', 'y'], 'loaded': ['yes']}"]


def test_navigate_keeps_me_query_params_when_passed(app_file: Path) -> None:
    renders = click(load_app(app_file), {}, "Keep", browser(("q", "1"), ("q", "2")))
    assert renders[-1].query == [["q", "1"], ["q", "2"], ["loaded", "yes"]]


def test_navigate_without_query_params_clears_the_query(app_file: Path) -> None:
    renders = click(load_app(app_file), {}, "Bare", browser(("q", "1")))
    assert renders[-1].query == [["loaded", "yes"]]


def test_navigate_to_the_same_page_with_the_same_query_still_sends_it(app_file: Path) -> None:
    # The client replaces the URL's query with the render's after any navigation.
    renders = click(load_app(app_file), {}, "Home", browser(("q", "1")))
    assert renders[-1].path == "/"
    assert renders[-1].query == [["q", "1"]]


def test_a_query_written_into_the_url_is_dropped_with_a_warning(
        app_file: Path, caplog: pytest.LogCaptureFixture) -> None:
    renders = click(load_app(app_file), {}, "UrlQuery", browser(("q", "1")))
    assert renders[-1].path == "/other"
    assert renders[-1].query == [["loaded", "yes"]]
    assert "query_params={'key': 'value'}" in caplog.text


def test_app_errors_name_the_problem(app_file: Path) -> None:
    app = load_app(app_file)
    with pytest.raises(HandlerError, match="at most 8192 characters"):
        click(app, {}, "TooMuch", browser())
    with pytest.raises(HandlerError, match="string or a list of strings, got int"):
        click(app, {}, "BadValue", browser())


def test_navigate_refuses_query_params_of_the_wrong_shape() -> None:
    scope = Scope(cast(Any, None), {})
    with activated(scope), pytest.raises(TypeError, match="query_params= as a dict"):
        me.navigate("/", query_params=cast(Any, [("a", "b")]))


# ---- the wire ---------------------------------------------------------------------------


def body(**fields: Any) -> bytes:
    return json.dumps({"session": None, "path": "/", "event": None, **fields}).encode()


def test_the_query_is_read_as_pairs_or_as_a_string() -> None:
    assert parse_event_request(body()).query == ()
    assert parse_event_request(body(query=None)).query == ()
    assert parse_event_request(body(query=[["q", "a b"], ["q", ""], ["", "x"]])).query == \
        (("q", "a b"), ("q", ""), ("", "x"))
    assert parse_event_request(body(query="?q=a+b&q=%26&flag&=x")).query == \
        (("q", "a b"), ("q", "&"), ("flag", ""), ("", "x"))
    assert parse_event_request(body(query="")).query == ()


@pytest.mark.parametrize("query", [
    1, True, {"q": "a"}, [["q"]], [["q", "a", "b"]], [["q", 1]], [[None, "a"]], ["q=a"],
    [{"key": "q", "value": "a"}], [["q", ["a"]]],
])
def test_a_query_of_the_wrong_shape_is_refused(query: Any) -> None:
    with pytest.raises(ProtocolError, match=r"query must be a string or a list of \[key, "):
        parse_event_request(body(query=query))


def test_a_query_too_large_is_refused() -> None:
    with pytest.raises(ProtocolError, match=f"at most {MAX_QUERY_PAIRS} values"):
        parse_event_request(body(query=[["k", "v"]] * (MAX_QUERY_PAIRS + 1)))
    with pytest.raises(ProtocolError, match=f"at most {MAX_QUERY_PAIRS} values"):
        parse_event_request(body(query="&".join(["k=v"] * (MAX_QUERY_PAIRS + 1))))
    with pytest.raises(ProtocolError, match=f"at most {MAX_QUERY_CHARS} characters"):
        parse_event_request(body(query=[["k", "v" * MAX_QUERY_CHARS]]))
    with pytest.raises(ProtocolError, match="query too large"):
        parse_event_request(body(query="k=" + "v" * MAX_QUERY_CHARS))
    with pytest.raises(ProtocolError, match="characters"):
        parse_event_request(body(query="%41" * (MAX_QUERY_CHARS + 1)))
    # At the limits exactly, accepted.
    assert len(parse_event_request(body(query=[["k", "v"]] * MAX_QUERY_PAIRS)).query) == \
        MAX_QUERY_PAIRS
    assert parse_event_request(body(query=[["k", "v" * (MAX_QUERY_CHARS - 1)]])).query


def test_a_lone_surrogate_in_the_query_is_refused() -> None:
    raw = b'{"session": null, "path": "/", "event": null, "query": [["q", "\\ud800"]]}'
    with pytest.raises(ProtocolError, match="lone UTF-16 surrogate"):
        parse_event_request(raw)


def test_a_malformed_percent_escape_reads_as_text() -> None:
    # As URLSearchParams does, bad escapes are data, never an error of the server.
    query = parse_event_request(body(query="q=%ZZ&r=%ED%A0%80")).query
    assert query[0] == ("q", "%ZZ")
    assert query[1][0] == "r" and query[1][1].encode("utf-8")


# ---- through the web layer --------------------------------------------------------------


def web_client(app_file: Path) -> Client:
    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
    return Client(create_flask_app(app_file, make_settings(backend="memory"), backend=backend))


def send(client: Client, event: dict[str, Any] | None, query: Any) -> list[dict[str, Any]]:
    status, messages = client.post({
        "session": client.session, "path": client.path, "event": event, "query": query,
        "version": client.state["#version"] if client.state else None})
    assert status == 200, messages
    assert isinstance(messages, list)
    for message in messages:
        if message["type"] == "render":
            client.session, client.tree = message["session"], message["tree"]
            client.state = None  # the memory backend keeps it; a copy is not needed here
    return messages


def test_the_render_carries_the_query_only_when_it_changed(app_file: Path) -> None:
    client = web_client(app_file)
    first = send(client, None, [["q", "hello"]])[-1]
    assert "query" not in first
    assert "seen=hello" in texts(first["tree"])
    click = {"handler": client.handler("Set"), "kind": "click", "key": "", "value": None}
    changed = send(client, click, [["q", "hello"]])[-1]
    assert changed["query"] == [["q", "x"]]
    # The next event reports the URL as the client updated it: nothing to send back.
    noop = {"handler": client.handler("Noop"), "kind": "click", "key": "", "value": None}
    later = send(client, noop, [["q", "x"]])[-1]
    assert "query" not in later
    assert "query_params={'q': ['x']}" in texts(later["tree"])


def test_the_query_never_picks_the_page_or_the_handler(app_file: Path) -> None:
    """Unsigned: a query naming another page or a handler changes nothing but what
    me.query_params says."""
    client = web_client(app_file)
    send(client, None, [])
    noop = {"handler": client.handler("Noop"), "kind": "click", "key": "", "value": None}
    messages = send(client, noop, "path=/other&handler=go&session=x")
    assert messages[-1]["path"] == "/"
    assert "query_params={'path': ['/other'], 'handler': ['go'], 'session': ['x']}" in \
        texts(messages[-1]["tree"])


def test_a_bad_query_is_answered_400_with_one_line(app_file: Path) -> None:
    client = web_client(app_file)
    status, answer = client.post({"session": None, "path": "/", "event": None,
                                  "query": {"q": "x"}})
    assert status == 400 and isinstance(answer, dict)
    assert answer["message"] == ("Bad event request: query must be a string or a list of "
                                 "[key, value] string pairs.")
