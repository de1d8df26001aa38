"""``@me.page(security_policy=..., stylesheets=...)`` as Chromium enforces them.

A second local server plays "another site" (another port is another origin): it serves a
stylesheet, answers a fetch with CORS allowed, and frames the app. One page of the app
widens its policy for that origin, another keeps the defaults; the browser must let the
first do each thing and stop the second.
"""

from __future__ import annotations

import textwrap
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.support.server import RunningServer, running_server

pytestmark = pytest.mark.browser

APP = """
    import mesop_cli as me

    OTHER = "{other}"

    @me.page(path="/open", title="Open",
             security_policy=me.SecurityPolicy(
                 allowed_connect_srcs=[OTHER],
                 allowed_iframe_parents=[OTHER],
                 dangerously_disable_trusted_types=True),
             stylesheets=[OTHER + "/theme.css"])
    def open_page():
        me.text("Open page", style=me.Style(padding=me.Padding.all(4)))

    @me.page(path="/strict", title="Strict", stylesheets=[])
    def strict_page():
        me.text("Strict page")
"""

STYLESHEET = b".mesop-styled-by-other, p { color: rgb(1, 2, 3) !important; }"


class OtherSite(BaseHTTPRequestHandler):
    app_url = ""

    def do_GET(self) -> None:  # noqa: N802  (the http.server API)
        if self.path == "/theme.css":
            self._send(STYLESHEET, "text/css")
        elif self.path == "/data":
            self._send(b'{"ok": true}', "application/json", cors=True)
        elif self.path.startswith("/frame"):
            target = self.path.split("?page=", 1)[1]
            html = f'<iframe id="app" src="{self.app_url}/{target}" width="600" height="300">'
            self._send(f"<!doctype html><title>frame</title>{html}</iframe>".encode(),
                       "text/html")
        else:
            self.send_error(404)

    def _send(self, body: bytes, mimetype: str, cors: bool = False) -> None:
        self.send_response(200)
        self.send_header("Content-Type", mimetype)
        self.send_header("Content-Length", str(len(body)))
        if cors:
            self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, str]]:
    other = ThreadingHTTPServer(("127.0.0.1", 0), OtherSite)
    other_url = f"http://127.0.0.1:{other.server_address[1]}"
    threading.Thread(target=other.serve_forever, daemon=True).start()
    app = Path(tmp_path_factory.mktemp("policy")) / "main.py"
    app.write_text(textwrap.dedent(APP).format(other=other_url))
    try:
        with running_server([], env={"MESOP_STATE_SESSION_BACKEND": "memory"},
                            app=app) as server:
            OtherSite.app_url = server.url
            yield server, other_url
    finally:
        other.shutdown()


@pytest.fixture()
def context(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context()
    yield context
    context.close()


def open_app(context: Any, url: str, text: str) -> Any:
    from playwright.sync_api import expect

    page = context.new_page()
    page.goto(url)
    expect(page.get_by_text(text)).to_be_visible()
    return page


def test_stylesheet_from_the_listed_origin_is_applied(context: Any, sites: Any) -> None:
    server, _other = sites
    page = open_app(context, server.url + "/open", "Open page")
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('#mesop-root p')).color"
        " === 'rgb(1, 2, 3)'")
    strict = open_app(context, server.url + "/strict", "Strict page")
    assert strict.eval_on_selector("#mesop-root p", "el => getComputedStyle(el).color") != (
        "rgb(1, 2, 3)")


FETCH = "url => fetch(url).then(r => r.json()).then(d => d.ok, e => 'blocked: ' + e.name)"


def test_connect_src_lets_the_page_fetch_only_the_listed_origin(context: Any, sites: Any
                                                               ) -> None:
    server, other = sites
    page = open_app(context, server.url + "/open", "Open page")
    assert page.evaluate(FETCH, other + "/data") is True
    strict = open_app(context, server.url + "/strict", "Strict page")
    assert strict.evaluate(FETCH, other + "/data") == "blocked: TypeError"


ASSIGN_HTML = ("() => { const el = document.createElement('div');"
               " try { el.innerHTML = '<i>x</i>'; return 'assigned'; }"
               " catch (e) { return e.name; } }")


def test_trusted_types_are_required_unless_the_page_disables_them(context: Any, sites: Any
                                                                 ) -> None:
    server, _other = sites
    page = open_app(context, server.url + "/open", "Open page")
    assert page.evaluate(ASSIGN_HTML) == "assigned"
    strict = open_app(context, server.url + "/strict", "Strict page")
    assert strict.evaluate(ASSIGN_HTML) == "TypeError"


def test_only_a_listed_parent_may_frame_the_page(context: Any, sites: Any) -> None:
    from playwright.sync_api import expect

    server, other = sites
    framing = context.new_page()
    framing.goto(other + "/frame?page=open")
    expect(framing.frame_locator("#app").get_by_text("Open page")).to_be_visible()

    blocked = context.new_page()
    refused: list[str] = []
    blocked.on("console", lambda m: refused.append(m.text) if "frame-ancestors" in m.text
               else None)
    blocked.goto(other + "/frame?page=strict")
    blocked.wait_for_timeout(500)  # give the frame time to (not) draw
    frame = next(f for f in blocked.frames if f != blocked.main_frame)
    assert frame.locator("text=Strict page").count() == 0
    assert any("frame-ancestors" in text for text in refused), refused
