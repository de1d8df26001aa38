"""Start `mesop APP` as a real subprocess and wait until it serves."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_APP = ROOT / "sample" / "main.py"
#: The installed console script, exactly what a user runs.
MESOP_COMMAND = Path(sys.executable).parent / "mesop"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    #: With ``split_stderr``: where stderr went (``log_path`` then holds stdout only).
    stderr_path: Path | None = None

    def output(self) -> str:
        text = self.log_path.read_text(errors="replace")
        if self.stderr_path is not None:
            text += self.stderr_path.read_text(errors="replace")
        return text

    def errors(self) -> str:
        """What the server wrote to stderr (needs ``split_stderr``)."""
        assert self.stderr_path is not None, "start the server with split_stderr=True"
        return self.stderr_path.read_text(errors="replace")


def clean_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MESOP_") and k != "WEB_CONCURRENCY"}
    env["PYTHON_DOTENV_DISABLED"] = "1"
    env.update(extra)
    return env


@contextmanager
def running_server(
    args: list[str], env: dict[str, str] | None = None, app: Path = SAMPLE_APP,
    startup_timeout: float = 30.0, split_stderr: bool = False, base_path: str = "",
) -> Iterator[RunningServer]:
    """``base_path``: the server's MESOP_BASE_URL_PATH, where its healthz is."""
    port = free_port()
    command = [str(MESOP_COMMAND), str(app), "--port", str(port), *args]
    with tempfile.NamedTemporaryFile(prefix="mesop-server-", suffix=".log", delete=False) as log:
        log_path = Path(log.name)
    stderr_path = log_path.with_suffix(".stderr") if split_stderr else None
    with open(log_path, "wb") as log_file, \
            open(stderr_path or os.devnull, "wb") as stderr_file:
        process = subprocess.Popen(command, env=clean_env(env or {}), stdout=log_file,
                                   stderr=stderr_file if split_stderr else subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, cwd=str(app.parent))
    server = RunningServer(f"http://127.0.0.1:{port}", process, log_path, stderr_path)
    try:
        _wait_until_up(server, startup_timeout, base_path)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_path.unlink(missing_ok=True)
        if stderr_path is not None:
            stderr_path.unlink(missing_ok=True)


def _wait_until_up(server: RunningServer, timeout: float, base_path: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited with {server.process.returncode}:\n"
                               f"{server.output()}")
        try:
            health = f"{server.url}{base_path}/__mesop__/healthz"
            if requests.get(health, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server did not answer within {timeout:g}s:\n{server.output()}")


def memory_server_fixture(app: Path, name: str = "server") -> Any:
    """A module-scoped fixture serving ``app`` with ``mesop`` on the memory backend, for a
    test module to assign: ``server = memory_server_fixture(APP)``."""
    import pytest

    @pytest.fixture(scope="module", name=name)
    def served() -> Iterator[RunningServer]:
        with running_server([], env={"MESOP_STATE_SESSION_BACKEND": "memory"},
                            app=app) as running:
            yield running

    return served
