"""``async def`` handlers and async generators: every event kind family runs them, an
async generator streams one render per ``yield``, their errors name the app's line like a
sync handler's, a coroutine nothing would await is an error (never "ok"), a stream closed
early runs an async generator's ``finally``, and each stream's event loop is closed.

Before, an async handler's coroutine was dropped (``RuntimeWarning: coroutine ... was
never awaited``) and the event was logged as ok.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mesop_cli.runtime import App, HandlerError, Render, load_app, render, run_event, run_load

APP = '''
import asyncio
import contextvars
import functools

import mesop_cli as me

LOG = []
MARK = contextvars.ContextVar("mark", default="unset")


@me.stateclass
class State:
    log: list[str]
    text: str
    picked: str


def note(entry):
    me.state(State).log.append(entry)


async def tick():
    await asyncio.sleep(0)


async def on_click(e: me.ClickEvent):
    await tick()
    note("click " + e.key)


async def on_input(e: me.InputEvent):
    await tick()
    note("input " + e.value)


async def on_blur(e: me.InputBlurEvent):
    await tick()
    note("blur " + e.value)


async def on_enter(e: me.InputEnterEvent):
    await tick()
    note("enter " + e.value)


async def on_change(e: me.CheckboxChangeEvent):
    await tick()
    note(f"change {e.checked}")


async def on_selection(e: me.SelectSelectionChangeEvent):
    await tick()
    note("selection " + ",".join(e.values))


async def on_slider(e: me.SliderValueChangeEvent):
    await tick()
    note(f"slider {e.value}")


async def on_upload(e: me.UploadEvent):
    await tick()
    note("upload " + e.files[0].name + " " + e.files[0].getvalue().decode())


async def on_web(e: me.WebEvent):
    await tick()
    note(f"web {e.value['n']}")


async def stream(e: me.ClickEvent):
    for word in ["one", "two", "three"]:
        await tick()
        note(word)
        yield
    note("done")


async def gathered(e: me.ClickEvent):
    async def fetch(n):
        await asyncio.sleep(0)
        # A task started by the handler sees the event's state too.
        me.state(State).log.append(f"fetched {n}")
        return n * 10
    values = await asyncio.gather(asyncio.create_task(fetch(1)), fetch(2))
    note(f"sum {sum(values)}")


async def remembers(e: me.ClickEvent):
    MARK.set("set in step one")
    yield
    await tick()
    note(MARK.get())


async def guarded(e: me.ClickEvent):
    try:
        for n in range(5):
            note(f"step {n}")
            yield
    finally:
        await tick()
        note("cleaned up")


async def threaded(e: me.ClickEvent):
    note(await asyncio.to_thread(lambda: "from a thread"))


async def left_running(e: me.ClickEvent):
    async def forever():
        try:
            await asyncio.sleep(3600)
        finally:
            LOG.append("background task cancelled")
    LOG.append(asyncio.create_task(forever()))
    await tick()


async def fails(e: me.ClickEvent):
    await tick()
    values = {}
    return values["missing"]


async def fails_streaming(e: me.ClickEvent):
    yield
    await tick()
    raise ValueError("after the first yield")


def yields_a_coroutine(e: me.ClickEvent):
    note("before")
    yield tick()


async def returns_a_coroutine(e: me.ClickEvent):
    return tick()


async def async_yields_a_coroutine(e: me.ClickEvent):
    yield tick()


async def picked(e: me.ClickEvent, name):
    await tick()
    me.state(State).picked = name


async def load_coroutine(e: me.LoadEvent):
    await tick()
    note("loaded " + e.path)


async def load_generator(e: me.LoadEvent):
    note("loading")
    yield
    await tick()
    note("loaded")


async def go(e: me.ClickEvent):
    await tick()
    me.navigate("/streamed")


@me.web_component(path="./counter.js")
def counter(*, on_web, key=None):
    return me.insert_web_component(name="my-counter", key=key, events={"go": on_web})


@me.page(path="/")
def home():
    s = me.state(State)
    me.text("Log: " + "|".join(s.log))
    me.button("Click", on_click=on_click, key="k1")
    for name, fn in [("Stream", stream), ("Gathered", gathered), ("Remembers", remembers),
                     ("Guarded", guarded), ("Threaded", threaded), ("Left running", left_running),
                     ("Fails", fails), ("Fails streaming", fails_streaming),
                     ("Yields a coroutine", yields_a_coroutine),
                     ("Returns a coroutine", returns_a_coroutine),
                     ("Async yields a coroutine", async_yields_a_coroutine), ("Go", go)]:
        me.button(name, on_click=fn, key=name)
    me.button("Lambda", on_click=lambda e: picked(e, "lambda"), key="lambda")
    me.button("Partial", on_click=functools.partial(picked, name="partial"), key="partial")
    me.input(label="Text", on_input=on_input, on_blur=on_blur, on_enter=on_enter, key="text")
    me.checkbox("Check", on_change=on_change, key="check")
    me.select(options=[me.SelectOption(label="A", value="a")], on_selection_change=on_selection,
              key="select")
    me.slider(on_value_change=on_slider, key="slider")
    me.uploader(label="Upload", on_upload=on_upload, key="upload")
    counter(on_web=on_web, key="web")


@me.page(path="/loaded", on_load=load_coroutine)
def loaded():
    me.text("Log: " + "|".join(me.state(State).log))


@me.page(path="/streamed", on_load=load_generator)
def streamed():
    me.text("Log: " + "|".join(me.state(State).log))
'''


@pytest.fixture()
def app_file(tmp_path: Path) -> Path:
    (tmp_path / "counter.js").write_text(
        "customElements.define('my-counter', class extends HTMLElement {});\n")
    path = tmp_path / "main.py"
    path.write_text(APP)
    return path


@pytest.fixture()
def app(app_file: Path) -> App:
    return load_app(app_file)


def nodes(tree: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield tree
    for child in tree["c"]:
        yield from nodes(child)


def handler_of(app: App, states: dict[str, object], key: str, prop: str) -> str:
    """The handler id the page's node ``key`` carries in ``prop``."""
    node = next(n for n in nodes(render(app, "/", states).tree) if n["k"] == key)
    if node["t"] == "web_component":
        return str(node["p"]["events"][prop])
    return str(node["p"][prop])


