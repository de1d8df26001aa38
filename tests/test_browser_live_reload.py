"""Live reload and the dev error dialog, in Chromium against the real dev server.

The starter app of `mesop init` follows each save while open, with its state kept, and
the time from a save to the page showing it is measured over 20 saves (the issue asks for
a p50 within 0.5 s; Mesop 1.3.7 showed an edit in 0.19 s). A syntax error shows in the
page at once and clears when fixed; an app broken at start is served as its error and
then as the app once fixed; a handler's error opens a dialog with the app's frame first;
--prod and --no-reload have no live channel.
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.browser import watched_tab
from tests.support.server import MESOP_COMMAND, RunningServer, clean_env, running_server

LIVE_PATH = "/__mesop__/live"
COUNTER_LINE = 'me.text(f"Clicked {state.clicks} times")'
RELOADED = re.compile(r"reloaded main\.py \(changed: main\.py\) in \d+ ms")


def starter_app(directory: Path) -> Path:
    """What `mesop init` writes, written by `mesop init`."""
    subprocess.run([str(MESOP_COMMAND), "init", "main.py"], cwd=directory, check=True,
                   env=clean_env({}), capture_output=True)
    app = directory / "main.py"
    assert COUNTER_LINE in app.read_text()
    return app


def with_counter_text(source: str, suffix: str) -> str:
    return source.replace(COUNTER_LINE, f'me.text(f"Clicked {{state.clicks}} times{suffix}")')


def write(path: Path, text: str) -> None:
    """Save as an editor does: the whole file, with a modification time of its own."""
    before = path.stat().st_mtime_ns
    path.write_text(text)
    if path.stat().st_mtime_ns == before:  # a clock coarser than two saves
        import os

        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


def shows(page: Any, text: str, timeout_ms: float = 10_000) -> None:
    page.wait_for_function("t => document.getElementById('mesop-root').innerText.includes(t)",
                           arg=text, timeout=timeout_ms)


def open_counter(page: Any, server: RunningServer, clicks: int) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/")
    expect(page.get_by_text("Clicked 0 times")).to_be_visible()
    for _ in range(clicks):
        page.get_by_role("button", name="Increment").click()
    expect(page.get_by_text(f"Clicked {clicks} times")).to_be_visible()


@pytest.fixture()
def starter(tmp_path: Path) -> Iterator[tuple[Path, RunningServer]]:
    app = starter_app(tmp_path)
    with running_server([], app=app, split_stderr=True) as server:
        yield app, server


@pytest.mark.browser
def test_the_starter_app_follows_each_save_with_its_state_kept(
        chromium: Any, starter: tuple[Path, RunningServer]) -> None:
    app, server = starter
    original = app.read_text()
    with watched_tab(chromium, console=True) as page:  # a CSP refusal of the channel, too
        open_counter(page, server, 3)
        seconds: list[float] = []
        for n in range(1, 21):
            started = time.perf_counter()
            write(app, with_counter_text(original, f", save {n}"))
            shows(page, f"Clicked 3 times, save {n}")
            seconds.append(time.perf_counter() - started)
    p50 = statistics.median(seconds)
    print(f"\nsave to page, 20 saves: p50 {p50 * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms")
    assert p50 <= 0.5, seconds
    terminal = server.errors()
    assert len(RELOADED.findall(terminal)) >= 20, terminal
    assert "reload failed" not in terminal


@pytest.mark.browser
def test_every_open_tab_follows_over_one_shared_connection(
        chromium: Any, starter: tuple[Path, RunningServer]) -> None:
    app, server = starter
    original = app.read_text()
    context = chromium.new_context()
    try:
        tabs = [context.new_page() for _ in range(3)]
        for clicks, tab in enumerate(tabs, start=1):
            open_counter(tab, server, clicks)
        write(app, with_counter_text(original, " (all tabs)"))
        for clicks, tab in enumerate(tabs, start=1):
            shows(tab, f"Clicked {clicks} times (all tabs)")
        # One EventSource for the browser, not one per tab: six would take every
        # connection a browser opens to one server.
        assert server.output().count(f"GET {LIVE_PATH} ") == 1
        tabs[0].close()  # the tab holding the connection: another one takes it over
        write(app, with_counter_text(original, " (two tabs)"))
        for clicks, tab in enumerate(tabs[1:], start=2):
            shows(tab, f"Clicked {clicks} times (two tabs)")
    finally:
        context.close()


@pytest.mark.browser
def test_a_syntax_error_shows_at_once_and_clears_when_fixed(
        chromium: Any, starter: tuple[Path, RunningServer]) -> None:
    from playwright.sync_api import expect

    app, server = starter
    original = app.read_text()
    broken = original + "\nbroken = (\n"
    line = len(broken.splitlines())
    with watched_tab(chromium) as page:
        open_counter(page, server, 2)
        write(app, broken)
        dialog = page.locator("dialog.mesop-error-dialog")
        expect(dialog).to_be_visible()
        assert dialog.get_attribute("data-kind") == "app"
        expect(dialog).to_contain_text("SyntaxError")
        expect(dialog.locator(".mesop-error-frame-label")).to_have_text(f"{app}:{line}")
        expect(dialog.locator("[aria-current=true]")).to_contain_text("broken = (")
        write(app, with_counter_text(original, " (fixed)"))
        expect(dialog).to_be_hidden()
        shows(page, "Clicked 2 times (fixed)")
    terminal = server.errors()
    assert f"reload failed: {app}:{line}: SyntaxError" in terminal
    assert len(RELOADED.findall(terminal)) >= 1


@pytest.mark.browser
def test_an_app_broken_at_start_is_served_as_its_error_until_fixed(
        chromium: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    app = starter_app(tmp_path)
    original = app.read_text()
    write(app, original.replace("import time", "import time\nbroken = (", 1))
    with running_server([], app=app, split_stderr=True) as server, \
            watched_tab(chromium) as page:
        response = page.goto(server.url + "/")
        assert response is not None and response.status == 500
        expect(page.locator("#mesop-status")).to_contain_text("SyntaxError")
        dialog = page.locator("dialog.mesop-error-dialog")
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text("The app failed to load")
        write(app, original)
        expect(dialog).to_be_hidden()
        expect(page.get_by_text("Clicked 0 times")).to_be_visible()
        page.get_by_role("button", name="Increment").click()
        expect(page.get_by_text("Clicked 1 times")).to_be_visible()
        expect(page.locator("#mesop-status")).to_be_hidden()
        assert "app failed to load" in server.errors()


HANDLER_ERROR_APP = textwrap.dedent('''\
    import mesop_cli as me


    @me.stateclass
    class State:
        clicks: int


    def add_one(e: me.ClickEvent):
        me.state(State).clicks += 1


    def divide(e: me.ClickEvent):
        ratio = me.state(State).clicks / 0
        me.state(State).clicks = int(ratio)


    @me.page(path="/")
    def home():
        me.text(f"Clicked {me.state(State).clicks} times")
        me.button("Increment", on_click=add_one)
        me.button("Divide", on_click=divide)
    ''')


@pytest.mark.browser
def test_a_handler_error_opens_a_dialog_with_the_apps_frame_first(
        chromium: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    app = tmp_path / "main.py"
    app.write_text(HANDLER_ERROR_APP)
    line = HANDLER_ERROR_APP.splitlines().index(
        "    ratio = me.state(State).clicks / 0") + 1
    with running_server([], app=app) as server, watched_tab(chromium, console=True) as page:
        page.goto(server.url + "/")
        page.get_by_role("button", name="Increment").click()
        expect(page.get_by_text("Clicked 1 times")).to_be_visible()
        page.get_by_role("button", name="Divide").click()
        dialog = page.get_by_role("alertdialog")
        expect(dialog).to_be_visible()
        expect(dialog.locator("h2")).to_have_text("ZeroDivisionError: division by zero")
        first = dialog.locator(".mesop-error-frame").first
        expect(first.locator(".mesop-error-frame-label")).to_have_text(
            f"{app}:{line} in divide")
        expect(first.locator("[aria-current=true]")).to_contain_text("clicks / 0")
        assert first.locator(".mesop-error-source-line").count() == 7  # 3 above, 3 below
        folded = dialog.locator("details.mesop-error-framework")
        expect(folded).to_contain_text("framework frame")
        assert folded.get_attribute("open") is None
        expect(dialog.get_by_role("button", name="Dismiss")).to_be_focused()
        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        page.get_by_role("button", name="Increment").click()
        expect(page.get_by_text("Clicked 2 times")).to_be_visible()
        page.get_by_role("button", name="Divide").click()
        dialog.get_by_role("button", name="Dismiss").click()
        expect(dialog).to_be_hidden()
        page.get_by_role("button", name="Increment").click()
        expect(page.get_by_text("Clicked 3 times")).to_be_visible()


def boot_data(server: RunningServer) -> dict[str, Any]:
    import html

    page = requests.get(server.url + "/", timeout=10).text
    start = page.index('data-boot="') + len('data-boot="')
    return json.loads(html.unescape(page[start:page.index('"', start)]))


@pytest.mark.integration
@pytest.mark.parametrize("flags", [["--prod"], ["--no-reload"]])
def test_no_live_channel_under_prod_or_no_reload(tmp_path: Path, flags: list[str]) -> None:
    app = starter_app(tmp_path)
    with running_server(flags, app=app) as server:
        assert requests.get(server.url + LIVE_PATH, timeout=10).status_code == 404
        assert boot_data(server)["liveUrl"] is None
        write(app, with_counter_text(app.read_text(), " edited"))
        time.sleep(1.0)  # not a timing assertion: time a watcher would have had to act
        assert "reloaded" not in server.output()


@pytest.mark.integration
def test_the_dev_server_opens_the_live_channel(starter: tuple[Path, RunningServer]) -> None:
    _app, server = starter
    assert boot_data(server)["liveUrl"] == LIVE_PATH
    with requests.get(server.url + LIVE_PATH, stream=True, timeout=10) as live:
        assert live.status_code == 200
        assert live.headers["Content-Type"].startswith("text/event-stream")
        first = next(line for line in live.iter_lines() if line.startswith(b"data: "))
        assert json.loads(first[len(b"data: "):])["type"] == "hello"
