"""Slow and stalled clients do not starve the server: `mesop` in dev and `--prod` (one
gunicorn worker, eight threads), attacked over raw sockets."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import requests

from mesop_cli.serving.buffered_worker import BODY_IDLE_SECONDS, HEAD_DEADLINE_SECONDS
from tests.support.raw_http import (
    EVENTS_PATH,
    PAGE_LOAD,
    ResponseReader,
    connect,
    event_head,
)
from tests.support.server import SAMPLE_APP, RunningServer, clean_env, free_port, running_server

PROD = ["--prod", "--workers", "1", "--threads", "8"]
ENV = {"MESOP_STATE_SESSION_BACKEND": "memory"}
#: Twice the threads of the --prod worker.
STALLED = 16
#: A correctness bound (generous on a shared machine), not a benchmark.
ANSWER_SECONDS = 1.0

HEALTHZ = b"GET /__mesop__/healthz HTTP/1.1\r\nHost: x\r\n\r\n"
#: What each stalled client sends before it stops sending (and reading).
ATTACKS = {
    "half head": b"GET / HTTP/1.1\r\nHost: x\r\n",
    "slow body": event_head(b"Content-Length: 1000\r\n") + b'{"path": "',
    # A whole request, then half of the next on the same connection.
    "pipelined half head": HEALTHZ + b"GET / HTTP/1.1\r\nHost: x\r\n",
    # Answered, but the client never closes its side (gunicorn waits for it on close).
    "never closes": b"GET /__mesop__/healthz HTTP/1.0\r\n\r\n",
    "oversized body": event_head(b"Content-Length: %d\r\n" % (17 * 1024 * 1024)) + b'{"pa',
}


@pytest.fixture(scope="module", params=["dev", "prod"])
def served(request: pytest.FixtureRequest) -> Iterator[tuple[str, RunningServer]]:
    with running_server(PROD if request.param == "prod" else [], env=ENV) as server:
        yield request.param, server


@contextmanager
def stalled_clients(server: RunningServer, sent: bytes, count: int = STALLED
                    ) -> Iterator[list[socket.socket]]:
    with ExitStack() as stack:
        sockets = []
        for _ in range(count):
            sock = stack.enter_context(connect(server))
            sock.sendall(sent)
            sockets.append(sock)
        # The server accepts connections in order, so these are all taken before any
        # connection opened after them: no wait is needed for the attack to bite.
        yield sockets


def assert_answers_quickly(server: RunningServer) -> None:
    started = time.monotonic()
    page = requests.get(server.url + "/", timeout=10)
    page_seconds = time.monotonic() - started
    started = time.monotonic()
    event = requests.post(server.url + EVENTS_PATH, data=PAGE_LOAD, timeout=10,
                          headers={"Content-Type": "application/json"})
    event_seconds = time.monotonic() - started
    assert (page.status_code, event.status_code) == (200, 200)
    assert page_seconds < ANSWER_SECONDS and event_seconds < ANSWER_SECONDS, \
        (page_seconds, event_seconds)


@pytest.mark.integration
@pytest.mark.parametrize("attack", ATTACKS)
def test_stalled_clients_do_not_starve_the_server(served: tuple[str, RunningServer],
                                                  attack: str) -> None:
    _, server = served
    with stalled_clients(server, ATTACKS[attack]):
        assert_answers_quickly(server)


@pytest.mark.integration
# Only --prod: the dev server gives each connection its own thread, and no deadline.
@pytest.mark.parametrize("served", ["prod"], indirect=True)
def test_stalled_clients_are_closed_at_their_deadline_without_ever_taking_a_thread(
        served: tuple[str, RunningServer]) -> None:
    _, server = served
    with stalled_clients(server, ATTACKS["half head"], STALLED // 2) as heads, \
            stalled_clients(server, ATTACKS["slow body"], STALLED // 2) as bodies:
        # Past its deadline a stalled request is closed; it is never handed to a thread
        # to wait for the rest (which would starve the server from then on).
        for sock in heads + bodies:
            sock.settimeout(max(HEAD_DEADLINE_SECONDS, BODY_IDLE_SECONDS) + 5)
            assert sock.recv(1) == b""
        assert_answers_quickly(server)


@pytest.mark.integration
def test_pipelined_requests_are_all_answered(served: tuple[str, RunningServer]) -> None:
    mode, server = served
    event = event_head(b"Content-Length: %d\r\n" % len(PAGE_LOAD)) + PAGE_LOAD
    chunked = (event_head(b"Transfer-Encoding: chunked\r\n")
               + b"%x\r\n" % len(PAGE_LOAD) + PAGE_LOAD + b"\r\n0\r\n\r\n")
    with connect(server) as sock:
        sock.sendall(HEALTHZ + event + chunked + HEALTHZ)
        reader = ResponseReader(sock)
        if mode == "dev":  # the dev server closes after each response, and says so
            assert reader.next().headers["connection"] == "close"
        else:
            assert [reader.next().status for _ in range(4)] == [200] * 4


@pytest.mark.integration
def test_a_head_that_arrives_in_pieces_is_answered(served: tuple[str, RunningServer]
                                                   ) -> None:
    _, server = served
    with connect(server) as sock:
        sock.sendall(b"GET /__mesop__/healthz HTTP/1.1\r\nHo")
        # Another request answered meanwhile: the server has been round its loop since.
        assert requests.get(server.url + "/__mesop__/healthz", timeout=10).status_code == 200
        sock.sendall(b"st: x\r\n\r\n")
        assert ResponseReader(sock).next().status == 200


@pytest.mark.integration
def test_a_client_expecting_100_continue_is_told_to_send_its_body(
        served: tuple[str, RunningServer]) -> None:
    _, server = served
    with connect(server) as sock:
        sock.sendall(event_head(b"Content-Length: %d\r\nExpect: 100-continue\r\n"
                                % len(PAGE_LOAD)))
        reader = ResponseReader(sock)
        assert reader.next().status == 100
        sock.sendall(PAGE_LOAD)
        status = reader.next().status
        while status == 100:  # gunicorn says it again once a thread takes the request
            status = reader.next().status
        assert status == 200


@pytest.mark.integration
def test_a_head_over_64_kb_is_refused(served: tuple[str, RunningServer]) -> None:
    _, server = served
    with connect(server) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (70 * 1024) + b"\r\n")
        assert ResponseReader(sock).next().status == 431


@pytest.mark.integration
def test_stalled_clients_do_not_delay_a_graceful_stop() -> None:
    with running_server(PROD, env=ENV) as server, \
            stalled_clients(server, ATTACKS["half head"]), stalled_clients(server, b""):
        started = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=30)
        # gunicorn's 2 s for requests not yet in, not the 10 s head deadline (nor the
        # 30 s graceful timeout, after which gunicorn kills the worker).
        assert time.monotonic() - started < 5


@contextmanager
def plain_gunicorn(tmp_path: Path) -> Iterator[RunningServer]:
    """The documented plain gunicorn command line, with this worker class."""
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    command = [str(Path(sys.executable).parent / "gunicorn"), "--workers", "1",
               "-k", "mesop_cli.serving.buffered_worker.BufferedThreadWorker", "--threads", "8",
               "--bind", f"127.0.0.1:{port}", "--no-control-socket",
               f'mesop_cli.wsgi:create_app("{SAMPLE_APP}")']
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, env=clean_env(ENV), stdout=log,
                                   stderr=subprocess.STDOUT, cwd=tmp_path)
    server = RunningServer(f"http://127.0.0.1:{port}", process, log_path)
    try:
        deadline = time.monotonic() + 30
        while not healthy(server):
            assert process.poll() is None and time.monotonic() < deadline, server.output()
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


def healthy(server: RunningServer) -> bool:
    try:
        return requests.get(server.url + "/__mesop__/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False


@pytest.mark.integration
def test_a_plain_gunicorn_command_line_can_use_the_worker(tmp_path: Path) -> None:
    with plain_gunicorn(tmp_path) as server, stalled_clients(server, ATTACKS["half head"]):
        assert_answers_quickly(server)
