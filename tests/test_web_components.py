"""Web components (``@me.web_component``, ``me.insert_web_component``, ``me.WebEvent``):
which module files an app may serve and how they are served, the node a component adds,
and the checks on the events it sends back."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path
from typing import Any

import pytest

import mesop_cli as me
import mesop_cli.labs as mel
from mesop_cli.runtime import AppLoadError, load_app, render
from mesop_cli.runtime.components.web_component import MAX_WEB_EVENT_BYTES, MAX_WEB_EVENT_DEPTH
from mesop_cli.runtime.engine import run_event
from mesop_cli.runtime.errors import HandlerError, InvalidEvent, UnknownHandler
from mesop_cli.runtime.events import build_event
from mesop_cli.web import create_flask_app
from tests.support.flask_tab import Client, make_settings

COUNTER_JS = "customElements.define('my-counter', class extends HTMLElement {});\n"

APP = """
    import mesop_cli as me

    @me.stateclass
    class State:
        value: int = 1
        admin: bool = False

    def on_increment(e: me.WebEvent):
        me.state(State).value = e.value["value"]

    def wipe(e: me.WebEvent):
        me.state(State).value = -1

    @me.web_component(path="./parts/counter.js")
    def counter(*, value, on_increment, key=None):
        return me.insert_web_component(
            name="my-counter", key=key, events={"incrementEvent": on_increment,
                                                "resetEvent": None},
            properties={"value": value, "pair": (1, 2), "nested": {"a": [True, None]}})

    @me.page(path="/")
    def home():
        state = me.state(State)
        counter(value=state.value, on_increment=on_increment, key="c")
        if state.admin:
            with counter(value=0, on_increment=wipe):
                me.text("admin only")
