"""The dev server's request log as JSON lines: werkzeug's handler with structured fields."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from werkzeug.serving import WSGIRequestHandler

from mesop_cli.logs.formatters import FIELDS

_log = logging.getLogger("werkzeug")


class JsonRequestLogHandler(WSGIRequestHandler):
    """Logs each request as method, path, status and bytes, without werkzeug's colours
    and Apache-style date, which a JSON line has no use for."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if not _log.isEnabledFor(logging.INFO):
            return
        method = getattr(self, "command", None) or "-"
        target = getattr(self, "path", None) or self.requestline
        path = urlsplit(target).path or target
        status = int(code) if str(code).isdigit() else None
        sent = int(size) if str(size).isdigit() else None
        _log.info(
            "%s %s %s", method, path, code,
            extra={FIELDS: {"method": method, "path": path, "status": status,
                            "bytes": sent, "remote": self.address_string()}},
        )
