"""Whether an HTTP/1.x request has wholly arrived, judged from its bytes as they come.

The buffered gunicorn worker (:mod:`mesop_cli.serving.buffered_worker`) reads requests in its
event loop and gives a request to a thread only once :attr:`Arrival.complete`, so a thread
never waits on a client. That holds only if this module and gunicorn's parser, which reads
the same bytes in the thread afterwards, agree on every request: where this module says
complete, gunicorn must not ask for another byte. So the verdict (:attr:`Arrival.verdict`)
is gunicorn's own wherever that can be had cheaply, and a refusal where it cannot:

- The head is judged by gunicorn's parser itself (versions, limits, bare LFs, framing
  headers, everything it refuses), run at the few moments its verdict can change: when
  the request line ends, when a bare LF arrives, when the request line passes gunicorn's
  limit, and when the head ends.
- The chunked body is followed here line by line with gunicorn's rules (lines end with
  CRLF only, its size and extension grammar, its line and trailer-section limits), and
  the trailers are checked by gunicorn's header parser.
- Where gunicorn's own verdict depends on how the bytes happened to be split into reads
  (a chunk-size line or a trailer section ending right around its limit), and past our
  cap on trailers, the request is refused here (:attr:`Arrival.refused`: the worker
  answers 400 and closes) instead of being guessed at.

A request gunicorn refuses with the bytes that are in is "invalid": it is handed over as it
is, for gunicorn to answer 400, and the connection closes. tests/test_request_framing_property.py
holds this module to gunicorn's verdict on generated and mutated requests.

Each :meth:`Arrival.feed` scans the new bytes only, so a client sending one byte at a time
costs the event loop no more than one sending them at once.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from gunicorn.config import Config
from gunicorn.http.body import CHUNK_EXT_RE, ChunkedReader, LengthReader
from gunicorn.http.message import MAX_REQUEST_LINE, Request
from gunicorn.http.unreader import Unreader

#: The longest head read ahead: far beyond real browsers (nginx's default allows 32 KB),
#: and a bound on what one stalled connection holds before it has a body.
MAX_HEAD_BYTES = 64 * 1024
#: The longest trailer section read ahead (gunicorn allows 800 KB): browsers send none.
MAX_TRAILER_BYTES = 64 * 1024
#: gunicorn's ``Body.read`` asks its reader for at least 1 KB, so an application that
#: reads a chunked body to one byte past its limit makes gunicorn read up to this much
#: further: a body over the limit is complete only once that much more is in.
BODY_READ_SLACK = 1024

_BARE_LF = re.compile(rb"(?<!\r)\n")
_HEX = re.compile(rb"[0-9A-Fa-f]+")

class _NeedMore(BaseException):
    """gunicorn's parser asked for a byte that has not arrived: it would wait for it.

    A BaseException, so that no ``except Exception`` on gunicorn's side can take it for a
    refusal of the request.
    """


class _Received(Unreader):  # type: ignore[misc]
    """The bytes received so far, as gunicorn's parser reads them; past them, it waits."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data: bytes | None = data

    def chunk(self, size_hint: int | None = None) -> bytes:
        if self._data is None:
            raise _NeedMore
        data, self._data = self._data, None
        return data


def _request_line_limit(cfg: Any) -> int:
    """gunicorn's limit on the request line for ``cfg`` (0: none), as its Request sets it."""
    limit = int(cfg.limit_request_line)
    return MAX_REQUEST_LINE if limit < 0 or limit >= MAX_REQUEST_LINE else limit


@cache
def _config() -> Config:
    """gunicorn's default config, built once (it holds about a hundred settings)."""
    return Config()


