"""The app under MESOP_BASE_URL_PATH behind nginx at a sub-path, in Chromium (issue 19,
item 3): nginx forwards /app/ unchanged to a server (dev, and gunicorn with --prod) whose
every address is under /app: the page, the versioned client (gzip, cached a year), the
events, healthz and metrics; a click and a navigation work, and the address bar stays
under /app."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import requests

from mesop_cli.web.client_assets import IMMUTABLE
from tests.support.browser import watched_tab
from tests.support.nginx import nginx_path, running_nginx
from tests.support.server import free_port, running_server

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

APP = '''
import mesop_cli as me

@me.stateclass
class S:
    n: int = 0

def add(e: me.ClickEvent):
    me.state(S).n += 1

def go(e: me.ClickEvent):
    me.navigate("/two")

@me.page(path="/")
def home():
    me.text(f"count={me.state(S).n}")
    me.button("add", on_click=add)
    me.button("go", on_click=go)

@me.page(path="/two")
def two():
    me.text(f"page two, count={me.state(S).n}")
'''


def sub_path_site(listen: int, upstream: int) -> str:
    """nginx serving the app at /app/, the path passed on unchanged (no URI in
    proxy_pass), the rest of the site its own."""
    return (
        "server {\n"
        f"    listen 127.0.0.1:{listen};\n"
        "    location /app/ {\n"
        f"        proxy_pass http://127.0.0.1:{upstream};\n"
        "        proxy_http_version 1.1;\n"
        "        proxy_set_header Host $http_host;\n"
        "        proxy_set_header X-Forwarded-Proto $scheme;\n"
        "        proxy_buffering off;\n"
        "    }\n"
        "    location = /app { return 308 /app/; }\n"
        "    location / { return 200 'the rest of the site'; }\n"
        "}\n"
    )


@pytest.fixture(params=["dev", "prod"])
def behind_nginx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    nginx_path()
    (tmp_path / "main.py").write_text(APP)
    env = {"MESOP_BASE_URL_PATH": "/app", "MESOP_STATE_SESSION_BACKEND": "memory",
           "MESOP_SECRET_KEY": "k" * 40}
    args = ["--prod"] if request.param == "prod" else []
    with ExitStack() as stack:
        server = stack.enter_context(running_server(args, env=env, app=tmp_path / "main.py",
                                                    base_path="/app"))
        listen = free_port()
        upstream = int(server.url.rsplit(":", 1)[1])
        stack.enter_context(running_nginx(sub_path_site(listen, upstream),
                                          tmp_path / "nginx", listen))
        yield f"http://127.0.0.1:{listen}"


def test_the_app_works_under_a_sub_path_behind_nginx(behind_nginx: str, chromium: Any) -> None:
    site = behind_nginx
    page = requests.get(site + "/app/", timeout=10)
    assert page.status_code == 200
    client = re.search(r'src="(/app/__mesop__/client/[0-9a-f]{16}/client\.js)"', page.text)
    assert client is not None, page.text
    module = requests.get(site + client.group(1), headers={"Accept-Encoding": "gzip"},
                          timeout=10)
    assert module.status_code == 200 and module.headers["Content-Encoding"] == "gzip"
    assert module.headers["Cache-Control"] == IMMUTABLE
    assert "Accept-Encoding" in module.headers["Vary"]
    assert requests.get(site + "/app/__mesop__/healthz", timeout=10).json()["status"] == "ok"
    assert "mesop_" in requests.get(site + "/app/__mesop__/metrics", timeout=10).text
    assert requests.get(site + "/", timeout=10).text == "the rest of the site"

    with watched_tab(chromium, console=True) as tab:
        requested: list[str] = []
        tab.on("request", lambda r: requested.append(r.url))
        tab.goto(site + "/app/")
        expect(tab.get_by_text("count=0")).to_be_visible()
        tab.get_by_role("button", name="add").click()
        expect(tab.get_by_text("count=1")).to_be_visible()
        tab.get_by_role("button", name="go").click()
        expect(tab.get_by_text("page two, count=1")).to_be_visible()
        assert tab.url == site + "/app/two"
        tab.go_back()
        expect(tab.get_by_text("count=1")).to_be_visible()
        assert tab.url == site + "/app/"
        # Everything the page asked for was under the prefix.
        own = [url for url in requested if url.startswith(site)]
        assert own and all(url.startswith(site + "/app/") for url in own), own
        assert any("/app/__mesop__/client/" in url and url.endswith("/core/transport.js")
                   for url in own)
        assert any(url == site + "/app/__mesop__/events" for url in own)
