"""Whether an HTTP/1.x request has wholly arrived, judged from its bytes as they come.

The buffered gunicorn worker (:mod:`mesop_cli.buffered_worker`) reads requests in its
event loop and gives a request to a thread only once :attr:`Arrival.complete`, so a thread
never waits on a client. This module only frames the request (where the head ends, how
long the body is); gunicorn's own parser still parses and validates it afterwards. Where
the framing is not what gunicorn would accept, the request is declared complete as it
is, for gunicorn to refuse with a 400 before it reads any body.

Each :meth:`Arrival.feed` looks at the new bytes only, so a client sending one byte at a
time costs the event loop no more than one sending them at once.
"""

from __future__ import annotations

import re

#: The longest head read ahead: far beyond real browsers (nginx's default allows 32 KB),
#: and a bound on what one stalled connection holds before it has a body.
MAX_HEAD_BYTES = 64 * 1024
#: The longest chunk-size line or trailer line, gunicorn's own limit for either.
MAX_LINE_BYTES = 8190

_BARE_LF = re.compile(rb"(?<!\r)\n")
_HEX = re.compile(rb"[0-9A-Fa-f]+")


class ChunkedBody:
    """How far a ``Transfer-Encoding: chunked`` body has arrived (RFC 9112 section 7.1)."""

    def __init__(self) -> None:
        #: Body bytes seen, without the framing: what a reader of the body can get.
        self.data_bytes = 0
        #: Whether the last chunk and the trailer section have arrived.
        self.ended = False
        #: Whether the framing is broken (gunicorn's parser will refuse it).
        self.broken = False
        self._line = bytearray()  # a chunk-size line, or a trailer line, so far
        self._data_left = 0  # chunk data still to come
        self._crlf_left = 0  # the CRLF after the chunk data
        self._in_trailers = False
        self._trailer_bytes = 0

    def feed(self, data: bytes) -> None:
        pos = 0
        while pos < len(data) and not (self.ended or self.broken):
            if self._data_left:
                step = min(self._data_left, len(data) - pos)
                self._data_left -= step
                self.data_bytes += step
                pos += step
            elif self._crlf_left:
                step = min(self._crlf_left, len(data) - pos)
                self._crlf_left -= step
                pos += step
            else:
                newline = data.find(b"\n", pos)
                end = len(data) if newline < 0 else newline + 1
                self._line += data[pos:end]
                pos = end
                if len(self._line) > MAX_LINE_BYTES:
                    self.broken = True
                elif newline >= 0:
                    self._end_line(bytes(self._line))
                    self._line.clear()

    def _end_line(self, line: bytes) -> None:
        if not line.endswith(b"\r\n"):
            self.broken = True  # a bare LF: gunicorn waits for a CRLF, then refuses
        elif self._in_trailers:
            # The trailer section ends with an empty line; its fields are gunicorn's.
            self._trailer_bytes += len(line)
            self.ended = line == b"\r\n"
            self.broken = self._trailer_bytes > MAX_HEAD_BYTES
        else:
            size = line[:-2].split(b";", 1)[0].rstrip(b" \t")
            if not _HEX.fullmatch(size):
                self.broken = True
            elif int(size, 16) == 0:
                self._in_trailers = True
            else:
                self._data_left = int(size, 16)
                self._crlf_left = 2


class Arrival:
    """One request as it arrives: feed it every byte received until :attr:`complete`.

    ``body_limit`` is the largest body the application accepts. A longer declared body is
    complete at once (the application refuses it from its head), a longer chunked body
    once more than the limit has arrived (all the application reads before refusing it);
    either way the rest of the body is never read, so :attr:`close_after` is set.
    """

    def __init__(self, body_limit: int) -> None:
        self.body_limit = body_limit
        self.head_done = False
        self.complete = False
        #: The head grew past :data:`MAX_HEAD_BYTES` without ending: refuse it (431).
        self.head_too_large = False
        #: The connection cannot carry another request after this one.
        self.close_after = False
        #: The client waits for "100 Continue" before it sends the body.
        self.expects_continue = False
        self._head = bytearray()
        self._length_left = 0
        self._chunked: ChunkedBody | None = None

    def feed(self, data: bytes) -> None:
        if self.complete:
            return  # bytes of a pipelined next request
        if not self.head_done:
            data = self._feed_head(data)
            if not self.head_done or self.complete:
                return
        if self._chunked is not None:
            self._chunked.feed(data)
            over = self._chunked.data_bytes > self.body_limit
            if self._chunked.broken or over:
                self._as_is()
            elif self._chunked.ended:
                self.complete = True
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
        if end < 0:
            if _BARE_LF.search(self._head, seen):
                self._as_is()  # gunicorn refuses a bare LF in the head at once
            elif len(self._head) > MAX_HEAD_BYTES:
                self.head_too_large = self.complete = True
            return b""
        rest = bytes(self._head[end + 4:])
        head = bytes(self._head[skip:end])
        self._head = bytearray()
        self.head_done = True
        self._frame(head)
        return rest

    def _frame(self, head: bytes) -> None:
        """Learn from the head how the body is framed (RFC 9112 section 6)."""
        request_line, *lines = head.split(b"\r\n")
        http11 = request_line.endswith(b" HTTP/1.1")
        fields: dict[bytes, list[bytes]] = {}
        for line in lines:
            name, colon, value = line.partition(b":")
            if not colon:
                self._as_is()
                return
            fields.setdefault(name.lower(), []).append(value.strip(b" \t"))
        encodings = fields.get(b"transfer-encoding")
        lengths = fields.get(b"content-length")
        if encodings is not None:
            last = b",".join(encodings).rsplit(b",", 1)[-1].strip(b" \t").lower()
            if lengths is not None or not http11 or last != b"chunked":
                self._as_is()  # smuggling-prone or unframed: gunicorn refuses these
                return
            self._chunked = ChunkedBody()
        elif lengths is not None:
            if len(lengths) > 1 or not lengths[0].isdigit():
                self._as_is()
                return
            self._length_left = int(lengths[0])
            if self._length_left > self.body_limit:
                self._as_is()  # refused from its head, before any body is read
                return
        if encodings is None and not self._length_left:
            self.complete = True
            return
        expect = [value.lower() for value in fields.get(b"expect", [])]
        self.expects_continue = http11 and expect == [b"100-continue"]

    def _as_is(self) -> None:
        """Hand the request over as far as it came; its body will not be read whole."""
        self.complete = self.close_after = True
