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

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


def clean_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MESOP_") and k != "WEB_CONCURRENCY"}
    env["PYTHON_DOTENV_DISABLED"] = "1"
    env.update(extra)
    return env


@contextmanager
def running_server(
    args: list[str], env: dict[str, str] | None = None, app: Path = SAMPLE_APP,
    startup_timeout: float = 30.0,
) -> Iterator[RunningServer]:
    port = free_port()
    command = [str(MESOP_COMMAND), str(app), "--port", str(port), *args]
    with tempfile.NamedTemporaryFile(prefix="mesop-server-", suffix=".log", delete=False) as log:
        log_path = Path(log.name)
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(command, env=clean_env(env or {}), stdout=log_file,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   cwd=str(app.parent))
    server = RunningServer(f"http://127.0.0.1:{port}", process, log_path)
    try:
        _wait_until_up(server, startup_timeout)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_path.unlink(missing_ok=True)


def _wait_until_up(server: RunningServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited with {server.process.returncode}:\n"
                               f"{server.output()}")
        try:
            if requests.get(server.url + "/__mesop__/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server did not answer within {timeout:g}s:\n{server.output()}")
