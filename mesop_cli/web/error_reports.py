"""What an error response tells the browser, and what the log keeps.

In production a response body says what failed in general terms and gives a short
reference; the detail (a store's own error text, with its directory, host and port, or a
traceback) goes only to the log, on a line carrying the same reference, so whoever reads
the log can find the failure a user reported. In dev the body keeps the detail: the
person reading it is the developer.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from mesop_cli.logs.formatters import FIELDS, TRACEBACK

log = logging.getLogger("mesop_cli.web")


@dataclass(frozen=True)
class Reported:
    """One failure, logged: the text for the response body and the log's reference."""

    message: str
    reference: str


def new_reference() -> str:
    """Eight hex characters: enough to find one line in a day's log, and nothing more."""
    return secrets.token_hex(4)


def report(prod: bool, summary: str, detail: object, *, dev_message: str | None = None,
           traceback: str | None = None) -> Reported:
    """Log ``summary`` with ``detail`` under a new reference, and return the body's text.

    ``summary`` is a general sentence without its full stop ("The state store is
    unavailable"). In production the body is that sentence and the reference; in dev it
    is ``dev_message``, by default the summary followed by the detail. The reference is
    in the message (for text logs) and the field ``error_ref`` (for JSON logs, so a tool
    finds the line without parsing text); a ``traceback`` goes where a logged
    exception's does (``exception`` in JSON, below the message in text).
    """
    reference = new_reference()
    log.error("%s [reference %s]: %s", summary, reference, detail,
              extra={FIELDS: {"error_ref": reference}, TRACEBACK: traceback})
    if prod:
        return Reported(f"{summary} (reference {reference}).", reference)
    if dev_message is None:
        dev_message = f"{summary}: {detail}."
    return Reported(dev_message, reference)
