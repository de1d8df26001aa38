"""The dev server's request log as JSON lines: werkzeug's handler with structured fields.

werkzeug logs a request when its headers go out, before the body, so it cannot say how
many bytes were sent (a streamed event's response has no length). Here the line is
written once the response has been sent, with the body's bytes as counted by
:func:`count_body_bytes` (the same count as gunicorn's access log gives).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from werkzeug.serving import WSGIRequestHandler

from mesop_cli.logs.formatters import FIELDS

_log = logging.getLogger("werkzeug")
#: The environ key holding the body's byte count of one request (a one-item list).
BYTES_SENT = "mesop_cli.bytes_sent"

Wsgi = Any  # a WSGI application: (environ, start_response) -> iterable of bytes


class _Counted:
    """The app's response iterable, adding the length of each chunk to ``sent``; closing
    it closes the app's (where Flask runs its on-close callbacks)."""

    def __init__(self, chunks: Iterable[bytes], sent: list[int]) -> None:
        self._chunks = chunks
        self._sent = sent

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            self._sent[0] += len(chunk)
            yield chunk

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()


def count_body_bytes(app: Wsgi) -> Wsgi:
    """``app``, counting the bytes of each response body into ``environ[BYTES_SENT]``."""

    def counting(environ: dict[str, Any], start_response: Any) -> _Counted:
        sent = environ[BYTES_SENT] = [0]
        return _Counted(app(environ, start_response), sent)

    return counting


class JsonRequestLogHandler(WSGIRequestHandler):
    """Logs each request as method, path, status and bytes, without werkzeug's colours
    and Apache-style date, which a JSON line has no use for."""

    _in_wsgi = False
    _status: int | str | None = None

    def run_wsgi(self) -> None:
        # werkzeug asks for the line (log_request) when the headers are sent: it is held
        # until the body has gone, or the client has.
        self._in_wsgi, self._status = True, None
        try:
            super().run_wsgi()
        finally:
            self._in_wsgi = False
            if self._status is not None:
                environ = getattr(self, "environ", None) or {}
                sent = environ.get(BYTES_SENT)
                self._write(self._status, sent[0] if sent is not None else None)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if self._in_wsgi:
            self._status = code
            return
        # Answered by werkzeug itself (a malformed request line): its size, if it said one.
        self._write(code, int(size) if str(size).isdigit() else None)

    def _write(self, code: int | str, sent: int | None) -> None:
        if not _log.isEnabledFor(logging.INFO):
            return
        method = getattr(self, "command", None) or "-"
        target = getattr(self, "path", None) or self.requestline
        path = urlsplit(target).path or target
        fields: dict[str, object] = {"method": method, "path": path}
        if str(code).isdigit():
            fields["status"] = int(code)
        if sent is not None:  # a count, or no key: never null
            fields["bytes"] = sent
        fields["remote"] = self.address_string()
        _log.info("%s %s %s", method, path, code, extra={FIELDS: fields})
