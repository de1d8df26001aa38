"""Chromium on Mesop apps ported unchanged: the page's CSP as the browser enforces it,
and ``mesop_cli.labs`` widgets driven as a person drives them."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import record_errors
from tests.support.server import RunningServer, running_server
from tests.support.services import postgres_uri, redis_url

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
        record_errors(page, problems, console=True)
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


APPS = Path(__file__).parent / "apps"


def backend_env(backend: str, tmp_path: Path) -> dict[str, str]:
    """The settings of ``backend``, on this machine's test services for redis and sql."""
    env = {"MESOP_STATE_SESSION_BACKEND": backend}
    if backend == "file":
        env["MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR"] = str(tmp_path)
    elif backend == "redis":
        env["MESOP_STATE_SESSION_BACKEND_REDIS_URL"] = redis_url()
        env["MESOP_STATE_SESSION_BACKEND_REDIS_KEY_PREFIX"] = f"chat-{tmp_path.name}:"
    elif backend == "sql":
        env["MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI"] = postgres_uri()
        env["MESOP_STATE_SESSION_BACKEND_SQL_TABLE"] = "mesop_chat_browser_test"
    return env


@pytest.mark.parametrize("backend", ["none", "memory", "file", "redis", "sql"])
def test_mesop_tutorial_chat_streams_in_chromium(chromium, backend: str, tmp_path: Path
                                                 ) -> None:
    """The tutorial chat kept exactly as Mesop writes it (`import mesop as me`), served with
    MESOP_ALIAS_MESOP, on every backend: the reply grows word by word, and the history
    survives a reload (with MESOP_STATE_SESSION_KEEP_ON_RELOAD)."""
    from playwright.sync_api import expect

    env = {"MESOP_ALIAS_MESOP": "true", "MESOP_STATE_SESSION_KEEP_ON_RELOAD": "true",
           **backend_env(backend, tmp_path)}
    with running_server([], env=env, app=APPS / "mesop_chat_unchanged.py") as server:
        context = chromium.new_context()
        page = context.new_page()
        errors: list[str] = []
        record_errors(page, errors)
        page.goto(server.url + "/")
        expect(page.get_by_role("heading", name="Mesop Demo Chat")).to_be_visible()
        prompt = page.get_by_label("Enter your prompt")
        prompt.fill("hello")
        prompt.press("Enter")
        bubble = page.locator("p", has_text="You said")
        # Seen while the reply is still growing, before its last word arrived.
        expect(bubble).to_be_visible()
        assert "(0 earlier)" not in bubble.inner_text()
        # Send is Mesop's icon button: "pending" and disabled while the reply grows.
        expect(page.get_by_role("button", name="pending", exact=True)).to_be_disabled()
        expect(bubble).to_have_text("You said: hello (0 earlier)")
        expect(page.locator("strong", has_text="hello")).to_be_visible()
        expect(page.get_by_role("button", name="send", exact=True)).to_be_enabled()
        # The Send button, after typing into the fresh (empty) field.
        prompt = page.get_by_label("Enter your prompt")
        expect(prompt).to_have_value("")
        prompt.fill("again")
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_text("You said: again (1 earlier)")).to_be_visible()
        page.reload()
        expect(page.get_by_text("You said: hello (0 earlier)")).to_be_visible()
        expect(page.get_by_text("You said: again (1 earlier)")).to_be_visible()
        context.close()
        assert errors == []