def fire(app: App, states: dict[str, object], key: str, prop: str, kind: str,
         value: object = None) -> list[Render]:
    event = {"handler": handler_of(app, states, key, prop), "kind": kind, "key": key,
             "value": value}
    return list(run_event(app, "/", states, event))


def log(states: dict[str, object]) -> list[str]:
    return list(states["State"].log)  # type: ignore[attr-defined]


def page_log(result: Render) -> str:
    return next(n["p"]["text"] for n in nodes(result.tree) if n["t"] == "text")


UPLOAD = [{"name": "a.txt", "size": 2, "mime_type": "text/plain", "contents": "aGk="}]


@pytest.mark.parametrize(("key", "prop", "kind", "value", "entry"), [
    ("k1", "on_click", "click", None, "click k1"),
    ("text", "on_input", "input", "typed", "input typed"),
    ("text", "on_blur", "blur", "left", "blur left"),
    ("text", "on_enter", "enter", "sent", "enter sent"),
    ("check", "on_change", "change", True, "change True"),
    ("select", "on_selection_change", "selection", ["a"], "selection a"),
    ("slider", "on_value_change", "slider", 42, "slider 42.0"),
    ("upload", "on_upload", "upload", UPLOAD, "upload a.txt hi"),
    ("web", "go", "web", {"n": 7}, "web 7"),
], ids=["click", "input", "blur", "enter", "change", "selection", "slider", "upload", "web"])
def test_every_event_kind_family_runs_an_async_handler(
        app: App, key: str, prop: str, kind: str, value: object, entry: str) -> None:
    states: dict[str, object] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # "coroutine ... never awaited"
        renders = fire(app, states, key, prop, kind, value)
        gc.collect()
    assert log(states) == [entry]
    # One render, after the coroutine finished: it shows what the handler did.
    assert len(renders) == 1 and page_log(renders[0]) == f"Log: {entry}"


def test_an_async_generator_streams_one_render_per_yield(app: App) -> None:
    states: dict[str, object] = {}
    renders = fire(app, states, "Stream", "on_click", "click")
    assert [page_log(r) for r in renders] == [
        "Log: one", "Log: one|two", "Log: one|two|three", "Log: one|two|three|done"]


def test_an_async_generator_is_advanced_lazily(app: App) -> None:
    states: dict[str, object] = {}
    event = {"handler": handler_of(app, states, "Stream", "on_click"), "kind": "click",
             "key": "Stream", "value": None}
    stream = run_event(app, "/", states, event)
    next(stream)
    assert log(states) == ["one"]
    next(stream)
    assert log(states) == ["one", "two"]
    stream.close()


def test_async_on_load_runs_as_a_coroutine_and_as_a_generator(app: App) -> None:
    states: dict[str, object] = {}
    renders = list(run_load(app, "/loaded", states))
    assert [page_log(r) for r in renders] == ["Log: loaded /loaded"]
    states = {}
    renders = list(run_load(app, "/streamed", states))
    assert [page_log(r) for r in renders] == ["Log: loading", "Log: loading|loaded"]


def test_an_async_handler_that_navigates_runs_the_async_on_load(app: App) -> None:
    states: dict[str, object] = {}
    renders = fire(app, states, "Go", "on_click", "click")
    assert [r.path for r in renders] == ["/streamed", "/streamed"]
    assert log(states) == ["loading", "loaded"]


def test_tasks_the_handler_starts_see_the_state(app: App) -> None:
    states: dict[str, object] = {}
    fire(app, states, "Gathered", "on_click", "click")
    assert sorted(log(states)[:2]) == ["fetched 1", "fetched 2"]
    assert log(states)[2] == "sum 30"


