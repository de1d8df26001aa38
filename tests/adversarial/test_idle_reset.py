"""Attack (by neglect): leave a tab alone past its session's life, then click.

Before the fix, a tab idle longer than the TTL (600 s by default, also on the default
``none`` backend, whose copies Mesop 1.3.7 never expires) lost its whole state on the
next click, and that click was dropped: the page came back fresh with no word said. Now
``none`` copies live for their own, long, maximum age, and on every backend a tab whose
session is gone for good is told so on the page ("This page was reset after being idle
for N seconds/minutes/..."), its click is not run on a state the user never saw, and the
fresh page works.

Driven in Chromium against the real server, with the ages shortened through the
settings: ``memory`` with a TTL of 3 s (the store and the tab's recovery copy both
expire), and ``none`` with a maximum age of 3 s. The test waits past the age once: the
precondition, not a timing assertion.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.server import RunningServer, running_server

pytestmark = pytest.mark.browser

AGE_SECONDS = 3
#: Past the age, with room: signatures carry whole seconds.
IDLE_SECONDS = AGE_SECONDS + 2.5
NOTICE = re.compile(r"^This page was reset after being idle for \d+ seconds\.$")

BACKENDS = {
    "memory": {"MESOP_STATE_SESSION_BACKEND": "memory",
               "MESOP_STATE_SESSION_TTL_SECONDS": str(AGE_SECONDS)},
    "none": {"MESOP_STATE_SESSION_BACKEND": "none",
             "MESOP_STATE_SESSION_NONE_MAX_AGE_SECONDS": str(AGE_SECONDS)},
}


@pytest.fixture(params=sorted(BACKENDS), scope="module")
def server(request: pytest.FixtureRequest) -> Iterator[RunningServer]:
    with running_server([], env=BACKENDS[request.param]) as running:
        yield running


@pytest.fixture()
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context()
    yield context.new_page()
    context.close()


def test_an_idle_tab_is_told_it_was_reset_and_keeps_working(
    server: RunningServer, page: Any
) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/")
    increment = page.get_by_role("button", name="Increment")
    increment.click()
    expect(page.get_by_text("Count: 1")).to_be_visible()
    increment.click()
    expect(page.get_by_text("Count: 2")).to_be_visible()
    status = page.locator("#mesop-status")
    expect(status).to_be_hidden()

    time.sleep(IDLE_SECONDS)
    increment.click()
    # The page says what happened, where a screen reader announces it too...
    alert = page.get_by_role("alert")
    expect(alert).to_have_text(NOTICE)
    expect(alert).to_be_visible()
    # ...and the click was not run on the fresh state.
    expect(page.get_by_text("Count: 0")).to_be_visible()

    increment.click()
    expect(page.get_by_text("Count: 1")).to_be_visible()
    expect(status).to_be_hidden()
    increment.click()
    expect(page.get_by_text("Count: 2")).to_be_visible()
