"""Mesop's own settings, each with Mesop's meaning (issue 19, item 3): their validation,
what the loader says of Mesop names it does not read, and, over Flask's test client, the
app under MESOP_BASE_URL_PATH, the static folder, the versioned client, unredacted errors
in production and the web components' cache key."""

from __future__ import annotations

import gzip
import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

from mesop_cli.config import load_config
from mesop_cli.config.options import (
    Invalid,
    cast_base_url_path,
    cast_cache_key,
    cast_existing_dir,
    cast_static_folder,
    cast_static_url_path,
)
from mesop_cli.web import create_flask_app
from mesop_cli.web.client_assets import IMMUTABLE, client_assets
from tests.support.flask_tab import make_settings

APP = '''
import mesop_cli as me

@me.stateclass
class S:
    n: int = 0

def add(e: me.ClickEvent):
    me.state(S).n += 1

def go(e: me.ClickEvent):
    me.navigate("/two")

def tab(e: me.ClickEvent):
    me.navigate("/two", open_in_new_tab=True)

def explode(e: me.ClickEvent):
    raise RuntimeError("kaboom in the handler")

@me.page(path="/")
def home():
    me.text(f"n={me.state(S).n}")
    me.button("add", on_click=add)
    me.button("go", on_click=go)
    me.button("tab", on_click=tab)
    me.button("explode", on_click=explode)

@me.page(path="/two")
def two():
    me.text("page two")
'''


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The working directory is the app's base directory by default (as in Mesop)."""
    monkeypatch.chdir(tmp_path)


def write_app(directory: Path) -> Path:
    (directory / "main.py").write_text(APP)
    return directory / "main.py"


def refused(cast: Any, raw: str) -> Invalid:
    with pytest.raises(Invalid) as caught:
        cast(raw)
    return caught.value


# -- validation ----------------------------------------------------------------------


@pytest.mark.parametrize("raw, value", [("/app", "/app"), ("/app/", "/app"), (" /a/b ", "/a/b"),
                                        ("/", ""), ("", "")])
def test_base_url_path_accepts_a_prefix(raw: str, value: str) -> None:
    assert cast_base_url_path(raw) == value


@pytest.mark.parametrize("raw, reason, suggestion", [
    ("app", "does not start with '/'", "/app"),
    ("/a/../b", "'..'", "/a/b"),
    ("/a//b", "''", "/a/b"),
    ("/my app", "'my app'", "/myapp"),
    ("/__mesop__", "/__mesop__", None),
])
def test_base_url_path_refusals_say_why(raw: str, reason: str, suggestion: str | None) -> None:
    problem = refused(cast_base_url_path, raw)
    assert reason in problem.reason and problem.suggestion == suggestion


def test_static_url_path_is_neither_the_root_nor_ours() -> None:
    assert cast_static_url_path("/assets/") == "/assets"
    assert refused(cast_static_url_path, "/").suggestion == "/static"
    assert "/__mesop__" in refused(cast_static_url_path, "/__mesop__/x").reason


@pytest.mark.parametrize("raw, value", [("static", "static"), ("./assets/", "assets"),
                                        ("a/b", "a/b"), ("", "")])
def test_static_folder_is_relative_to_the_base(raw: str, value: str) -> None:
    assert cast_static_folder(raw) == value


@pytest.mark.parametrize("raw, reason", [("..", "leaves"), ("../x", "leaves"),
                                         ("a/../../b", "leaves"), ("/etc", "absolute")])
def test_static_folder_never_leaves_the_base(raw: str, reason: str) -> None:
    assert reason in refused(cast_static_folder, raw).reason


def test_app_base_path_is_an_existing_absolute_directory(tmp_path: Path) -> None:
    assert cast_existing_dir(str(tmp_path)) == str(tmp_path)
    assert "relative" in refused(cast_existing_dir, "somewhere").reason
    assert "not an existing directory" in refused(cast_existing_dir, str(tmp_path / "no")).reason


def test_cache_key_goes_in_a_query() -> None:
    assert cast_cache_key(" v1.2 ") == "v1.2"
    assert "128" in refused(cast_cache_key, "a b").reason


