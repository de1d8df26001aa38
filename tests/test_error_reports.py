"""Errors for the public in production (general words and a reference), with the detail in
the log under the same reference; in dev, the detail in the body."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from mesop_cli.sessions.base import BackendUnavailable
from mesop_cli.sessions.memory import MemoryBackend
from mesop_cli.web import create_flask_app
from mesop_cli.web.error_reports import report
from tests.support.flask_tab import Client, make_settings, write_app

DETAIL = "redis at 10.1.2.3:6390 refused the connection"
REFERENCE = re.compile(r"\(reference ([0-9a-f]{8})\)\.$")


class DeadBackend(MemoryBackend):
    def __init__(self) -> None:
        super().__init__(ttl_seconds=600, max_bytes=1 << 20)

    def load_image(self, session_id: str, count: bool = True) -> None:
        raise BackendUnavailable(DETAIL)

    def ping(self) -> None:
        raise BackendUnavailable(DETAIL)


def logged_with(caplog: pytest.LogCaptureFixture, reference: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if f"[reference {reference}]" in r.getMessage()]


def test_report_in_prod_gives_words_and_a_reference(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="mesop_cli.web"):
        reported = report(True, "The state store is unavailable", DETAIL)
    assert reported.message == f"The state store is unavailable (reference {reported.reference})."
    assert logged_with(caplog, reported.reference) == [
        f"The state store is unavailable [reference {reported.reference}]: {DETAIL}"]


def test_report_in_dev_gives_the_detail(caplog: pytest.LogCaptureFixture) -> None:
    assert report(False, "The state store is unavailable", DETAIL).message == (
        f"The state store is unavailable: {DETAIL}.")
    assert report(False, "Oops", DETAIL, dev_message="as the developer wants").message == (
        "as the developer wants")
    assert report(True, "Oops", DETAIL, dev_message="ignored").message.startswith("Oops (ref")
    first, second = report(True, "Oops", DETAIL), report(True, "Oops", DETAIL)
    assert first.reference != second.reference


@pytest.mark.parametrize("prod", [True, False])
def test_a_dead_store_on_an_event_and_healthz(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, prod: bool
) -> None:
    flask_app = create_flask_app(write_app(tmp_path), make_settings(prod=prod),
                                 backend=DeadBackend())
    client = Client(flask_app)
    client.send(None)  # a new session needs no load
    with caplog.at_level(logging.ERROR, logger="mesop_cli.web"):
        status, body = client.post({"session": client.session, "path": "/", "event": None})
        health = flask_app.test_client().get("/__mesop__/healthz",
                                             headers={"Host": "anything.example"})
    assert status == 503 and health.status_code == 503
    assert health.get_json()["status"] == "unavailable"
    assert isinstance(body, dict)
    for message in (body["message"], health.get_json()["message"]):
        if not prod:
            assert DETAIL in message
            continue
        assert "10.1.2.3" not in message and "6390" not in message
        found = REFERENCE.search(message)
        assert found is not None, message
        assert any(DETAIL in line for line in logged_with(caplog, found[1]))
