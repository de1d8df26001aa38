"""Bodies over the limit are refused (413), never cut and processed: against a real
server in dev and --prod, over raw sockets."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mesop_cli.web.context import MAX_REQUEST_BYTES
from tests.support.raw_http import (
    PAGE_LOAD,
    RawResponse,
    ResponseReader,
    connect,
    event_head,
    peak_rss,
    reset_peak_rss,
    serving_pid,
)
from tests.support.server import RunningServer, running_server
from tests.support.tab import Tab

APP = Path(__file__).parent / "support" / "security_app.py"
MB = 1024 * 1024


@pytest.fixture(scope="module", params=["dev", "prod"])
def server(request: pytest.FixtureRequest) -> Iterator[RunningServer]:
    args = ["--prod", "--workers", "1", "--threads", "8"] if request.param == "prod" else []
    # One malloc arena: memory a thread frees is then reused by the next thread, so the
    # peak resident size measures what is held at once (with an arena per thread, the
    # read-ahead freed by gunicorn's event loop is not reused by the app's thread).
    env = {"MESOP_STATE_SESSION_BACKEND": "memory", "MALLOC_ARENA_MAX": "1"}
    with running_server(args, env=env, app=APP) as running:
        yield running


def post_chunked(server: RunningServer, body: bytes) -> RawResponse:
    """POST ``body`` with Transfer-Encoding: chunked, in 256 KB chunks."""
    with connect(server, timeout=20) as sock:
        sock.sendall(event_head(b"Transfer-Encoding: chunked\r\n"))
        try:
            for start in range(0, len(body), 256 * 1024):
                piece = body[start:start + 256 * 1024]
                sock.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed before the whole body was sent
        return ResponseReader(sock).next()


def post_declared(server: RunningServer, length: int, body: bytes) -> RawResponse:
    """POST a head declaring ``length`` bytes, then ``body`` (possibly less)."""
    with connect(server, timeout=20) as sock:
        sock.sendall(event_head(b"Content-Length: %d\r\n" % length))
        try:
            sock.sendall(body)
        except OSError:
            pass  # refused and closed before the body was sent
        return ResponseReader(sock).next()


def page_load_padded_to(size: int) -> bytes:
    """A valid page-load event of ``size`` bytes: a server that cut it would run it."""
    return PAGE_LOAD + b" " * (size - len(PAGE_LOAD))


def assert_refused(response: RawResponse) -> None:
    assert response.status == 413, response
    # The JSON the client script reads, with a sentence for the user.
    assert "16 MB" in json.loads(response.body)["message"]


@pytest.mark.integration
def test_a_chunked_body_over_the_limit_is_refused_not_cut(server: RunningServer) -> None:
    pid = serving_pid(server)
    before = reset_peak_rss(pid)
    started = time.monotonic()
    assert_refused(post_chunked(server, page_load_padded_to(24 * MB)))
    assert time.monotonic() - started < 5
    # No more than the limit was ever held: the 24 MB body was not.
    assert peak_rss(pid) - before < 20 * MB


@pytest.mark.integration
def test_a_chunked_body_of_exactly_the_limit_is_served_one_byte_more_refused(
        server: RunningServer) -> None:
    body = page_load_padded_to(MAX_REQUEST_BYTES)
    assert post_chunked(server, body).status == 200
    assert_refused(post_chunked(server, body + b" "))


@pytest.mark.integration
@pytest.mark.parametrize("length", [MAX_REQUEST_BYTES + 1, 17 * MB], ids=["limit+1", "17MB"])
def test_a_declared_length_over_the_limit_is_refused_before_reading(
        server: RunningServer, length: int) -> None:
    started = time.monotonic()
    # Only 13 bytes follow the head: a server that waited for the body would not answer.
    assert_refused(post_declared(server, length, PAGE_LOAD))
    assert time.monotonic() - started < 2


@pytest.mark.integration
def test_a_declared_body_of_exactly_the_limit_is_served(server: RunningServer) -> None:
    body = page_load_padded_to(MAX_REQUEST_BYTES)
    assert post_declared(server, len(body), body).status == 200


@pytest.mark.integration
def test_nothing_ran_for_a_refused_body(server: RunningServer) -> None:
    tab = Tab(server.url, server_side=True)
    tab.open("/")
    handler = tab.find(lambda n: n["t"] == "button" and n["p"]["label"] == "Increment")
    event = {"session": tab.session_id, "path": "/", "has_copy": True,
             "version": tab.state["#version"] if tab.state else None,
             "event": {"handler": handler["p"]["on_click"], "kind": "click", "key": ""}}
    body = json.dumps(event).encode() + b" " * (17 * MB)
    assert_refused(post_chunked(server, body))
    tab.open("/")
    assert "count=0 role=guest wiped=False" in tab.texts()


@pytest.mark.integration
def test_the_connection_is_closed_after_a_refused_body(server: RunningServer) -> None:
    """The rest of the body was never read, so it must not be taken for a next request."""
    with connect(server) as sock:
        sock.sendall(event_head(b"Content-Length: %d\r\n" % (17 * MB)) + PAGE_LOAD)
        reader = ResponseReader(sock)
        assert reader.next().status == 413
        sock.settimeout(5)
        assert sock.recv(1) == b""  # closed, not waiting for more (and not reset)
