"""A gunicorn ``gthread`` worker that gives its threads only requests that have arrived.

gunicorn's ``gthread`` worker hands a connection to a thread as soon as its first bytes
arrive; the thread then blocks reading the rest of the head and the body. Sixteen
clients that send half a request and stall hold all eight threads of ``--workers 1
--threads 8``, and nobody else is answered (a "slowloris"). And gunicorn closes a
connection on its event loop by waiting, up to 2 s, for the client to close its side:
clients that never do stall every connection of the worker, not only their own.

This worker does that waiting in the event loop instead, where an idle connection costs a
file descriptor and a small buffer, not a thread:

- It reads each request's head and body there, and hands the connection to a thread only
  once all of it is in (:mod:`mesop_cli.serving.request_arrival` decides when). That holds for new,
  kept-alive and pipelined requests alike; a thread never waits for a client's request.
  A body longer than the app accepts (``MAX_REQUEST_BYTES``) is read only as far as the
  app needs to refuse it (413), and the connection is then closed, not drained.
- A connection whose head has not arrived within :data:`HEAD_DEADLINE_SECONDS`, or whose
  body stops arriving for :data:`BODY_IDLE_SECONDS`, is closed.
- The bytes read ahead are bounded per worker (:data:`BUFFER_BUDGET_BYTES`); past that,
  bodies wait in the kernel, where TCP flow control slows their senders.
- Closing lingers (RFC 9112 section 9.6) in the event loop without blocking it.
- Threads still write responses: a socket operation in a thread times out after
  :data:`THREAD_IO_TIMEOUT_SECONDS`, so a client that stops reading frees its thread.

TLS, the PROXY protocol and HTTP/2 prior knowledge are negotiated in gunicorn's threads;
with any of them configured, connections take gunicorn's own path, unprotected: put a
proxy in front instead. Needs gunicorn 27 (its event loop, ``TConn.data_ready``,
``Unreader.take_buffered``, and the parser :mod:`mesop_cli.serving.request_arrival` runs ahead of
the threads, whose verdicts must be the threads'): pyproject.toml bounds it to 27.x.

``mesop --prod`` uses this worker. A plain gunicorn command line can too::

    gunicorn -k mesop_cli.serving.buffered_worker.BufferedThreadWorker --threads 8 \\
        'mesop_cli.wsgi:create_app("main.py")'

A buffering reverse proxy in front (nginx) does more: it holds far more idle connections
cheaply, terminates TLS, absorbs slow readers of responses and can rate-limit clients.
"""

from __future__ import annotations

import errno
import selectors
import socket
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
from typing import Any

import gunicorn
from gunicorn.workers.gthread import STOP_KEEPALIVE_LINGER, TConn, ThreadWorker

from mesop_cli.serving.request_arrival import Arrival
from mesop_cli.web.context import MAX_REQUEST_BYTES
from mesop_cli.web.shutdown import begin_shutdown

if gunicorn.version_info < (27,):
    raise ImportError(f"{__name__} needs gunicorn 27 or newer, not {gunicorn.__version__}")

#: Time a client has to send a whole request head, from its connection (or, kept alive,
#: from its next request's first byte): generous for a phone on a bad network, short
#: enough that stalled connections do not pile up towards gunicorn's worker_connections.
HEAD_DEADLINE_SECONDS = 10.0
#: Longest pause allowed within a body (nginx's client_body_timeout, shorter).
BODY_IDLE_SECONDS = 10.0
#: Bytes one worker reads ahead for requests that are still arriving: four bodies at the
#: app's limit, while event bodies are a few hundred bytes with server-side sessions.
BUFFER_BUDGET_BYTES = 4 * MAX_REQUEST_BYTES
#: Longest a thread waits on one socket operation (writing a response, in practice).
THREAD_IO_TIMEOUT_SECONDS = 30.0
#: How long, and how much, a closing connection is read for: gunicorn's own figures.
LINGER_SECONDS = 2.0
LINGER_MAX_BYTES = 64 * 1024
#: One read from a client in the event loop.
RECV_BYTES = 64 * 1024
#: Deadlines are checked this often, not on every turn of a busy event loop.
SWEEP_INTERVAL_SECONDS = 0.25

_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_HEAD_TOO_LARGE = (b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
                   b"Connection: close\r\nContent-Length: 0\r\n\r\n")
_BAD_REQUEST = (b"HTTP/1.1 400 Bad Request\r\n"
                b"Connection: close\r\nContent-Length: 0\r\n\r\n")


