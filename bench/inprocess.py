"""A tab that calls the WSGI app directly, timing only the server's part of each event.

The timed part is what a WSGI server does with a request once it has read it: call the
app, read the response stream to its end and close it (closing saves the session and
releases its lock). Everything the client does (building the body and the WSGI environ,
parsing the answer, applying the JSON Patch to its copy of the state) happens outside it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jsonpatch
from werkzeug.test import EnvironBuilder

EVENTS_PATH = "/__mesop__/events"
BACKEND_ENV = {
    "MESOP_STATE_SESSION_BACKEND": "backend",
    "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": "file_base_dir",
    "MESOP_STATE_SESSION_BACKEND_REDIS_URL": "redis_url",
    "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI": "sql_connection_uri",
    "MESOP_STATE_SESSION_BACKEND_SQL_TABLE": "sql_table",
}


class EventFailed(RuntimeError):
    """The server answered an event with something other than a render."""


def _ignore_write(data: bytes) -> None:
    """The legacy WSGI write callable; Flask never calls it."""


class InProcessTab:
    """One browser tab on one page, talking to the WSGI app without a network.

    ``travels``: the state goes to the browser and back with every event (the `none`
    backend), so the tab uploads its signed copy, as the client script does.
    """

    def __init__(self, wsgi_app: Callable[..., Any], path: str, travels: bool) -> None:
        self.app = wsgi_app
        self.path = path
        self.travels = travels
        self.session: str | None = None
        self.state: dict[str, Any] | None = None
        self.sig: str | None = None
        self.tree: dict[str, Any] = {}
        #: Seconds the server spent on the last event.
        self.last_server_seconds = 0.0
        #: Started and stopped around the server's part of each event (bench.profile).
        self.profiler: Any = None

    def open(self) -> None:
        self._send(None)

    def click(self, label: str) -> float:
        """Click the button labelled ``label``; the server's seconds for that event."""
        self._send({"handler": self._handler(label), "kind": "click", "key": "",
                    "value": None})
        return self.last_server_seconds

    def _handler(self, label: str) -> str:
        stack = [self.tree]
        while stack:
            node = stack.pop()
            if node["t"] == "button" and node["p"]["label"] == label:
                return node["p"]["on_click"]
            stack.extend(node["c"])
        raise LookupError(f"no button {label!r} on {self.path}")

    def _send(self, event: dict[str, Any] | None) -> None:
        body: dict[str, Any] = {"session": self.session, "path": self.path, "event": event,
                                "has_copy": self.state is not None,
                                "version": self.state["#version"] if self.state else None}
        if self.travels and self.state is not None:
            body.update(state=self.state, sig=self.sig)
        environ = EnvironBuilder(path=EVENTS_PATH, method="POST",
                                 data=json.dumps(body, separators=(",", ":")).encode(),
                                 content_type="application/json").get_environ()
        status, data = self._call(environ)
        if not status.startswith("200"):
            raise EventFailed(f"{status}: {data[:300]!r}")
        for text in data.splitlines():
            message = json.loads(text)
            if message["type"] != "render":
                raise EventFailed(f"{message['type']}: {str(message)[:300]}")
            self.session = message["session"]
            # In place, as the browser does: a deep copy of a 1 MB state between events
            # would evict the server's code and data from the CPU caches and show up as
            # server time that grows with the state (measured: 1 KB events went from 300
            # to over 500 µs with a 1 MB copy made between them).
            self.state = (message["state"] if "state" in message
                          else jsonpatch.apply_patch(self.state, message["patch"],
                                                     in_place=True))
            self.sig = message["sig"]
            self.tree = message["tree"]

    def _call(self, environ: dict[str, Any]) -> tuple[str, bytes]:
        """The timed part: the server's whole handling of one request."""
        statuses: list[str] = []

        def start_response(status: str, headers: list[Any], exc_info: Any = None
                           ) -> Callable[[bytes], None]:
            statuses.append(status)
            return _ignore_write

        if self.profiler is not None:
            self.profiler.start()
        started = time.perf_counter()
        stream = self.app(environ, start_response)
        try:
            data = b"".join(stream)
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        self.last_server_seconds = time.perf_counter() - started
        if self.profiler is not None:
            self.profiler.stop()
        return statuses[0], data


@contextmanager
def served_in_process(app_path: Path, env: dict[str, str]) -> Iterator[Any]:
    """The WSGI app as one `--prod` worker builds it, with the backend named in ``env``
    (the same variables the launcher reads); the backend is closed afterwards."""
    from mesop_cli.sessions import create_backend
    from mesop_cli.web import create_flask_app
    from tests.support.flask_tab import make_settings

    overrides = {field: env[name] for name, field in BACKEND_ENV.items() if name in env}
    settings = make_settings(prod=True, reload=False, **overrides)
    backend = create_backend(settings)
    try:
        yield create_flask_app(app_path, settings, backend=backend)
    finally:
        backend.close()
