"""The client script's own logic in Chromium: error handling and the JSON Patch applier."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.server import ROOT, RunningServer, running_server
from tests.support.services import chromium_path
from tests.test_browser import CHROMIUM_ARGS

pytestmark = pytest.mark.browser

CLIENT_JS = ROOT / "mesop_cli" / "web" / "static" / "client.js"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    executable = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def memory_server() -> Iterator[RunningServer]:
    with running_server([], env={"MESOP_STATE_SESSION_BACKEND": "memory"}) as server:
        yield server


def test_unknown_handler_keeps_the_tabs_state(chromium: Any, memory_server: RunningServer) -> None:
    """A 400 for an event the page no longer has (the app was edited under the tab) shows
    the message and keeps the session: the next click counts on from where it was."""
    from playwright.sync_api import expect

    page = chromium.new_page()
    try:
        page.goto(memory_server.url + "/")
        button = page.get_by_role("button", name="Increment")
        button.click()
        button.click()
        expect(page.get_by_text("Count: 2")).to_be_visible()
        button.evaluate("el => { el.__realHandler = el.__mesopNode.p.on_click;"
                        " el.__mesopNode.p.on_click = 'renamed_since'; }")
        button.click()
        expect(page.locator("#mesop-status")).to_contain_text("reload")
        button.evaluate("el => { el.__mesopNode.p.on_click = el.__realHandler; }")
        button.click()
        expect(page.get_by_text("Count: 3")).to_be_visible()
    finally:
        page.close()
