"""Chromium on a small app: the page takes Mesop's look where it is a rule of mesop.css or
of the client, not a demo's whole picture (tests/visual/ holds those): Mesop's type scale,
no page inset and border-box sizing, distinct primary and accent, an icon button at its own
size in a flex row, a native_textarea's rows from its first render, a text field's label
inside it until there is text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import record_errors
from tests.support.server import running_server

pytestmark = pytest.mark.browser

APP = '''
import mesop_cli as me

@me.page(path="/")
def home():
    me.text("Big", type="headline-1")
    me.text("Six", type="headline-6")
    me.text("Small", type="caption")
    me.text("Plain")
    me.button("Primary", color="primary", type="flat")
    me.button("Accent", color="accent", type="flat")
    with me.box(style=me.Style(display="flex", height=120)):
        with me.content_button(type="icon"):
            me.icon("send")
    me.native_textarea(min_rows=4, autosize=True, placeholder="Notes")
    me.input(label="Name")
'''


@pytest.fixture(scope="module")
def page(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from playwright.sync_api import expect

    app = Path(tmp_path_factory.mktemp("look")) / "main.py"
    app.write_text(APP)
    with running_server([], env={"MESOP_STATE_SESSION_BACKEND": "memory"}, app=app) as server:
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        opened = context.new_page()
        errors: list[str] = []
        record_errors(opened, errors)
        opened.goto(server.url + "/")
        expect(opened.get_by_text("Plain")).to_be_visible()
        yield opened
        context.close()
        assert errors == []


def style(page: Any, selector: str, *names: str) -> list[str]:
    return page.eval_on_selector(
        selector, "(el, names) => names.map(n => getComputedStyle(el)[n])", list(names))


def test_text_types_follow_mesops_type_scale(page: Any) -> None:
    # Mesop 1.3.7's styles.css: .mat-headline-1 300 96px/96px, .mat-headline-6 500 20px/32px,
    # .mat-caption 400 12px/20px; text without a type is 16px on normalize's 1.15.
    assert style(page, "text=Big", "fontSize", "fontWeight", "lineHeight", "marginBottom") == [
        "96px", "300", "96px", "56px"]
    assert style(page, "text=Six", "fontSize", "fontWeight") == ["20px", "500"]
    assert style(page, "text=Small", "fontSize", "lineHeight") == ["12px", "20px"]
    assert style(page, "text=Plain", "fontSize", "lineHeight", "marginBottom") == [
        "16px", "18.4px", "0px"]


def test_no_page_inset_and_border_box(page: Any) -> None:
    assert style(page, "body", "marginTop", "paddingTop", "paddingLeft") == ["0px"] * 3
    assert style(page, "text=Big", "boxSizing") == ["border-box"]
    assert page.eval_on_selector("text=Big", "el => el.getBoundingClientRect().left") == 0


def test_primary_and_accent_are_distinct(page: Any) -> None:
    primary = style(page, "button:has-text(\"Primary\")", "backgroundColor")
    accent = style(page, "button:has-text(\"Accent\")", "backgroundColor")
    assert primary == ["rgb(0, 100, 255)"]  # Mesop's --sys-primary
    assert accent == ["rgb(1, 121, 107)"]  # its --sys-tertiary


def test_icon_button_keeps_its_own_size_in_a_flex_row(page: Any) -> None:
    box = page.locator("button.mesop-button-icon").bounding_box()
    assert (box["width"], box["height"]) == (40, 40)


def test_native_textarea_shows_its_rows_at_first_render(page: Any) -> None:
    area = page.get_by_placeholder("Notes")
    line = float(area.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)"))
    # Mesop's (the CDK's) autosize: min_rows whole-pixel lines, padding and borders inside.
    assert area.evaluate("el => el.offsetHeight") == 4 * round(line)


def test_label_sits_inside_the_field_until_there_is_text(page: Any) -> None:
    label = page.locator(".mesop-field label", has_text="Name")
    assert style(page, ".mesop-field:has(input) label", "fontSize") == ["16px"]
    page.get_by_label("Name").fill("Ada")
    assert label.evaluate("el => getComputedStyle(el).fontSize") == "12px"
