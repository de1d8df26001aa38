"""An async generator handler left by its client mid-stream still runs its `finally`
before its session is saved.

Attack (issue 17, item 1): click a button whose handler is an ``async def`` generator
that sets a "busy" flag and clears it in its ``finally``, and drop the connection after a
few renders. Before, the handler was never run at all (its coroutine was dropped); a
fix that ran the async generator but left it to the garbage collector would save the
session with the flag still set, and the button would stay disabled for good.

Here the client leaves after a few lines, on the dev server and under ``--prod``: the
session saved must show the flag cleared by the ``finally`` (which awaits), counted once,
and the stream cut short (fewer words than a full answer). And promptly (issue 18, item
4): the handler is closed at the yield after the client left, so the words saved are the
ones the client saw plus what was already on the wire, never the rest of the answer.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.raw_http import RENDER, post_event, read_renders, reset
from tests.support.server import ROOT, RunningServer, running_server
from tests.support.tab import Tab

pytestmark = pytest.mark.integration

APP = ROOT / "tests" / "apps" / "async_stream_app.py"
FULL_ANSWER = 200


@pytest.fixture(params=["dev-memory", "prod-file"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunningServer]:
    if request.param == "dev-memory":
        args, env = [], {"MESOP_STATE_SESSION_BACKEND": "memory"}
    else:
        args = ["--prod", "--workers", "1", "--threads", "4"]
        env = {"MESOP_STATE_SESSION_BACKEND": "file",
               "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": str(tmp_path)}
    with running_server(args, env=env, app=APP) as served:
        yield served


def _leave_after(server: RunningServer, tab: Tab, lines: int) -> int:
    """Click Answer, read until ``lines`` renders have come, then reset the connection;
    how many renders had come by then."""
    node = tab.find(lambda n: n["t"] == "button" and n["p"].get("label") == "Answer")
    assert tab.state is not None
    body = json.dumps({
        "session": tab.session_id, "path": tab.path, "has_copy": True,
        "version": tab.state.get("#version"),
        "event": {"handler": node["p"]["on_click"], "kind": "click", "key": node["k"],
                  "value": None}}).encode()
    sock = post_event(server, body)
    seen = read_renders(sock, lines)
    reset(sock)
    return seen.count(RENDER)


def _saved(tab: Tab) -> list[str]:
    """The page as saved once the stream has ended (its cleanup counted)."""
    deadline = time.monotonic() + 20
    tab.open("/")
    while tab.texts()[2] == "cleanups: 0":
        assert time.monotonic() < deadline, tab.texts()
        time.sleep(0.2)
        tab.open("/")
    return tab.texts()


def test_leaving_an_async_stream_runs_its_finally_before_the_save(
        server: RunningServer) -> None:
    tab = Tab(server.url, server_side=True)
    tab.open("/")
    assert tab.texts() == ["in progress: False", "words: 0", "cleanups: 0"]
    _leave_after(server, tab, 3)
    # The server notices the client left at its next write; until the stream has ended
    # and saved, the page shows the session as it was before the click.
    deadline = time.monotonic() + 20
    tab.open("/")
    while tab.texts()[2] == "cleanups: 0":
        assert time.monotonic() < deadline, tab.texts()
        time.sleep(0.2)
        tab.open("/")
    in_progress, words, cleanups = tab.texts()
    assert in_progress == "in progress: False" and cleanups == "cleanups: 1"
    assert 2 <= int(words.split()[1]) < FULL_ANSWER  # cut short, not run to its end
    button = tab.find(lambda n: n["t"] == "button" and n["p"].get("label") == "Answer")
    assert not button["p"].get("disabled")
    assert "never awaited" not in server.output()


def test_a_tab_that_leaves_stops_the_handler_at_its_next_yield(
        server: RunningServer) -> None:
    """Promptly (issue 18, item 4): the server learns that the client left when it writes
    the next render, so the handler gets GeneratorExit at that yield; the words saved are
    those the tab saw plus at most what was already on the wire (one render every 20 ms
    here), not the rest of the answer."""
    tab = Tab(server.url, server_side=True)
    tab.open("/")
    before = 0
    for leave_at in (2, 10):
        seen = _leave_after(server, tab, leave_at)
        in_progress, words, cleanups = _saved(tab)
        assert in_progress == "in progress: False"
        total = int(words.split()[1])  # the answers add up: this turn's are the rest
        assert seen <= total - before <= seen + 3, (seen, total - before)
        before = total
        # The next turn starts afresh: the first leave's cleanup counted once.
        assert cleanups == f"cleanups: {1 if leave_at == 2 else 2}"
