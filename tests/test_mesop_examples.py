"""Mesop's own example apps, copied unchanged but for the import line, run by mesop-cli.

Each app of ``tests/apps/mesop_examples/`` (Mesop 1.3.7's file, named in its header)
must pass ``mesop --check-config``, and Chromium drives each through one thing a person
does with it (a click, typing, a key press, a hover), checking what appears on screen.
``tests/support/mesop_examples.py`` counts how many of all Mesop's examples pass.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import watched_tab
from tests.support.server import MESOP_COMMAND, clean_env, running_server

PORTED_DIR = Path(__file__).parent / "apps" / "mesop_examples"
PORTED = sorted(PORTED_DIR.glob("*.py"))
_IMPORT_LINE = re.compile(r"^import mesop_cli(\.labs)? as mel?$")


def test_at_least_ten_examples_are_ported() -> None:
    assert len(PORTED) >= 10, [p.name for p in PORTED]


@pytest.mark.parametrize("app", PORTED, ids=[p.stem for p in PORTED])
def test_ported_example_names_its_source_and_changes_only_imports(app: Path) -> None:
    text = app.read_text()
    assert text.startswith("# From Mesop 1.3.7"), "the header names where it comes from"
    assert "Apache License 2.0" in text.split("\n\n", 1)[0]
    imports = [line for line in text.splitlines()
               if re.match(r"\s*(import|from)\s+mesop", line)]
    # The only imports of mesop are the changed import line(s): no Mesop internals.
    assert imports and all(_IMPORT_LINE.match(line) for line in imports), imports


@pytest.mark.parametrize("app", PORTED, ids=[p.stem for p in PORTED])
def test_ported_example_passes_check_config(app: Path, tmp_path: Path) -> None:
    run = subprocess.run(
        [str(MESOP_COMMAND), "--check-config", str(app)],
        env=clean_env({"MESOP_STATE_SESSION_BACKEND": "memory"}), cwd=tmp_path,
        capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "OK: 0 error(s)" in run.stdout


# ---- in Chromium ------------------------------------------------------------------------


@contextmanager
def opened(chromium: Any, app: str, path: str) -> Iterator[Any]:
    """A page of ``app`` (a file in tests/apps/mesop_examples) at ``path``, served with the
    memory backend; no script error may happen in it."""
    with running_server([], env={"MESOP_STATE_SESSION_BACKEND": "memory"},
                        app=PORTED_DIR / app) as server:
        with watched_tab(chromium) as page:
            page.goto(server.url + path)
            yield page


def _expect() -> Callable[..., Any]:
    return pytest.importorskip("playwright.sync_api").expect


@pytest.mark.browser
def test_accordion_opens_one_panel_at_a_time(chromium: Any) -> None:
    expect = _expect()
    with opened(chromium, "accordion_app.py", "/components/expansion_panel/e2e/accordion_app"
                ) as page:
        expect(page.get_by_text("Pie content.")).to_be_visible()
        expect(page.get_by_text("Donut content.")).to_be_hidden()
        page.locator("summary", has_text="Donut title").click()
        expect(page.get_by_text("Donut content.")).to_be_visible()
        # The app's handler closed the other panel: the server's `expanded` changed.
        expect(page.get_by_text("Pie content.")).to_be_hidden()
        expect(page.get_by_text("Type of breakfast")).to_be_visible()


@pytest.mark.browser
def test_expansion_panel_opens_and_a_disabled_one_stays_shut(chromium: Any) -> None:
    expect = _expect()
    with opened(chromium, "expansion_panel_app.py",
                "/components/expansion_panel/e2e/expansion_panel_app") as page:
        content = page.get_by_text("Grapefruit content.")
        expect(content).to_be_hidden()
        page.locator("summary", has_text="Grapefruit title").click()
        expect(content).to_be_visible()
        pineapple = page.locator("summary", has_text="Pineapple title")
        expect(pineapple).to_have_attribute("aria-disabled", "true")
        pineapple.click()
        expect(page.get_by_text("Pineapple content.")).to_be_hidden()
        page.locator("summary", has_text="Grapefruit title").click()
        expect(content).to_be_hidden()


@pytest.mark.browser
@pytest.mark.parametrize("app,path,button", [
    ("named_nested_slot.py", "/named_nested_slot", "Header Inner"),
    ("complex_slots.py", "/testing/complex_slots", "Header Inner Button"),
])
def test_nested_named_slots_with_panels_and_cards(chromium: Any, app: str, path: str,
                                                   button: str) -> None:
    expect = _expect()
    with opened(chromium, app, path) as page:
        inner = page.get_by_role("button", name=button, exact=True)
        expect(inner).to_be_hidden()  # inside two closed panels
        page.locator("summary", has_text="Header Outer").click()
        page.locator("summary", has_text="Header Inner").click()
        expect(page.get_by_text("Custom Card").first).to_be_visible()
        inner.click()
        expect(page.get_by_role("button", name=f"{button} (Clicked)")).to_be_visible()
        # The button in the other named slot is unchanged.
        page.locator("summary", has_text="Footer Inner").click()
        footer = button.replace("Header", "Footer")
        expect(page.get_by_role("button", name=footer, exact=True)).to_be_visible()


@pytest.mark.browser
def test_textarea_shortcuts_submit_instead_of_typing(chromium: Any) -> None:
    expect = _expect()
    with opened(chromium, "textarea_shortcut_app.py",
                "/components/input/e2e/textarea_shortcut_app") as page:
        field = page.get_by_role("textbox", name="Textarea", exact=True)
        field.fill("hello")
        field.press("Enter")
        expect(page.get_by_text("Submitted: hello")).to_be_visible()
        expect(field).to_have_value("hello")  # Enter was the shortcut, not a new line
        native = page.get_by_placeholder("Native textarea")
        expect(native).to_have_value("hello")
        native.press("Escape")
        expect(page.get_by_text(re.compile(r"Shortcut: .*key='escape'"))).to_be_visible()


@pytest.mark.browser
def test_radio_choice_shows_its_value(chromium: Any) -> None:
    expect = _expect()
    with opened(chromium, "radio_app.py", "/components/radio/e2e/radio_app") as page:
        expect(page.get_by_text("Selected radio value: 2")).to_be_visible()
        page.get_by_label("Option 1").check()
        expect(page.get_by_text("Selected radio value: 1")).to_be_visible()


@pytest.mark.browser
def test_slide_toggle_flips(chromium: Any) -> None:
    expect = _expect()
    with opened(chromium, "slide_toggle_app.py",
                "/components/slide_toggle/e2e/slide_toggle_app") as page:
        expect(page.get_by_text("Toggled: False")).to_be_visible()
        page.get_by_role("switch", name="hi").click()
        expect(page.get_by_text("Toggled: True")).to_be_visible()
        page.get_by_role("switch", name="content_slide_toggle").click()
        expect(page.get_by_text("Toggled: False")).to_be_visible()


@pytest.mark.browser
def test_table_cell_click_names_the_cell(chromium: Any) -> None:
    expect = _expect()
    with opened(chromium, "table_app.py", "/components/table/e2e/table_app") as page:
        expect(page.get_by_text("No cell selected.")).to_be_visible()
        page.get_by_role("cell", name="World").click()
        expect(page.get_by_text("Selected cell at col 5 and row 1 with value World")
               ).to_be_visible()


@pytest.mark.browser
def test_tooltip_shows_on_hover(chromium: Any) -> None:
    expect = _expect()
    with opened(chromium, "tooltip_app.py", "/components/tooltip/e2e/tooltip_app") as page:
        tip = page.get_by_role("tooltip")
        expect(tip).to_be_hidden()
        page.get_by_text("sometext").hover()
        expect(tip).to_be_visible()
        expect(tip).to_have_text("Hello, world!")


@pytest.mark.browser
def test_html_sanitized_link_and_sandboxed_counter(chromium: Any) -> None:
    expect = _expect()
    with opened(chromium, "html_app.py", "/components/html/e2e/html_app") as page:
        expect(page.get_by_role("link", name="mesoplink")).to_be_visible()
        frame = page.frame_locator("iframe")
        expect(frame.get_by_text("iamsandboxed-0")).to_be_visible()
        page.get_by_role("button", name="Increment sandboxed HTML").click()
        expect(frame.get_by_text("iamsandboxed-1")).to_be_visible()


@pytest.mark.browser
def test_minimal_chat_echoes(chromium: Any) -> None:
    expect = _expect()
    with opened(chromium, "minimal_chat.py", "/testing/minimal_chat") as page:
        expect(page.get_by_text("Lorem Ipsum Chat").first).to_be_visible()
        prompt = page.get_by_label("Enter your prompt")
        prompt.fill("ping")
        prompt.press("Enter")
        expect(page.get_by_text("Echo: ping")).to_be_visible()


@pytest.mark.browser
def test_text_to_text_echoes(chromium: Any) -> None:
    expect = _expect()
    with opened(chromium, "text_to_text.py", "/testing/text_to_text") as page:
        page.locator("textarea").fill("pong")  # Mesop's text box has no label
        page.get_by_role("button", name="Generate").click()
        expect(page.get_by_text("Echo: pong")).to_be_visible()


@pytest.mark.browser
def test_page_title_set_by_handler_lasts_until_navigation(chromium: Any) -> None:
    expect = _expect()
    with opened(chromium, "set_page_title_with_navigate.py", "/set_page_title/page1") as page:
        page.get_by_role("button", name="set title").click()
        expect(page).to_have_title("Set title page 1")
        # Another event's render keeps the title the handler set.
        page.get_by_role("button", name="title does not change if clicked").click()
        expect(page.get_by_role("button", name="set title")).to_be_enabled()
        expect(page).to_have_title("Set title page 1")
        page.get_by_role("button", name="title change after navigate", exact=True).click()
        expect(page.get_by_text("page2")).to_be_visible()
        expect(page).to_have_url(re.compile(r"/set_page_title/page2$"))
        expect(page).to_have_title("Set Page 2")


@pytest.mark.browser
def test_checkbox_unchecks(chromium: Any) -> None:
    expect = _expect()
    with opened(chromium, "checkbox_app.py", "/components/checkbox/e2e/checkbox_app") as page:
        expect(page.get_by_text("is checked", exact=True)).to_be_visible()
        page.get_by_label("label").uncheck()
        expect(page.get_by_text("is not checked")).to_be_visible()


MEDIA_APP = '''
import mesop_cli as me

@me.stateclass
class State:
    count: int = 0

def bump(e: me.ClickEvent):
    me.state(State).count += 1

@me.page(path="/")
def home():
    with me.card(appearance="raised"):
        me.card_header(title="Fruit", subtitle="Kind of fruit")
        with me.card_content():
            with me.badge(content=str(me.state(State).count), description="clicks"):
                me.text("Inbox")
        with me.card_actions(align="end"):
            me.button("Add", on_click=bump)
    me.video(src="/nowhere.webm")
    me.embed(src="javascript:alert(1)")
'''


@pytest.mark.browser
def test_card_badge_video_and_embed_in_chromium(chromium: Any, tmp_path: Path) -> None:
    """The names added with the ported examples, as elements a person (and a screen
    reader) meets; an embed of a script URL is a dead frame."""
    expect = _expect()
    (tmp_path / "main.py").write_text(MEDIA_APP)
    with running_server([], env={"MESOP_STATE_SESSION_BACKEND": "memory"},
                        app=tmp_path / "main.py") as server:
        page = chromium.new_page()
        try:
            page.goto(server.url + "/")
            expect(page.get_by_text("Kind of fruit")).to_be_visible()
            badge = page.get_by_label("clicks")
            expect(badge).to_have_text("0")
            page.get_by_role("button", name="Add").click()
            expect(badge).to_have_text("1")
            expect(page.locator("video")).to_have_attribute("src", "/nowhere.webm")
            frame = page.locator("iframe")
            expect(frame).to_have_attribute("src", "about:blank#blocked")
            assert "allow-top-navigation" not in (frame.get_attribute("sandbox") or "")
        finally:
            page.close()


@pytest.mark.browser
def test_query_params_example_edits_the_url_and_carries_it_across_pages(chromium: Any
                                                                        ) -> None:
    """Mesop's query_params example: its buttons change the address bar in place, and its
    navigations build the next page's URL from me.query_params or a dict."""
    expect = _expect()
    with opened(chromium, "query_params.py", "/examples/query_params?q=1") as page:
        base = page.url.split("/examples/")[0]

        def shows(text: str, url: str) -> None:
            expect(page.get_by_text(text, exact=True)).to_be_visible()
            expect(page.locator("body")).not_to_have_attribute("aria-busy", "true")
            assert page.url == base + url

        def click(name: str) -> None:
            page.get_by_role("button", name=name, exact=True).click()

        shows("query_params={'q': ['1'], 'on_load': ['loaded']}",
              "/examples/query_params?q=1&on_load=loaded")
        click("increment query param directly")
        click("increment query param directly")
        shows("query_params={'q': ['1'], 'on_load': ['loaded'], 'counter': ['2']}",
              "/examples/query_params?q=1&on_load=loaded&counter=2")
        click("append query param list")
        click("append query param list")
        shows("query_params={'q': ['1'], 'on_load': ['loaded'], 'counter': ['2'], "
              "'list': ['val1', 'val2']}",
              "/examples/query_params?q=1&on_load=loaded&counter=2&list=val1&list=val2")
        click("delete list query param")
        click("URL-encoded query param")
        shows("query_params={'q': ['1'], 'on_load': ['loaded'], 'counter': ['2'], "
              "'url_encoded': ['&should-be-escaped=true']}",
              "/examples/query_params?q=1&on_load=loaded&counter=2"
              "&url_encoded=%26should-be-escaped%3Dtrue")
        click("increment query param by navigate")
        shows("query_params={'q': ['1'], 'on_load': ['loaded'], 'counter': ['3'], "
              "'url_encoded': ['&should-be-escaped=true']}",
              "/examples/query_params?q=1&on_load=loaded&counter=3"
              "&url_encoded=%26should-be-escaped%3Dtrue")
        click("delete all query params")
        shows("query_params={}", "/examples/query_params")

        click("navigate to page 2 with dict")
        shows("query_params(page_2)={'page2': ['1', '2'], 'single': ['a']}",
              "/examples/query_params/page_2?page2=1&page2=2&single=a")
        click("Navigate page 3")
        shows("query_params(page_3)={'on_load_page_3': ['loaded']}",
              "/examples/query_params/page_3?on_load_page_3=loaded")
        page.go_back()
        shows("query_params(page_2)={'page2': ['1', '2'], 'single': ['a']}",
              "/examples/query_params/page_2?page2=1&page2=2&single=a")
        click("Navigate back")
        shows("query_params={'page2': ['1', '2'], 'single': ['a'], 'on_load': ['loaded']}",
              "/examples/query_params?page2=1&page2=2&single=a&on_load=loaded")
        click("navigate URL-encoded query param")
        shows("query_params(page_2)={'url_encoded': ['&should-be-escaped=true'], "
              "'url_encoded_values': ['value1&a=1', 'value2&a=2']}",
              "/examples/query_params/page_2?url_encoded=%26should-be-escaped%3Dtrue"
              "&url_encoded_values=value1%26a%3D1&url_encoded_values=value2%26a%3D2")
        click("Navigate back")
        click("navigate to page 2 without query params")
        shows("query_params(page_2)={}", "/examples/query_params/page_2")


