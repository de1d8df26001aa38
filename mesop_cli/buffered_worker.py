"""A gunicorn ``gthread`` worker that reads each request before giving it a thread.

gunicorn's ``gthread`` worker hands a connection to a thread as soon as its first bytes
arrive; the thread then blocks reading the rest of the head. Sixteen clients that send
half a head and stall hold eight threads for ever, and the app stops answering anyone
(a "slowloris"). This worker reads the head, and a declared body up to
:data:`PREBUFFER_BODY_BYTES`, in its event loop, where an idle connection costs nothing;
a thread only ever sees a request that has arrived. A connection that does not deliver
its head within :data:`HEAD_DEADLINE_SECONDS` is closed. Once in a thread, every blocking
socket operation times out after :data:`THREAD_IO_TIMEOUT_SECONDS`, so a client that
stalls in a body larger than the pre-read part, or stops reading its response, frees its
thread.

``mesop --prod`` uses it. A plain gunicorn command line can too::

    gunicorn -k mesop_cli.buffered_worker.BufferedThreadWorker --threads 8 \\
        'mesop_cli.wsgi:create_app("main.py")'

A buffering reverse proxy in front (nginx) does more: it holds thousands of idle
connections cheaply, terminates TLS, and absorbs slow readers of responses.
"""

from __future__ import annotations

import errno
import re
import selectors
import socket
import time
from concurrent.futures import Future
from functools import partial
from typing import Any

from gunicorn.workers.gthread import TConn, ThreadWorker

#: Time a client gets to send a whole request head (and its pre-read body): generous for
#: a real browser on a bad network, short enough that stalled connections do not pile up.
HEAD_DEADLINE_SECONDS = 10.0
#: Body bytes read before a thread is involved. Event bodies are small (an id and an
#: event) with every server-side backend; larger ones (the none backend's state) carry on
#: in the thread, bounded by THREAD_IO_TIMEOUT_SECONDS per read.
PREBUFFER_BODY_BYTES = 1024 * 1024
#: A head longer than this is handed over at once, for gunicorn's parser to refuse.
MAX_HEAD_BYTES = 64 * 1024
#: Longest a thread waits on one socket read or write.
THREAD_IO_TIMEOUT_SECONDS = 30.0

_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)")
_LAST_CHUNK = b"0\r\n\r\n"


class BufferedSocket:
    """A client socket whose ``recv`` first returns the bytes the event loop read ahead.

    Blocking mode, which gunicorn sets before a thread parses, becomes a timeout, so no
    thread waits on one client for ever. Everything else is the socket's own.
    """

    def __init__(self, sock: socket.socket) -> None:
        self.raw = sock
        self.pending = bytearray()

    def recv(self, size: int, flags: int = 0) -> bytes:
        if self.pending:
            data = bytes(self.pending[:size])
            del self.pending[:size]
            return data
        return self.raw.recv(size, flags)

    def setblocking(self, flag: bool) -> None:
        if flag:
            self.raw.settimeout(THREAD_IO_TIMEOUT_SECONDS)
        else:
            self.raw.setblocking(False)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


def head_complete(data: bytearray) -> bool:
    """Whether the request head has arrived (then a thread can parse without waiting)."""
    return data.find(b"\r\n\r\n") >= 0 or len(data) > MAX_HEAD_BYTES


def request_ready(data: bytearray) -> bool:
    """Whether the head, and the part of the body read ahead, have arrived."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return len(data) > MAX_HEAD_BYTES
    head = bytes(data[:end]).lower()
    body = len(data) - end - 4
    if body >= PREBUFFER_BODY_BYTES:
        return True
    if b"\r\ntransfer-encoding:" in head:
        # Without trailers a chunked body ends with the last chunk; one with trailers is
        # handed over at the deadline instead (the head has arrived, so it is not closed).
        return data.endswith(_LAST_CHUNK)
    length = _CONTENT_LENGTH.search(head)
    return length is None or body >= int(length.group(1))


class BufferedThreadWorker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's gthread worker with requests read in the event loop (see module doc)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Connections still arriving, with the time by which they must have.
        self._arriving: dict[TConn, float] = {}

    def accept(self, listener: socket.socket) -> None:
        if self.cfg.is_ssl:  # the TLS handshake happens in the thread: gunicorn's own path
            super().accept(listener)
            return
        try:
            client, address = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = TConn(self.cfg, BufferedSocket(client), address, listener.getsockname())
        self._start_arriving(conn)

    def on_client_socket_readable(self, conn: TConn, client: Any) -> None:
        """A kept-alive connection has a next request coming: read it here as well."""
        if not isinstance(conn.sock, BufferedSocket):
            super().on_client_socket_readable(conn, client)
            return
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._start_arriving(conn)

    def finish_request(self, conn: TConn, fs: Future[Any]) -> None:
        super().finish_request(conn, fs)
        sock = conn.sock
        if isinstance(sock, BufferedSocket) and sock.pending and conn in self.keepalived_conns:
            # A pipelined next request was read ahead with this one: the socket will not
            # look readable for it, so carry on from the buffer.
            self.poller.unregister(sock)
            self.keepalived_conns.remove(conn)
            self._start_arriving(conn)
            self._dispatch_if_ready(conn)

    def murder_pending(self) -> None:
        super().murder_pending()
        now = time.monotonic()
        for conn, deadline in list(self._arriving.items()):
            if deadline > now:
                continue
            self._stop_arriving(conn)
            if head_complete(conn.sock.pending):
                self._dispatch(conn)  # the head is in: its slow body is a thread's, bounded
            else:
                self.nr_conns -= 1
                conn.close()

    def _start_arriving(self, conn: TConn) -> None:
        conn.sock.setblocking(False)
        self._arriving[conn] = time.monotonic() + HEAD_DEADLINE_SECONDS
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_arriving, conn))

    def _stop_arriving(self, conn: TConn) -> None:
        del self._arriving[conn]
        self.poller.unregister(conn.sock)

    def _on_arriving(self, conn: TConn, _fileobj: Any) -> None:
        try:
            data = conn.sock.raw.recv(64 * 1024)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client went away before its request was complete
            self._stop_arriving(conn)
            self.nr_conns -= 1
            conn.close()
            return
        conn.sock.pending += data
        self._dispatch_if_ready(conn)

    def _dispatch_if_ready(self, conn: TConn) -> None:
        if request_ready(conn.sock.pending):
            self._stop_arriving(conn)
            self._dispatch(conn)

    def _dispatch(self, conn: TConn) -> None:
        conn.data_ready = True  # gunicorn's own wait for a first byte is not needed
        self.enqueue_req(conn)
