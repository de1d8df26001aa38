"""Chromium, driven by Playwright, using tests/apps/form_fields_app.py: select's list
opening and closing reaches on_opened_change, input's required marker and hint (as
assistive technology reads them), textarea's autosize, and box classes in the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import watched_tab
from tests.support.server import RunningServer, memory_server_fixture

pytestmark = pytest.mark.browser

APP = Path(__file__).parent / "apps" / "form_fields_app.py"


server = memory_server_fixture(APP)


@pytest.fixture()
def page(chromium: Any, server: RunningServer) -> Iterator[Any]:
    from playwright.sync_api import expect

    with watched_tab(chromium) as page:
        page.goto(server.url + "/")
        expect(page.get_by_text("Opened changes: none")).to_be_visible()
        yield page


def test_select_reports_its_list_opening_and_closing(page: Any) -> None:
    from playwright.sync_api import expect

    select = page.get_by_label("Fruit")
    expect(select).to_have_attribute("tabindex", "3")
    # Nothing chosen yet: the placeholder shows.
    assert select.evaluate("s => s.options[s.selectedIndex].textContent") == "Choose a fruit"
    select.click()
    expect(page.get_by_text("Opened changes: open", exact=True)).to_be_visible()
    page.keyboard.press("Escape")  # closes the list without any DOM event of its own
    expect(page.get_by_text("Opened changes: open,closed", exact=True)).to_be_visible()
    select.click()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Fruit: apple")).to_be_visible()
    expect(page.get_by_text("Opened changes: open,closed,open,closed", exact=True)) \
        .to_be_visible()


def test_required_field_with_a_hint(page: Any) -> None:
    from playwright.sync_api import expect

    email = page.get_by_role("textbox", name="Email *")
    expect(email).to_have_attribute("required", "")
    expect(email).to_have_accessible_description("We never share it")
    expect(page.get_by_text("We never share it")).to_be_visible()
    # Dynamic subscript sizing takes no room without a hint; fixed keeps one line.
    nickname = page.get_by_role("textbox", name="Nickname")
    assert nickname.evaluate("c => c.parentElement.querySelector('.mesop-hint')") is None


def test_textarea_grows_with_its_text_up_to_max_rows(page: Any) -> None:
    from playwright.sync_api import expect

    notes = page.get_by_role("textbox", name="Notes")
    start = notes.bounding_box()["height"]
    notes.fill("one\ntwo\nthree\nfour")
    expect(page.get_by_text("Notes: 4 lines")).to_be_visible()
    grown = notes.bounding_box()["height"]
    assert grown > start * 1.5
    notes.fill("\n".join(str(n) for n in range(30)))
    expect(page.get_by_text("Notes: 30 lines")).to_be_visible()
    capped = notes.bounding_box()["height"]
    assert grown < capped < grown * 2  # six lines at most, scrolling beyond


def test_box_carries_the_apps_classes(page: Any) -> None:
    promo = page.get_by_text("Promoted").locator("..")
    classes = promo.evaluate("el => Array.from(el.classList)")
    assert {"promo", "wide", "mesop-box"} <= set(classes)