# ---- widgets: sidenav, button toggle, autocomplete, date pickers, box events --------------


@pytest.mark.browser
@pytest.mark.parametrize("app,closes_on_escape,edge", [
    ("sidenav_app.py", True, "left"),
    ("sidenav_app_no_esc.py", False, "left"),
    ("sidenav_app_position.py", True, "right"),
])
def test_sidenav_opens_from_the_menu_button(chromium: Any, app: str, closes_on_escape: bool,
                                            edge: str) -> None:
    expect = _expect()
    with opened(chromium, app, f"/components/sidenav/e2e/{app[:-3]}") as page:
        panel = page.get_by_role("complementary")
        expect(panel).to_be_hidden()
        page.get_by_role("button", name="menu").click()
        expect(panel).to_be_visible()
        expect(panel).to_have_text("Inside sidenav")
        box = panel.bounding_box()
        width = page.viewport_size["width"]
        assert box and box["width"] == 200
        assert (box["x"] == 0) if edge == "left" else (box["x"] + box["width"] == width)
        page.keyboard.press("Escape")
        if closes_on_escape:
            expect(panel).to_be_hidden()
            # The app heard it closed: its next click opens the panel again.
            page.get_by_role("button", name="menu").click()
            expect(panel).to_be_visible()
        else:
            page.get_by_text("Main content").click()
            expect(panel).to_be_visible()


