"""HTTP over raw sockets, to play the clients a library will not: stalled, oversized,
pipelined. Plus where a running server's memory is measured."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.server import RunningServer

EVENTS_PATH = "/__mesop__/events"
#: A page-load event: what a browser posts first.
PAGE_LOAD = b'{"path": "/"}'


def event_head(extra: bytes) -> bytes:
    """The head of an event POST, with ``extra`` header lines (each ending in CRLF)."""
    return (b"POST " + EVENTS_PATH.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\n" + extra + b"\r\n")


def connect(server: RunningServer, timeout: float = 10) -> socket.socket:
    port = int(server.url.rsplit(":", 1)[1])
    return socket.create_connection(("127.0.0.1", port), timeout=timeout)


#: How each render of an event's stream starts on the wire (compact JSON, one a line).
RENDER = b'"type":"render"'


def post_event(server: RunningServer, body: bytes) -> socket.socket:
    """A connection that has sent the event POST with ``body`` and reads its answer."""
    sock = connect(server)
    sock.sendall(event_head(b"Content-Length: %d\r\n" % len(body)) + body)
    return sock


def read_renders(sock: socket.socket, count: int) -> bytes:
    """What the stream sent until at least ``count`` renders had come (headers included)."""
    seen = b""
    while seen.count(RENDER) < count:
        data = sock.recv(65536)
        assert data, f"the server closed the stream after {seen[-300:]!r}"
        seen += data
    return seen


def reset(sock: socket.socket) -> None:
    """Drop the connection abortively (RST), as a closed tab or a lost network does."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    sock.close()


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class ResponseReader:
    """Reads the responses of one connection in order, keeping what was read past one."""

    sock: socket.socket
    buffer: bytes = field(default=b"")

    def next(self) -> RawResponse:
        while b"\r\n\r\n" not in self.buffer:
            self._more()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        status = int(status_line.split()[1])
        if "chunked" not in headers.get("transfer-encoding", ""):
            return RawResponse(status, headers, self._take(int(headers.get("content-length", 0))))
        body = b""
        while size := int(self._line(), 16):
            body += self._take(size)
            self._line()
        self._line()  # the end of the (empty) trailer section
        return RawResponse(status, headers, body)

    def _take(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._more()
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def _line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            self._more()
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def _more(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError(f"closed by the server after {self.buffer[:200]!r}")
        self.buffer += data


def serving_pid(server: RunningServer) -> int:
    """The process that serves requests: the one started in dev, its worker under
    gunicorn (started with one worker)."""
    pid = server.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return int(children[0]) if children else pid


def status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise LookupError(key)


def reset_peak_rss(pid: int) -> int:
    """Restart the process's peak resident size (VmHWM) from now; the size now, in bytes."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")
    return status_kb(pid, "VmRSS") * 1024


def peak_rss(pid: int) -> int:
    return status_kb(pid, "VmHWM") * 1024
