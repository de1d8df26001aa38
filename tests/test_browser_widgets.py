"""Chromium, driven by Playwright, using the widgets of tests/apps/widgets_app.py (sidenav,
button toggle, autocomplete, date pickers, content_checkbox, right click): one
interaction each, checked on screen and in what assistive technology reads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import watched_tab
from tests.support.server import RunningServer, memory_server_fixture

pytestmark = pytest.mark.browser

APP = Path(__file__).parent / "apps" / "widgets_app.py"


server = memory_server_fixture(APP)


@pytest.fixture()
def page(chromium: Any, server: RunningServer) -> Iterator[Any]:
    from playwright.sync_api import expect

    with watched_tab(chromium) as page:
        page.goto(server.url + "/")
        expect(page.get_by_text("Menu open: False")).to_be_visible()
        yield page


def test_sidenav_opens_and_escape_closes_it(page: Any) -> None:
    from playwright.sync_api import expect

    menu = page.get_by_role("complementary")
    expect(menu).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(menu).to_be_visible()
    expect(menu).to_have_text("Menu items")
    box = menu.bounding_box()
    assert box and box["x"] == 0 and box["width"] == 200
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    # The app heard it: its state says closed, so the next click opens it again.
    expect(page.get_by_text("Menu open: False")).to_be_visible()
    page.get_by_role("button", name="Menu").click()
    expect(menu).to_be_visible()


def test_button_toggle_multiple_and_single(page: Any) -> None:
    from playwright.sync_api import expect

    bold = page.get_by_role("button", name="Bold")
    italic = page.get_by_role("button", name="Italic")
    expect(bold).to_have_attribute("aria-pressed", "true")
    italic.click()
    expect(page.get_by_text("Formats: bold,italic")).to_be_visible()
    expect(italic).to_have_attribute("aria-pressed", "true")
    bold.click()
    expect(page.get_by_text("Formats: italic", exact=True)).to_be_visible()
    expect(bold).to_have_attribute("aria-pressed", "false")
    # Single choice: pressing another releases the first; no check mark shown.
    small = page.get_by_role("button", name="S", exact=True)
    small.click()
    expect(page.get_by_text("Size: S")).to_be_visible()
    expect(page.get_by_role("button", name="M", exact=True)).to_have_attribute(
        "aria-pressed", "false")
    expect(small.locator(".mesop-icon")).to_be_hidden()


def test_autocomplete_narrows_and_picks_an_option(page: Any) -> None:
    from playwright.sync_api import expect

    field = page.get_by_role("combobox", name="Fruit")
    field.fill("err")
    expect(page.get_by_text("typed: err")).to_be_visible()
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    expect(field).to_have_attribute("aria-expanded", "true")
    # Only the berries contain "err": the citrus group is gone with its heading.
    expect(listbox.get_by_role("option")).to_have_count(2)
    expect(page.get_by_role("group", name="Citrus")).to_be_hidden()
    page.get_by_role("option", name="Strawberry").click()
    expect(page.get_by_text("Fruit: strawberry /")).to_be_visible()
    expect(field).to_have_value("strawberry")
    expect(listbox).to_be_hidden()


def test_autocomplete_keyboard_and_enter(page: Any) -> None:
    from playwright.sync_api import expect

    field = page.get_by_role("combobox", name="Fruit")
    field.fill("o")
    field.press("ArrowDown")
    expect(page.get_by_role("option", name="Lemon")).to_have_attribute("aria-selected", "true")
    field.press("ArrowDown")
    field.press("Enter")
    expect(page.get_by_text("Fruit: orange /")).to_be_visible()
    # Enter with nothing highlighted reports the text as typed.
    field.fill("kiwi")
    field.press("Escape")
    field.press("Enter")
    expect(page.get_by_text("entered: kiwi")).to_be_visible()


def test_date_picker_and_range(page: Any) -> None:
    from playwright.sync_api import expect

    page.get_by_label("Day").fill("2024-10-05")
    expect(page.get_by_text("Day: 2024-10-05")).to_be_visible()
    stay = page.get_by_role("group", name="Stay")
    stay.get_by_label("Start date").fill("2024-10-01")
    # Nothing is reported until both ends hold a date.
    expect(page.get_by_text("Stay: None to None")).to_be_visible()
    stay.get_by_label("End date").fill("2024-11-01")
    expect(page.get_by_text("Stay: 2024-10-01 to 2024-11-01")).to_be_visible()


def test_content_checkbox_clears_mixed_and_right_click(page: Any) -> None:
    from playwright.sync_api import expect

    box = page.get_by_role("checkbox", name="I agree")
    box.click()
    expect(page.get_by_text("Agreed: True / mixed: False")).to_be_visible()
    target = page.get_by_text("Right clicks: 0")
    target.click(button="right")
    # The text was clicked, not the box itself; the offset is inside the element.
    expect(page.get_by_text("Right clicks: 1 (True False)")).to_be_visible()