def test_a_context_variable_set_in_one_step_is_set_in_the_next(app: App) -> None:
    states: dict[str, object] = {}
    fire(app, states, "Remembers", "on_click", "click")
    assert log(states) == ["set in step one"]


@pytest.mark.parametrize("key", ["lambda", "partial"])
def test_a_lambda_or_partial_returning_a_coroutine_runs_it_as_mesop_does(
        app: App, key: str) -> None:
    states: dict[str, object] = {}
    fire(app, states, key, "on_click", "click")
    assert states["State"].picked == key  # type: ignore[attr-defined]


def _line_of(text: str) -> int:
    return APP.splitlines().index(text) + 1


def test_an_error_in_a_coroutine_names_the_app_line_as_a_sync_one_does(
        app: App, app_file: Path) -> None:
    with pytest.raises(HandlerError) as caught:
        fire(app, {}, "Fails", "on_click", "click")
    line = _line_of('    return values["missing"]')
    assert caught.value.location == f"{app_file}:{line}"
    assert str(caught.value) == f"KeyError: 'missing' ({app_file}:{line}, in fails)"
    assert "Traceback" in caught.value.traceback_text


def test_an_error_after_a_yield_names_the_app_line(app: App, app_file: Path) -> None:
    states: dict[str, object] = {}
    event = {"handler": handler_of(app, states, "Fails streaming", "on_click"),
             "kind": "click", "key": "", "value": None}
    stream = run_event(app, "/", states, event)
    next(stream)  # the render of the first yield
    with pytest.raises(HandlerError) as caught:
        next(stream)
    line = _line_of('    raise ValueError("after the first yield")')
    assert caught.value.location == f"{app_file}:{line}"
    assert "ValueError: after the first yield" in str(caught.value)


@pytest.mark.parametrize(("key", "line", "how"), [
    ("Yields a coroutine", "    yield tick()", "yielded"),
    ("Async yields a coroutine", "    yield tick()", "yielded"),
    ("Returns a coroutine", "async def returns_a_coroutine(e: me.ClickEvent):", "returned"),
])
def test_a_coroutine_nothing_would_await_is_an_error_with_its_line(
        app: App, app_file: Path, key: str, line: str, how: str) -> None:
    states: dict[str, object] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(HandlerError) as caught:
            fire(app, states, key, "on_click", "click")
        gc.collect()  # the coroutine was closed: no "never awaited" warning either
    lines = [n + 1 for n, text in enumerate(APP.splitlines()) if text == line]
    assert caught.value.location in {f"{app_file}:{n}" for n in lines}
    assert f"{how} tick() without awaiting it" in str(caught.value)
    assert "await tick(...)" in str(caught.value)


def test_a_stream_closed_at_a_yield_runs_the_async_finally_at_once(app: App) -> None:
    states: dict[str, object] = {}
    event = {"handler": handler_of(app, states, "Guarded", "on_click"), "kind": "click",
             "key": "", "value": None}
    stream = run_event(app, "/", states, event)
    next(stream)
    next(stream)
    # The client went away: closing the stream closes the handler where it stands, and
    # its `finally` (which awaits) has run when close() returns, before any save.
    stream.close()
    assert log(states) == ["step 0", "step 1", "cleaned up"]


def _loop_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("asyncio_")}


def test_a_stream_leaves_no_thread_loop_or_task_behind(app: App) -> None:
    before = _loop_threads()
    states: dict[str, object] = {}
    fire(app, states, "Threaded", "on_click", "click")
    assert log(states) == ["from a thread"]
    assert _loop_threads() == before  # the default executor was shut down
    fire(app, states, "Left running", "on_click", "click")
    module_log = app.module.LOG
    task = module_log[0]
    # The task the handler left running was cancelled when the stream ended, and its
    # loop closed.
    assert task.cancelled() and module_log[1:] == ["background task cancelled"]
    assert task.get_loop().is_closed()


def test_no_loop_is_left_set_for_the_thread(app: App) -> None:
    # In a thread of its own, as werkzeug's and gunicorn's are: the test's own thread may
    # have a running loop (Playwright's, once a browser test has run in this process).
    def in_a_server_thread() -> str:
        states: dict[str, object] = {}
        fire(app, states, "k1", "on_click", "click")
        with pytest.raises(RuntimeError):
            asyncio.get_running_loop()
        # A sync handler may still use asyncio.run in the same thread afterwards.
        return asyncio.run(asyncio.sleep(0, result="fine"))

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        assert pool.submit(in_a_server_thread).result() == "fine"


def test_an_async_handler_under_a_running_loop_runs_on_a_loop_of_its_own(app: App) -> None:
    async def inside() -> tuple[list[str], list[str]]:
        states: dict[str, object] = {}
        fire(app, states, "k1", "on_click", "click")
        return log(states), [t.name for t in threading.enumerate()]

    # A thread of the test's own whose loop runs the handler's caller.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        logged, threads = pool.submit(asyncio.run, inside()).result()
    assert logged == ["click k1"]
    assert "mesop-cli async handler" not in threads  # its thread ended with the stream
