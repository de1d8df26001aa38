"""Oversized bodies and slow clients, against a real server in dev and --prod."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.server import RunningServer, running_server
from tests.support.tab import Tab

APP = Path(__file__).parent / "support" / "security_app.py"
MB = 1024 * 1024


@pytest.fixture(scope="module", params=["dev", "prod"])
def server(request: pytest.FixtureRequest) -> Iterator[RunningServer]:
    args = ["--prod", "--workers", "1", "--threads", "8"] if request.param == "prod" else []
    with running_server(args, env={"MESOP_STATE_SESSION_BACKEND": "memory"}, app=APP) as running:
        yield running


def port_of(server: RunningServer) -> int:
    return int(server.url.rsplit(":", 1)[1])


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise LookupError("no VmRSS")


def post_chunked(server: RunningServer, body: bytes) -> bytes:
    """POST ``body`` with Transfer-Encoding: chunked; the status line of the answer."""
    with socket.create_connection(("127.0.0.1", port_of(server)), timeout=20) as sock:
        sock.sendall(b"POST /__mesop__/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        try:
            for start in range(0, len(body), 256 * 1024):
                piece = body[start:start + 256 * 1024]
                sock.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed before the whole body was sent
        return sock.recv(4096).split(b"\r\n", 1)[0]


@pytest.mark.integration
def test_a_chunked_body_over_the_limit_is_refused_not_cut(server: RunningServer) -> None:
    # Valid JSON for its first 16 MB, so a server that cut the body would process it.
    body = json.dumps({"path": "/"}).encode() + b" " * (24 * MB)
    before = rss_bytes(server.process.pid)
    started = time.monotonic()
    status_line = post_chunked(server, body)
    assert status_line.startswith(b"HTTP/1.1 413"), status_line
    assert time.monotonic() - started < 10
    # In dev the serving process is the one started; what it kept is far below the body.
    assert rss_bytes(server.process.pid) - before < 20 * MB


@pytest.mark.integration
def test_a_chunked_body_under_the_limit_is_served(server: RunningServer) -> None:
    body = json.dumps({"path": "/"}).encode() + b" " * MB
    assert post_chunked(server, body).startswith(b"HTTP/1.1 200")


@pytest.mark.integration
def test_a_declared_length_over_the_limit_is_refused_before_reading(server: RunningServer
                                                                    ) -> None:
    with socket.create_connection(("127.0.0.1", port_of(server)), timeout=20) as sock:
        sock.sendall(b"POST /__mesop__/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n{\"path\":\"/\"}" % (17 * MB))
        assert sock.recv(4096).startswith(b"HTTP/1.1 413")


@pytest.mark.integration
def test_nothing_ran_for_a_refused_body(server: RunningServer) -> None:
    tab = Tab(server.url, server_side=True)
    tab.open("/")
    handler = tab.find(lambda n: n["t"] == "button" and n["p"]["label"] == "Increment")
    event = {"session": tab.session_id, "path": "/", "has_copy": True,
             "version": tab.state["#version"] if tab.state else None,
             "event": {"handler": handler["p"]["on_click"], "kind": "click", "key": ""}}
    assert post_chunked(server, json.dumps(event).encode() + b" " * (17 * MB)) \
        .startswith(b"HTTP/1.1 413")
    tab.open("/")
    assert "count=0 role=guest wiped=False" in tab.texts()


@pytest.mark.integration
def test_stalled_clients_do_not_starve_the_server(server: RunningServer) -> None:
    """16 connections that send half a request head, then 2 that send a head promising a
    body they never send: pages and events still answer within a second."""
    stalled = []
    try:
        for _ in range(16):
            sock = socket.create_connection(("127.0.0.1", port_of(server)), timeout=5)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            stalled.append(sock)
        for _ in range(2):
            sock = socket.create_connection(("127.0.0.1", port_of(server)), timeout=5)
            sock.sendall(b"POST /__mesop__/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"pa")
            stalled.append(sock)
        time.sleep(0.5)  # let the server take them all before the real requests come
        started = time.monotonic()
        page = requests.get(server.url + "/", timeout=5)
        page_seconds = time.monotonic() - started
        started = time.monotonic()
        event = requests.post(server.url + "/__mesop__/events", json={"path": "/"}, timeout=5)
        event_seconds = time.monotonic() - started
        assert page.status_code == 200 and event.status_code == 200
        assert page_seconds < 1 and event_seconds < 1, (page_seconds, event_seconds)
    finally:
        for sock in stalled:
            sock.close()


@pytest.mark.parametrize(("data", "ready"), [
    (b"GET / HTTP/1.1\r\nHost: x\r\n", False),
    (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", True),
    (b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n{\"a", False),
    (b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n{\"a\"}", True),
    (b"POST / HTTP/1.1\r\nCONTENT-LENGTH:  5\r\n\r\n{\"a\"}", True),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", False),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", True),
    (b"GET / HTTP/1.1\r\nX: " + b"a" * (70 * 1024), True),  # gunicorn refuses it
])
def test_a_request_goes_to_a_thread_once_it_has_arrived(data: bytes, ready: bool) -> None:
    from mesop_cli.buffered_worker import request_ready

    assert request_ready(bytearray(data)) is ready
