"""Chromium on Mesop apps ported unchanged: the page's CSP as the browser enforces it,
and ``mesop_cli.labs`` widgets driven as a person drives them."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import RunningServer, running_server

pytestmark = pytest.mark.browser

TRUSTED_TYPES_APP = """
    import mesop_cli as me

    @me.stateclass
    class State:
        color: str = "red"

    def pick(e: me.SelectSelectionChangeEvent):
        me.state(State).color = e.value

    @me.page(path="/", title="Strict")
    def home():
        me.markdown("**bold** and <b>raw</b>")
        me.select(label="Color", options=[me.SelectOption(label="Red", value="red"),
                                          me.SelectOption(label="Blue", value="blue")],
                  value=me.state(State).color, on_selection_change=pick)
        me.text(f"Color: {me.state(State).color}")
"""


@pytest.fixture()
def app_dir(tmp_path: Path) -> Path:
    return tmp_path


def serve(directory: Path, source: str, env: dict[str, str] | None = None
          ) -> Iterator[RunningServer]:
    app = directory / "main.py"
    app.write_text(textwrap.dedent(source))
    return running_server([], env={"MESOP_STATE_SESSION_BACKEND": "memory", **(env or {})},
                          app=app)


def test_markdown_and_select_render_under_enforced_trusted_types(chromium, tmp_path: Path
                                                                 ) -> None:
    from playwright.sync_api import expect

    with serve(tmp_path, TRUSTED_TYPES_APP) as server:
        context = chromium.new_context()
        page = context.new_page()
        problems: list[str] = []
        # (The browser's own request for /favicon.ico is a 404 it logs: not a problem.)
        page.on("console", lambda m: problems.append(m.text) if m.type == "error"
                and "favicon" not in m.location.get("url", "") else None)
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.goto(server.url + "/")
        expect(page.locator("strong", has_text="bold")).to_be_visible()
        # Raw HTML in Markdown stays text.
        expect(page.get_by_text("<b>raw</b>")).to_be_visible()
        page.get_by_label("Color").select_option("Blue")
        expect(page.get_by_text("Color: blue")).to_be_visible()
        assert problems == [], problems
        # The browser really enforces Trusted Types: a plain string cannot reach innerHTML.
        refused = page.evaluate(
            "() => { try { document.body.innerHTML = '<i>x</i>'; return false; }"
            " catch (e) { return e instanceof TypeError; } }")
        assert refused is True
        context.close()
