"""`python -m bench.load URL`: the throughput benchmark's load generator, in a process of
its own so that it does not share the server's interpreter.

Each client is one tab with a session of its own, clicking as fast as the server answers:
one request in flight per client. The generator must cost the server's machine as little
as possible, so it is one thread with one selector over raw sockets; each request is a
prebuilt body with the version spliced in, and each answer is parsed only for the version
the next event must name. With a server-side backend a client uploads no state.

Nothing is counted that the server did not do: every answer must be a render (a miss, an
error or any status but 200 fails the run), and at the end each session is read back from
the server, whose counter must equal the clicks sent. On success the last line of stdout
is a JSON object; on failure the exit status is 1 and stderr says what was lost.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import selectors
import socket
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

EVENTS_PATH = "/__mesop__/events"
#: Where the bench app (bench/big_state_app.py) keeps the counter its Increment button adds to.
COUNTER = ("State", "count")
_CONTENT_LENGTH = re.compile(rb"content-length:[ \t]*(\d+)")


class LoadFailed(Exception):
    """An event was refused, lost or answered with something other than a render."""


@dataclass
class Response:
    status: int
    body: bytes


def parse_response(buffer: bytes) -> tuple[Response, bytes] | None:
    """The first whole response in ``buffer`` and what follows it, or None while it is
    incomplete. Responses are a few KB, so reparsing a partial one from the start is
    cheaper than keeping parser state."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = buffer[:end].lower()
    status = int(head[9:12])
    position = end + 4
    if b"transfer-encoding: chunked" not in head:
        match = _CONTENT_LENGTH.search(head)
        length = int(match.group(1)) if match else 0
        if len(buffer) < position + length:
            return None
        return Response(status, buffer[position:position + length]), buffer[position + length:]
    chunks = []
    while True:
        line_end = buffer.find(b"\r\n", position)
        if line_end < 0:
            return None
        size = int(buffer[position:line_end].split(b";", 1)[0], 16)
        position = line_end + 2
        if size == 0:
            # No trailers are sent: the empty line ends the response.
            if len(buffer) < position + 2:
                return None
            return Response(status, b"".join(chunks)), buffer[position + 2:]
        if len(buffer) < position + size + 2:
            return None
        chunks.append(buffer[position:position + size])
        position += size + 2


def messages_of(response: Response) -> list[dict[str, Any]]:
    if response.status != 200:
        raise LoadFailed(f"HTTP {response.status}: {response.body[:300]!r}")
    return [json.loads(text) for text in response.body.splitlines() if text]


@dataclass
class Client:
    """One tab: its session, the version of its state, and its connection."""

    host: str
    port: int
    path: str
    reconnect: bool
    session: str = ""
    version: int = 0
    handler: str = ""
    clicks: int = 0
    #: Requests sent on this client's behalf, all kinds (page loads, clicks, read-backs).
    requests: int = 0
    sock: socket.socket | None = None
    buffer: bytes = b""
    sent_at: float = 0.0
    latencies: list[float] = field(default_factory=list)
    _prefix: bytes = b""

    # ---- building requests --------------------------------------------------------------

    def _request(self, body: bytes) -> bytes:
        connection = b"Connection: close\r\n" if self.reconnect else b""
        return (b"POST " + EVENTS_PATH.encode() + b" HTTP/1.1\r\nHost: " + self.host.encode()
                + b"\r\nContent-Type: application/json\r\n" + connection
                + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)

    def click_request(self) -> bytes:
        return self._request(self._prefix + str(self.version).encode() + b"}")

    def load_request(self, has_copy: bool) -> bytes:
        body = {"session": self.session or None, "path": self.path, "event": None,
                "has_copy": has_copy, "version": self.version or None}
        return self._request(json.dumps(body, separators=(",", ":")).encode())

    # ---- following the session ----------------------------------------------------------

    def follow(self, response: Response) -> dict[str, Any]:
        """Take the session and version from a response; the last render."""
        render: dict[str, Any] = {}
        for message in messages_of(response):
            if message["type"] != "render":
                raise LoadFailed(f"session {self.session[:8]}: {message['type']}: "
                                 f"{str(message)[:300]}")
            render = message
            if "state" in message:
                self.version = message["state"]["#version"]
            else:
                for op in message["patch"]:
                    if op["path"] == "/#version":
                        self.version = op["value"]
        if not render:
            raise LoadFailed(f"session {self.session[:8]}: an answer without a render")
        if self.session and render["session"] != self.session:
            raise LoadFailed(f"session {self.session[:8]} was replaced by a new one: its "
                             "state was lost")
        self.session = render["session"]
        return render

    def open(self, label: str) -> None:
        render = self.follow(self.exchange(self.load_request(has_copy=False)))
        self.handler = find_handler(render["tree"], label)
        event = {"handler": self.handler, "kind": "click", "key": "", "value": None}
        head = json.dumps({"session": self.session, "path": self.path, "event": event,
                           "has_copy": True}, separators=(",", ":"))
        self._prefix = head[:-1].encode() + b',"version":'

    def stored_count(self) -> int:
        """The counter as the server holds it now, read on a connection of its own."""
        self.reconnect, reconnect = True, self.reconnect
        try:
            render = self.follow(self.exchange(self.load_request(has_copy=False)))
        finally:
            self.reconnect = reconnect
        value: Any = render["state"]
        for key in COUNTER:
            value = value[key]
        return int(value)

    # ---- the connection -----------------------------------------------------------------

    def connect(self) -> socket.socket:
        self.sock = socket.create_connection((self.host, self.port), timeout=60)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        return self.sock

    def exchange(self, request: bytes) -> Response:
        """One request and its response, blocking (setting up and checking, not timed)."""
        if self.sock is None or self.reconnect:
            self.connect()
        assert self.sock is not None
        self.sock.sendall(request)
        self.requests += 1
        while (parsed := parse_response(self.buffer)) is None:
            data = self.sock.recv(65536)
            if not data:
                raise LoadFailed("the server closed the connection before answering")
            self.buffer += data
        response, self.buffer = parsed
        if self.reconnect:
            self.close()
        return response

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def find_handler(tree: dict[str, Any], label: str) -> str:
    stack = [tree]
    while stack:
        node = stack.pop()
        if node["t"] == "button" and node["p"].get("label") == label:
            return node["p"]["on_click"]
        stack.extend(node["c"])
    raise LoadFailed(f"no button {label!r} on the page")


