"""What a reload of the page does to a tab's state, in Chromium.

By default, as in Mesop, a reload starts a fresh session; MESOP_STATE_SESSION_KEEP_ON_RELOAD
keeps the tab's session (in sessionStorage, so per tab) while it lives. Navigating between
the app's pages keeps the state either way.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support.server import RunningServer, running_server

pytestmark = pytest.mark.browser

KEEP = "MESOP_STATE_SESSION_KEEP_ON_RELOAD"


@contextmanager
def serving(backend: str, keep: bool | None, tmp_path: Path) -> Iterator[RunningServer]:
    env = {"MESOP_STATE_SESSION_BACKEND": backend,
           "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": str(tmp_path / "sessions")}
    if keep is not None:
        env[KEEP] = "true" if keep else "false"
    with running_server([], env=env) as server:
        yield server


@pytest.fixture()
def context(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context()
    yield context
    context.close()


def click_to(page: Any, count: int) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_text("Count: 0")).to_be_visible()
    button = page.get_by_role("button", name="Increment")
    for _ in range(count):
        button.click()
    expect(page.get_by_text(f"Count: {count}")).to_be_visible()


@pytest.mark.parametrize("backend", ["memory", "none"])
def test_by_default_a_reload_starts_a_fresh_session(context: Any, backend: str,
                                                    tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with serving(backend, None, tmp_path) as server:
        page = context.new_page()
        page.goto(server.url + "/")
        click_to(page, 3)
        # Nothing of the session is left in the tab's storage for a reload to pick up.
        assert page.evaluate("sessionStorage.getItem('mesop-session')") is None
        page.reload()
        expect(page.get_by_text("Count: 0")).to_be_visible()
        page.get_by_role("button", name="Increment").click()
        expect(page.get_by_text("Count: 1")).to_be_visible()


def test_a_session_stored_by_a_keeping_launch_is_ignored_when_off(context: Any,
                                                                  tmp_path: Path) -> None:
    """A tab left over from a launch with the setting on: its stored session is dropped."""
    from playwright.sync_api import expect

    with serving("none", True, tmp_path) as server:
        page = context.new_page()
        page.goto(server.url + "/")
        click_to(page, 2)
        stored = page.evaluate("sessionStorage.getItem('mesop-session')")
    assert stored is not None and json.loads(stored)["state"] is not None
    with serving("none", False, tmp_path) as server:
        page = context.new_page()
        page.add_init_script(f"sessionStorage.setItem('mesop-session', {json.dumps(stored)})")
        page.goto(server.url + "/")
        expect(page.get_by_text("Count: 0")).to_be_visible()
        assert page.evaluate("sessionStorage.getItem('mesop-session')") is None


@pytest.mark.parametrize("backend", ["memory", "file", "none"])
def test_keep_on_reload_keeps_the_count_and_a_new_tab_starts_fresh(
        context: Any, backend: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with serving(backend, True, tmp_path) as server:
        page = context.new_page()
        page.goto(server.url + "/")
        click_to(page, 3)
        page.reload()
        expect(page.get_by_text("Count: 3")).to_be_visible()
        page.get_by_role("button", name="Increment").click()
        expect(page.get_by_text("Count: 4")).to_be_visible()
        # Another tab of the same browser has a session of its own.
        other = context.new_page()
        other.goto(server.url + "/")
        expect(other.get_by_text("Count: 0")).to_be_visible()
        other.get_by_role("button", name="Increment").click()
        expect(other.get_by_text("Count: 1")).to_be_visible()
        page.reload()
        expect(page.get_by_text("Count: 4")).to_be_visible()


@pytest.mark.parametrize("backend", ["memory", "none"])
def test_keep_on_reload_starts_afresh_once_the_session_expired(context: Any, backend: str,
                                                               tmp_path: Path) -> None:
    """Kept while the session lives: past the TTL (`none`: its own maximum age) the signed
    copy is refused as well, and the reload starts a fresh session, saying so."""
    from playwright.sync_api import expect

    age = "MESOP_STATE_SESSION_NONE_MAX_AGE_SECONDS" if backend == "none" \
        else "MESOP_STATE_SESSION_TTL_SECONDS"
    env = {"MESOP_STATE_SESSION_BACKEND": backend, KEEP: "true", age: "2"}
    with running_server([], env=env) as server:
        page = context.new_page()
        page.goto(server.url + "/")
        click_to(page, 2)
        stored = json.loads(page.evaluate("sessionStorage.getItem('mesop-session')"))
        time.sleep(4)  # past the TTL: no event since the last click
        page.reload()
        expect(page.get_by_text("Count: 0")).to_be_visible()
        expect(page.locator("#mesop-status")).to_have_text(
            re.compile(r"^This page was reset after being idle for \d+ seconds\.$"))
        renewed = json.loads(page.evaluate("sessionStorage.getItem('mesop-session')"))
        assert renewed["id"] != stored["id"]


@pytest.mark.parametrize("keep", [False, True], ids=["default", "keep"])
@pytest.mark.parametrize("backend", ["memory", "none"])
def test_navigating_between_pages_keeps_the_state(context: Any, backend: str, keep: bool,
                                                  tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with serving(backend, keep, tmp_path) as server:
        page = context.new_page()
        page.goto(server.url + "/")
        click_to(page, 2)
        page.get_by_role("link", name="Form").click()
        name = page.get_by_label("Name", exact=True)
        name.fill("Ada")
        expect(page.get_by_text("Name: Ada")).to_be_visible()
        page.get_by_role("link", name="Counter").click()
        expect(page.get_by_text("Count: 2")).to_be_visible()
        page.go_back()
        expect(page.get_by_text("Name: Ada")).to_be_visible()
        page.go_forward()
        expect(page.get_by_text("Count: 2")).to_be_visible()


def test_a_duplicated_tab_forks_its_own_session(context: Any, tmp_path: Path) -> None:
    """Chromium's "Duplicate tab" copies sessionStorage into the new tab while the original
    is open. Simulated here by copying it before the app's script runs: the copy starts a
    session of its own, and the two tabs never see each other's clicks."""
    from playwright.sync_api import expect

    with serving("memory", True, tmp_path) as server:
        original = context.new_page()
        original.goto(server.url + "/")
        click_to(original, 3)
        stored = original.evaluate("sessionStorage.getItem('mesop-session')")
        duplicate = context.new_page()
        # Once, as the browser does: a reload of the duplicate keeps what it has since.
        duplicate.add_init_script(
            "if (!sessionStorage.getItem('copied')) { sessionStorage.setItem('copied', '1');"
            f" sessionStorage.setItem('mesop-session', {json.dumps(stored)}); }}")
        duplicate.goto(server.url + "/")
        expect(duplicate.get_by_text("Count: 0")).to_be_visible()
        duplicate.get_by_role("button", name="Increment").click()
        expect(duplicate.get_by_text("Count: 1")).to_be_visible()
        original.get_by_role("button", name="Increment").click()
        expect(original.get_by_text("Count: 4")).to_be_visible()
        duplicate.reload()
        expect(duplicate.get_by_text("Count: 1")).to_be_visible()
        original.reload()
        expect(original.get_by_text("Count: 4")).to_be_visible()
        assert json.loads(stored)["id"] not in duplicate.evaluate(
            "sessionStorage.getItem('mesop-session')")
