"""Chromium, driven by Playwright, on tests/apps/web_component_app.py: a plain custom
element loaded from the app's own module shows the properties the server set, its
``MesopEvent`` runs the Python handler, and the re-render reaches it (and its slotted
children); a component that uses Trusted Types as Lit does works under the page's CSP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import watched_tab
from tests.support.server import RunningServer, memory_server_fixture

pytestmark = pytest.mark.browser

APP = Path(__file__).parent / "apps" / "web_component_app.py"


server = memory_server_fixture(APP)


@pytest.fixture()
def page(chromium: Any, server: RunningServer) -> Iterator[Any]:
    """The app's page; every script error or CSP violation fails the test."""
    from playwright.sync_api import expect

    with watched_tab(chromium, console=True) as opened:
        opened.goto(server.url + "/")
        expect(opened.get_by_text("Server value: 10")).to_be_visible()
        yield opened


def test_event_updates_server_state_and_the_element_rerenders(page: Any) -> None:
    from playwright.sync_api import expect

    # The element's shadow DOM shows the properties the server set (value, label).
    button = page.get_by_role("button", name="Count: 10")
    expect(button).to_be_visible()
    # The slotted child, rendered by the server inside the custom element.
    expect(page.locator("test-counter-component").get_by_text("Events so far: 0")).to_be_visible()
    # A JSON property arrives as data: the step of 2 comes from the server's dict.
    assert page.locator("test-counter-component").evaluate("el => el.settings.step") == 2

    button.click()
    expect(page.get_by_text("Server value: 12")).to_be_visible()
    expect(page.get_by_role("button", name="Count: 12")).to_be_visible()
    expect(page.get_by_text("Events so far: 1")).to_be_visible()

    page.get_by_role("button", name="Count: 12").click()
    expect(page.get_by_text("Server value: 14")).to_be_visible()
    expect(page.get_by_role("button", name="Count: 14")).to_be_visible()
    # Properties are JavaScript properties, not attributes.
    assert page.locator("test-counter-component").get_attribute("value") is None


def test_lit_style_trusted_types_component_works(page: Any, server: RunningServer) -> None:
    from playwright.sync_api import expect

    expect(page.locator("test-greeting").locator("p.greeting")).to_have_text("Hello, visitor 0!")
    page.get_by_role("button", name="Count: 10").click()
    expect(page.locator("test-greeting").locator("p.greeting")).to_have_text("Hello, visitor 1!")
    response = page.request.get(server.url + "/")
    assert "lit-html" in response.headers["content-security-policy"]


def test_events_of_other_handlers_are_not_sent(page: Any) -> None:
    """An element dispatching an id that is not one of its own events sends nothing, and
    the page keeps working."""
    from playwright.sync_api import expect

    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url)
            if "/__mesop__/events" in request.url else None)
    page.locator("test-counter-component").evaluate(
        "el => el.dispatchEvent(new MesopEvent('builtins:print', {value: 99}))")
    page.get_by_role("button", name="Count: 10").click()
    expect(page.get_by_text("Server value: 12")).to_be_visible()
    assert len(sent) == 1


def test_module_is_served_as_javascript_and_nothing_else(server: RunningServer,
                                                         chromium: Any) -> None:
    context = chromium.new_context()
    try:
        request = context.request
        module = request.get(server.url + "/__mesop__/web-components/web_parts/"
                             "counter_component.js")
        assert module.status == 200
        assert module.headers["content-type"].startswith("text/javascript")
        assert module.headers["x-content-type-options"] == "nosniff"
        assert "MesopEvent" in module.text()
        for path in ("web_parts/counter_component.py", "web_component_app.py",
                     "../theme_app.py", "web_parts/%2e%2e/theme_app.py"):
            assert request.get(server.url + "/__mesop__/web-components/" + path).status == 404
    finally:
        context.close()