@pytest.mark.browser
def test_single_button_toggle_moves_the_choice(chromium: Any) -> None:
    expect = _expect()
    with opened(chromium, "single_button_toggle_app.py",
                "/components/button_toggle/e2e/single_button_toggle_app") as page:
        expect(page.get_by_text("Select button: b o l d")).to_be_visible()
        page.get_by_role("button", name="Italic").click()
        expect(page.get_by_text("Select button: i t a l i c")).to_be_visible()
        expect(page.get_by_role("button", name="Bold")).to_have_attribute("aria-pressed", "false")


@pytest.mark.browser
def test_multiple_button_toggle_adds_a_choice(chromium: Any) -> None:
    expect = _expect()
    with opened(chromium, "multiple_button_toggle_app.py",
                "/components/button_toggle/e2e/multiple_button_toggle_app") as page:
        expect(page.get_by_text("Select buttons: bold underline")).to_be_visible()
        page.get_by_role("button", name="Italic").click()
        expect(page.get_by_text("Select buttons: bold underline italic")).to_be_visible()


@pytest.mark.browser
def test_button_toggle_releasing_the_only_choice(chromium: Any) -> None:
    expect = _expect()
    with opened(chromium, "disabled_button_toggle_app.py",
                "/components/button_toggle/e2e/disabled_button_toggle_app") as page:
        bold = page.get_by_role("button", name="Bold")
        expect(bold).to_be_enabled()
        bold.click()
        expect(page.get_by_text("Select button: b o l d")).to_be_hidden()
        expect(bold).to_have_attribute("aria-pressed", "false")