def test_mesop_settings_reach_the_settings(tmp_path: Path) -> None:
    report = load_config(environ={
        "MESOP_BASE_URL_PATH": "/app/", "MESOP_APP_BASE_PATH": str(tmp_path),
        "MESOP_STATIC_FOLDER": "assets", "MESOP_STATIC_URL_PATH": "/files",
        "MESOP_PROD_UNREDACTED_ERRORS": "true", "MESOP_HTTP_CACHE_JS_BUNDLE": "true",
        "MESOP_WEB_COMPONENTS_HTTP_CACHE_KEY": "r7", "MESOP_WEBSOCKETS_ENABLED": "true"})
    settings = report.settings
    assert settings is not None and report.warnings == []
    assert (settings.base_url_path, settings.app_base_path, settings.static_folder,
            settings.static_url_path) == ("/app", str(tmp_path), "assets", "/files")
    assert settings.prod_unredacted_errors and settings.http_cache_js_bundle
    assert settings.web_components_http_cache_key == "r7" and settings.websockets_enabled
    notes = " | ".join(report.notes)
    assert "served under /app/" in notes
    assert "MESOP_WEBSOCKETS_ENABLED: mesop-cli has no WebSocket" in notes
    assert f"{tmp_path / 'assets'} does not exist" in notes  # set on purpose, missing


def test_an_invalid_mesop_setting_is_e001_with_its_fix() -> None:
    report = load_config(environ={"MESOP_BASE_URL_PATH": "app"})
    (error,) = report.errors
    assert error.code == "E001" and "did you mean '/app'?" in error.message


# -- names: Mesop's unsupported ones, and a did-you-mean only within a family ----------


@pytest.mark.parametrize("name, instead", [
    ("MESOP_COOKIE_SECRET_KEY", "MESOP_SECRET_KEY"),
    ("MESOP_WEBSOCKETS_PROBE_ON_DISCONNECT", "no WebSocket"),
    ("MESOP_STATE_SESSION_BACKEND_FIRESTORE_COLLECTION", "redis or sql"),
])
def test_mesops_unsupported_settings_are_named_as_mesops(name: str, instead: str) -> None:
    (warning,) = load_config(environ={name: "x"}).warnings
    assert warning.code == "W005"
    assert f"{name} (environment) is Mesop's setting" in warning.message
    assert instead in warning.message and "did you mean" not in warning.message


@pytest.mark.parametrize("typo, meant", [
    ("MESOP_STATIC_URL", "MESOP_STATIC_URL_PATH"),
    ("MESOP_BASE_PATH", "MESOP_BASE_URL_PATH"),
    ("MESOP_STAT_SESSION_BACKEND", "MESOP_STATE_SESSION_BACKEND"),
    ("MESOP_SECRETKEY", "MESOP_SECRET_KEY"),
    ("MESOP_WEBSOCKET_ENABLED", "MESOP_WEBSOCKETS_ENABLED"),
    ("MESOP_PRDO_UNREDACTED_ERRORS", "MESOP_PROD_UNREDACTED_ERRORS"),
])
def test_a_did_you_mean_within_the_family(typo: str, meant: str) -> None:
    (warning,) = load_config(environ={typo: "1"}).warnings
    assert warning.message.endswith(f"did you mean {meant}?")


@pytest.mark.parametrize("name", ["MESOP_UPLOAD_LIMIT_MB", "MESOP_COMPLETELY_DIFFERENT",
                                  "MESOP_DEBUG"])
def test_no_did_you_mean_from_an_unrelated_family(name: str) -> None:
    """Before, these got "the closest known setting is ..." of an unrelated setting."""
    (warning,) = load_config(environ={name: "1"}).warnings
    assert "did you mean" not in warning.message and "closest" not in warning.message
    assert "no setting of mesop-cli or Mesop" in warning.message


# -- the app under MESOP_BASE_URL_PATH -----------------------------------------------


def boot_of(page: str) -> dict[str, Any]:
    found = re.search(r'data-boot="([^"]+)"', page)
    assert found is not None
    return json.loads(html.unescape(found.group(1)))


