"""A save happens only under the lock it was made under.

Attack (issue 15, item 6): an event's Redis lock goes away while its handler runs (an
operator or a failover deletes the key; the lock expires under a handler longer than its
expiry). Another request takes the session, adds one and is answered; then the first
event finishes and saves over it. Before, that gave 2 answered clicks and a count of 1:
the second click was lost, silently.

Here a click holds its session until the test lets it go; meanwhile the lock is deleted,
or left to expire (the app shortens the expiry in its process), and a click on the same
session, sent to a second server on the same Redis (a worker's in-process lock would
queue it otherwise, as it should), is answered. Every click must then be counted: the first
event's save is refused (the lock is no longer its token), its stream ends with a "retry"
line, and the tab, as client.js does, goes back to its copy from before the event and
sends it again.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import redis

from tests.support.server import ROOT, RunningServer, running_server
from tests.support.services import redis_url
from tests.support.tab import Tab

pytestmark = pytest.mark.integration

APP = ROOT / "tests" / "apps" / "fenced_counter_app.py"


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.01)


@pytest.fixture
def client() -> Iterator[redis.Redis]:
    connection = redis.Redis.from_url(redis_url())
    yield connection
    connection.close()


Servers = tuple[RunningServer, RunningServer]


@pytest.fixture
def serve(tmp_path: Path, client: redis.Redis) -> Iterator[Callable[..., Servers]]:
    """Starts the app twice on one Redis under a key prefix of their own (and one secret
    key, as the instances of a deployment share); deletes the prefix's keys after."""
    prefix = f"mesop-fence-{uuid.uuid4().hex[:8]}:"
    with ExitStack() as stack:

        def start(lock_expiry: float | None = None) -> Servers:
            env = {"MESOP_STATE_SESSION_BACKEND": "redis",
                   "MESOP_STATE_SESSION_BACKEND_REDIS_URL": redis_url(),
                   "MESOP_STATE_SESSION_BACKEND_REDIS_KEY_PREFIX": prefix,
                   "MESOP_SECRET_KEY": "fenced-saves-test-key-" + "x" * 32,
                   "FENCE_STARTED": str(tmp_path / "started"),
                   "FENCE_GATE": str(tmp_path / "gate")}
            if lock_expiry is not None:
                env["FENCE_LOCK_EXPIRY_SECONDS"] = str(lock_expiry)
            servers = (stack.enter_context(running_server([], env=env, app=APP)),
                       stack.enter_context(running_server([], env=env, app=APP)))
            for server in servers:
                server.prefix = prefix  # type: ignore[attr-defined]
            return servers

        yield start
    for key in client.scan_iter(match=prefix + "*"):
        client.delete(key)


def _count(tab: Tab) -> int:
    [text] = [t for t in tab.texts() if t.startswith("Count: ")]
    return int(text.removeprefix("Count: "))


def _race(servers: Servers, tmp_path: Path, take_lock_away: Callable[[str], None]
          ) -> tuple[Tab, Tab]:
    """Tab ``first`` clicks "Slow add"; while it waits, ``take_lock_away(lock key)`` runs
    and tab ``second`` (same session, the other server) clicks "Add" and is answered;
    then the first click is let go. Returns both tabs once every click is answered."""
    server, other = servers
    first = Tab(server.url, server_side=True)
    first.open("/")
    second = Tab(other.url, server_side=True)
    second.session_id, second.state, second.sig = first.session_id, first.state, first.sig
    second.tree, second.path = first.tree, first.path
    lock_key = f"{server.prefix}lock:{first.session_id}"  # type: ignore[attr-defined]

    failures: list[BaseException] = []

    def slow_click() -> None:
        try:
            first.click("Slow add")
        except BaseException as exc:  # reported by the test's thread
            failures.append(exc)

    clicking = threading.Thread(target=slow_click)
    clicking.start()
    try:
        _wait_for((tmp_path / "started").exists, "the slow click to start")
        take_lock_away(lock_key)
        second.click("Add")
        assert _count(second) == 1
    finally:
        (tmp_path / "gate").touch()
        clicking.join(timeout=60)
    assert not clicking.is_alive() and not failures, failures
    return first, second


def test_a_deleted_lock_loses_no_answered_click(
    serve: Callable[..., Servers], client: redis.Redis, tmp_path: Path,
) -> None:
    servers = serve()

    def delete(lock_key: str) -> None:
        assert client.delete(lock_key) == 1  # the slow click holds it until now

    first, second = _race(servers, tmp_path, delete)
    # The slow click's save was refused and the click sent again, on top of the other.
    assert _count(first) == 2
    assert first.retries == 1
    second.click("Add")
    assert _count(second) == 3
    assert "lock was lost" in servers[0].output()


def test_a_lock_that_expires_under_a_long_handler_loses_no_answered_click(
    serve: Callable[..., Servers], client: redis.Redis, tmp_path: Path,
) -> None:
    servers = serve(lock_expiry=0.5)

    def expire(lock_key: str) -> None:
        _wait_for(lambda: client.exists(lock_key) == 0, "the lock to expire")

    first, second = _race(servers, tmp_path, expire)
    assert _count(first) == 2
    assert first.retries == 1
    second.click("Add")
    assert _count(second) == 3
