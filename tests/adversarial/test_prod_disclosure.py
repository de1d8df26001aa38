"""Attack: make the state store fail, then read the server's answers for its internals.

Before the fix, a store failure answered the event, and the public ``healthz`` under any
Host, with the store's own error text: under ``--prod`` too, anyone reaching the server
learnt the absolute session directory of the ``file`` backend, or the host and port of
the Redis server behind it. Now a production body says what failed in general terms and
gives a reference, and the log carries the detail on a line with the same reference;
the dev server keeps the detail in the body, for the developer.

Driven against the real server (``mesop``, dev and ``--prod``): the ``file`` backend's
directory is replaced by a plain file while serving, and a Redis server is stopped while
serving; then an event of an open tab and ``healthz`` (with a foreign Host) are asked.
"""

from __future__ import annotations

import re
import shutil
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests

from tests.support.redis_servers import plain_redis
from tests.support.server import RunningServer, running_server
from tests.support.tab import ServerError, Tab

pytestmark = pytest.mark.integration

HEALTHZ = "/__mesop__/healthz"
REFERENCE = re.compile(r"\(reference ([0-9a-f]{8})\)\.$")


def _gone_already(function: object, path: str, exc_info: tuple[type, ...]) -> None:
    if not issubclass(exc_info[0], FileNotFoundError):
        raise exc_info[1]  # type: ignore[misc]


def _break_file_store(base: Path) -> None:
    """Put a plain file where the backend's private directory was: it cannot be made again."""
    private = [entry for entry in base.iterdir() if entry.is_dir()]
    assert len(private) == 1, f"expected the backend's one directory in {base}: {private}"
    # The server unlocks (and removes a lock file) just after it answered the last event.
    shutil.rmtree(private[0], onerror=_gone_already)
    private[0].write_text("not a directory\n")


def _answers(server: RunningServer, tab: Tab) -> tuple[ServerError, requests.Response]:
    with pytest.raises(ServerError) as failed:
        tab.click("Increment")
    health = requests.get(server.url + HEALTHZ, headers={"Host": "attacker.example"},
                          timeout=30)
    return failed.value, health


def _check_prod(server: RunningServer, event: ServerError, health: requests.Response,
                secrets: list[str]) -> None:
    health_message = health.json()["message"]
    assert event.status == 503 and health.status_code == 503
    assert health.json()["status"] == "unavailable"
    for body in (event.message, health_message, health.text):
        for secret in secrets:
            assert secret not in body, f"{secret!r} disclosed in {body!r}"
    log = server.output()
    for body in (event.message, health_message):
        assert body.startswith("The state store is unavailable (reference ")
        found = REFERENCE.search(body)
        assert found is not None, body
        # The log line with that reference carries the detail the body left out.
        lines = [line for line in log.splitlines() if f"[reference {found[1]}]" in line]
        assert lines and any(secrets[0] in line for line in lines), (found[1], log[-2000:])


@pytest.mark.parametrize("prod", [True, False], ids=["prod", "dev"])
def test_file_store_failure_discloses_no_directory_in_prod(tmp_path: Path, prod: bool) -> None:
    base = tmp_path / "sessions"
    base.mkdir()
    env = {"MESOP_STATE_SESSION_BACKEND": "file",
           "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": str(base)}
    with running_server(["--prod"] if prod else [], env=env) as server:
        tab = Tab(server.url, server_side=True)
        tab.open()
        tab.click("Increment")
        _break_file_store(base)
        event, health = _answers(server, tab)
        if prod:
            _check_prod(server, event, health, [str(base), "sessions"])
        else:
            assert event.status == 503 and str(base) in event.message
            assert health.status_code == 503 and str(base) in health.json()["message"]


@pytest.mark.parametrize("prod", [True, False], ids=["prod", "dev"])
def test_redis_failure_discloses_no_host_or_port_in_prod(tmp_path: Path, prod: bool) -> None:
    with ExitStack() as redis:
        port = redis.enter_context(plain_redis(tmp_path))
        env = {"MESOP_STATE_SESSION_BACKEND": "redis",
               "MESOP_STATE_SESSION_BACKEND_REDIS_URL": f"redis://127.0.0.1:{port}/0"}
        with running_server(["--prod"] if prod else [], env=env) as server:
            tab = Tab(server.url, server_side=True)
            tab.open()
            tab.click("Increment")
            redis.close()  # the Redis server stops while mesop serves
            event, health = _answers(server, tab)
            address = f"127.0.0.1:{port}"
            if prod:
                _check_prod(server, event, health, [address, str(port)])
            else:
                assert event.status == 503 and address in event.message
                assert health.status_code == 503 and address in health.json()["message"]
