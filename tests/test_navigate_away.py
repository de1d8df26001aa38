"""``me.navigate`` to another site and with ``open_in_new_tab``, as in Mesop: the tab stays
on its page (its query untouched) and the render carries one ``open_url`` command; only
http(s) addresses are ever sent to the browser. Chromium shows the new tab and the
departure on a second local server."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

import mesop_cli as me
from mesop_cli.runtime import load_app, run_event, run_load
from mesop_cli.runtime.browser.browser_context import BrowserContext
from mesop_cli.runtime.browser.query_state import QueryState
from mesop_cli.runtime.scope import Scope, activated
from tests.support.browser import watched_tab
from tests.support.server import RunningServer, running_server

APP = Path(__file__).parent / "apps" / "navigate_away_app.py"


def click(label: str, *pairs: tuple[str, str]) -> list[Any]:
    app = load_app(APP)
    states: dict[str, object] = {}
    tree = list(run_load(app, "/", states, BrowserContext()))[-1].tree
    stack = [tree]
    while stack:
        node = stack.pop()
        if node["t"] == "button" and node["p"]["label"] == label:
            event = {"handler": node["p"]["on_click"], "kind": "click", "key": "",
                     "value": None}
            context = BrowserContext(query=QueryState(pairs))
            return list(run_event(app, "/", states, event, context))
        stack.extend(node["c"])
    raise LookupError(label)


def test_open_in_new_tab_keeps_this_tab_and_builds_the_address() -> None:
    renders = click("About in a new tab", ("q", "kept"))
    assert [r.path for r in renders] == ["/"]
    assert renders[-1].query is None  # this tab's URL is left as it is
    assert renders[-1].commands == [{"type": "open_url", "target": "_blank",
                                     "url": "/about?from=home&tag=a&tag=b"}]


def test_another_site_is_left_for_after_the_render_with_its_fragment() -> None:
    renders = click("Leave for the other site")
    assert [r.path for r in renders] == ["/"]
    # The query written into the URL is dropped, as for an app path (Mesop warns too).
    assert renders[-1].commands == [{"type": "open_url", "target": "_self",
                                     "url": "https://example.com/hello#part"}]


@pytest.mark.parametrize("url, message", [
    ("javascript:alert(1)", "only sends the browser to http"),
    ("data:text/html,<script>1</script>", "only sends the browser to http"),
    ("https:///nohost", "needs a host"),
    ("//evil.example/x", "app path starting with '/'"),
    ("page", "app path starting with '/'"),
])
def test_addresses_that_are_not_web_pages_are_refused(url: str, message: str) -> None:
    scope = Scope(cast(Any, None), {})
    with activated(scope), pytest.raises(ValueError, match=message):
        me.navigate(url, open_in_new_tab=True)
    assert scope.browser.commands == []


def test_an_unknown_app_page_in_a_new_tab_is_an_error_in_the_handler() -> None:
    app = load_app(APP)
    scope = Scope(app, {})
    with activated(scope), pytest.raises(Exception, match="/nowhere"):
        me.navigate("/nowhere", open_in_new_tab=True)


# ---- Chromium ----------------------------------------------------------------------------


class _Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        body = b"<title>other</title><p>other site</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def other_site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def server(other_site: str) -> Iterator[RunningServer]:
    env = {"MESOP_STATE_SESSION_BACKEND": "memory", "OTHER_SITE": other_site}
    with running_server([], env=env, app=APP) as running:
        yield running


@pytest.fixture()
def page(chromium: Any) -> Iterator[Any]:
    with watched_tab(chromium) as tab:
        yield tab


@pytest.mark.browser
def test_browser_opens_an_app_page_in_a_new_tab(page: Any, server: RunningServer) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/?q=kept")
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="About in a new tab").click()
    new_tab = opened.value
    expect(new_tab.get_by_text("About, query={'from': 'home', 'tag': 'a'}")) \
        .to_be_visible()
    assert new_tab.url == server.url + "/about?from=home&tag=a&tag=b"
    # This tab stayed on its page with its query.
    expect(page.get_by_text("Home, query={'q': 'kept'}")).to_be_visible()
    assert page.url == server.url + "/?q=kept"


@pytest.mark.browser
def test_browser_opens_another_site_in_a_new_tab(page: Any, server: RunningServer,
                                                 other_site: str) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/")
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Other site in a new tab").click()
    new_tab = opened.value
    expect(new_tab.get_by_text("other site")).to_be_visible()
    assert new_tab.url == other_site + "/hello"
    assert page.url == server.url + "/"


@pytest.mark.browser
def test_browser_leaves_for_another_site(page: Any, server: RunningServer,
                                         other_site: str) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/")
    page.get_by_role("button", name="Leave for the other site").click()
    page.wait_for_url(other_site + "/hello#part")
    expect(page.get_by_text("other site")).to_be_visible()
