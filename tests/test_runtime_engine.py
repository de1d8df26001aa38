"""Rendering, event dispatch, streaming, navigation and handler ids across processes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest

from mesop_cli.runtime import (
    App,
    HandlerError,
    InvalidEvent,
    PageNotFound,
    Render,
    UnknownHandler,
    load_app,
    render,
    run_event,
    run_load,
)

APP = '''
import mesop_cli as me

@me.stateclass
class State:
    count: int
    log: list[str]
    picked: str

def increment(e: me.ClickEvent):
    me.state(State).count += 1

def stream(e: me.ClickEvent):
    s = me.state(State)
    for word in ["a", "b", "c"]:
        s.log.append(word)
        yield
    s.log.append("done")

def go_other(e: me.ClickEvent):
    me.state(State).log.append("handler")
    me.navigate("/other")

def other_load(e: me.LoadEvent):
    s = me.state(State)
    s.log.append("load " + e.path)
    yield
    s.log.append("loaded")

def broken(e: me.ClickEvent):
    values = {}
    return values["missing"]

@me.page(path="/", title="Home")
def home():
    s = me.state(State)
    me.text(f"Count: {s.count}")
    me.button("Increment", on_click=increment)
    me.button("Stream", on_click=stream)
    me.button("Go", on_click=go_other)
    me.button("Broken", on_click=broken)
    for name in ["x", "y", "z"]:
        def pick(e: me.ClickEvent, name=name):
            me.state(State).picked = name + ":" + e.key
        me.button(name, on_click=pick, key=name)
        me.button(name + "!",
                  on_click=lambda e, name=name: setattr(me.state(State), "picked", name.upper()))

@me.page(path="/other", title="Other", on_load=other_load)
def other():
    me.text("Log: " + ",".join(me.state(State).log))
'''


@pytest.fixture()
def app_file(tmp_path: Path) -> Path:
    path = tmp_path / "main.py"
    path.write_text(APP)
    return path


def buttons(result: Render) -> dict[str, dict[str, Any]]:
    return {n["p"]["label"]: n for n in result.tree["c"] if n["t"] == "button"}


def click(app: App, states: dict[str, object], label: str, path: str = "/") -> list[Render]:
    node = buttons(render(app, path, states))[label]
    event = {"handler": node["p"]["on_click"], "kind": "click", "key": node["k"], "value": None}
    return list(run_event(app, path, states, event))


def texts(result: Render) -> list[str]:
    return [n["p"]["text"] for n in result.tree["c"] if n["t"] == "text"]


def test_click_updates_state_and_renders(app_file: Path) -> None:
    app = load_app(app_file)
    states: dict[str, object] = {}
    renders = click(app, states, "Increment")
    assert len(renders) == 1 and texts(renders[0]) == ["Count: 1"]
    assert renders[0].path == "/" and renders[0].title == "Home"
    assert states["State"].count == 1  # type: ignore[attr-defined]


def test_generator_handler_renders_per_yield_and_at_the_end(app_file: Path) -> None:
    app = load_app(app_file)
    states: dict[str, object] = {}
    renders = click(app, states, "Stream")
    assert len(renders) == 4
    assert states["State"].log == ["a", "b", "c", "done"]  # type: ignore[attr-defined]


def test_streaming_is_lazy(app_file: Path) -> None:
    app = load_app(app_file)
    states: dict[str, object] = {}
    node = buttons(render(app, "/", states))["Stream"]
    stream = run_event(app, "/", states, {"handler": node["p"]["on_click"], "kind": "click",
                                           "key": "", "value": None})
    next(stream)
    assert states["State"].log == ["a"]  # type: ignore[attr-defined]


def test_navigate_runs_on_load_of_the_target(app_file: Path) -> None:
    app = load_app(app_file)
    states: dict[str, object] = {}
    renders = click(app, states, "Go")
    assert [r.path for r in renders] == ["/other", "/other"]
    assert renders[-1].title == "Other"
    assert texts(renders[-1]) == ["Log: handler,load /other,loaded"]


def test_run_load_streams_a_generator_on_load(app_file: Path) -> None:
    app = load_app(app_file)
    states: dict[str, object] = {}
    renders = list(run_load(app, "/other", states))
    assert len(renders) == 2 and texts(renders[-1]) == ["Log: load /other,loaded"]
    assert len(list(run_load(app, "/", states))) == 1


def test_closures_resolve_in_a_fresh_load(app_file: Path) -> None:
    first = load_app(app_file)
    rendered = buttons(render(first, "/", {}))
    ids = {label: rendered[label]["p"]["on_click"] for label in ("x", "y", "z", "x!", "z!")}
    assert len(set(ids.values())) == 5
    assert ids["y"].endswith("#1") and ids["z!"].endswith("#2")
    for label, expected in (("y", "y:y"), ("z", "z:z"), ("x!", "X"), ("z!", "Z")):
        fresh = load_app(app_file)  # never rendered: must re-render to find the closure
        states: dict[str, object] = {}
        event = {"handler": ids[label], "kind": "click", "key": label, "value": None}
        list(run_event(fresh, "/", states, event))
        assert states["State"].picked == expected  # type: ignore[attr-defined]


def test_handler_ids_are_stable_across_processes(app_file: Path) -> None:
    ids = buttons(render(load_app(app_file), "/", {}))
    script = textwrap.dedent(f"""
        import json, sys
        from mesop_cli.runtime import load_app, run_event
        app = load_app({str(app_file)!r})
        states = {{}}
        for handler in json.loads(sys.argv[1]):
            list(run_event(app, "/", states, {{"handler": handler, "kind": "click",
                                               "key": "y", "value": None}}))
        print(states["State"].count, states["State"].picked)
    """)
    handlers = [ids["Increment"]["p"]["on_click"], ids["y"]["p"]["on_click"]]
    out = subprocess.run([sys.executable, "-c", script, json.dumps(handlers)],
                         capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split() == ["1", "y:y"]


def test_handler_error_names_the_app_line(app_file: Path) -> None:
    app = load_app(app_file)
    with pytest.raises(HandlerError) as caught:
        click(app, {}, "Broken")
    line = APP.splitlines().index('    return values["missing"]') + 1
    assert caught.value.location == f"{app_file}:{line}"
    assert str(caught.value) == f"KeyError: 'missing' ({app_file}:{line}, in broken)"
    assert "Traceback" in caught.value.traceback_text
    assert "\n" not in str(caught.value)


def test_error_in_a_page_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "main.py"
    path.write_text("import mesop_cli as me\n@me.page()\ndef home():\n    me.text(1 / 0)\n")
    with pytest.raises(HandlerError, match=r"ZeroDivisionError: division by zero") as caught:
        render(load_app(path), "/", {})
    assert caught.value.location == f"{path}:4"


def test_unknown_path_handler_and_bad_events(app_file: Path) -> None:
    app = load_app(app_file)
    with pytest.raises(PageNotFound, match="'/nope'.*pages: /, /other"):
        render(app, "/nope", {})
    with pytest.raises(PageNotFound):
        run_load(app, "/nope", {})
    with pytest.raises(UnknownHandler, match="no handler 'os:system'"):
        run_event(app, "/", {}, {"handler": "os:system", "kind": "click", "key": "", "value": 1})
    good = buttons(render(app, "/", {}))["Increment"]["p"]["on_click"]
    bad_events = [
        {"handler": good, "kind": "input", "key": "", "value": "x"},
        {"handler": good, "kind": 3, "key": "", "value": None},
        "not a dict",
    ]
    for event in bad_events:
        with pytest.raises(InvalidEvent):
            run_event(app, "/", {}, event)  # type: ignore[arg-type]


def test_event_values_are_converted_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "main.py"
    path.write_text(textwrap.dedent('''
        import mesop_cli as me

        @me.stateclass
        class State:
            seen: list[str]

        def record(e):
            me.state(State).seen.append(repr(e))

        @me.page()
        def home():
            me.input(label="I", on_input=record, on_blur=record, on_enter=record)
            me.checkbox("C", on_change=record)
            me.select(label="S", options=[], on_selection_change=record)
            me.slider(on_value_change=record)
    '''))
    app = load_app(path)
    handler = render(app, "/", {}).tree["c"][0]["p"]["on_input"]
    states: dict[str, Any] = {}
    for kind, value in (("input", "a"), ("blur", "b"), ("enter", "c"), ("change", True),
                        ("selection", ["s1", "s2"]), ("selection", "one"), ("slider", 3)):
        list(run_event(app, "/", states, {"handler": handler, "kind": kind, "key": "k",
                                          "value": value}))
    assert states["State"].seen == [
        "InputEvent(key='k', value='a')",
        "InputBlurEvent(key='k', value='b')",
        "InputEnterEvent(key='k', value='c')",
        "CheckboxChangeEvent(key='k', checked=True)",
        "SelectSelectionChangeEvent(key='k', values=['s1', 's2'])",
        "SelectSelectionChangeEvent(key='k', values=['one'])",
        "SliderValueChangeEvent(key='k', value=3.0)",
    ]
    for kind, value in (("change", "yes"), ("slider", "3"), ("selection", [1]), ("input", 5)):
        with pytest.raises(InvalidEvent, match=kind):
            run_event(app, "/", {}, {"handler": handler, "kind": kind, "key": "", "value": value})


def test_navigation_loop_is_stopped(tmp_path: Path) -> None:
    path = tmp_path / "main.py"
    path.write_text(textwrap.dedent('''
        import mesop_cli as me

        def again(e):
            me.navigate("/")

        @me.page(on_load=again)
        def home():
            me.text("home")
    '''))
    with pytest.raises(HandlerError, match="navigation loop"):
        list(run_load(load_app(path), "/", {}))


def test_navigate_to_a_missing_page_fails_in_the_handler(tmp_path: Path) -> None:
    path = tmp_path / "main.py"
    path.write_text(textwrap.dedent('''
        import mesop_cli as me

        def go(e):
            me.navigate("/missing")

        @me.page(on_load=go)
        def home():
            me.text("home")
    '''))
    with pytest.raises(HandlerError, match="no page at '/missing'") as caught:
        list(run_load(load_app(path), "/", {}))
    assert caught.value.location == f"{path}:5"


def test_concurrent_renders_do_not_mix(app_file: Path) -> None:
    app = load_app(app_file)
    failures: list[str] = []

    def worker(n: int) -> None:
        states: dict[str, object] = {}
        for _ in range(n):
            click(app, states, "Increment")
        got = texts(render(app, "/", states))
        if got != [f"Count: {n}"]:
            failures.append(f"{n}: {got}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