class BufferedSocket:
    """A client socket whose ``recv`` returns the bytes the event loop read ahead first.

    The bytes are kept as received, so they are freed piece by piece as a thread reads
    them. Blocking mode, which gunicorn sets for its threads, becomes a timeout.
    Everything else is the socket's own.
    """

    def __init__(self, sock: socket.socket) -> None:
        self.raw = sock
        self.pending: deque[bytes] = deque()

    def recv(self, size: int) -> bytes:
        if not self.pending:
            return self.raw.recv(size)
        piece = self.pending.popleft()
        if len(piece) > size:
            self.pending.appendleft(piece[size:])
            piece = piece[:size]
        return piece

    def setblocking(self, flag: bool) -> None:
        if flag:
            self.raw.settimeout(THREAD_IO_TIMEOUT_SECONDS)
        else:
            self.raw.setblocking(False)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


class BufferedConn(TConn):  # type: ignore[misc]
    """gunicorn's connection, with the state of the request being read ahead."""

    sock: BufferedSocket

    def __init__(self, cfg: Any, sock: BufferedSocket, client: Any, server: Any,
                 linger: Callable[[BufferedConn], None]) -> None:
        super().__init__(cfg, sock, client, server)
        # The request is in before a thread sees it: gunicorn's wait for data is moot.
        self.data_ready = True
        self.linger = linger
        self.arrival = Arrival(MAX_REQUEST_BYTES, cfg, client)
        #: When the request being read, or the lingering close, is given up.
        self.deadline = 0.0
        #: Bytes read from the socket in the current phase (arriving, or lingering).
        self.bytes_in = 0
        self.paused = False
        #: The request's body was not read whole: no other request may follow on it.
        self.close_after = False

    def close(self, graceful: bool = False) -> None:
        if graceful:
            self.linger(self)  # gunicorn's graceful close would block its event loop
        else:
            super().close()


