"""The dev server's live channel: open tabs are told when the app reloads or fails to.

``GET /__mesop__/live`` is a stream of server-sent events. Server-sent events, and not a
WebSocket, because the messages only go one way (server to browser); they are plain HTTP,
which werkzeug's threaded dev server streams as it streams an event's renders; the
browser's ``EventSource`` reconnects by itself after a restart; and nothing new is needed
on either side (a WebSocket needs a protocol upgrade werkzeug's dev server does not do,
and a dependency to do it).

Only the dev launcher installs it (serving/launch.py, with its file watcher), when reload
is on: production (gunicorn, whose threads are a fixed pool) never registers the path, so
it answers 404 there. Each open connection holds one of the dev server's threads, so at
most :data:`MAX_LISTENERS` are served at once (the client shares one connection between
the tabs of a browser); a comment line every :data:`HEARTBEAT_SECONDS` finds the
connections whose tab went away, and their threads end.

Messages, one JSON object per event: ``hello`` on connecting (with ``version``, so a tab
that reconnects knows whether it missed a reload), then ``reload`` after each reload that
worked and ``app_error`` (message, file, line, the source around it) after one that did
not, or on connecting while the app does not load.
"""

from __future__ import annotations

import json
import queue
import secrets
import threading
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Flask, Response, current_app

from mesop_cli.runtime import AppLoadError
from mesop_cli.runtime.error_frames import source_around
from mesop_cli.web.app_holder import AppHolder, Reloaded
from mesop_cli.web.shutdown import stopping

LIVE_PATH = "/__mesop__/live"
#: Connections served at once; each holds a dev-server thread.
MAX_LISTENERS = 16
#: Seconds between comment lines on an idle connection: a closed tab's write fails and
#: its thread ends, and proxies do not time the stream out.
HEARTBEAT_SECONDS = 15.0
#: Messages a listener may have waiting; a tab that reads none is dropped from, not waited on.
_QUEUE_SIZE = 32
#: What the browser waits before reconnecting (a server restarting, say), in milliseconds.
_RETRY_MS = 1000
_EXTENSION = "mesop_live"

live_bp = Blueprint("mesop_live", __name__)


class LiveChannel:
    """The listening tabs' queues, fed by the holder's reloads."""

    def __init__(self, holder: AppHolder, max_listeners: int = MAX_LISTENERS) -> None:
        self.holder = holder
        self.max_listeners = max_listeners
        #: Per process: a tab connecting to a restarted server sees a new version.
        self._launch = secrets.token_hex(4)
        self._listeners: list[queue.Queue[dict[str, Any]]] = []
        self._guard = threading.Lock()
        holder.subscribe(self._reloaded)

    def version(self) -> str:
        return f"{self._launch}.{self.holder.generation}"

    def join(self) -> queue.Queue[dict[str, Any]] | None:
        """A new listener's queue, or None when :attr:`max_listeners` are listening."""
        with self._guard:
            if len(self._listeners) >= self.max_listeners:
                return None
            listener: queue.Queue[dict[str, Any]] = queue.Queue(_QUEUE_SIZE)
            self._listeners.append(listener)
            return listener

    def leave(self, listener: queue.Queue[dict[str, Any]]) -> None:
        with self._guard:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def listening(self) -> int:
        with self._guard:
            return len(self._listeners)

    def greeting(self) -> list[dict[str, Any]]:
        """What a tab is sent on connecting: hello, and the app's error if it has one."""
        messages: list[dict[str, Any]] = [{"type": "hello", "version": self.version()}]
        if self.holder.error is not None:
            messages.append(app_error_message(self.holder.error, self.version()))
        return messages

    def _reloaded(self, reloaded: Reloaded) -> None:
        version = f"{self._launch}.{reloaded.generation}"
        if reloaded.error is not None:
            message = app_error_message(reloaded.error, version)
        else:
            message = {"type": "reload", "version": version, "changed": list(reloaded.changed),
                       "milliseconds": round(reloaded.milliseconds)}
        with self._guard:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener.put_nowait(message)
            except queue.Full:
                self.leave(listener)  # its tab stopped reading; the stream ends at its heartbeat


def app_error_message(error: AppLoadError, version: str) -> dict[str, Any]:
    """An app that does not load, for the page's error dialog: the message, the file and
    line, the source around it and the traceback."""
    file, _, number = error.location.rpartition(":")
    line = int(number) if number.isdigit() else 0
    if not line:
        file = error.location
    source = source_around(file, line) if line else ()
    return {"type": "app_error", "version": version, "message": str(error), "file": file,
            "line": line or None, "source": [{"line": s.number, "text": s.text} for s in source],
            "traceback": error.traceback_text}


def install(flask_app: Flask, holder: AppHolder) -> LiveChannel:
    """Register the live channel on ``flask_app`` (the dev launcher only, before serving)."""
    channel = LiveChannel(holder)
    flask_app.extensions[_EXTENSION] = channel
    flask_app.register_blueprint(live_bp)
    return channel


def live_url() -> str | None:
    """The channel's path for the page's boot data (pages.py puts it under the base path);
    None where it is not installed."""
    return LIVE_PATH if _EXTENSION in current_app.extensions else None


@live_bp.get(LIVE_PATH)
def live() -> Response:
    channel: LiveChannel = current_app.extensions[_EXTENSION]
    listener = channel.join()
    if listener is None:
        # EventSource gives up on an error status: that tab is left with the reload on
        # its next event, as without the channel.
        return Response(f"At most {channel.max_listeners} live-reload connections are served "
                        "at once.\n", status=503, mimetype="text/plain")
    response = Response(_stream(channel, listener), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # a proxy in front must not hold messages
    return response


def _stream(channel: LiveChannel, listener: queue.Queue[dict[str, Any]]) -> Iterator[bytes]:
    try:
        yield f"retry: {_RETRY_MS}\n\n".encode()
        for message in channel.greeting():
            yield _event(message)
        while not stopping():
            try:
                message = listener.get(timeout=HEARTBEAT_SECONDS)
            except queue.Empty:
                yield b": heartbeat\n\n"
                continue
            yield _event(message)
    finally:
        channel.leave(listener)


def _event(message: dict[str, Any]) -> bytes:
    # json.dumps never writes a raw line break, so the message is one "data:" line.
    return f"data: {json.dumps(message)}\n\n".encode()
