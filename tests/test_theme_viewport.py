"""Theming, viewport size and browser commands: Mesop's names, the wire fields that carry
them (validated as hostile input), and the theme kept with the session across events."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import mesop_cli as me
from mesop_cli.runtime import load_app, render, run_event, run_load, run_refresh
from mesop_cli.runtime.browser.browser_context import (
    DEFAULT_VIEWPORT,
    BrowserContext,
    ThemeSettings,
)
from mesop_cli.runtime.browser.theme import THEME_VARS
from mesop_cli.sessions.base import SessionBackend
from mesop_cli.sessions.file import FileBackend
from mesop_cli.sessions.memory import MemoryBackend
from mesop_cli.state_format.image import capture, image_from_json
from mesop_cli.web import create_flask_app
from mesop_cli.web.protocol import ProtocolError, parse_event_request
from tests.support.flask_tab import Client, make_settings

#: Mesop 1.3.7's ThemeVar literal, as published (mesop/features/theme.py).
MESOP_THEME_VARS = """
background error error-container inverse-on-surface inverse-primary inverse-surface
on-background on-error on-error-container on-primary on-primary-container on-primary-fixed
on-primary-fixed-variant on-secondary on-secondary-container on-secondary-fixed
on-secondary-fixed-variant on-surface on-surface-variant on-tertiary on-tertiary-container
on-tertiary-fixed on-tertiary-fixed-variant outline outline-variant primary
primary-container primary-fixed primary-fixed-dim scrim secondary secondary-container
secondary-fixed secondary-fixed-dim shadow surface surface-bright surface-container
surface-container-high surface-container-highest surface-container-low
surface-container-lowest surface-dim surface-tint surface-variant tertiary
tertiary-container tertiary-fixed tertiary-fixed-dim
""".split()

CSS = Path(me.__file__).parent / "web" / "static" / "mesop.css"

APP_SOURCE = '''
import mesop_cli as me

@me.stateclass
class State:
    loads: int = 0

def load(e: me.LoadEvent):
    me.state(State).loads += 1

def go_dark(e: me.ClickEvent):
    me.set_theme_mode("dark")

def go_system(e: me.ClickEvent):
    me.set_theme_mode("system")
    me.set_theme_density(-2)

def jump(e: me.ClickEvent):
    me.scroll_into_view(key="far")
    me.focus_component(key="name")

def noop(e: me.ClickEvent):
    pass

@me.page(path="/", on_load=load)
def home():
    size = me.viewport_size()
    me.text(f"Brightness: {me.theme_brightness()}")
    me.text(f"Viewport: {size.width}x{size.height}")
    me.text(f"Loads: {me.state(State).loads}")
    me.button("Dark", on_click=go_dark)
    me.button("System", on_click=go_system)
    me.button("Jump", on_click=jump)
    me.button("Noop", on_click=noop)
    me.input(label="Name", key="name")
    me.box(key="far")

@me.page(path="/other")
def other():
    me.text("Other page")
'''


def body(**fields: Any) -> bytes:
    return json.dumps({"session": None, "path": "/", "event": None, **fields}).encode()


# ---- Mesop's names -----------------------------------------------------------------------


def test_theme_var_accepts_exactly_mesops_names() -> None:
    assert sorted(THEME_VARS) == sorted(MESOP_THEME_VARS)
    assert me.theme_var("primary") == "var(--sys-primary)"
    assert me.theme_var("surface-container-lowest") == "var(--sys-surface-container-lowest)"


@pytest.mark.parametrize("name", ["primry", "Primary", "--sys-primary", "", "on_primary"])
def test_theme_var_refuses_an_unknown_name_in_one_line(name: str) -> None:
    with pytest.raises(ValueError, match=r"not a theme variable") as caught:
        me.theme_var(name)  # type: ignore[arg-type]
    assert "\n" not in str(caught.value)


def test_theme_var_suggests_the_near_name() -> None:
    with pytest.raises(ValueError, match="did you mean 'primary'"):
        me.theme_var("primry")  # type: ignore[arg-type]


def test_css_defines_every_theme_variable_light_and_dark() -> None:
    css = CSS.read_text()
    light = re.search(r":root \{(.*?)\}", css, re.S)
    dark = re.search(r":root\.mesop-theme-dark \{(.*?)\}", css, re.S)
    assert light and dark
    light_vars = dict(re.findall(r"--sys-([a-z-]+):\s*(#[0-9a-f]{6})", light.group(1)))
    dark_vars = dict(re.findall(r"--sys-([a-z-]+):\s*(#[0-9a-f]{6})", dark.group(1)))
    assert set(light_vars) == set(MESOP_THEME_VARS)
    # The "fixed" colours are the same in both modes by definition; every other differs.
    assert set(dark_vars) == {n for n in MESOP_THEME_VARS if "fixed" not in n}
    changing = set(dark_vars) - {"shadow", "scrim"}  # black in both
    assert all(dark_vars[n] != light_vars[n] for n in changing)
    # No component keeps a literal colour of its own outside the variables.
    rules = re.sub(r":root(\.mesop-theme-dark)? \{.*?\}", "", css, flags=re.S)
    assert re.findall(r"#[0-9a-fA-F]{3,6}\b", rules) == []


def test_theme_functions_need_a_render_or_handler() -> None:
    with pytest.raises(RuntimeError, match="me.theme_brightness"):
        me.theme_brightness()
    with pytest.raises(RuntimeError, match="me.viewport_size"):
        me.viewport_size()


# ---- the runtime -------------------------------------------------------------------------


@pytest.fixture()
def app_file(tmp_path: Path) -> Path:
    path = tmp_path / "main.py"
    path.write_text(APP_SOURCE)
    return path


def texts(tree: dict[str, Any]) -> list[str]:
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        if node["t"] == "text":
            found.append(node["p"]["text"])
        stack.extend(node["c"])
    return found


def handler_id(tree: dict[str, Any], label: str) -> str:
    stack = [tree]
    while stack:
        node = stack.pop()
        if node["t"] == "button" and node["p"]["label"] == label:
            return node["p"]["on_click"]
        stack.extend(node["c"])
    raise LookupError(label)


def click(app: Any, states: dict[str, object], label: str,
          browser: BrowserContext) -> list[Any]:
    tree = render(app, "/", states, browser).tree
    event = {"handler": handler_id(tree, label), "kind": "click", "key": "", "value": None}
    return list(run_event(app, "/", states, event, browser))


def test_brightness_follows_mode_and_scheme(app_file: Path) -> None:
    app = load_app(app_file)
    states: dict[str, object] = {}
    light_browser = BrowserContext(prefers_dark=True)  # light mode ignores the preference
    assert "Brightness: light" in texts(render(app, "/", states, light_browser).tree)

    dark = click(app, states, "Dark", light_browser)[-1]
    assert "Brightness: dark" in texts(dark.tree)
    assert light_browser.theme.mode == "dark"

    system = BrowserContext(theme=ThemeSettings("system"), prefers_dark=False)
    assert "Brightness: light" in texts(render(app, "/", states, system).tree)
    system.prefers_dark = True
    assert "Brightness: dark" in texts(render(app, "/", states, system).tree)


def test_viewport_size_is_the_reported_one(app_file: Path) -> None:
    app = load_app(app_file)
    tree = render(app, "/", {}, BrowserContext(viewport=(390, 844))).tree
    assert "Viewport: 390x844" in texts(tree)
    width, height = DEFAULT_VIEWPORT
    assert f"Viewport: {width}x{height}" in texts(render(app, "/", {}).tree)


def test_commands_ride_on_the_next_render_only(app_file: Path) -> None:
    app = load_app(app_file)
    states: dict[str, object] = {}
    browser = BrowserContext()
    renders = click(app, states, "Jump", browser)
    assert renders[-1].commands == [{"type": "scroll_into_view", "key": "far"},
                                    {"type": "focus_component", "key": "name"}]
    assert click(app, states, "Noop", browser)[-1].commands == []


def test_commands_refuse_a_key_that_is_not_a_string(app_file: Path) -> None:
    from mesop_cli.runtime.scope import Scope, activated

    with activated(Scope(load_app(app_file), {})), \
            pytest.raises(TypeError, match="key= as a string"):
        me.focus_component(key=3)  # type: ignore[arg-type]


def test_bad_theme_mode_and_density_are_refused(app_file: Path) -> None:
    from mesop_cli.runtime.scope import Scope, activated

    with activated(Scope(load_app(app_file), {})):
        with pytest.raises(ValueError, match="'light', 'dark' or 'system'"):
            me.set_theme_mode("dim")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="0, -1, -2, -3 or -4"):
            me.set_theme_density(-5)  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            me.set_theme_density(True)  # type: ignore[arg-type]


def test_refresh_renders_without_running_on_load(app_file: Path) -> None:
    app = load_app(app_file)
    states: dict[str, object] = {}
    assert "Loads: 1" in texts(list(run_load(app, "/", states))[-1].tree)
    refreshed = list(run_refresh(app, "/", states, BrowserContext(viewport=(800, 600))))
    assert len(refreshed) == 1
    assert "Loads: 1" in texts(refreshed[0].tree)
    assert "Viewport: 800x600" in texts(refreshed[0].tree)


# ---- the wire format ---------------------------------------------------------------------


def test_hints_are_read_when_valid() -> None:
    request = parse_event_request(body(scheme="dark", viewport={"width": 390, "height": 844}))
    assert request.color_scheme == "dark"
    assert request.viewport == (390, 844)
    assert request.refresh is False


def test_missing_hints_read_as_defaults() -> None:
    request = parse_event_request(body())
    assert (request.color_scheme, request.viewport, request.refresh) == \
        ("light", DEFAULT_VIEWPORT, False)


@pytest.mark.parametrize("scheme", ["Dark", "no-preference", "", 1, True, ["dark"], {"a": 1},
                                    "dark\u0000"])
def test_a_scheme_other_than_light_or_dark_is_refused(scheme: Any) -> None:
    with pytest.raises(ProtocolError, match="scheme must be 'light' or 'dark'"):
        parse_event_request(body(scheme=scheme))


@pytest.mark.parametrize("viewport", [
    "1024x768", 5, [1024, 768], None, {}, {"width": 1024},
    {"width": -1, "height": 700}, {"width": 10**9, "height": 700},
    {"width": 1024.5, "height": 700}, {"width": 1024.0, "height": 700},
    {"width": True, "height": 700}, {"width": "1024", "height": "768"},
    {"width": 10**400, "height": 1},
])
def test_a_nonsensical_viewport_falls_back_to_the_default(viewport: Any) -> None:
    assert parse_event_request(body(viewport=viewport)).viewport == DEFAULT_VIEWPORT


def test_viewport_bounds_are_inclusive() -> None:
    assert parse_event_request(body(viewport={"width": 0, "height": 100_000})).viewport == \
        (0, 100_000)


@pytest.mark.parametrize("refresh", ["yes", 1, 0, [], {}])
def test_refresh_must_be_a_boolean(refresh: Any) -> None:
    with pytest.raises(ProtocolError, match="refresh must be true or false"):
        parse_event_request(body(refresh=refresh))


def test_a_refresh_carries_no_event() -> None:
    event = {"handler": "m:f", "kind": "click", "key": "", "value": None}
    with pytest.raises(ProtocolError, match="a refresh carries no event"):
        parse_event_request(body(refresh=True, event=event))


# ---- the theme kept with the session ------------------------------------------------------


def test_theme_in_the_image_is_signed_and_round_trips() -> None:
    @me.stateclass
    class Doc:
        n: int = 0

    plain = capture({"Doc": Doc()}, None, 1, "/")
    themed = capture({"Doc": Doc()}, None, 1, "/", {"mode": "dark", "density": -1})
    assert "#theme" not in plain.as_json()
    assert plain.manifest() != themed.manifest()
    assert not themed.same_state(plain)
    back = image_from_json(json.loads(json.dumps(themed.as_json())))
    assert back.theme == {"mode": "dark", "density": -1}
    assert back.manifest() == themed.manifest()
    assert ThemeSettings.from_json(back.theme) == ThemeSettings("dark", -1)


@pytest.mark.parametrize("stored", [None, "dark", {"mode": "neon"}, {"mode": "dark",
                                                                    "density": "-1"}])
def test_odd_stored_theme_reads_as_default_parts(stored: Any) -> None:
    theme = ThemeSettings.from_json(stored)
    assert theme.mode in ("light", "dark")
    assert theme.density == 0


def web_client(app_file: Path, backend: SessionBackend, name: str) -> Client:
    return Client(create_flask_app(app_file, make_settings(backend=name), backend=backend))


def text_of(client: Client, prefix: str) -> str:
    return next(t for t in texts(client.tree) if t.startswith(prefix))


@pytest.mark.parametrize("backend_name", ["memory", "file"])
def test_theme_mode_persists_across_events(app_file: Path, tmp_path: Path,
                                           backend_name: str) -> None:
    backend: SessionBackend = (
        MemoryBackend(ttl_seconds=600, max_bytes=1 << 20) if backend_name == "memory"
        else FileBackend(ttl_seconds=600, base_dir=str(tmp_path / "sessions")))
    client = web_client(app_file, backend, backend_name)
    first = client.send(None)[-1]
    assert first["theme"] == {"mode": "light", "density": 0}
    assert client.click("Dark")[-1]["theme"] == {"mode": "dark", "density": 0}
    later = client.click("Noop")[-1]
    assert later["theme"] == {"mode": "dark", "density": 0}
    assert text_of(client, "Brightness") == "Brightness: dark"
    if backend_name == "memory":
        backend.forget_live(client.session or "")  # decoded from the stored bytes next time
    stored = backend.load_image(client.session or "")
    assert stored is not None and stored.theme == {"mode": "dark", "density": 0}

    client.click("System")
    assert client.state is not None and client.state["#theme"] == {"mode": "system",
                                                                    "density": -2}
    assert text_of(client, "Brightness") == "Brightness: light"
    # The unsigned preference answers theme_brightness only while the mode is "system".
    status, messages = client.post({"session": client.session, "path": "/", "event": None,
                                    "refresh": True, "scheme": "dark",
                                    "version": client.state["#version"]})
    assert status == 200 and isinstance(messages, list)
    assert "Brightness: dark" in texts(messages[-1]["tree"])
    assert messages[-1]["theme"] == {"mode": "system", "density": -2}


def test_theme_survives_a_miss_through_the_signed_copy(app_file: Path) -> None:
    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
    client = web_client(app_file, backend, "memory")
    client.send(None)
    client.click("Dark")
    backend.remove(client.session or "")
    client.click("Noop", with_copy=True)
    assert text_of(client, "Brightness") == "Brightness: dark"


def test_a_forged_theme_in_the_browser_copy_is_refused(app_file: Path) -> None:
    backend = MemoryBackend(ttl_seconds=600, max_bytes=1 << 20)
    client = web_client(app_file, backend, "memory")
    client.send(None)
    backend.remove(client.session or "")
    assert client.state is not None
    forged = dict(client.state, **{"#theme": {"mode": "dark", "density": 0}})
    status, answer = client.post({"session": client.session, "path": "/", "event": None,
                                  "state": forged, "sig": client.sig,
                                  "version": client.state["#version"]})
    assert status == 400 and isinstance(answer, dict)
    assert "signature" in answer["message"]


def test_refresh_redraws_the_sessions_page_with_the_new_viewport(app_file: Path) -> None:
    client = web_client(app_file, MemoryBackend(ttl_seconds=600, max_bytes=1 << 20), "memory")
    client.send(None)
    assert text_of(client, "Loads") == "Loads: 1"
    status, messages = client.post({"session": client.session, "path": "/", "event": None,
                                    "refresh": True, "viewport": {"width": 500, "height": 400},
                                    "version": client.state["#version"] if client.state else None})
    assert status == 200 and isinstance(messages, list)
    tree = messages[-1]["tree"]
    assert "Viewport: 500x400" in texts(tree)
    assert "Loads: 1" in texts(tree)  # on_load did not run again


def test_refresh_draws_the_sessions_own_page_not_the_named_one(app_file: Path) -> None:
    client = web_client(app_file, MemoryBackend(ttl_seconds=600, max_bytes=1 << 20), "memory")
    client.send(None)
    status, messages = client.post({"session": client.session, "path": "/other",
                                    "event": None, "refresh": True,
                                    "version": client.state["#version"] if client.state else None})
    assert status == 200 and isinstance(messages, list)
    assert messages[-1]["path"] == "/"
    assert "Other page" not in texts(messages[-1]["tree"])


def test_commands_reach_the_browser_in_the_render(app_file: Path) -> None:
    client = web_client(app_file, MemoryBackend(ttl_seconds=600, max_bytes=1 << 20), "memory")
    client.send(None)
    assert "commands" not in client.click("Noop")[-1]
    assert client.click("Jump")[-1]["commands"] == [
        {"type": "scroll_into_view", "key": "far"}, {"type": "focus_component", "key": "name"}]