def serving_worker(sock: socket.socket, workers: list[int]) -> int | None:
    """The worker process holding the server's end of ``sock`` (a connection to a local
    server that has answered on it, so a worker has accepted it), or None if none does."""
    client_port = sock.getsockname()[1]
    inode = ""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                if int(fields[2].rsplit(":", 1)[1], 16) == client_port:
                    inode = fields[9]
    if not inode:
        return None
    target = f"socket:[{inode}]"
    for pid in workers:
        directory = Path(f"/proc/{pid}/fd")
        for fd in directory.iterdir():
            with contextlib.suppress(OSError):
                if os.readlink(fd) == target:
                    return pid
    return None


def open_balanced(clients: list[Client], label: str, workers: list[int]) -> None:
    """Open every client so that each worker serves an equal share of the kept-alive
    connections, as many browsers spread over the workers would. Which worker accepts a
    connection is up to the kernel (with 8 connections and 2 workers, 7 and 1 happens), and
    a connection stays with its worker: a client on a worker that has its share already
    reconnects and starts a new session."""
    share = -(-len(clients) // len(workers))
    held = dict.fromkeys(workers, 0)
    for client in clients:
        for _ in range(50):
            client.open(label)
            assert client.sock is not None
            worker = serving_worker(client.sock, workers)
            if worker is not None and held[worker] < share:
                held[worker] += 1
                break
            client.close()
            client.session, client.version = "", 0
        else:
            raise LoadFailed(f"could not spread the connections over the workers: {held}")


def run(clients: list[Client], events: int) -> float:
    """``events`` clicks per client, all clients at once; the seconds it took."""
    selector = selectors.DefaultSelector()
    registered: set[socket.socket] = set()
    remaining = len(clients)

    def send(client: Client) -> None:
        if client.sock is None:
            client.connect()
        if client.sock not in registered:
            selector.register(client.sock, selectors.EVENT_READ, client)
            registered.add(client.sock)
        client.requests += 1
        client.sent_at = time.perf_counter()
        client.sock.sendall(client.click_request())  # type: ignore[union-attr]

    began = time.perf_counter()
    for client in clients:
        send(client)
    while remaining:
        ready = selector.select(timeout=60)
        if not ready:
            raise LoadFailed("no answer within 60 s")
        for key, _ in ready:
            client: Client = key.data
            data = client.sock.recv(65536)  # type: ignore[union-attr]
            if not data:
                raise LoadFailed("the server closed a connection before answering")
            client.buffer += data
            parsed = parse_response(client.buffer)
            if parsed is None:
                continue
            response, client.buffer = parsed
            client.latencies.append(time.perf_counter() - client.sent_at)
            client.follow(response)
            client.clicks += 1
            if client.reconnect:
                selector.unregister(client.sock)
                registered.discard(client.sock)  # type: ignore[arg-type]
                client.close()
            if client.clicks < events:
                send(client)
            else:
                remaining -= 1
    seconds = time.perf_counter() - began
    selector.close()
    return seconds


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="the server, e.g. http://127.0.0.1:32123")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--events", type=int, default=200, help="clicks per client, timed")
    parser.add_argument("--warmup", type=int, default=5, help="clicks per client first, untimed")
    parser.add_argument("--path", default="/10KB")
    parser.add_argument("--label", default="Increment")
    parser.add_argument("--reconnect", action="store_true",
                        help="a new connection per event (default: one kept alive per client)")
    parser.add_argument("--workers", type=lambda text: [int(p) for p in text.split(",")],
                        default=[], help="pids of the server's workers (comma-separated): "
                        "spread the kept-alive connections evenly over them")
    args = parser.parse_args(argv)
    address = urlsplit(args.url)
    clients = [Client(address.hostname or "127.0.0.1", address.port or 80, args.path,
                      args.reconnect) for _ in range(args.clients)]
    try:
        if args.workers and not args.reconnect:
            open_balanced(clients, args.label, args.workers)
        for client in clients:
            if not client.session:
                client.open(args.label)
            for _ in range(args.warmup):
                client.follow(client.exchange(client.click_request()))
                client.clicks += 1
        cpu_before = time.process_time()
        seconds = run(clients, args.warmup + args.events)
        client_cpu = time.process_time() - cpu_before
        for client in clients:
            client.close()
            stored = client.stored_count()
            if stored != client.clicks:
                raise LoadFailed(f"session {client.session[:8]} counted {stored} clicks of "
                                 f"{client.clicks} sent: events were lost")
    except (LoadFailed, OSError, ValueError, KeyError) as exc:
        print(f"load generator: FAILED: {exc}", file=sys.stderr)
        return 1
    latencies = sorted(t for client in clients for t in client.latencies)
    total = args.clients * args.events
    print(json.dumps({
        "events": total, "seconds": seconds, "events_per_s": total / seconds,
        "latency_p50_ms": statistics.median(latencies) * 1000,
        "latency_p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "client_cpu_us_per_event": client_cpu / total * 1e6,
        "verified_sessions": len(clients),
        "requests": sum(client.requests for client in clients),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
