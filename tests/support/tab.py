"""A scripted browser tab speaking the client script's protocol over real HTTP.

Used by integration tests and benchmarks to drive a running server exactly as
client.js does: it keeps the signed state copy, applies the server's JSON patches, and
answers a miss by resending its copy once.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import jsonpatch
import requests

EVENTS_PATH = "/__mesop__/events"


class ServerError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class Tab:
    def __init__(self, base_url: str, server_side: bool, keep_alive: bool = True) -> None:
        self.base_url = base_url.rstrip("/")
        self.server_side = server_side
        # Without keep-alive every event opens a new connection, so under gunicorn it may
        # land on any worker, as events from many browsers behind a proxy do.
        self.http: requests.Session | None = requests.Session() if keep_alive else None
        self.session_id: str | None = None
        self.state: dict[str, Any] | None = None
        self.sig: str | None = None
        self.path = "/"
        self.tree: dict[str, Any] | None = None
        self.title = ""
        self.last_upload_bytes = 0
        self.last_download_bytes = 0
        #: Seconds from sending the last request to having its whole response, without
        #: the tab's own work on it (parsing, patching its copy).
        self.last_round_trip_seconds = 0.0
        self.misses = 0
        self.renders_seen = 0
        #: Events the server could not save (their session's lock was lost) and that
        #: were sent again, as client.js does on a "retry" line.
        self.retries = 0

    # ---- actions ----------------------------------------------------------------------

    def open(self, path: str = "/") -> list[dict[str, Any]]:
        self.path = path
        return self._send(None)

    def click(self, label: str) -> list[dict[str, Any]]:
        node = self.find(lambda n: n["t"] == "button" and n["p"].get("label") == label)
        return self._send({"handler": node["p"]["on_click"], "kind": "click",
                           "key": node["k"], "value": None})

    def type_into(self, label: str, value: str, kind: str = "input") -> list[dict[str, Any]]:
        node = self.find(lambda n: n["t"] in ("input", "textarea") and n["p"].get("label") == label)
        handler = node["p"]["on_" + kind]
        return self._send({"handler": handler, "kind": kind, "key": node["k"], "value": value})

    # ---- reading the page -------------------------------------------------------------

    def nodes(self) -> Iterator[dict[str, Any]]:
        stack = [self.tree] if self.tree else []
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.get("c", [])))

    def find(self, predicate: Any) -> dict[str, Any]:
        for node in self.nodes():
            if predicate(node):
                return node
        raise LookupError("no such component on the page")

    def texts(self) -> list[str]:
        return [str(n["p"]["text"]) for n in self.nodes() if n["t"] == "text"]

    # ---- protocol ---------------------------------------------------------------------

    def _send(self, event: dict[str, Any] | None, with_copy: bool = False,
              attempt: int = 0) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"session": self.session_id, "path": self.path, "event": event,
                                "has_copy": self.state is not None,
                                "version": self.state.get("#version") if self.state else None}
        if self.session_id and self.state is not None and (with_copy or not self.server_side):
            body["state"] = self.state
            body["sig"] = self.sig
        payload = json.dumps(body, separators=(",", ":")).encode()
        self.last_upload_bytes = len(payload)
        post = self.http.post if self.http is not None else requests.post
        started = time.perf_counter()
        response = post(self.base_url + EVENTS_PATH, data=payload,
                        headers={"Content-Type": "application/json", "Connection": "close"}
                        if self.http is None else {"Content-Type": "application/json"},
                        timeout=60)
        if response.status_code != 200:
            try:
                message = response.json()["message"]
            except ValueError:
                message = response.text
            raise ServerError(response.status_code, message)
        self.last_download_bytes = len(response.content)
        self.last_round_trip_seconds = time.perf_counter() - started
        messages = [json.loads(text) for text in response.text.splitlines() if text]
        for message in messages:
            if message["type"] == "miss":
                self.misses += 1
                if with_copy:
                    raise ServerError(409, "miss after resending the copy")
                return self._send(event, with_copy=True)
            if message["type"] == "error":
                raise ServerError(200, message["message"])
            if message["type"] == "retry":
                # Not saved: back to the copy the server names, and the event again.
                self.retries += 1
                if "state" in message:
                    self.session_id = message["session"]
                    self.state, self.sig = message["state"], message.get("sig")
                if attempt >= 3:
                    raise ServerError(200, message["message"])
                return self._send(event, attempt=attempt + 1)
            self._apply(message)
        return messages

    def _apply(self, message: dict[str, Any]) -> None:
        self.session_id = message["session"]
        if "state" in message:
            self.state = message["state"]
        else:
            self.state = jsonpatch.apply_patch(self.state, message["patch"])
        self.sig = message["sig"]
        self.tree = message["tree"]
        self.title = message["title"]
        self.path = message["path"]
        self.renders_seen += 1
