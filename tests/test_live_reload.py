"""Live reload without a browser: one reload path for requests and the file watcher, the
line it prints, an app broken at start held as its error, the live channel's messages and
its bound, the watcher picking up saves, and the frames of the dev error dialog."""

from __future__ import annotations

import json
import logging
import os
import queue
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mesop_cli.runtime import AppLoadError, HandlerError
from mesop_cli.runtime.error_frames import is_framework_file, source_around
from mesop_cli.web import create_flask_app, live_reload
from mesop_cli.web.app_holder import AppHolder, Reloaded
from tests.support.flask_tab import APP_SOURCE, Client, make_settings, write_app

#: Bounds the waits for the watcher thread; a test fails by this, never by a figure.
WAIT_SECONDS = 10.0


@pytest.fixture()
def app_file(tmp_path: Path) -> Path:
    return write_app(tmp_path)


def edit(path: Path, text: str) -> None:
    """Write ``text`` with a modification time of its own, whatever the clock's resolution."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text)
    if path.stat().st_mtime_ns == before:
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


def test_a_changed_file_reloads_once_prints_its_line_and_tells_listeners(
        app_file: Path, caplog: pytest.LogCaptureFixture) -> None:
    holder = AppHolder(app_file, watch=True)
    heard: list[Reloaded] = []
    holder.subscribe(heard.append)
    assert holder.reload_if_changed() is None  # nothing changed
    edit(app_file, APP_SOURCE.replace("Count:", "Total:"))
    with caplog.at_level(logging.INFO, logger="mesop_cli"):
        reloaded = holder.reload_if_changed()
        assert holder.get() is holder.last_good  # the lazy path finds nothing left to do
    assert reloaded is not None and reloaded.error is None
    assert reloaded.changed == ("main.py",) and reloaded.generation == 1
    assert heard == [reloaded]
    lines = [r.getMessage() for r in caplog.records if "reload" in r.getMessage()]
    assert len(lines) == 1 and lines[0].startswith("reloaded main.py (changed: main.py) in ")
    assert lines[0].endswith(" ms")


def test_a_failed_reload_names_file_and_line_and_the_fix_clears_it(
        app_file: Path, caplog: pytest.LogCaptureFixture) -> None:
    holder = AppHolder(app_file, watch=True)
    edit(app_file, APP_SOURCE + "\nbroken = (\n")
    with caplog.at_level(logging.INFO, logger="mesop_cli"):
        reloaded = holder.reload_if_changed()
    assert reloaded is not None and reloaded.error is not None
    line = len((APP_SOURCE + "\nbroken = (\n").splitlines())
    failed = [r for r in caplog.records if r.getMessage().startswith("reload failed: ")]
    assert len(failed) == 1 and f"{app_file}:{line}: SyntaxError" in failed[0].getMessage()
    assert failed[0].levelno == logging.ERROR
    with pytest.raises(AppLoadError):
        holder.get()
    edit(app_file, APP_SOURCE)
    assert holder.get() is holder.last_good and holder.error is None


def test_the_lazy_path_of_a_request_tells_listeners_too(app_file: Path) -> None:
    holder = AppHolder(app_file, watch=True)
    heard: list[Reloaded] = []
    holder.subscribe(heard.append)
    edit(app_file, APP_SOURCE.replace("Count:", "Total:"))
    holder.get()
    assert [r.generation for r in heard] == [1]


def test_an_app_broken_at_start_is_served_as_its_error_in_dev_only(tmp_path: Path) -> None:
    app_file = tmp_path / "main.py"
    app_file.write_text("def broken(:\n")
    with pytest.raises(AppLoadError):
        create_flask_app(app_file, make_settings(reload=False))
    with pytest.raises(AppLoadError):
        create_flask_app(app_file, make_settings(prod=True))
    flask_app = create_flask_app(app_file, make_settings())
    http = flask_app.test_client()
    page = http.get("/")
    assert page.status_code == 500 and f"{app_file}:1".encode() in page.data
    edit(app_file, APP_SOURCE)
    client = Client(flask_app)
    client.send(None)
    assert client.tree["c"][0]["p"]["text"] == "Count: 0"


def test_a_module_the_broken_app_missed_counts_once_written(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "greetings_later", raising=False)
    app_file = tmp_path / "main.py"
    app_file.write_text(APP_SOURCE.replace(
        "import mesop_cli as me", "import mesop_cli as me\nimport greetings_later"))
    holder = AppHolder(app_file, watch=True)
    assert holder.error is not None and "greetings_later" in str(holder.error)
    helper = tmp_path / "greetings_later.py"
    helper.write_text("HELLO = 1\n")
    assert holder.reload_if_changed() is None  # the app file itself did not change
    reloaded = holder.reload_if_changed([str(helper)])
    assert reloaded is not None and reloaded.error is None


# ---- the live channel ---------------------------------------------------------------------


def events(body: Iterator[bytes], count: int) -> list[dict[str, Any]]:
    """The next ``count`` data messages of a live stream (comments and retry skipped)."""
    found: list[dict[str, Any]] = []
    while len(found) < count:
        chunk = next(body).decode()
        found += [json.loads(line[len("data: "):]) for line in chunk.splitlines()
                  if line.startswith("data: ")]
    return found


def live_app(app_file: Path) -> tuple[Any, AppHolder]:
    flask_app = create_flask_app(app_file, make_settings())
    holder = flask_app.extensions["mesop"].holder
    live_reload.install(flask_app, holder)
    return flask_app, holder


def test_the_live_channel_says_hello_then_each_reload_and_error(app_file: Path) -> None:
    flask_app, holder = live_app(app_file)
    response = flask_app.test_client().get(live_reload.LIVE_PATH, buffered=False)
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    body = iter(response.response)
    (hello,) = events(body, 1)
    assert hello["type"] == "hello"
    edit(app_file, APP_SOURCE.replace("Count:", "Total:"))
    holder.reload_if_changed()
    (reload,) = events(body, 1)
    assert reload["type"] == "reload" and reload["changed"] == ["main.py"]
    assert reload["version"] != hello["version"]
    edit(app_file, APP_SOURCE + "\nbroken = (\n")
    holder.reload_if_changed()
    (error,) = events(body, 1)
    line = len((APP_SOURCE + "\nbroken = (\n").splitlines())
    assert error["type"] == "app_error" and error["file"] == str(app_file)
    assert error["line"] == line and "SyntaxError" in error["message"]
    assert error["source"][-1] == {"line": line, "text": "broken = ("}
    response.close()
    assert flask_app.extensions["mesop_live"].listening() == 0


def test_a_tab_connecting_while_the_app_is_broken_is_told_at_once(app_file: Path) -> None:
    flask_app, holder = live_app(app_file)
    edit(app_file, "def broken(:\n")
    holder.reload_if_changed()
    response = flask_app.test_client().get(live_reload.LIVE_PATH, buffered=False)
    hello, error = events(iter(response.response), 2)
    assert hello["type"] == "hello" and error["type"] == "app_error" and error["line"] == 1
    response.close()


def test_the_live_channel_serves_a_bounded_number_of_tabs(app_file: Path) -> None:
    flask_app, _holder = live_app(app_file)
    flask_app.extensions["mesop_live"].max_listeners = 1
    http = flask_app.test_client()
    first = http.get(live_reload.LIVE_PATH, buffered=False)
    assert first.status_code == 200
    second = http.get(live_reload.LIVE_PATH)
    assert second.status_code == 503 and b"At most 1" in second.data
    first.close()
    third = http.get(live_reload.LIVE_PATH, buffered=False)
    assert third.status_code == 200
    third.close()


def test_the_page_names_the_channel_only_where_it_is_installed(app_file: Path) -> None:
    def boot(flask_app: Any) -> dict[str, Any]:
        page = flask_app.test_client().get("/").get_data(as_text=True)
        start = page.index('data-boot="') + len('data-boot="')
        import html

        return json.loads(html.unescape(page[start:page.index('"', start)]))

    assert boot(live_app(app_file)[0])["liveUrl"] == live_reload.LIVE_PATH
    plain = create_flask_app(app_file, make_settings())
    assert boot(plain)["liveUrl"] is None
    assert plain.test_client().get(live_reload.LIVE_PATH).status_code == 404


# ---- the watcher ----------------------------------------------------------------------------


def wait_for(found: queue.Queue[Reloaded]) -> Reloaded:
    return found.get(timeout=WAIT_SECONDS)


def test_the_watcher_reloads_on_a_save_and_follows_new_helper_directories(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mesop_cli.serving.app_watcher import AppWatcher

    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [n for n in sys.modules if n == "parts" or n.startswith("parts.")]:
        monkeypatch.delitem(sys.modules, name)
    app_file = write_app(tmp_path)
    holder = AppHolder(app_file, watch=True)
    found: queue.Queue[Reloaded] = queue.Queue()
    holder.subscribe(found.put)
    watcher = AppWatcher(holder)
    watcher.start()
    try:
        time.sleep(0.3)  # not a timing assertion: the watch is set up before the first save
        edit(app_file, APP_SOURCE.replace("Count:", "Total:"))
        assert wait_for(found).changed == ("main.py",)
        (tmp_path / "notes.txt").write_text("not Python")  # ignored
        parts = tmp_path / "parts"
        parts.mkdir()
        (parts / "__init__.py").write_text("")
        (parts / "greet.py").write_text('WORD = "Hello"\n')
        edit(app_file, APP_SOURCE.replace(
            "import mesop_cli as me", "import mesop_cli as me\nfrom parts import greet").replace(
            'me.text(f"Count: {s.count}")', "me.text(greet.WORD)"))
        assert wait_for(found).error is None
        deadline = time.monotonic() + WAIT_SECONDS
        while str(parts) not in holder.watched_directories() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # the watch of the new directory is set up
        edit(parts / "greet.py", 'WORD = "Bonjour"\n')
        reloaded = wait_for(found)
        assert reloaded.changed == (os.path.join("parts", "greet.py"),)
        client = Client(create_flask_app(app_file, make_settings()))
        client.send(None)
        assert client.tree["c"][0]["p"]["text"] == "Bonjour"
    finally:
        watcher.stop()


# ---- the frames of the dev error dialog -------------------------------------------------------


def test_a_handler_error_carries_the_apps_frames_with_source_and_marks_the_frameworks(
        tmp_path: Path) -> None:
    app_file = tmp_path / "main.py"
    app_file.write_text(textwrap.dedent('''\
        import json
        import mesop_cli as me

        def parse(text):
            return json.loads(text)

        def on_click(e: me.ClickEvent):
            parse("{not json")

        @me.page(path="/")
        def home():
            me.button("Go", on_click=on_click)
        '''))
    client = Client(create_flask_app(app_file, make_settings()))
    client.send(None)
    (line,) = client.click("Go")
    assert line["type"] == "error" and line["exception"].startswith("JSONDecodeError: ")
    assert "Traceback" in line["traceback"]
    frames = line["frames"]
    app_frames = [f for f in frames if f["is_app"]]
    assert [(f["function"], f["line"]) for f in app_frames] == [("on_click", 8), ("parse", 5)]
    parse_frame = app_frames[-1]
    assert parse_frame["file"] == str(app_file)
    assert [s["line"] for s in parse_frame["source"]] == [2, 3, 4, 5, 6, 7, 8]
    assert parse_frame["source"][3]["text"] == "    return json.loads(text)"
    framework = [f for f in frames if not f["is_app"]]
    assert framework and all(len(f["source"]) <= 1 for f in framework)
    assert any("json" in f["file"] for f in framework)  # the standard library's, folded
    assert any("mesop_cli" in f["file"] for f in framework)

    prod = Client(create_flask_app(app_file, make_settings(prod=True)))
    prod.send(None)
    (hidden,) = prod.click("Go")
    assert set(hidden) == {"type", "message"} and "reference" in hidden["message"]


def test_an_error_without_a_traceback_gets_the_frame_of_its_location(tmp_path: Path) -> None:
    app_file = tmp_path / "main.py"
    app_file.write_text("a = 1\nb = 2\nc = 3\n")
    error = HandlerError("navigation loop", f"{app_file}:2", "")
    (frame,) = error.frames
    assert frame.is_app and frame.line == 2 and [s.number for s in frame.source] == [1, 2, 3]
    assert error.summary == "navigation loop"


def test_what_counts_as_the_framework() -> None:
    import flask

    assert is_framework_file(live_reload.__file__)
    assert is_framework_file(flask.__file__)
    assert is_framework_file(threading.__file__)
    assert is_framework_file("<frozen importlib._bootstrap>")
    assert not is_framework_file(__file__)
    assert source_around("/nonexistent/file.py", 3) == ()
