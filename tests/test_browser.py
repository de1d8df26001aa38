"""Chromium, driven by Playwright, clicking what a person clicks on the sample app."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.support.server import RunningServer, running_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", params=["memory", "none"])
def server(request: pytest.FixtureRequest) -> Iterator[RunningServer]:
    with running_server([], env={"MESOP_STATE_SESSION_BACKEND": request.param}) as running:
        yield running


@pytest.fixture()
def page(chromium, server: RunningServer):  # type: ignore[no-untyped-def]
    context = chromium.new_context()
    page = context.new_page()
    # Nothing may be fetched from anywhere but the app itself.
    foreign: list[str] = []
    page.on("request",
            lambda req: None if req.url.startswith(server.url) else foreign.append(req.url))
    yield page
    context.close()
    assert foreign == [], f"page reached outside the app: {foreign}"


def test_increment_counts_and_a_reload_starts_afresh(page, server: RunningServer) -> None:
    """Mesop's default: a reload starts a fresh session (kept with
    MESOP_STATE_SESSION_KEEP_ON_RELOAD: tests/test_browser_reload.py)."""
    from playwright.sync_api import expect

    page.goto(server.url + "/")
    expect(page.get_by_text("Count: 0")).to_be_visible()
    button = page.get_by_role("button", name="Increment")
    for _ in range(3):
        button.click()
    expect(page.get_by_text("Count: 3")).to_be_visible()
    page.reload()
    expect(page.get_by_text("Count: 0")).to_be_visible()
    page.get_by_role("button", name="Increment").click()
    expect(page.get_by_text("Count: 1")).to_be_visible()


def test_typing_into_input_shows_value(page, server: RunningServer) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/form")
    name = page.get_by_label("Name", exact=True)
    name.click()
    name.press_sequentially("Ada Lovelace", delay=20)
    expect(page.get_by_text("Name: Ada Lovelace")).to_be_visible()
    # Typing fast while events are in flight never loses or reorders characters.
    expect(name).to_have_value("Ada Lovelace")
    page.get_by_label("Subscribe").check()
    expect(page.get_by_text("Subscribe: yes")).to_be_visible()
    notes = page.get_by_label("Notes")
    notes.fill("first line\nsecond line")
    notes.blur()
    expect(page.get_by_text("Notes: first line")).to_be_visible()
    page.get_by_label("Color").select_option("Green")
    expect(page.get_by_text("Color: green")).to_be_visible()
    page.get_by_label("Volume").fill("80")
    expect(page.get_by_text("Volume: 80")).to_be_visible()
    # The form survives a round trip through another page.
    page.get_by_role("link", name="Counter").click()
    expect(page.get_by_role("button", name="Increment")).to_be_visible()
    page.go_back()
    expect(page.get_by_text("Name: Ada Lovelace")).to_be_visible()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Ada Lovelace")


def test_chat_reply_streams_in_several_steps(page, server: RunningServer) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/chat")
    page.get_by_label("Message").fill("hello")
    page.get_by_role("button", name="Send").click()
    snapshots: list[str] = []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        text = page.locator("main").inner_text()
        if not snapshots or snapshots[-1] != text:
            snapshots.append(text)
        if page.evaluate("document.body.getAttribute('aria-busy')") is None and len(snapshots) > 1:
            break
        time.sleep(0.01)
    # Several distinct intermediate pages: the reply arrived word by word, not at once.
    assert len(snapshots) >= 4, snapshots
    expect(page.get_by_text("hello").first).to_be_visible()


def test_rapid_clicks_in_several_tabs_on_three_file_workers(chromium, tmp_path) -> None:
    """Three tabs, each clicked 10 times as fast as Playwright can, served by 3 gunicorn
    workers sharing the file backend: every click lands, in every tab, and a reload
    (sessions kept over reloads) finds every count in whichever worker answers."""
    from playwright.sync_api import expect

    env = {"MESOP_STATE_SESSION_BACKEND": "file",
           "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": str(tmp_path / "sessions"),
           "MESOP_STATE_SESSION_KEEP_ON_RELOAD": "true"}
    with running_server(["--workers", "3"], env=env) as server:
        # One context per tab: headless Chromium throttles animation frames in background
        # tabs of one window, which slows Playwright's checks, not the app.
        contexts = [chromium.new_context() for _ in range(3)]
        tabs = [context.new_page() for context in contexts]
        for tab in tabs:
            tab.goto(server.url + "/")
            expect(tab.get_by_text("Count: 0")).to_be_visible()
        for _ in range(10):
            for tab in tabs:  # no waiting between clicks: the client queues them
                tab.get_by_role("button", name="Increment").click()
        for tab in tabs:
            expect(tab.get_by_text("Count: 10")).to_be_visible()
            tab.reload()
            expect(tab.get_by_text("Count: 10")).to_be_visible()
        for context in contexts:
            context.close()


def test_box_click_reports_is_target_and_checkbox_shows_mixed(chromium, tmp_path) -> None:
    """A click on a box's own area is a target; one on text inside it is not. An
    indeterminate checkbox is 'mixed' to assistive technology."""
    from playwright.sync_api import expect

    app = tmp_path / "main.py"
    app.write_text(
        "import mesop_cli as me\n\n"
        "@me.stateclass\nclass State:\n    last: str = 'none'\n\n"
        "def clicked(e: me.ClickEvent):\n    me.state(State).last = str(e.is_target)\n\n"
        "@me.page(path='/')\ndef home():\n"
        "    with me.box(on_click=clicked, style=me.Style(padding=me.Padding.all(40)),"
        " key='outer'):\n"
        "        me.text('inner text')\n"
        "    me.text(f'Last: {me.state(State).last}')\n"
        "    me.checkbox('Some', indeterminate=True)\n"
    )
    with running_server([], env={"MESOP_STATE_SESSION_BACKEND": "memory"}, app=app) as server:
        context = chromium.new_context()
        page = context.new_page()
        page.goto(server.url + "/")
        page.get_by_text("inner text").click()
        expect(page.get_by_text("Last: False")).to_be_visible()
        page.locator(".mesop-clickable").click(position={"x": 5, "y": 5})
        expect(page.get_by_text("Last: True")).to_be_visible()
        assert page.get_by_label("Some").evaluate("el => el.indeterminate") is True
        context.close()