@pytest.mark.browser
def test_autocomplete_picks_a_state(chromium: Any) -> None:
    expect = _expect()
    with opened(chromium, "autocomplete_app.py",
                "/components/autocomplete/e2e/autocomplete_app") as page:
        expect(page.get_by_text("Selected: California")).to_be_visible()
        field = page.get_by_role("combobox", name="Select state")
        field.fill("New")
        expect(page.get_by_role("option")).to_have_count(4)
        page.get_by_role("option", name="New York").click()
        expect(page.get_by_text("Selected: New York")).to_be_visible()


@pytest.mark.browser
def test_date_picker_reports_the_date(chromium: Any) -> None:
    expect = _expect()
    with opened(chromium, "datepicker_app.py", "/components/datepicker/e2e/datepicker_app"
                ) as page:
        expect(page.get_by_text("Selected date: 2024-10-01")).to_be_visible()
        page.get_by_label("Date").fill("2024-12-25")
        expect(page.get_by_text("Selected date: 2024-12-25")).to_be_visible()


@pytest.mark.browser
def test_date_range_picker_reports_both_dates(chromium: Any) -> None:
    expect = _expect()
    with opened(chromium, "date_range_picker_app.py",
                "/components/date_range_picker/e2e/date_range_picker_app") as page:
        expect(page.get_by_text("End date: 2024-11-01")).to_be_visible()
        page.get_by_label("End date").fill("2024-11-15")
        expect(page.get_by_text("End date: 2024-11-15")).to_be_visible()
        expect(page.get_by_text("Start date: 2024-10-01")).to_be_visible()


