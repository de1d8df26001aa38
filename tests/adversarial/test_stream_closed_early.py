"""A chat turn whose stream ends early leaves a usable page.

Attack (issue 15, item 2): press Enter in ``mesop_cli.labs.chat`` and leave at once. Before,
the session was saved with ``in_progress=True`` (the chat's ``finally`` did not cover its
first ``yield``, and the handler was closed only when the garbage collector got to it,
after the save): Send stayed disabled and every later prompt was ignored, for good.

Here the client leaves after each line of a chat turn in turn, on the dev server and
under ``--prod``, and then a normal turn must go through; a server stopped mid-stream
must save the turn as of its last yield with the chat's flag reset.
"""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.raw_http import post_event, read_renders, reset
from tests.support.server import ROOT, RunningServer, running_server
from tests.support.tab import Tab

pytestmark = pytest.mark.integration

CHAT_APP = ROOT / "tests" / "apps" / "mesop_chat.py"
PROMPT_LABEL = "Enter your prompt"
#: Lines of one turn of that app: the prompt shown, one per word (4), the final render.
LINES_PER_TURN = 6


def _enter_body(tab: Tab, prompt: str) -> bytes:
    node = tab.find(lambda n: n["t"] == "input" and n["p"].get("label") == PROMPT_LABEL)
    event = {"handler": node["p"]["on_enter"], "kind": "enter", "key": node["k"],
             "value": prompt}
    assert tab.state is not None
    body: dict[str, Any] = {"session": tab.session_id, "path": tab.path, "event": event,
                            "has_copy": True, "version": tab.state.get("#version")}
    return json.dumps(body).encode()


def _leave_after(server: RunningServer, body: bytes, lines: int) -> None:
    """Send the event, read until ``lines`` renders have come, then drop the connection."""
    sock = post_event(server, body)
    read_renders(sock, lines)
    reset(sock)


def _page(tab: Tab) -> tuple[bool, list[str]]:
    """Whether Send is disabled, and the HTML of the bot's replies."""
    # Send is an icon button, as in Mesop: "send", or "pending" while a turn runs.
    send = tab.find(lambda n: n["t"] == "button" and any(
        c["t"] == "icon" and c["p"]["icon"] in ("send", "pending") for c in n["c"]))
    replies = [str(n["p"]["html"]) for n in tab.nodes() if n["t"] == "markdown"]
    return bool(send["p"].get("disabled")), replies


def _normal_turn(tab: Tab, prompt: str) -> list[str]:
    """Enter ``prompt`` as a browser would; retried while the left stream still holds the
    session (the server notices a client is gone only at its next write)."""
    deadline = time.monotonic() + 20
    tab.open("/")  # the page as the server saved it
    disabled, _ = _page(tab)
    assert not disabled, "Send is still disabled after the stream was left"
    tab.type_into(PROMPT_LABEL, prompt, kind="enter")
    disabled, replies = _page(tab)
    while not any(f"<strong>{prompt}</strong>" in reply for reply in replies):
        assert time.monotonic() < deadline, f"the prompt {prompt!r} was ignored: {replies}"
        time.sleep(0.3)
        tab.open("/")
        tab.type_into(PROMPT_LABEL, prompt, kind="enter")
        disabled, replies = _page(tab)
    assert not disabled
    return replies


@pytest.fixture(params=["dev-memory", "prod-file"])
def chat_server(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    if request.param == "dev-memory":
        args, env = [], {"MESOP_STATE_SESSION_BACKEND": "memory"}
    else:
        args = ["--prod", "--workers", "1", "--threads", "4"]
        env = {"MESOP_STATE_SESSION_BACKEND": "file",
               "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": str(tmp_path)}
    with running_server(args, env=env, app=CHAT_APP) as server:
        yield server


def test_leaving_at_every_yield_keeps_the_chat_usable(chat_server: RunningServer) -> None:
    tab = Tab(chat_server.url, server_side=True)
    tab.open("/")
    for lines in range(1, LINES_PER_TURN):
        _leave_after(chat_server, _enter_body(tab, f"left after {lines}"), lines)
        replies = _normal_turn(tab, f"normal {lines}")
        # Every left turn kept its prompt; the normal one got its whole answer.
        assert any(f"<strong>normal {lines}</strong>" in reply and "earlier" in reply
                   for reply in replies), replies
    # Every left turn kept its prompt: the state saved is that of a yield at or after
    # the one the client saw, never the state from before the event.
    assert [t for t in tab.texts() if t.startswith("left after")] == [
        f"left after {lines}" for lines in range(1, LINES_PER_TURN)]


@pytest.mark.parametrize("args", [[], ["--prod", "--workers", "1"]], ids=["dev", "prod"])
def test_a_stopping_server_saves_the_turn_as_of_its_last_yield(
        args: list[str], tmp_path: Path) -> None:
    env = {"MESOP_STATE_SESSION_BACKEND": "file",
           "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": str(tmp_path)}
    with running_server(args, env=env, app=CHAT_APP) as server:
        tab = Tab(server.url, server_side=True)
        tab.open("/")
        sock = post_event(server, _enter_body(tab, "interrupted"))
        seen = read_renders(sock, 2)
        stopped_at = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        while data := sock.recv(65536):
            seen += data
        server.process.wait(timeout=10)
        # The stream ended at its next yield, not after the whole answer.
        assert time.monotonic() - stopped_at < 5
        sock.close()
        last = json.loads(seen[seen.rindex(b'{"type":"render"'):].split(b"\n")[0])
        tree = json.dumps(last["tree"], separators=(",", ":"))
        # The last render shows the flag reset by the chat's `finally`, and the answer cut
        # where the stream stopped (its last word, "(0 earlier)", never came).
        assert '"disabled":true' not in tree
        assert "interrupted" in tree and "earlier)" not in tree
    # The next launch resumes the session as it was saved: the flag reset, Send usable.
    with running_server(args, env=env, app=CHAT_APP) as server:
        tab.base_url = server.url
        replies = _normal_turn(tab, "after restart")
        assert "interrupted" in tab.texts()
        assert any("<strong>after restart</strong>" in reply for reply in replies)
