"""The pre-reader and gunicorn's parser reach the same verdict on every request.

The buffered worker gives a request to a thread once :class:`Arrival` says it has arrived;
the thread's gunicorn parser then reads the same bytes. If gunicorn wanted one byte more,
the thread would wait on the client: before this test, an ``HTTP/1.2`` chunked body, a
chunk-size line ending in a bare LF and trailers between 64 KB and gunicorn's limit each
held a thread until the client closed. Here both read the same generated and mutated
requests, split into the same reads, and must agree: complete, incomplete (gunicorn asked
for a byte that never came), invalid (gunicorn raised with the bytes that came), unless
the pre-reader refused the request itself, which it may only do where gunicorn's own
verdict hangs on how the bytes were split or past its caps.
"""

from __future__ import annotations

from collections import deque
from itertools import pairwise

from gunicorn.config import Config
from gunicorn.http.parser import RequestParser
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mesop_cli.serving.request_arrival import MAX_TRAILER_BYTES, Arrival
from tests.support.services import in_ci

#: Far above any body generated here, so the verdict is about framing only.
BODY_LIMIT = 16 * 1024 * 1024
#: What the application reads at a time (mesop_cli.web.body.PIECE_BYTES).
READ_BYTES = 64 * 1024
CFG = Config()
PEER = ("203.0.113.7", 40000)
#: gunicorn's limit on a chunk-size line, and on the trailer section, with CFG.
LINE_LIMIT = CFG.limit_request_field_size
TRAILER_LIMIT = CFG.limit_request_fields * (CFG.limit_request_field_size + 2) + 4


class Stalled(BaseException):
    """gunicorn asked for a byte the client has not sent: in a thread, it would wait."""


class ReceivedSocket:
    """What the thread's parser reads: the pieces the event loop received, then nothing."""

    def __init__(self, pieces: list[bytes]) -> None:
        self.pending = deque(pieces)

    def recv(self, size: int) -> bytes:
        if not self.pending:
            raise Stalled
        piece = self.pending.popleft()
        if len(piece) > size:
            self.pending.appendleft(piece[size:])
            piece = piece[:size]
        return piece


def gunicorn_verdict(pieces: list[bytes]) -> str:
    parser = RequestParser(CFG, ReceivedSocket(pieces), PEER)
    try:
        request = next(parser)
        while request.body.read(READ_BYTES):  # as the application reads, to the end
            pass
    except Stalled:
        return "incomplete"
    except Exception:
        return "invalid"
    return "complete"


def arrival_verdict(pieces: list[bytes]) -> str:
    arrival = Arrival(BODY_LIMIT, CFG, PEER)
    for piece in pieces:
        arrival.feed(piece)
    return arrival.verdict


# ---- requests ---------------------------------------------------------------------------
# Each choice is drawn from well-formed values only in a clean request (half of them), and
# from well-formed and broken ones in a messy one, so that every verdict comes up often.


def pick(draw: st.DrawFn, clean: bool, good: list[bytes], bad: list[bytes]) -> bytes:
    return draw(st.sampled_from(good if clean else good * 3 + bad))


VERSIONS = ([b"HTTP/1.1", b"HTTP/1.1", b"HTTP/1.0", b"HTTP/1.2", b"HTTP/1.9"],
            [b"HTTP/2.0", b"HTTP/1.10", b"HTTP/0.9", b"http/1.1", b"HTTP/1"])
FRAMINGS = ([[], [b"Content-Length: %d"], [b"Transfer-Encoding: chunked"],
             [b"Transfer-Encoding: chunked"], [b"Transfer-Encoding: gzip, chunked"],
             [b"Content-Length:  %d "]],
            [[b"Transfer-Encoding: chunked", b"Content-Length: %d"],
             [b"Transfer-Encoding: chunked, gzip"], [b"Transfer-Encoding: identity, chunked"],
             [b"Transfer-Encoding: Chunked"], [b"Transfer-Encoding: gzip"],
             [b"Transfer-Encoding: chunked", b"Transfer-Encoding: chunked"],
             [b"Content-Length: %d", b"Content-Length: %d"], [b"Content-Length: +%d"],
             [b"Content-Length: %d, %d"]])
HEADERS = ([b"X-A: 1", b"Accept: */*", b"Expect: 100-continue", b"Connection: close",
            b"X_Under: 1", b"X-Long: " + b"a" * 8000],
           [b"Expect: nope", b"Bad Name: 1", b"NoColon", b" folded", b"Host: again",
            b"X-Long: " + b"a" * 9000])
CHUNK_SIZES = ([b"%x", b"%X", b"00%x"], [b" %x", b"%x ", b"0x%x", b"-%x", b""])
EXTENSIONS = ([b"", b"", b"", b";a=b", b';a="q \\" x"', b" ;a"],
              [b";", b";a=\r", b";a b", b";a=\xff"])
TRAILERS = ([b"T: 1", b"X-Sum: abc", b"X_U: 1"],
            [b"Host: y", b"Content-Length: 3", b"bad", b"T: a\rb"])
EOLS = ([b"\r\n"], [b"\n"])
TERMINATORS = ([b"\r\n"], [b"\n", b"XY", b"\r", b""])