def event(http: Any, url: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    response = http.post(url, data=json.dumps(body), content_type="application/json")
    data = response.get_data()
    response.close()  # as a WSGI server does: the session's lock goes with it
    assert response.status_code == 200, data
    return [json.loads(line) for line in data.splitlines()]


def test_everything_is_under_the_base_path(tmp_path: Path) -> None:
    http = create_flask_app(write_app(tmp_path), make_settings(base_url_path="/app")
                            ).test_client()
    page = http.get("/app/").get_data(as_text=True)
    boot = boot_of(page)
    assert boot["eventsUrl"] == "/app/__mesop__/events" and boot["basePath"] == "/app"
    version = client_assets().version
    assert f'src="/app/__mesop__/client/{version}/client.js"' in page
    assert f'href="/app/__mesop__/client/{version}/mesop.css"' in page
    assert http.get(f"/app/__mesop__/client/{version}/core/transport.js").status_code == 200
    assert http.get("/app/two").status_code == 200
    assert http.get("/app/__mesop__/healthz").get_json()["status"] == "ok"
    assert "mesop_" in http.get("/app/__mesop__/metrics").get_data(as_text=True)
    for outside in ("/", "/two", "/__mesop__/healthz", "/__mesop__/events", "/appendix/"):
        response = http.get(outside)
        assert response.status_code == 404, outside
        assert "served under /app/" in response.get_data(as_text=True)
    bare = http.get("/app?x=1")
    assert bare.status_code == 308 and bare.headers["Location"] == "/app/?x=1"


def test_events_speak_the_browsers_paths(tmp_path: Path) -> None:
    """The browser names its location (/app/...); the server runs the app's page and
    answers with the browser's address of the page it shows."""
    http = create_flask_app(write_app(tmp_path), make_settings(base_url_path="/app")
                            ).test_client()
    (loaded,) = event(http, "/app/__mesop__/events", {"path": "/app/"})
    assert loaded["path"] == "/app/"
    session = loaded["session"]
    assert "n=0" in json.dumps(loaded["tree"])
    moved = event(http, "/app/__mesop__/events", {
        "session": session, "path": "/app/",
        "event": {"kind": "click", "handler": _handler(loaded["tree"], "go")}})
    assert moved[-1]["path"] == "/app/two"
    opened = event(http, "/app/__mesop__/events", {
        "session": session, "path": "/app/two", "event": None})
    assert opened[-1]["path"] == "/app/two"


def _handler(tree: Any, label: str) -> str:
    """The click handler id of the button labelled ``label`` in a render's tree."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            props = node.get("p", {})
            if props.get("label") == label and props.get("on_click"):
                found.append(props["on_click"])
            for child in node.get("c", []) or []:
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(tree)
    assert found, f"no button {label!r} in {json.dumps(tree)[:500]}"
    return found[-1]


def test_a_new_tab_to_an_app_path_opens_under_the_base_path(tmp_path: Path) -> None:
    http = create_flask_app(write_app(tmp_path), make_settings(base_url_path="/app")
                            ).test_client()
    (loaded,) = event(http, "/app/__mesop__/events", {"path": "/app/"})
    (render,) = event(http, "/app/__mesop__/events", {
        "session": loaded["session"], "path": "/app/",
        "event": {"kind": "click", "handler": _handler(loaded["tree"], "tab")}})
    assert render["commands"] == [{"type": "open_url", "url": "/app/two", "target": "_blank"}]


def test_without_a_base_path_nothing_moves(tmp_path: Path) -> None:
    http = create_flask_app(write_app(tmp_path), make_settings()).test_client()
    boot = boot_of(http.get("/").get_data(as_text=True))
    assert boot["eventsUrl"] == "/__mesop__/events" and boot["basePath"] == ""
    (loaded,) = event(http, "/__mesop__/events", {"path": "/"})
    assert loaded["path"] == "/"


# -- the static folder ---------------------------------------------------------------


@pytest.fixture
def static_app(tmp_path: Path) -> Any:
    base = tmp_path / "base"
    (base / "assets" / "deep").mkdir(parents=True)
    (base / "assets" / "hello.txt").write_text("hello")
    (base / "assets" / "deep" / "x.css").write_text("p{}")
    (base / "private.txt").write_text("SECRET-BESIDE")
    (tmp_path / "outside.txt").write_text("SECRET-OUTSIDE")
    (base / "assets" / "link.txt").symlink_to(tmp_path / "outside.txt")
    (base / "assets" / "up").symlink_to(base)
    settings = make_settings(app_base_path=str(base), static_folder="assets",
                             static_url_path="/files", base_url_path="/app")
    return create_flask_app(write_app(tmp_path), settings).test_client()


def test_static_files_are_served_under_the_base_path(static_app: Any) -> None:
    assert static_app.get("/app/files/hello.txt").get_data() == b"hello"
    assert static_app.get("/app/files/deep/x.css").mimetype == "text/css"
    assert static_app.get("/files/hello.txt").status_code == 404


@pytest.mark.parametrize("path", [
    "/app/files/../private.txt", "/app/files/%2e%2e/private.txt",
    "/app/files/%2E%2E%2Fprivate.txt", "/app/files/deep/..%2F..%2Fprivate.txt",
    "/app/files/..%5Cprivate.txt", "/app/files/%2Ftmp%2Foutside.txt",
    "/app/files//etc/passwd", "/app/files/link.txt", "/app/files/up/private.txt",
    "/app/files/deep", "/app/files/nope.txt",
])
def test_static_folder_refuses_what_is_outside_it(static_app: Any, path: str) -> None:
    response = static_app.get(path)
    assert response.status_code == 404, path
    assert b"SECRET" not in response.get_data()


def test_the_default_static_folder_is_mesops(tmp_path: Path) -> None:
    """``static`` of the working directory at /static, as in Mesop; off when empty."""
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "logo.svg").write_text("<svg/>")
    app = write_app(tmp_path)
    assert create_flask_app(app, make_settings()).test_client().get(
        "/static/logo.svg").status_code == 200
    off = create_flask_app(app, make_settings(static_folder="")).test_client()
    assert off.get("/static/logo.svg").status_code == 404


# -- the client: content-hashed, compressed, cached ----------------------------------


def test_the_client_is_hashed_compressed_and_immutable(tmp_path: Path) -> None:
    http = create_flask_app(write_app(tmp_path), make_settings()).test_client()
    assets = client_assets()
    url = f"/__mesop__/client/{assets.version}/client.js"
    plain = http.get(url)
    zipped = http.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert plain.headers["Cache-Control"] == IMMUTABLE == zipped.headers["Cache-Control"]
    assert "Accept-Encoding" in zipped.headers["Vary"] and "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert len(zipped.get_data()) < len(plain.get_data())
    assert zipped.mimetype == "text/javascript"
    again = http.get(url, headers={"Accept-Encoding": "gzip",
                                   "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304
    # A page from before a deploy asks for its version: today's file, never cached as it.
    stale = http.get("/__mesop__/client/0000000000000000/client.js")
    assert stale.status_code == 200 and stale.headers["Cache-Control"] == "no-cache"
    assert http.get(f"/__mesop__/client/{assets.version}/nope.js").status_code == 404


def test_the_version_is_the_content(tmp_path: Path) -> None:
    from mesop_cli.web.client_assets import ClientAssets

    (tmp_path / "core").mkdir()
    (tmp_path / "client.js").write_text('import "./core/a.js";')
    (tmp_path / "core" / "a.js").write_text("export const a = 1;")
    first = ClientAssets.read(tmp_path)
    assert ClientAssets.read(tmp_path).version == first.version
    (tmp_path / "core" / "a.js").write_text("export const a = 2;")
    assert ClientAssets.read(tmp_path).version != first.version


# -- errors in production, and the web components' cache key -------------------------


@pytest.mark.parametrize("unredacted", [False, True])
def test_prod_unredacted_errors_shows_the_handlers_error(tmp_path: Path,
                                                         unredacted: bool) -> None:
    settings = make_settings(prod=True, reload=False, prod_unredacted_errors=unredacted)
    http = create_flask_app(write_app(tmp_path), settings).test_client()
    (loaded,) = event(http, "/__mesop__/events", {"path": "/"})
    lines = event(http, "/__mesop__/events", {
        "session": loaded["session"], "path": "/",
        "event": {"kind": "click", "handler": _handler(loaded["tree"], "explode")}})
    error = next(line for line in lines if line["type"] == "error")
    assert ("kaboom in the handler" in json.dumps(error)) is unredacted
    assert ("traceback" in error) is unredacted
    if not unredacted:
        assert "reference" in error["message"]


WEB_APP = '''
import mesop_cli as me

@me.web_component(path="./counter.js")
def counter():
    return me.insert_web_component(name="my-counter")

@me.page(path="/")
def home():
    counter()
'''


@pytest.mark.parametrize("prod", [True, False])
def test_web_components_cache_key(tmp_path: Path, prod: bool) -> None:
    (tmp_path / "counter.js").write_text("customElements.define('my-counter', "
                                         "class extends HTMLElement {});")
    (tmp_path / "main.py").write_text(WEB_APP)
    settings = make_settings(prod=prod, reload=not prod, web_components_http_cache_key="r7")
    http = create_flask_app(tmp_path / "main.py", settings).test_client()
    boot = boot_of(http.get("/").get_data(as_text=True))
    assert boot["webComponentsCacheKey"] == ("r7" if prod else None)
    keyed = http.get("/__mesop__/web-components/counter.js?v=r7")
    assert keyed.headers["Cache-Control"] == (IMMUTABLE if prod else "no-cache")
    assert http.get("/__mesop__/web-components/counter.js?v=old").headers[
        "Cache-Control"] == "no-cache"
