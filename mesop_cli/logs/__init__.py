"""How mesop-cli logs: text lines or one JSON object per line (``MESOP_LOG_FORMAT``).

The same choice applies to the app's loggers (``mesop_cli.*``), the event line, the dev
server's request log and gunicorn's error and access logs. No line carries a raw session
id: events show a hash of it, and the formatters replace anything shaped like one.
"""

from mesop_cli.logs.event_line import EVENT_LOGGER, log_event
from mesop_cli.logs.formatters import JsonFormatter, TextFormatter, configure_logging, formatter

__all__ = [
    "EVENT_LOGGER",
    "JsonFormatter",
    "TextFormatter",
    "configure_logging",
    "formatter",
    "log_event",
]