@st.composite
def chunked_body(draw: st.DrawFn, clean: bool) -> tuple[bytes, bool]:
    """A chunked body, and whether it is plain (no line or trailer near a limit)."""
    plain = True
    body = b""
    for _ in range(draw(st.integers(0, 3))):
        size = draw(st.integers(1, 40) | st.sampled_from([300, 70_000]))
        extension = pick(draw, clean, *EXTENSIONS)
        if draw(st.integers(0, 9)) == 0:
            # A chunk-size line from well under to past gunicorn's limit.
            extension = b";e=" + b"x" * draw(st.integers(LINE_LIMIT - 40, LINE_LIMIT + 40))
            plain = False
        size_format = pick(draw, clean, *CHUNK_SIZES)
        body += size_format.replace(b"%x", b"%x" % size).replace(b"%X", b"%X" % size)
        body += extension + pick(draw, clean, *EOLS) + b"d" * size
        body += pick(draw, clean, *TERMINATORS)
    body += draw(st.sampled_from([b"0", b"0", b"000", b"0;e=1"])) + pick(draw, clean, *EOLS)
    for _ in range(draw(st.integers(0, 2))):
        body += pick(draw, clean, *TRAILERS) + pick(draw, clean, *EOLS)
    if draw(st.integers(0, 5)) == 0:
        # A trailer section from under our cap, through gunicorn's, to past it.
        size = draw(st.sampled_from([
            MAX_TRAILER_BYTES - 100, MAX_TRAILER_BYTES + 100, 200_000, TRAILER_LIMIT + 10]))
        body += b"X-Big: " + b"t" * size + pick(draw, clean, *EOLS)
        plain = False
    body += pick(draw, clean, *EOLS)  # the empty line that ends the trailers
    return body, plain


@st.composite
def framed_request(draw: st.DrawFn) -> tuple[bytes, bool]:
    """A request, and whether it is plain: not mutated, no line or trailer near a limit.
    Plain ones may still be cut short: a client that stalls."""
    clean = draw(st.booleans())
    method = pick(draw, clean, [b"POST", b"POST", b"GET", b"PUT"], [b"get", b"P@ST"])
    head = pick(draw, clean, [b"", b"", b"", b"\r\n"], [b"\n", b"\r\n\r\n"])
    head += method + b" " + pick(draw, clean, [b"/e", b"/?a=1"], [b"*", b"e", b""]) + b" "
    head += pick(draw, clean, *VERSIONS) + pick(draw, clean, *EOLS)
    lines = [b"Host: x"] if draw(st.booleans()) else []
    length = draw(st.integers(0, 50) | st.just(100_000))
    framing = draw(st.sampled_from(FRAMINGS[0] if clean else FRAMINGS[0] * 2 + FRAMINGS[1]))
    lines += [line.replace(b"%d", b"%d" % length) for line in framing]
    lines += [pick(draw, clean, *HEADERS) for _ in range(draw(st.integers(0, 2)))]
    lines = draw(st.permutations(lines))
    head += b"".join(line + pick(draw, clean, *EOLS) for line in lines)
    head += pick(draw, clean, *EOLS)
    plain = True
    if any(b"chunked" in line.lower() for line in framing):
        body, plain = draw(chunked_body(clean))
    else:
        body = b"b" * max(0, length + pick(draw, clean, [0], [-1, 1, -5]))
    data = head + body + draw(st.sampled_from([b"", b"", b"GET / HTTP/1.1\r\n\r\n"]))
    if draw(st.integers(0, 2)) == 0:
        data = data[:draw(st.integers(0, len(data)))]  # the client stalls here
    for _ in range(0 if clean else draw(st.integers(0, 2))):
        plain = False
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["drop", "duplicate", "insert"]))
        if kind == "drop":
            data = data[:at] + data[at + 1:]
        elif kind == "duplicate":
            data = data[:at] + data[at:at + 1] + data[at:]
        else:
            data = data[:at] + draw(st.sampled_from([b"\r", b"\n", b";", b"0", b" "])) + data[at:]
    return data, plain


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    bounds = sorted({0, len(data), *(cut % (len(data) + 1) for cut in cuts)})
    return [data[start:end] for start, end in pairwise(bounds)]


@settings(max_examples=5000 if in_ci() else 400, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(framed_request(), st.lists(st.integers(0, 2**20), max_size=8))
def test_the_pre_reader_reaches_gunicorns_verdict(request_: tuple[bytes, bool],
                                                   cuts: list[int]) -> None:
    data, plain = request_
    pieces = split(data, cuts)
    ours, theirs = arrival_verdict(pieces), gunicorn_verdict(pieces)
    event(f"ours {ours}, gunicorn {theirs}")
    if ours == "refused":
        # Only where gunicorn's verdict hangs on the split, or past our caps.
        assert not plain, (data[:300], theirs)
    else:
        assert ours == theirs, (data[:300], [len(piece) for piece in pieces])


def test_the_three_framings_that_held_threads_are_judged_as_gunicorn_judges_them() -> None:
    head = b"POST /e HTTP/1.2\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    http12 = [head + b"5\r\nhello\r\n"]
    bare_lf = [head.replace(b"1.2", b"1.1") + b"5\nhello"]
    trailers = [head + b"0\r\nX-Big: " + b"t" * (MAX_TRAILER_BYTES + 10)]
    assert [gunicorn_verdict(case) for case in (http12, bare_lf, trailers)] == ["incomplete"] * 3
    # The first two are waited for, as gunicorn would; the third is refused at once.
    assert [arrival_verdict(case) for case in (http12, bare_lf, trailers)] == [
        "incomplete", "incomplete", "refused"]
