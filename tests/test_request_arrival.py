"""When a request has arrived, as the buffered worker judges it before a thread sees it."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesop_cli.request_arrival import MAX_HEAD_BYTES, Arrival

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
    (POST + b"Transfer-Encoding: chunked\r\n\r\n3e9\r\n" + b"a" * 1001, True, True),
    (POST + b"Transfer-Encoding: chunked\r\n\r\n3e8\r\n" + b"a" * 1000, False, False),
    # Framing gunicorn refuses (smuggling-prone or broken) goes to it as it is, at once.
    (POST + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", True, True),
    (POST + b"Content-Length: 5\r\nContent-Length: 5\r\n\r\n", True, True),
    (POST + b"Content-Length: -5\r\n\r\n", True, True),
    (POST + b"Transfer-Encoding: gzip\r\n\r\n", True, True),
    (b"POST /e HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", True, True),
    (POST + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n", True, True),
    (POST + b"Transfer-Encoding: chunked\r\n\r\n3\nabc", True, True),
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
