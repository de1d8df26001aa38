"""A store that does not answer at launch stops the launch: mesop (dev and --prod) and the
wsgi factory under plain gunicorn, with one line naming the redacted URL, the error and
the fix, within 5 s."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.server import MESOP_COMMAND, SAMPLE_APP, clean_env, free_port

pytestmark = pytest.mark.integration

GUNICORN = Path(sys.executable).parent / "gunicorn"
PASSWORD = "hunter2-secret"


def dead_stores() -> dict[str, dict[str, str]]:
    port = free_port()  # nothing listens there
    return {
        "redis": {"MESOP_STATE_SESSION_BACKEND": "redis",
                  "MESOP_STATE_SESSION_BACKEND_REDIS_URL":
                      f"redis://:{PASSWORD}@127.0.0.1:{port}/0"},
        "postgresql": {"MESOP_STATE_SESSION_BACKEND": "sql",
                       "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI":
                           f"postgresql+psycopg://user:{PASSWORD}@127.0.0.1:{port}/x"},
    }


def run_until_exit(command: list[str], env: dict[str, str]) -> tuple[int, str, float]:
    started = time.monotonic()
    process = subprocess.run(command, env=clean_env(env), capture_output=True, text=True,
                             timeout=30, cwd=str(SAMPLE_APP.parent), stdin=subprocess.DEVNULL)
    return process.returncode, process.stdout + process.stderr, time.monotonic() - started


@pytest.mark.parametrize("store", ["redis", "postgresql"])
@pytest.mark.parametrize("mode", [[], ["--prod"], ["--workers", "2"]], ids=["dev", "prod", "w2"])
def test_mesop_stops_on_a_dead_store(store: str, mode: list[str]) -> None:
    status, output, seconds = run_until_exit(
        [str(MESOP_COMMAND), str(SAMPLE_APP), "--port", str(free_port()), *mode],
        dead_stores()[store])
    assert status == 1, output
    assert seconds < 5, seconds
    errors = [line for line in output.splitlines() if line.startswith("error ")]
    assert len(errors) == 1, output
    assert errors[0].startswith("error E005 ")
    assert "127.0.0.1:" in errors[0] and "***" in errors[0] and "Fix: start" in errors[0]
    assert PASSWORD not in output and "Traceback" not in output
    assert "serving" not in output  # no banner: nothing was served


@pytest.mark.parametrize("store", ["redis", "postgresql"])
@pytest.mark.parametrize("workers", [["-w", "1"], ["--preload", "-w", "2"]], ids=["w1", "preload"])
def test_plain_gunicorn_stops_on_a_dead_store(store: str, workers: list[str]) -> None:
    # Not several workers without --preload: when two fail to load at once, gunicorn's own
    # arbiter prints a traceback of its shutdown, whatever the app does.
    factory = f'mesop_cli.wsgi:create_app("{SAMPLE_APP}")'
    status, output, seconds = run_until_exit(
        [str(GUNICORN), *workers, "--bind", f"127.0.0.1:{free_port()}", factory],
        dead_stores()[store])
    assert status != 0, output
    assert seconds < 10, seconds  # gunicorn's arbiter adds its own shutdown
    assert "error E005 " in output and "Fix: start" in output
    assert PASSWORD not in output and "Traceback" not in output
