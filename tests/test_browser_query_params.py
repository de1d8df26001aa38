"""Chromium, driven by Playwright, on tests/apps/query_params_app.py: me.query_params reads
the URL the page was opened with, a handler's change shows in the address bar without a
reload or a new history entry, me.navigate(query_params=...) builds the next URL, and a
reload or Back brings the query back to the app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import watched_tab
from tests.support.server import RunningServer, memory_server_fixture

pytestmark = pytest.mark.browser

APP = Path(__file__).parent / "apps" / "query_params_app.py"


server = memory_server_fixture(APP)


@pytest.fixture()
def page(chromium: Any) -> Iterator[Any]:
    """A fresh tab; every script error in it fails the test."""
    with watched_tab(chromium) as tab:
        yield tab


def settled(page: Any) -> None:
    from playwright.sync_api import expect

    expect(page.locator("body")).not_to_have_attribute("aria-busy", "true")


def test_the_page_reads_the_query_it_was_opened_with(page: Any, server: RunningServer) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/?q=hello&tag=red&tag=blue%20sky")
    expect(page.get_by_text("q = hello")).to_be_visible()
    expect(page.get_by_text("tags = red, blue sky")).to_be_visible()
    # on_load read the query and added to it; the address bar shows it, the rest untouched.
    expect(page.get_by_text("visited = yes")).to_be_visible()
    settled(page)
    assert page.url == server.url + "/?q=hello&tag=red&tag=blue+sky&visited=yes"


def test_a_handler_changes_the_url_without_a_reload(page: Any, server: RunningServer) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/?q=hello")
    expect(page.get_by_text("q = hello")).to_be_visible()
    settled(page)
    page.evaluate("window.__sameDocument = true")
    history_length = page.evaluate("history.length")

    page.get_by_role("button", name="Search for world").click()
    expect(page.get_by_text("q = world")).to_be_visible()
    settled(page)
    assert page.url == server.url + "/?q=world&visited=yes"
    page.get_by_role("button", name="Add tag").click()
    expect(page.get_by_text("tags = t1")).to_be_visible()
    # The second click's handler sees the URL as the first render left it.
    page.get_by_role("button", name="Add tag").click()
    expect(page.get_by_text("tags = t1, t2")).to_be_visible()
    settled(page)
    assert page.url == server.url + "/?q=world&visited=yes&tag=t1&tag=t2"
    assert page.evaluate("window.__sameDocument") is True  # no reload
    assert page.evaluate("history.length") == history_length  # replaced, not pushed

    page.get_by_role("button", name="Clear").click()
    expect(page.get_by_text("q = (none)")).to_be_visible()
    settled(page)
    assert page.url == server.url + "/"
    assert page.evaluate("window.__sameDocument") is True


def test_a_reload_keeps_the_query_and_runs_on_load_again(page: Any, server: RunningServer
                                                          ) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/")
    page.get_by_role("button", name="Search for world").click()
    expect(page.get_by_text("q = world")).to_be_visible()
    settled(page)
    page.reload()
    expect(page.get_by_text("q = world")).to_be_visible()
    expect(page.get_by_text("loads = 1")).to_be_visible()  # a reload starts a new session


def test_an_edited_url_is_what_the_next_handler_sees(page: Any, server: RunningServer) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/?tag=a")
    expect(page.get_by_text("tags = a")).to_be_visible()
    settled(page)
    # A script of the page (or the user's own history edit) changes the URL in place.
    page.evaluate("history.replaceState(history.state, '', '/?tag=x&tag=y')")
    page.get_by_role("button", name="Add tag").click()
    expect(page.get_by_text("tags = x, y, t3")).to_be_visible()
    settled(page)
    assert page.url == server.url + "/?tag=x&tag=y&tag=t3"


def test_navigate_with_query_params_and_back(page: Any, server: RunningServer) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/?q=cats")
    expect(page.get_by_text("q = cats")).to_be_visible()
    settled(page)
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("button", name="Show results").click()
    expect(page.get_by_text("results for cats, page 2")).to_be_visible()
    settled(page)
    assert page.url == server.url + "/results?q=cats&page=2"

    # The app's Back: me.navigate("/", query_params=me.query_params).
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_text("q = cats")).to_be_visible()
    expect(page.get_by_text("visited = yes")).to_be_visible()
    settled(page)
    assert page.url == server.url + "/?q=cats&page=2&visited=yes"

    page.go_back()  # the browser's Back: the results URL, its query read again
    expect(page.get_by_text("results for cats, page 2")).to_be_visible()
    assert page.url == server.url + "/results?q=cats&page=2"
    assert page.evaluate("window.__sameDocument") is True
