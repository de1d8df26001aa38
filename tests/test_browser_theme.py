"""Chromium, driven by Playwright, on tests/apps/theme_app.py: dark mode really changes the
page's colours and is kept by the session, "system" follows the browser's colour scheme,
viewport_size follows the window, and scroll_into_view / focus_component act on the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import record_errors
from tests.support.server import RunningServer, running_server

pytestmark = pytest.mark.browser

APP = Path(__file__).parent / "apps" / "theme_app.py"

#: --sys-background in mesop.css (Mesop's #fbf8fd and #131316), as computed colours.
LIGHT_BACKGROUND = "rgb(251, 248, 253)"
DARK_BACKGROUND = "rgb(19, 19, 22)"
#: --sys-surface-container (Mesop's #f0edf1 and #1f1f23), the panel's background through
#: me.theme_var.
LIGHT_PANEL = "rgb(240, 237, 241)"
DARK_PANEL = "rgb(31, 31, 35)"


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    # Reloads keep the session (the opt-in), so a reload shows the theme is the session's.
    env = {"MESOP_STATE_SESSION_BACKEND": "memory", "MESOP_STATE_SESSION_KEEP_ON_RELOAD": "true"}
    with running_server([], env=env, app=APP) as running:
        yield running


@pytest.fixture()
def open_page(chromium: Any, server: RunningServer) -> Iterator[Any]:
    """Opens the app in a fresh context (options as for Playwright's new_context); every
    page error fails the test, since an unknown key must not raise in the browser."""
    contexts: list[Any] = []
    errors: list[str] = []

    def opener(**options: Any) -> Any:
        from playwright.sync_api import expect

        context = chromium.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        record_errors(page, errors, console=True)
        page.goto(server.url + "/")
        expect(page.get_by_text("Brightness:")).to_be_visible()
        return page

    yield opener
    for context in contexts:
        context.close()
    assert errors == []


def background(page: Any, selector: str = "body") -> str:
    return page.eval_on_selector(selector, "el => getComputedStyle(el).backgroundColor")


def panel_background(page: Any) -> str:
    return page.get_by_text("Brightness:").evaluate(
        "el => getComputedStyle(el.parentElement).backgroundColor")


def test_dark_mode_toggle_changes_colours_and_is_kept(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page()
    expect(page.get_by_text("Brightness: light")).to_be_visible()
    assert background(page) == LIGHT_BACKGROUND
    assert panel_background(page) == LIGHT_PANEL

    page.get_by_role("button", name="Toggle theme").click()
    expect(page.get_by_text("Brightness: dark")).to_be_visible()
    assert background(page) == DARK_BACKGROUND
    assert panel_background(page) == DARK_PANEL
    text_colour = page.get_by_text("Brightness: dark").evaluate("el => getComputedStyle(el).color")
    assert text_colour == "rgb(228, 225, 230)"  # --sys-on-surface, dark (Mesop's #e4e1e6)

    # The mode is the session's: another event and a reload keep it.
    page.get_by_role("button", name="Scroll nowhere").click()
    page.reload()
    expect(page.get_by_text("Brightness: dark")).to_be_visible()
    assert background(page) == DARK_BACKGROUND

    page.get_by_role("button", name="Toggle theme").click()
    expect(page.get_by_text("Brightness: light")).to_be_visible()
    assert background(page) == LIGHT_BACKGROUND


def test_system_mode_follows_the_browsers_colour_scheme(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page(color_scheme="light")
    page.get_by_role("button", name="Follow system").click()
    expect(page.get_by_text("Brightness: light")).to_be_visible()
    assert background(page) == LIGHT_BACKGROUND

    page.emulate_media(color_scheme="dark")
    expect(page.get_by_text("Brightness: dark")).to_be_visible()
    assert background(page) == DARK_BACKGROUND

    page.emulate_media(color_scheme="light")
    expect(page.get_by_text("Brightness: light")).to_be_visible()
    assert background(page) == LIGHT_BACKGROUND


def test_light_mode_ignores_a_dark_browser(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page(color_scheme="dark")
    expect(page.get_by_text("Brightness: light")).to_be_visible()
    assert background(page) == LIGHT_BACKGROUND


def test_density_makes_buttons_compact(open_page: Any) -> None:
    page = open_page()
    # Mesop's button heights: 40px, and 28px at density -4 (--mdc-*-button-container-height).
    button = page.get_by_role("button", name="Compact")
    height = "el => getComputedStyle(el).height"
    assert button.evaluate(height) == "40px"
    button.click()
    page.wait_for_function("() => getComputedStyle(document.querySelector('button.mesop-button'))"
                           ".height === '28px'")
    assert button.evaluate(height) == "28px"


def test_viewport_size_follows_the_window(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page(viewport={"width": 800, "height": 600})
    expect(page.get_by_text("Viewport: 800x600")).to_be_visible()
    page.set_viewport_size({"width": 500, "height": 700})
    expect(page.get_by_text("Viewport: 500x700")).to_be_visible()


def test_scroll_into_view_brings_the_far_box_into_the_viewport(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page(viewport={"width": 800, "height": 600})
    bottom = page.get_by_text("The bottom box")
    assert bottom.bounding_box()["y"] > 600
    page.get_by_role("button", name="Scroll down").click()
    expect(bottom).to_be_in_viewport()
    page.wait_for_function("() => { const b = [...document.querySelectorAll('p')]"
                           ".find(p => p.textContent === 'The bottom box')"
                           ".getBoundingClientRect(); return b.top >= 0 && b.bottom <= 600; }")
    box = bottom.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 600


def test_focus_component_focuses_the_input(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page()
    name = page.get_by_label("Name")
    expect(name).not_to_be_focused()
    page.get_by_role("button", name="Focus name").click()
    expect(name).to_be_focused()
    assert page.evaluate("document.activeElement.tagName") == "INPUT"
    assert page.evaluate("document.activeElement.labels[0].textContent") == "Name"


def test_an_unknown_key_does_nothing(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page()
    button = page.get_by_role("button", name="Scroll nowhere")
    button.click()
    expect(page.locator("body")).not_to_have_attribute("aria-busy", "true")
    assert page.evaluate("window.scrollY") == 0
    expect(page.locator("#mesop-status")).to_be_hidden()
