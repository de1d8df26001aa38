"""Chromium, driven by Playwright, using each component added for Mesop compatibility in
tests/apps/components_app.py: it renders, and one interaction does what Mesop's does."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.server import RunningServer, memory_server_fixture, running_server

pytestmark = pytest.mark.browser

APP = Path(__file__).parent / "apps" / "components_app.py"


server = memory_server_fixture(APP)


@pytest.fixture()
def page(chromium, server: RunningServer):  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    context = chromium.new_context()
    page = context.new_page()
    foreign: list[str] = []
    page.on("request",
            lambda req: None if req.url.startswith((server.url, "data:"))
            else foreign.append(req.url))
    page.goto(server.url + "/")
    expect(page.get_by_text("Clicks: 0")).to_be_visible()
    yield page
    context.close()
    # Icons, images and plots all come from the app itself: no CDN, no network.
    assert foreign == [], f"page reached outside the app: {foreign}"


def test_icon_button_clicks_and_icon_font_is_bundled(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.get_by_role("button", name="add").click()
    expect(page.get_by_text("Clicks: 1")).to_be_visible()
    page.evaluate("document.fonts.ready")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.family.includes('Material Symbols'))"
        ".map(f => f.status)")
    assert loaded == ["loaded"]
    # The ligature draws one glyph: the name's letters in a text font are far wider.
    width = page.evaluate("""() => {
        const probe = document.createElement('span');
        probe.className = 'mesop-icon';
        probe.style.width = 'auto';
        probe.textContent = 'content_copy';
        document.body.appendChild(probe);
        return probe.getBoundingClientRect().width;
    }""")
    assert 20 <= width <= 28, width


def test_tooltip_shows_on_hover(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    tip = page.get_by_role("tooltip")
    expect(tip).to_be_hidden()
    plus = page.get_by_role("button", name="Plus one")
    plus.hover()
    expect(tip).to_be_visible()
    expect(tip).to_have_text("Adds one to the count")
    plus.click()
    expect(page.get_by_text("Clicks: 1")).to_be_visible()


def test_slide_toggle_flips(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    switch = page.get_by_role("switch", name="Dark mode")
    expect(switch).not_to_be_checked()
    switch.click()
    expect(page.get_by_text("Dark: True")).to_be_visible()
    expect(switch).to_be_checked()


def test_radio_picks_a_value(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    expect(page.get_by_role("radio", name="Small")).to_be_checked()
    page.get_by_role("radio", name="Large").check()
    expect(page.get_by_text("Size: large")).to_be_visible()
    expect(page.get_by_role("radio", name="Small")).not_to_be_checked()


def test_progress_bar_moves_and_reports_animation_end(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    bar = page.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    page.get_by_role("button", name="Advance").click()
    expect(bar).to_have_attribute("aria-valuenow", "25")
    expect(page.get_by_text("Animations ended: 1")).to_be_visible()


def test_image_and_plot_are_drawn(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    dot = page.get_by_role("img", name="A red dot")
    expect(dot).to_be_visible()
    assert dot.evaluate("img => img.complete && img.naturalWidth") == 2
    plot = page.locator("img[src^='data:image/png']").last
    assert plot.evaluate("img => img.complete && img.naturalWidth") == 100  # 2in at 50 dpi


def test_html_sanitized_and_sandboxed_run_no_script(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    expect(page.locator(".mesop-html-sanitized b")).to_have_text("bold")
    assert page.locator(".mesop-html-sanitized [onerror]").count() == 0
    frame = page.frame_locator("iframe[sandbox]")
    expect(frame.get_by_text("Inside the sandbox")).to_be_visible()
    assert page.locator("iframe").get_attribute("sandbox") == "allow-scripts"
    # Neither the stripped onerror nor the sandbox's script reached the page.
    page.get_by_role("button", name="add").click()
    expect(page.get_by_text("Clicks: 1")).to_be_visible()
    assert page.title() == "Components"


def test_native_textarea_enter_shortcut_sends(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    box = page.get_by_label("Message")
    box.click()
    box.press_sequentially("hello")
    box.press("Shift+Enter")  # not the shortcut: a line break
    box.press_sequentially("world")
    expect(box).to_have_value("hello\nworld")
    box.press("Enter")  # the shortcut: sends, and types nothing
    expect(page.get_by_text("Sent: hello world")).to_be_visible()
    expect(box).to_have_value("hello\nworld")


def test_table_cell_click(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    expect(page.get_by_role("columnheader", name="country")).to_be_visible()
    page.get_by_role("cell", name="Peru").click()
    expect(page.get_by_text("Cell: Lima / column 1")).to_be_visible()


def test_content_component_holds_its_children(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    card = page.locator("div", has=page.get_by_text("Card title")).last
    expect(card.get_by_text("Card body")).to_be_visible()


HOSTILE_APP = '''
import mesop_cli as me

EVIL = '<b class="injected">x</b><img class="injected" src=x onerror="document.title=1">'

@me.page(path="/")
def home():
    me.text("ready")
    me.icon(EVIL)
    with me.tooltip(message=EVIL):
        me.text("tip")
    me.slide_toggle(label=EVIL)
    me.radio(options=[me.RadioOption(label=EVIL, value=EVIL)], value=EVIL)
    me.native_textarea(placeholder=EVIL, value=EVIL)
    me.table([{EVIL: EVIL}])
    me.image(src="javascript:alert(1)", alt=EVIL)
    me.html(EVIL)
'''


def test_props_are_never_markup(chromium, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Text from state (a user's words) in any new component's props shows as text; only
    me.html's server-cleaned output is markup, in its host's shadow root, and it lost its
    onerror and class."""
    from playwright.sync_api import expect

    app = tmp_path / "main.py"
    app.write_text(HOSTILE_APP)
    with running_server([], env={"MESOP_STATE_SESSION_BACKEND": "memory"}, app=app) as server:
        context = chromium.new_context()
        page = context.new_page()
        page.goto(server.url + "/")
        expect(page.get_by_text("ready")).to_be_visible()
        injected = page.evaluate(
            "[...document.querySelectorAll('.injected, b, img[src=x]')]"
            ".map(e => 'OUTSIDE ' + e.tagName).concat("
            "[...document.querySelector('.mesop-html').shadowRoot.children].map(e => e.tagName"
            " + (e.hasAttribute('onerror') ? ' onerror' : '')"
            " + (e.hasAttribute('class') ? ' class' : '')))")
        assert injected == ["B", "IMG"]
        assert page.locator("img[src^='javascript']").count() == 0
        assert page.title() == "Mesop"
        expect(page.get_by_role("switch", name="<b class")).to_have_count(1)
        context.close()
