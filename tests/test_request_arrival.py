"""When a request has arrived, as the buffered worker judges it before a thread sees it."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesop_cli.serving.request_arrival import MAX_HEAD_BYTES, MAX_TRAILER_BYTES, Arrival

LIMIT = 1000
POST = b"POST /e HTTP/1.1\r\nHost: x\r\n"


def arrival_of(*pieces: bytes) -> Arrival:
    arrival = Arrival(LIMIT)
    for piece in pieces:
        arrival.feed(piece)
    return arrival


@pytest.mark.parametrize(("data", "complete", "close_after"), [
    (b"GET / HTTP/1.1\r\nHost: x\r\n", False, False),
    (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", True, False),
    (b"\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", True, False),  # one empty line first
    (b"GET / HTTP/1.0\r\n\r\n", True, False),
    (POST + b"Content-Length: 5\r\n\r\n{\"a", False, False),
    (POST + b"Content-Length: 5\r\n\r\n{\"a\"}", True, False),
    (POST + b"CONTENT-LENGTH:  5 \r\n\r\n{\"a\"}", True, False),
    (POST + b"Content-Length: 0\r\n\r\n", True, False),
    (POST + b"Content-Length: 1000\r\n\r\n", False, False),  # at the limit: read whole
    (POST + b"Content-Length: 1001\r\n\r\n", True, True),  # over: refused from its head
    (POST + b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", False, False),
    (POST + b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", True, False),
    (POST + b"Transfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n", False, False),
    (POST + b"Transfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n", True, False),
    # The last chunk's bytes inside chunk data do not end the body.
    (POST + b"Transfer-Encoding: chunked\r\n\r\n7\r\n0\r\n\r\n", False, False),
    # Over the limit once gunicorn's read past the app's last byte (BODY_READ_SLACK) is in.
    (POST + b"Transfer-Encoding: chunked\r\n\r\n801\r\n" + b"a" * 2025, True, True),
    (POST + b"Transfer-Encoding: chunked\r\n\r\n801\r\n" + b"a" * 2024, False, False),
    (POST + b"Transfer-Encoding: chunked\r\n\r\n3e8\r\n" + b"a" * 1000, False, False),
    # Framing gunicorn refuses (smuggling-prone or broken) goes to it as it is, at once.
    (POST + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", True, True),
    (POST + b"Content-Length: 5\r\nContent-Length: 5\r\n\r\n", True, True),
    (POST + b"Content-Length: -5\r\n\r\n", True, True),
    (POST + b"Transfer-Encoding: gzip\r\n\r\n", True, True),
    (b"POST /e HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", True, True),
    (POST + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n", True, True),
    # A bare LF does not end a chunk-size line: gunicorn waits for a CRLF, so do we.
    (POST + b"Transfer-Encoding: chunked\r\n\r\n3\nabc", False, False),
    (POST + b"Transfer-Encoding: chunked\r\n\r\n3\nabc\r\n", True, True),
    # Any HTTP/1.x is chunked as HTTP/1.1 is.
    (b"POST /e HTTP/1.2\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", False, False),
    (b"POST /e HTTP/1.9\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", True, False),
    (POST + b"Transfer-Encoding: chunked\r\n\r\n3\r\nabcXY", True, True),  # no CRLF after data
    # gunicorn refuses a request line as soon as it ends, whether the head has or not.
    (b"get / HTTP/1.1\r\nHost: x\r\n", True, True),
    (b"GET / HTTP/2.0\r\nHost: x\r\n", True, True),
    (POST + b"no colon\r\n\r\n", True, True),
    (b"GET / HTTP/1.1\nHost: x\n", True, True),  # bare LF: refused at once
])
def test_a_request_is_complete_once_its_head_and_body_are_in(
        data: bytes, complete: bool, close_after: bool) -> None:
    arrival = arrival_of(data)
    assert (arrival.complete, arrival.close_after) == (complete, close_after)


def test_a_head_that_does_not_end_is_refused_past_the_limit() -> None:
    arrival = arrival_of(b"GET / HTTP/1.1\r\nX: " + b"a" * MAX_HEAD_BYTES)
    assert arrival.head_too_large and arrival.complete
    assert not arrival_of(b"GET / HTTP/1.1\r\nX: " + b"a" * 1000).head_too_large


def test_a_client_that_expects_100_continue_is_waiting_for_it() -> None:
    head = POST + b"Content-Length: 5\r\nExpect: 100-Continue\r\n\r\n"
    assert arrival_of(head).expects_continue
    assert not arrival_of(head.replace(b"HTTP/1.1", b"HTTP/1.0")).expects_continue


def test_bytes_of_a_pipelined_next_request_are_not_this_ones() -> None:
    arrival = arrival_of(b"GET / HTTP/1.1\r\n\r\n", POST + b"Content-Length: 5\r\n\r\n")
    assert arrival.complete and not arrival.close_after


REQUESTS = [
    b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    POST + b"Content-Length: 7\r\n\r\n{\"a\":1}",
    POST + b"Transfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1;e=1\r\nc\r\n0\r\nT: 1\r\n\r\n",
    POST + b"Transfer-Encoding: chunked\r\n\r\n10\r\n" + b"a" * 16,
]


@given(st.sampled_from(REQUESTS), st.lists(st.integers(min_value=0, max_value=200)))
def test_how_the_bytes_are_split_does_not_matter(data: bytes, cuts: list[int]) -> None:
    """A request read a byte at a time is judged as one read at once."""
    bounds = sorted({0, len(data), *(cut % (len(data) + 1) for cut in cuts)})
    pieces = [data[start:end] for start, end in pairwise(bounds)]
    whole, split = arrival_of(data), arrival_of(*pieces)
    assert (split.complete, split.close_after) == (whole.complete, whole.close_after)


CHUNKED = POST + b"Transfer-Encoding: chunked\r\n\r\n"


@pytest.mark.parametrize(("data", "verdict"), [
    # Trailers past our cap (gunicorn would read on to 800 KB): refused here, at once.
    (CHUNKED + b"0\r\nX: " + b"t" * MAX_TRAILER_BYTES, "refused"),
    (CHUNKED + b"0\r\nX: " + b"t" * 1000 + b"\r\n\r\n", "complete"),
    (CHUNKED + b"0\r\nX: 1\nY: 2", "invalid"),  # gunicorn refuses a bare LF before reading on
    (CHUNKED + b"0\r\nHost: y\r\n\r\n", "invalid"),  # a field forbidden in trailers
    # A chunk-size line: under gunicorn's limit, ended right at it (whether gunicorn takes
    # it depends on its reads), past it without a CRLF (gunicorn refuses before reading on).
    (CHUNKED + b"1;e=" + b"x" * 8180 + b"\r\n", "incomplete"),
    (CHUNKED + b"1;e=" + b"x" * 8190 + b"\r\n", "refused"),
    (CHUNKED + b"1;e=" + b"x" * 8190, "invalid"),
])
def test_trailers_and_chunk_lines_near_the_limits(data: bytes, verdict: str) -> None:
    assert arrival_of(data).verdict == verdict