class ChunkedBody:
    """How far a ``Transfer-Encoding: chunked`` body has arrived, read by gunicorn's rules
    (``gunicorn.http.body.ChunkedReader``; RFC 9112 section 7.1)."""

    _SIZE, _DATA, _CRLF, _TRAILERS = range(4)

    def __init__(self, request: Any, line_limit: int, trailer_limit: int) -> None:
        #: Body bytes seen, without the framing: what a reader of the body can get.
        self.data_bytes = 0
        #: Whether the last chunk and the trailer section have arrived.
        self.ended = False
        #: gunicorn refuses the body with the bytes that are in.
        self.invalid = False
        #: gunicorn's verdict would depend on how the bytes were split into reads, or the
        #: trailers pass our cap: refused here.
        self.refused = False
        self._request = request  # gunicorn's, to check the trailers as gunicorn does
        self._line_limit = line_limit
        self._trailer_limit = min(trailer_limit, MAX_TRAILER_BYTES)
        self._gunicorn_trailer_limit = trailer_limit
        self._state = self._SIZE
        self._line = bytearray()  # the chunk-size line so far
        self._data_left = 0  # chunk data still to come
        self._crlf = bytearray()  # the two bytes after chunk data so far
        self._trailers = bytearray()  # the trailer section so far

    @property
    def done(self) -> bool:
        return self.ended or self.invalid or self.refused

    def feed(self, data: bytes) -> None:
        pos = 0
        while pos < len(data) and not self.done:
            if self._state == self._DATA:
                step = min(self._data_left, len(data) - pos)
                self._data_left -= step
                self.data_bytes += step
                pos += step
                if not self._data_left:
                    self._state = self._CRLF
            elif self._state == self._CRLF:
                step = min(2 - len(self._crlf), len(data) - pos)
                self._crlf += data[pos:pos + step]
                pos += step
                if len(self._crlf) == 2:
                    self.invalid = self._crlf != b"\r\n"
                    self._crlf.clear()
                    self._state = self._SIZE
            elif self._state == self._SIZE:
                pos = self._feed_line(data, pos)
            else:
                self._feed_trailers(data[pos:])
                pos = len(data)
        if self._state == self._SIZE and len(self._line) > self._line_limit and not self.done:
            # Every byte in is on this line, with no CRLF yet: gunicorn reads no further
            # than its limit before refusing the line.
            self.invalid = True

    def _feed_line(self, data: bytes, pos: int) -> int:
        # Only CRLF ends the line, as for gunicorn: a bare LF is one more byte of it, and
        # gunicorn refuses the line once its CRLF comes.
        newline = data.find(b"\n", pos)
        end = len(data) if newline < 0 else newline + 1
        self._line += data[pos:end]
        if newline >= 0 and self._line.endswith(b"\r\n"):
            line = bytes(self._line[:-2])
            self._line.clear()
            if len(line) + 1 > self._line_limit:
                # gunicorn checks the limit only before each read, so whether it takes
                # this line depends on where its reads happened to end.
                self.refused = True
            else:
                self._end_line(line)
        return end

    def _end_line(self, line: bytes) -> None:
        size, semicolon, extensions = line.partition(b";")
        if semicolon:
            if b"\r" in extensions:
                self.invalid = True
                return
            size = size.rstrip(b" \t")  # whitespace only before extensions (RFC 9112)
        if not _HEX.fullmatch(size) or (
                semicolon and not CHUNK_EXT_RE.fullmatch(b";" + extensions)):
            self.invalid = True
        elif int(size, 16) == 0:
            self._state = self._TRAILERS
        else:
            self._data_left = int(size, 16)
            self._state = self._DATA

    def _feed_trailers(self, data: bytes) -> None:
        seen = len(self._trailers)
        self._trailers += data
        trailers = self._trailers
        if trailers.startswith(b"\r\n"):
            self.ended = True  # no trailers
            return
        end = trailers.find(b"\r\n\r\n", max(0, seen - 3))
        if end >= 0:
            # Before its last read gunicorn held at most the section and "\r\n\r".
            if end + 3 > self._trailer_limit:
                self.refused = True
                return
            try:
                self._request.parse_headers(bytes(trailers[:end]), from_trailer=True)
            except Exception:
                self.invalid = True
                return
            self.ended = True
        elif len(trailers) > self._gunicorn_trailer_limit or _BARE_LF.search(trailers, seen):
            self.invalid = True  # gunicorn refuses before it reads on
        elif len(trailers) > self._trailer_limit:
            self.refused = True


