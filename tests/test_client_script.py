"""The client script's own logic in Chromium: error handling and the JSON Patch applier."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonpatch
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.server import ROOT, RunningServer, running_server

pytestmark = pytest.mark.browser

PATCH_JS = ROOT / "mesop_cli" / "web" / "static" / "core" / "patch.js"


@pytest.fixture()
def memory_server() -> Iterator[RunningServer]:
    with running_server([], env={"MESOP_STATE_SESSION_BACKEND": "memory"}) as server:
        yield server


def test_unknown_handler_keeps_the_tabs_state(chromium: Any, memory_server: RunningServer) -> None:
    """A 400 for an event the page no longer has (the app was edited under the tab) shows
    the message and keeps the session: the next click counts on from where it was."""
    from playwright.sync_api import expect

    page = chromium.new_page()
    try:
        page.goto(memory_server.url + "/")
        button = page.get_by_role("button", name="Increment")
        button.click()
        button.click()
        expect(page.get_by_text("Count: 2")).to_be_visible()
        button.evaluate("el => { el.__realHandler = el.__mesopNode.p.on_click;"
                        " el.__mesopNode.p.on_click = 'renamed_since'; }")
        button.click()
        expect(page.locator("#mesop-status")).to_contain_text("reload")
        button.evaluate("el => { el.__mesopNode.p.on_click = el.__realHandler; }")
        button.click()
        expect(page.get_by_text("Count: 3")).to_be_visible()
    finally:
        page.close()


def _patch_applier() -> str:
    """The client's JSON Patch module as a plain script: it imports nothing, so dropping
    its `export` keywords is all that keeps it from running outside a module."""
    source = PATCH_JS.read_text()
    assert "import " not in source
    return source.replace("export function", "function")


@pytest.fixture(scope="module")
def blank_page(chromium: Any) -> Iterator[Any]:
    page = chromium.new_page()
    yield page
    page.close()


KEYS = st.sampled_from(["a", "b", "__proto__", "constructor", "x/y", "t~1", "-", ""])
SCALARS = st.one_of(st.integers(-3, 3), st.sampled_from(["p", "q", "r"]), st.booleans())
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=6), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=st.dictionaries(KEYS, VALUES, max_size=4), data=st.data())
def test_patch_applier_agrees_with_python_jsonpatch(
    blank_page: Any, before: dict[str, Any], data: st.DataObject
) -> None:
    """Whatever `jsonpatch.make_patch` emits (moves within lists included), the client
    turns the browser's copy into exactly the server's state."""
    after = data.draw(st.one_of(
        st.dictionaries(KEYS, VALUES, max_size=4),
        st.just(before).map(_shuffled_lists(data)),
    ))
    operations = jsonpatch.make_patch(before, after).patch
    # As JSON text, parsed in the page as the client script parses the server's lines
    # (Playwright's own argument passing would drop a "__proto__" key on the way).
    result = blank_page.evaluate(
        "([code, doc, ops]) => { const applyPatch = new Function(code + '; return applyPatch;')();"
        " return JSON.stringify(applyPatch(JSON.parse(doc), JSON.parse(ops))); }",
        [_patch_applier(), json.dumps(before), json.dumps(operations)],
    )
    assert json.loads(result) == after, operations


def _shuffled_lists(data: st.DataObject) -> Any:
    """Reorder, drop and add list items, the changes for which make_patch emits moves."""
    def change(value: Any) -> Any:
        if isinstance(value, list):
            items = [change(item) for item in data.draw(st.permutations(value))]
            if items and data.draw(st.booleans()):
                items.pop(data.draw(st.integers(0, len(items) - 1)))
            if data.draw(st.booleans()):
                items.insert(data.draw(st.integers(0, len(items))), "new")
            return items
        if isinstance(value, dict):
            return {key: change(item) for key, item in value.items()}
        return value
    return change


def test_event_answered_503_is_sent_again(chromium: Any, memory_server: RunningServer) -> None:
    """A 503 means nothing ran (the store was away, the session busy): the click is sent
    again after a pause instead of being dropped."""
    from playwright.sync_api import expect

    page = chromium.new_page()
    refused: list[str] = []

    def flaky_store(route: Any) -> None:
        if '"event":{' in (route.request.post_data or "") and len(refused) < 2:
            refused.append(route.request.post_data)
            route.fulfill(status=503, content_type="application/json",
                          body='{"message": "The state store is unavailable: test."}')
        else:
            route.continue_()

    try:
        page.route("**/__mesop__/events", flaky_store)
        page.goto(memory_server.url + "/")
        page.get_by_role("button", name="Increment").click()
        expect(page.get_by_text("Count: 1")).to_be_visible(timeout=10_000)
        assert len(refused) == 2
        expect(page.locator("#mesop-status")).to_be_hidden()
    finally:
        page.close()


SLOW_INPUT_APP = '''
import time
import mesop_cli as me

@me.stateclass
class State:
    name: str = ""

def on_name(e: me.InputEvent):
    time.sleep(0.15)
    me.state(State).name = e.value

@me.page(path="/")
def home():
    s = me.state(State)
    me.input(label="Name", value=s.name, on_input=on_name)
    me.text(f"Name: {s.name}")
'''


def test_typing_faster_than_the_server_answers_loses_no_character(
    chromium: Any, tmp_path: Path
) -> None:
    """Each render of an input event holds the value of its keystroke, older than the field
    by the time it arrives; writing it into the field would erase the keys typed since."""
    from playwright.sync_api import expect

    app_file = tmp_path / "main.py"
    app_file.write_text(SLOW_INPUT_APP)
    env = {"MESOP_STATE_SESSION_BACKEND": "memory"}
    with running_server([], env=env, app=app_file) as server:
        page = chromium.new_page()
        try:
            page.goto(server.url + "/")
            field = page.get_by_label("Name", exact=True)
            field.click()
            field.press_sequentially("Ada Lovelace", delay=40)
            expect(page.get_by_text("Name: Ada Lovelace")).to_be_visible(timeout=10_000)
            expect(field).to_have_value("Ada Lovelace")
        finally:
            page.close()