class BufferedThreadWorker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's gthread worker, with requests read in its event loop (see module doc)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cfg = self.cfg
        self._reads_ahead = not (cfg.is_ssl or cfg.proxy_protocol != "off"
                                 or cfg.http2_cleartext in ("prior-knowledge", "both"))
        self._arriving: set[BufferedConn] = set()
        self._paused: deque[BufferedConn] = deque()
        self._lingering: set[BufferedConn] = set()
        self._read_ahead = 0
        self._next_sweep = 0.0
        self._stopping_at: float | None = None

    # ---- gunicorn's hooks ---------------------------------------------------------------

    def handle_exit(self, sig: int, frame: Any) -> None:
        # SIGTERM: running streams end at their next yield and save their sessions, rather
        # than being cut off when the graceful timeout runs out.
        begin_shutdown()
        super().handle_exit(sig, frame)

    def accept(self, listener: socket.socket) -> None:
        if not self._reads_ahead:
            super().accept(listener)
            return
        try:
            client, address = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = BufferedConn(self.cfg, BufferedSocket(client), address,
                            listener.getsockname(), self._linger)
        self._arrive(conn)

    def on_client_socket_readable(self, conn: TConn, client: Any) -> None:
        if not isinstance(conn, BufferedConn):
            super().on_client_socket_readable(conn, client)
            return
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._arrive(conn)

    def handle_request(self, req: Any, conn: TConn) -> bool:
        if getattr(conn, "close_after", False):
            # Runs in the thread. Closing, rather than keeping alive, also spares the
            # thread gunicorn's drain of the unread body, which waits on the client.
            req.force_close()
        return bool(super().handle_request(req, conn))

    def finish_request(self, conn: TConn, fs: Future[Any]) -> None:
        if not isinstance(conn, BufferedConn):
            super().finish_request(conn, fs)
            return
        # The parser may have read into the next request (pipelining); gunicorn would give
        # it to a thread as it is. Put those bytes back, to be read ahead like any request.
        unreader = getattr(conn.parser, "unreader", None)
        if unreader is not None:
            ahead = unreader.take_buffered()
            if ahead:
                conn.sock.pending.appendleft(ahead)
        super().finish_request(conn, fs)
        if conn.sock.pending and conn in self.keepalived_conns:
            # Kept alive with its next request already read: the socket may never look
            # readable for it, so it does not wait in the poller as kept-alive ones do.
            self.poller.unregister(conn.sock)
            self.keepalived_conns.remove(conn)
            self._arrive(conn)

    def murder_pending(self) -> None:
        """gunicorn's sweep of its own waiting connections, then of ours."""
        super().murder_pending()
        now = time.monotonic()
        if now < self._next_sweep:
            return
        self._next_sweep = now + SWEEP_INTERVAL_SECONDS
        if not self.alive and self._stopping_at is None:
            self._stopping_at = now
        for conn in list(self._arriving):
            deadline = conn.deadline
            if self._stopping_at is not None and not conn.arrival.head_done:
                # Stopping: a head still to come gets the time gunicorn gives a kept-alive
                # connection, so silent or stalled clients do not delay the shutdown.
                deadline = min(deadline, self._stopping_at + STOP_KEEPALIVE_LINGER)
            if deadline <= now:
                self._drop(conn)
        for conn in list(self._lingering):
            if conn.deadline <= now:
                self._end_linger(conn)

    # ---- reading requests in the event loop ---------------------------------------------

    def _arrive(self, conn: BufferedConn) -> None:
        """Read ``conn``'s next request here; a thread gets it once it is all in."""
        conn.arrival = Arrival(MAX_REQUEST_BYTES, self.cfg, conn.client)
        conn.deadline = time.monotonic() + HEAD_DEADLINE_SECONDS
        conn.bytes_in = 0
        conn.close_after = False
        conn.sock.setblocking(False)
        self._arriving.add(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_readable, conn))
        for piece in conn.sock.pending:  # read with the previous request (pipelining)
            conn.arrival.feed(piece)
        self._advance(conn)

    def _on_readable(self, conn: BufferedConn, _sock: Any) -> None:
        # Over the budget, only large requests wait: small ones (every event, in practice)
        # are always read, which bounds them to RECV_BYTES per connection.
        if conn.bytes_in >= RECV_BYTES and self._read_ahead >= BUFFER_BUDGET_BYTES:
            self._pause(conn)
            return
        try:
            data = conn.sock.raw.recv(RECV_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client went away before its request was in
            self._drop(conn)
            return
        conn.sock.pending.append(data)
        conn.bytes_in += len(data)
        self._read_ahead += len(data)
        conn.arrival.feed(data)
        if conn.arrival.head_done:
            conn.deadline = time.monotonic() + BODY_IDLE_SECONDS
        self._advance(conn)

    def _advance(self, conn: BufferedConn) -> None:
        arrival = conn.arrival
        if arrival.head_too_large or arrival.refused or (arrival.invalid and arrival.head_done):
            # Answered here: gunicorn's parser would wait for more, or might (see
            # mesop_cli.serving.request_arrival), and a thread must not; or the body's framing is
            # broken, which gunicorn would only tell the app halfway through reading it.
            self._leave(conn)
            self.nr_conns -= 1
            self._send(conn, _HEAD_TOO_LARGE if arrival.head_too_large else _BAD_REQUEST)
            self._linger(conn)
        elif arrival.complete:
            self._leave(conn)
            conn.close_after = arrival.close_after
            self.enqueue_req(conn)
        elif arrival.expects_continue:
            # The client sends its body only once told to. gunicorn says so again when
            # the thread starts; clients must accept any number of 1xx (RFC 9110 15.2).
            arrival.expects_continue = False
            if not self._send(conn, _CONTINUE):
                self._drop(conn)

    def _send(self, conn: BufferedConn, data: bytes) -> bool:
        """Send a few bytes without waiting: a client that does not take them is gone."""
        try:
            return conn.sock.raw.send(data) == len(data)
        except OSError:
            return False

    def _pause(self, conn: BufferedConn) -> None:
        self.poller.unregister(conn.sock)
        conn.paused = True
        self._paused.append(conn)

    def _leave(self, conn: BufferedConn) -> None:
        """``conn``'s request is no longer being read here."""
        self._arriving.discard(conn)
        if conn.paused:
            conn.paused = False
            self._paused.remove(conn)
        else:
            self.poller.unregister(conn.sock)
        self._read_ahead -= conn.bytes_in
        now = time.monotonic()
        while self._paused and self._read_ahead < BUFFER_BUDGET_BYTES:
            waiting = self._paused.popleft()
            waiting.paused = False
            waiting.deadline = now + BODY_IDLE_SECONDS  # it waited for us, not the client
            self.poller.register(waiting.sock, selectors.EVENT_READ,
                                 partial(self._on_readable, waiting))

    def _drop(self, conn: BufferedConn) -> None:
        self._leave(conn)
        self.nr_conns -= 1
        conn.close()

    # ---- closing without blocking the event loop ----------------------------------------

    def _linger(self, conn: BufferedConn) -> None:
        """Stop sending, then read and drop what the client still sends for a moment, so
        that its kernel does not reset the connection before it has read the response."""
        conn.sock.pending.clear()
        try:
            conn.sock.raw.shutdown(socket.SHUT_WR)
            conn.sock.raw.setblocking(False)
        except OSError:
            conn.sock.raw.close()
            return
        conn.deadline = time.monotonic() + LINGER_SECONDS
        conn.bytes_in = 0
        self._lingering.add(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_lingering, conn))

    def _on_lingering(self, conn: BufferedConn, _sock: Any) -> None:
        try:
            data = conn.sock.raw.recv(RECV_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        conn.bytes_in += len(data)
        if not data or conn.bytes_in >= LINGER_MAX_BYTES:
            self._end_linger(conn)

    def _end_linger(self, conn: BufferedConn) -> None:
        self._lingering.discard(conn)
        self.poller.unregister(conn.sock)
        conn.sock.raw.close()