class Arrival:
    """One request as it arrives: feed it every byte received until :attr:`complete`.

    ``cfg`` and ``peer`` are those gunicorn parses the request with (its config, the
    client's address), so that its verdict here is the one it reaches in the thread.

    ``body_limit`` is the largest body the application accepts. A longer declared body is
    complete at once (the application refuses it from its head), a longer chunked body
    once more than the limit has arrived (all the application reads before refusing it);
    either way the rest of the body is never read, so :attr:`close_after` is set.
    """

    def __init__(self, body_limit: int, cfg: Any = None, peer: Any = None) -> None:
        self.body_limit = body_limit
        self._cfg = cfg if cfg is not None else _config()
        self._peer = peer
        self.head_done = False
        self.complete = False
        #: The head grew past :data:`MAX_HEAD_BYTES` without ending: refuse it (431).
        self.head_too_large = False
        #: Refused here rather than handed to gunicorn (see the module doc): answer 400.
        self.refused = False
        #: gunicorn refuses the request with the bytes that are in: handed over as is.
        self.invalid = False
        #: The connection cannot carry another request after this one.
        self.close_after = False
        #: The client waits for "100 Continue" before it sends the body.
        self.expects_continue = False
        self._head = bytearray()
        self._line_limit = _request_line_limit(self._cfg)
        self._line_open = True  # no LF yet after the one empty line allowed first
        self._length_left = 0
        self._chunked: ChunkedBody | None = None

    @property
    def verdict(self) -> str:
        """``incomplete``, ``complete`` (for the application; its body may be over the
        limit), ``invalid`` (gunicorn refuses it as it is) or ``refused`` (by us)."""
        if not self.complete:
            return "incomplete"
        if self.refused or self.head_too_large:
            return "refused"
        return "invalid" if self.invalid else "complete"

    def feed(self, data: bytes) -> None:
        if self.complete:
            return  # bytes of a pipelined next request
        if not self.head_done:
            data = self._feed_head(data)
            if not self.head_done or self.complete:
                return
        if self._chunked is not None:
            self._chunked.feed(data)
            if self._chunked.invalid:
                self._as_is()
            elif self._chunked.refused:
                self._refuse()
            elif self._chunked.ended:
                self.complete = True
            elif self._chunked.data_bytes > self.body_limit + BODY_READ_SLACK:
                self.complete = self.close_after = True
        else:
            self._length_left -= min(len(data), self._length_left)
            self.complete = self._length_left == 0

    def _feed_head(self, data: bytes) -> bytes:
        """Add head bytes; once the head has ended, the bytes after it."""
        seen = len(self._head)
        self._head += data
        # One empty line before the request line is allowed (RFC 9112 section 2.2).
        skip = 2 if self._head.startswith(b"\r\n") else 0
        end = self._head.find(b"\r\n\r\n", max(skip, seen - 3))
        head_end = len(self._head) if end < 0 else end + 4
        request_line_ends = self._line_open and self._head.find(b"\n", max(skip, seen)) >= 0
        # The moments gunicorn's verdict on a head can change; between them it waits.
        judge = (end >= 0 or request_line_ends
                 or _BARE_LF.search(self._head, seen, head_end) is not None
                 or (self._line_open and 0 < self._line_limit < len(self._head) - skip - 2))
        self._line_open = self._line_open and not request_line_ends
        if judge:
            try:
                request = Request(self._cfg, _Received(bytes(self._head[:head_end])), self._peer)
            except _NeedMore:
                request = None
            except Exception:
                self._as_is()  # gunicorn refuses it, without waiting for more
                return b""
            if request is not None or end >= 0:
                rest = bytes(self._head[head_end:])
                self._head = bytearray()
                self.head_done = True
                if request is None:
                    self._refuse()  # a whole head gunicorn waits on: never seen, not risked
                else:
                    self._frame(request)
                return rest
        if len(self._head) > MAX_HEAD_BYTES:
            self.head_too_large = self.complete = True
        return b""

    def _frame(self, request: Any) -> None:
        """Learn from gunicorn's request how its body is framed."""
        reader = request.body.reader
        if isinstance(reader, ChunkedReader):
            self._chunked = ChunkedBody(request, reader.limit_chunk_size_line,
                                        reader.limit_trailer_section)
        elif isinstance(reader, LengthReader) and reader.length:
            if reader.length > self.body_limit:
                self.complete = self.close_after = True  # refused from its head
                return
            self._length_left = reader.length
        else:
            self.complete = True
            return
        self.expects_continue = request.version >= (1, 1) and any(
            name == "EXPECT" and value.lower() == "100-continue"
            for name, value in request.headers)

    def _as_is(self) -> None:
        """Hand the request over as far as it came, for gunicorn to refuse."""
        self.invalid = self.complete = self.close_after = True

    def _refuse(self) -> None:
        self.refused = self.complete = self.close_after = True