@pytest.mark.browser
def test_box_events_report_clicks_and_right_clicks(chromium: Any) -> None:
    expect = _expect()
    with opened(chromium, "box_events_app.py", "/components/box/e2e/box_events_app") as page:
        expect(page.get_by_text("Is Click: False")).to_be_visible()
        page.get_by_text("Offset Y: 0").click(position={"x": 7, "y": 5})
        expect(page.get_by_text("Is Click: True")).to_be_visible()
        expect(page.get_by_text("Is Right Click: False")).to_be_visible()
        # Offsets are within the element clicked (the text), as the browser measures them.
        expect(page.get_by_text("Offset X: 7")).to_be_visible()
        page.get_by_text("Offset X: 7").click(button="right", position={"x": 9, "y": 4})
        expect(page.get_by_text("Is Right Click: True")).to_be_visible()
        expect(page.get_by_text("Offset X: 9")).to_be_visible()


@pytest.mark.browser
def test_set_cookie_logs_in_across_a_reload_with_a_cookie_page_script_cannot_read(
        chromium: Any) -> None:
    expect = _expect()
    with opened(chromium, "set_cookie.py", "/set_cookie") as page:
        expect(page.get_by_text("Not logged in.")).to_be_visible()
        page.get_by_role("button", name="Log in as Alice").click()
        expect(page.get_by_text("Logged in as: alice")).to_be_visible()
        (stored,) = [c for c in page.context.cookies() if c["name"] == "session_cookie"]
        assert stored["httpOnly"] and stored["sameSite"] == "Lax" and stored["path"] == "/"
        assert "session_cookie" not in page.evaluate("document.cookie")
        # A reload starts a fresh state; the cookie makes on_load log in again.
        page.reload()
        expect(page.get_by_text("Logged in as: alice")).to_be_visible()
        page.get_by_role("button", name="Log out").click()
        expect(page.get_by_text("Not logged in.")).to_be_visible()
        assert [c for c in page.context.cookies() if c["name"] == "session_cookie"] == []
        page.reload()
        expect(page.get_by_text("Not logged in.")).to_be_visible()
        expect(page.get_by_role("button", name="Log in as Alice")).to_be_visible()


@pytest.mark.browser
def test_pydantic_state_counts(chromium: Any) -> None:
    expect = _expect()
    with opened(chromium, "pydantic_state.py", "/pydantic_state") as page:
        expect(page.get_by_text("Name: World")).to_be_visible()
        expect(page.get_by_text("Counter: 0")).to_be_visible()
        page.get_by_role("button", name="Increment Counter").click()
        page.get_by_role("button", name="Increment Counter").click()
        expect(page.get_by_text("Counter: 2")).to_be_visible()
