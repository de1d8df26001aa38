"""A Redis that freezes (SIGSTOP) costs quick 503s, and the session works again within
seconds of its return: no lock left behind by a command sent before a timeout."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.server import RunningServer, free_port, running_server
from tests.support.services import require
from tests.support.tab import ServerError, Tab

pytestmark = pytest.mark.integration

APP = Path(__file__).parent / "support" / "security_app.py"


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A redis-server of this test's own, which it may freeze without harming others."""
    binary = shutil.which("redis-server")
    require(binary is not None, "redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()
        yield url, process
    finally:
        os.kill(process.pid, signal.SIGCONT)
        process.terminate()
        process.wait(10)


def timed(call) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    try:
        result = call()
    except ServerError as exc:
        result = exc
    return time.monotonic() - started, result


def count_line(tab: Tab) -> str:
    return next(text for text in tab.texts() if text.startswith("count="))


@pytest.mark.parametrize("mode", [["--prod"], []], ids=["prod", "dev"])
def test_a_frozen_redis_gives_quick_503s_and_no_wedged_session(
    own_redis: tuple[str, subprocess.Popen[bytes]], mode: list[str]
) -> None:
    url, redis_process = own_redis
    env = {"MESOP_STATE_SESSION_BACKEND": "redis",
           "MESOP_STATE_SESSION_BACKEND_REDIS_URL": url}
    server: RunningServer
    with running_server(mode, env=env, app=APP) as server:
        tab = Tab(server.url, server_side=True)
        tab.open("/")
        tab.click("Increment")

        os.kill(redis_process.pid, signal.SIGSTOP)
        try:
            seconds, refused = timed(lambda: tab.click("Increment"))
            assert isinstance(refused, ServerError) and refused.status == 503, refused
            assert seconds < 5, seconds
            seconds, health = timed(
                lambda: requests.get(server.url + "/__mesop__/healthz", timeout=10))
            assert isinstance(health, requests.Response) and health.status_code == 503
            assert seconds < 2, seconds
        finally:
            os.kill(redis_process.pid, signal.SIGCONT)

        resumed = time.monotonic()
        while True:
            try:
                tab.click("Increment")
                break
            except ServerError as exc:
                assert exc.status == 503, exc
                assert time.monotonic() - resumed < 5, "the session stayed locked"
                time.sleep(0.2)
        assert time.monotonic() - resumed < 5
        assert count_line(tab) == "count=2 role=guest wiped=False"
