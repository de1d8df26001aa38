"""Hostile requests found by a review of the event path: each is refused or made harmless."""

from __future__ import annotations

import io
from pathlib import Path

from mesop_cli.logs.formatters import configure_logging
from mesop_cli.web import create_app
from tests.support.flask_tab import Client, make_settings, write_app


def test_a_load_logs_the_pages_registered_path_not_the_browsers_text(tmp_path: Path) -> None:
    """The path of a load is the browser's word; its query (ignored to find the page)
    must not reach the log, where a line break would forge a line of its own."""
    stream = io.StringIO()
    configure_logging("text", stream)
    try:
        client = Client(create_app(write_app(tmp_path), make_settings()))
        client.path = "/?x\n2026-11-25 10:00:00,000 INFO mesop_cli.web: FORGED"
        client.send(None)
    finally:
        configure_logging("text")
    written = stream.getvalue()
    assert "event load on /:" in written
    assert "FORGED" not in written and written.count("\n") == 1