"""


def write_app(directory: Path, source: str = APP, js: dict[str, str] | None = None) -> Path:
    (directory / "parts").mkdir(exist_ok=True)
    for name, text in (js if js is not None else {"parts/counter.js": COUNTER_JS}).items():
        (directory / name).write_text(text)
    path = directory / "main.py"
    path.write_text(textwrap.dedent(source))
    return path


def web_nodes(tree: dict[str, Any]) -> list[dict[str, Any]]:
    found = [tree] if tree["t"] == "web_component" else []
    for child in tree["c"]:
        found += web_nodes(child)
    return found


# ---- names --------------------------------------------------------------------------


def test_mesop_and_labs_names() -> None:
    assert me.WebEvent is mel.WebEvent
    assert me.web_component is mel.web_component
    assert me.insert_web_component is mel.insert_web_component
    event = me.WebEvent(key="k", value={"a": 1})
    assert (event.key, event.value) == ("k", {"a": 1})


# ---- registration and the node ------------------------------------------------------


def test_module_is_registered_relative_to_the_declaring_file(tmp_path: Path) -> None:
    app = load_app(write_app(tmp_path))
    assert list(app.web_modules) == ["parts/counter.js"]
    module = app.web_modules["parts/counter.js"]
    assert module.file == (tmp_path / "parts" / "counter.js").resolve()
    assert module.declared_at.endswith("main.py:15")
    assert module.url == "/__mesop__/web-components/parts/counter.js"


def test_helper_module_declares_relative_to_itself(tmp_path: Path) -> None:
    (tmp_path / "widgets").mkdir()
    (tmp_path / "widgets" / "__init__.py").write_text("")
    (tmp_path / "widgets" / "dial.js").write_text(COUNTER_JS)
    (tmp_path / "widgets" / "dial.py").write_text(textwrap.dedent("""
        import mesop_cli.labs as mel

        @mel.web_component(path="./dial.js")
        def dial():
            return mel.insert_web_component(name="x-dial")
    """))
    main = write_app(tmp_path, """
        import mesop_cli as me
        from widgets.dial import dial

        @me.page(path="/")
        def home():
            dial()
    """, js={})
    app = load_app(main)
    assert list(app.web_modules) == ["widgets/dial.js"]
    assert web_nodes(render(app, "/", {}).tree)[0]["p"]["modules"] == [
        "/__mesop__/web-components/widgets/dial.js"]


def test_node_has_name_json_properties_modules_and_handler_ids(tmp_path: Path) -> None:
    app = load_app(write_app(tmp_path))
    [node] = web_nodes(render(app, "/", {}).tree)
    assert node["k"] == "c"
    assert node["p"] == {
        "name": "my-counter",
        "modules": ["/__mesop__/web-components/parts/counter.js"],
        "properties": {"value": 1, "pair": [1, 2], "nested": {"a": [True, None]}},
        # An event given None is left out, as in Mesop.
        "events": {"incrementEvent": f"{app.module.__name__}:on_increment"},
    }


def test_web_component_takes_children(tmp_path: Path) -> None:
    app = load_app(write_app(tmp_path))
    states: dict[str, object] = {}
    render(app, "/", states)
    states["State"].admin = True  # type: ignore[attr-defined]
    nodes = web_nodes(render(app, "/", states).tree)
    assert [child["p"]["text"] for child in nodes[1]["c"]] == ["admin only"]


# ---- paths refused at load ----------------------------------------------------------


def component_source(path: str) -> str:
    return f"""
        import mesop_cli as me

        @me.web_component(path={path!r})
        def thing():
            return me.insert_web_component(name="x-thing")

        @me.page(path="/")
        def home():
            thing()
    """


@pytest.mark.parametrize("path, message", [
    ("../outside.js", "outside the app's directory"),
    ("./parts/missing.js", "no such file"),
    ("./parts/counter.py", "must name a JavaScript module"),
    ("", "must be a non-empty string"),
])
def test_bad_module_paths_stop_the_load_at_their_line(tmp_path: Path, path: str,
                                                      message: str) -> None:
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    (tmp_path / "outside.js").write_text(COUNTER_JS)
    (app_dir / "parts").mkdir()
    (app_dir / "parts" / "counter.py").write_text("")
    main = write_app(app_dir, component_source(path), js={})
    with pytest.raises(AppLoadError) as caught:
        load_app(main)
    text = str(caught.value)
    assert f"{main}:4:" in text and message in text, text
    assert "\n" not in text


def test_absolute_path_outside_the_app_is_refused(tmp_path: Path) -> None:
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    (tmp_path / "secret.js").write_text(COUNTER_JS)
    main = write_app(app_dir, component_source(str(tmp_path / "secret.js")), js={})
    with pytest.raises(AppLoadError, match="outside the app's directory"):
        load_app(main)


def test_symlink_leading_out_of_the_app_is_refused(tmp_path: Path) -> None:
    app_dir = tmp_path / "app"
    (app_dir / "parts").mkdir(parents=True)
    (tmp_path / "elsewhere.js").write_text(COUNTER_JS)
    os.symlink(tmp_path / "elsewhere.js", app_dir / "parts" / "linked.js")
    main = write_app(app_dir, component_source("./parts/linked.js"), js={})
    with pytest.raises(AppLoadError) as caught:
        load_app(main)
    assert "through a symlink" in str(caught.value) and f"{main}:4:" in str(caught.value)


def test_symlink_inside_the_app_is_served_under_its_real_path(tmp_path: Path) -> None:
    main = write_app(tmp_path)
    os.symlink(tmp_path / "parts" / "counter.js", tmp_path / "alias.js")
    main.write_text(main.read_text().replace("./parts/counter.js", "./alias.js"))
    assert list(load_app(main).web_modules) == ["parts/counter.js"]


# ---- names and properties refused ---------------------------------------------------


def insert_source(call: str) -> str:
    return f"""
        import mesop_cli as me

        @me.web_component(path="./parts/counter.js")
        def thing():
            return {call}

        @me.page(path="/")
        def home():
            thing()
    """


@pytest.mark.parametrize("call, message", [
    ('me.insert_web_component(name="counter")', "not a custom element name"),
    ('me.insert_web_component(name="My-Counter")', "not a custom element name"),
    ('me.insert_web_component(name="x-a onclick=alert(1)")', "not a custom element name"),
    ('me.insert_web_component(name="x-a><script")', "not a custom element name"),
    ('me.insert_web_component(name="font-face")', "reserved"),
    ('me.insert_web_component(name="x-a", properties={"src": "x"})', "'src'"),
    ('me.insert_web_component(name="x-a", properties={"srcdoc": "x"})', "'srcdoc'"),
    ('me.insert_web_component(name="x-a", properties={"onClick": "x"})', "'onClick'"),
    ('me.insert_web_component(name="x-a", properties={"innerHTML": "<b>"})', "'innerHTML'"),
    ('me.insert_web_component(name="x-a", properties={"__proto__": {}})', "'__proto__'"),
    ('me.insert_web_component(name="x-a", properties={"a-b": 1})', "JavaScript identifier"),
    ('me.insert_web_component(name="x-a", events={"onLoad": print})', "'onLoad'"),
    ('me.insert_web_component(name="x-a", events={"go": 3})', "callable or None"),
    ('me.insert_web_component(name="x-a", properties={"v": float("nan")})', "not JSON data"),
    ('me.insert_web_component(name="x-a", properties={"v": object()})', "not JSON data"),
    ('me.insert_web_component(name="x-a", properties={"go": 1}, events={"go": print})',
     "both a property and an event"),
])
def test_bad_names_and_properties_fail_where_written(tmp_path: Path, call: str,
                                                     message: str) -> None:
    app = load_app(write_app(tmp_path, insert_source(call)))
    with pytest.raises(HandlerError) as caught:
        render(app, "/", {})
    assert message in str(caught.value) and "main.py:6" in str(caught.value), caught.value


# ---- events -------------------------------------------------------------------------


def web_event(app: Any, handler: str, value: object) -> dict[str, Any]:
    return {"handler": handler, "kind": "web", "key": "c", "value": value}


def test_event_runs_its_handler_with_the_value(tmp_path: Path) -> None:
    app = load_app(write_app(tmp_path))
    states: dict[str, object] = {}
    [node] = web_nodes(render(app, "/", states).tree)
    handler = node["p"]["events"]["incrementEvent"]
    renders = list(run_event(app, "/", states, web_event(app, handler, {"value": 7})))
    assert web_nodes(renders[-1].tree)[0]["p"]["properties"]["value"] == 7


def test_forged_handler_ids_are_refused(tmp_path: Path) -> None:
    app = load_app(write_app(tmp_path))
    states: dict[str, object] = {}
    render(app, "/", states)
    # A handler of the module that this session's page does not show (admin only).
    with pytest.raises(UnknownHandler):
        list(run_event(app, "/", states, web_event(app, f"{app.module.__name__}:wipe", {})))
    # A handler the page shows, but for clicks: a web event cannot reach it.
    with pytest.raises(UnknownHandler):
        list(run_event(app, "/", states, web_event(app, "builtins:print", {})))
    assert states["State"].value == 1  # type: ignore[attr-defined]


def test_web_handler_refuses_other_event_kinds(tmp_path: Path) -> None:
    app = load_app(write_app(tmp_path))
    states: dict[str, object] = {}
    render(app, "/", states)
    handler = f"{app.module.__name__}:on_increment"
    with pytest.raises(InvalidEvent, match="takes web events, not 'click'"):
        list(run_event(app, "/", states, {"handler": handler, "kind": "click", "key": "c",
                                          "value": None}))


@pytest.mark.parametrize("value", [
    {"value": 3}, [1, "a", None], "text", 4.5, True, None, {"deep": [[{"x": {}}]]},
])
def test_web_event_values_that_are_json(value: object) -> None:
    event = build_event("web", "k", value)
    assert isinstance(event, me.WebEvent) and event.value == value and event.key == "k"


def nested(depth: int) -> object:
    value: object = 0
    for _ in range(depth - 1):
        value = [value]
    return value


@pytest.mark.parametrize("value, message", [
    (float("nan"), "not a JSON number"),
    ({"a": float("inf")}, "not a JSON number"),
    ({1: "a"}, "keys must be strings"),
    ({"a": (1, 2)}, "tuple, not JSON"),
    ({"a": b"bytes"}, "bytes, not JSON"),
    (nested(MAX_WEB_EVENT_DEPTH + 1), "nests deeper"),
    ("x" * (MAX_WEB_EVENT_BYTES + 1), "more than"),
])
def test_web_event_values_refused(value: object, message: str) -> None:
    with pytest.raises(InvalidEvent, match=message):
        build_event("web", "k", value)
    assert build_event("web", "k", nested(MAX_WEB_EVENT_DEPTH)).value is not None


# ---- over HTTP: the module route and the page's CSP ---------------------------------


@pytest.fixture()
def served(tmp_path: Path) -> tuple[Any, Path]:
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    main = write_app(app_dir)
    (app_dir / "parts" / "other.js").write_text("// not registered\n")
    (tmp_path / "outside.js").write_text("// outside\n")
    return create_flask_app(main, make_settings()).test_client(), app_dir


def test_registered_module_is_served_as_javascript(served: tuple[Any, Path]) -> None:
    http, _ = served
    response = http.get("/__mesop__/web-components/parts/counter.js")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == COUNTER_JS
    assert response.mimetype == "text/javascript"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-cache"
    again = http.get("/__mesop__/web-components/parts/counter.js",
                     headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("url", [
    "/__mesop__/web-components/parts/other.js",  # beside it, but never registered
    "/__mesop__/web-components/main.py",
    "/__mesop__/web-components/parts/../main.py",
    "/__mesop__/web-components/parts/..%2fmain.py",
    "/__mesop__/web-components/../outside.js",
    "/__mesop__/web-components/%2e%2e/outside.js",
    "/__mesop__/web-components//etc/passwd",
    "/__mesop__/web-components/parts%2fcounter.js%00",
])
def test_nothing_else_is_served(served: tuple[Any, Path], url: str) -> None:
    http, _ = served
    response = http.get(url)
    assert response.status_code == 404
    assert "outside" not in response.get_data(as_text=True).replace("outside.js", "")
    assert "registered" not in response.get_data(as_text=True)


def test_module_swapped_for_a_symlink_after_load_is_not_served(served: tuple[Any, Path],
                                                               tmp_path: Path) -> None:
    http, app_dir = served
    module = app_dir / "parts" / "counter.js"
    module.unlink()
    os.symlink(tmp_path / "outside.js", module)
    assert http.get("/__mesop__/web-components/parts/counter.js").status_code == 404


def csp(response: Any) -> dict[str, list[str]]:
    return {name: sources for name, *sources in
            (part.split() for part in response.headers["Content-Security-Policy"].split(";"))}


def test_pages_of_apps_with_web_components_allow_lits_policy(served: tuple[Any, Path],
                                                             tmp_path: Path) -> None:
    http, _ = served
    page = csp(http.get("/"))
    assert page["trusted-types"] == ["mesop-cli", "lit-html"]
    assert page["script-src"] == ["'self'"]
    plain = tmp_path / "plain"
    plain.mkdir()
    other = create_flask_app(write_app(plain, 'import mesop_cli as me\n\n@me.page(path="/")\n'
                                        'def home():\n    me.text("x")\n', js={}),
                       make_settings()).test_client()
    assert csp(other.get("/"))["trusted-types"] == ["mesop-cli"]


def test_web_event_over_http_reaches_the_handler(tmp_path: Path) -> None:
    tab = Client(create_flask_app(write_app(tmp_path), make_settings()))
    tab.send(None)
    handler = web_nodes(tab.tree)[0]["p"]["events"]["incrementEvent"]
    tab.send({"handler": handler, "kind": "web", "key": "c", "value": {"value": 5}})
    assert web_nodes(tab.tree)[0]["p"]["properties"]["value"] == 5
    # A module function the page does not show, a value that is not JSON data.
    forged = {"session": tab.session, "path": "/", "event": {
        "handler": f"{handler.split(':')[0]}:wipe", "kind": "web", "key": "c", "value": {}}}
    status, answer = tab.post(forged)
    assert status == 400 and "has no handler" in answer["message"]  # type: ignore[index]
    deep = {**forged, "event": {**forged["event"], "handler": handler,
                                "value": nested(MAX_WEB_EVENT_DEPTH + 1)}}
    status, answer = tab.post(deep)
    assert status == 400 and "nests deeper" in answer["message"]  # type: ignore[index]
    tab.send(None)  # the page again, as the session holds it: neither event changed it
    assert web_nodes(tab.tree)[0]["p"]["properties"]["value"] == 5


def test_declaring_a_web_component_while_a_page_renders_is_refused(tmp_path: Path) -> None:
    app = load_app(write_app(tmp_path, """
        import mesop_cli as me

        @me.page(path="/")
        def home():
            @me.web_component(path="./parts/counter.js")
            def late():
                return me.insert_web_component(name="my-counter")
            late()
    """))
    with pytest.raises(HandlerError, match="must run when the app loads") as caught:
        render(app, "/", {})
    assert "main.py:6" in str(caught.value)
    assert app.web_modules == {}


def test_protocol_refuses_a_bad_web_value_before_any_session_is_opened() -> None:
    from mesop_cli.web.protocol import ProtocolError, parse_event_request

    def body(value: object) -> bytes:
        return json.dumps({"path": "/", "event": {"handler": "h", "kind": "web", "key": "",
                                                  "value": value}}).encode()

    assert parse_event_request(body({"value": 1})).event["value"] == {  # type: ignore[index]
        "value": 1}
    with pytest.raises(ProtocolError, match="nests deeper"):
        parse_event_request(body(nested(MAX_WEB_EVENT_DEPTH + 1)))
    with pytest.raises(ProtocolError, match="more than"):
        parse_event_request(body("x" * (MAX_WEB_EVENT_BYTES + 1)))
