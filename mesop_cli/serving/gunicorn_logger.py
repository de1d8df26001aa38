"""gunicorn's error and access logs in the format of ``MESOP_LOG_FORMAT``.

``mesop --prod`` uses a subclass of :class:`GunicornLogger` with the launch's format and
the access log on stderr, beside the app's lines. A plain gunicorn command line gets the
same with ``--logger-class mesop_cli.serving.gunicorn_logger.GunicornLogger``, which reads
``MESOP_LOG_FORMAT`` from the environment (gunicorn sets its logger up before the app,
so ``.env`` is not read yet).
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from gunicorn import glogging

from mesop_cli.logs.formatters import FIELDS, JsonFormatter
from mesop_cli.state_format.session_ids import redact_session_ids


class GunicornLogger(glogging.Logger):  # type: ignore[misc]
    #: ``text`` keeps gunicorn's own lines; ``json`` writes JSON objects. None: read
    #: ``MESOP_LOG_FORMAT`` (plain gunicorn).
    log_format: str | None = None
    #: Write a ``-`` access log to stderr rather than gunicorn's stdout.
    access_to_stderr = False

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        log_format = self.log_format
        if log_format is None:
            log_format = os.environ.get("MESOP_LOG_FORMAT", "text").strip().lower()
        self._json = log_format == "json"
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not getattr(handler, "_gunicorn", False):
                    continue
                if self._json:
                    handler.setFormatter(JsonFormatter())
                elif handler.formatter is not None:
                    # gunicorn's own text, with session ids redacted as in ours.
                    handler.setFormatter(_Redacting(handler.formatter._fmt,
                                                    handler.formatter.datefmt))
                if (log is self.access_log and self.access_to_stderr
                        and getattr(handler, "stream", None) is sys.stdout):
                    handler.setStream(sys.stderr)

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self._json:
            super().access(resp, req, environ, request_time)
            return
        if not self.access_log_enabled or not self.access_log.isEnabledFor(logging.INFO):
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        method = environ.get("REQUEST_METHOD", "-")
        path = environ.get("PATH_INFO", "-")
        duration_ms = round(request_time.total_seconds() * 1000, 2)
        fields: dict[str, object] = {
            "method": method, "path": path,
            "status": int(status) if str(status).isdigit() else status,
        }
        sent = getattr(resp, "sent", None)
        if sent is not None:  # a count, or no key: never null
            fields["bytes"] = sent
        fields.update(duration_ms=duration_ms, remote=environ.get("REMOTE_ADDR"))
        try:
            self.access_log.info("%s %s %s", method, path, status, extra={FIELDS: fields})
        except Exception:  # as gunicorn does: a log line never fails the request
            self.exception("access log failed")


class _Redacting(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact_session_ids(super().format(record))


def launch_logger_class(log_format: str) -> type[GunicornLogger]:
    """The logger class of a ``mesop --prod`` launch: its format, access log on stderr."""
    return type("MesopGunicornLogger", (GunicornLogger,),
                {"log_format": log_format, "access_to_stderr": True})
