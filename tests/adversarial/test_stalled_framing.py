"""Request framings gunicorn waits on do not hold a thread.

Attack (issue 15, item 1): under ``--prod`` (one worker, eight threads), eight connections
each send a request in one of three framings and stall. Before, ``GET /`` then timed out
(5 s here, about 29 s by hand) until they closed: the pre-reader took each request as
complete and handed it to a thread, whose gunicorn parser waited for the rest:

- a chunked body on ``HTTP/1.2`` (the pre-reader took only ``HTTP/1.1`` as chunked;
  gunicorn takes any 1.x);
- a chunk-size line ending in a bare LF (called broken by the pre-reader; gunicorn waits
  for the CRLF before it refuses the line);
- a trailer section between 64 KB and gunicorn's limit (800 KB).

Now the first two wait in the event loop, as gunicorn would, and are served or refused
once the client goes on; the third is refused at once. tests/test_request_framing_property.py
holds the pre-reader to gunicorn's verdict on every request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest
import requests

from mesop_cli.serving.request_arrival import MAX_TRAILER_BYTES
from tests.support.raw_http import EVENTS_PATH, PAGE_LOAD, ResponseReader, connect
from tests.support.server import RunningServer, running_server

pytestmark = pytest.mark.integration

THREADS = 8
#: Generous on a shared machine: a correctness bound, not a benchmark.
ANSWER_SECONDS = 5


def chunked_event(version: bytes) -> bytes:
    return (b"POST " + EVENTS_PATH.encode() + b" " + version + b"\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")


#: What each stalled client sends, and what it sends when it goes on (if it is not
#: answered before).
FRAMINGS = {
    "HTTP/1.2 chunked": (chunked_event(b"HTTP/1.2") + b"%x\r\n" % len(PAGE_LOAD),
                         PAGE_LOAD + b"\r\n0\r\n\r\n"),
    "bare-LF chunk-size line": (chunked_event(b"HTTP/1.1") + b"%x\n" % len(PAGE_LOAD),
                                b"\r\n"),
    "trailers over 64 KB": (chunked_event(b"HTTP/1.1") + b"%x\r\n" % len(PAGE_LOAD)
                            + PAGE_LOAD + b"\r\n0\r\nX-Big: "
                            + b"t" * (MAX_TRAILER_BYTES + 1024), b""),
}
#: The answer each gets: served, refused by gunicorn once its CRLF came, refused at once.
ANSWERS = {"HTTP/1.2 chunked": 200, "bare-LF chunk-size line": 400, "trailers over 64 KB": 400}


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running_server(["--prod", "--workers", "1", "--threads", str(THREADS)],
                        env={"MESOP_STATE_SESSION_BACKEND": "memory"}) as running:
        yield running


@pytest.mark.parametrize("framing", FRAMINGS)
def test_clients_stalled_in_a_framing_gunicorn_waits_on_hold_no_thread(
        server: RunningServer, framing: str) -> None:
    sent, rest = FRAMINGS[framing]
    with ExitStack() as stack:
        stalled = [stack.enter_context(connect(server)) for _ in range(THREADS)]
        for sock in stalled:
            sock.sendall(sent)
        # The server accepts connections in order, so these are all taken before the page
        # request: were they in threads, it would wait for one of them to close.
        page = requests.get(server.url + "/", timeout=ANSWER_SECONDS)
        assert page.status_code == 200
        for sock in stalled:
            sock.sendall(rest)
            assert ResponseReader(sock).next().status == ANSWERS[framing]


def test_all_three_framings_at_once_hold_no_thread(server: RunningServer) -> None:
    with ExitStack() as stack:
        for sent, _ in list(FRAMINGS.values()) * 3:
            stack.enter_context(connect(server)).sendall(sent)
        assert requests.get(server.url + "/", timeout=ANSWER_SECONDS).status_code == 200
