"""Events/s with 8 concurrent clients: `mesop --prod` with 1 process x 8 threads against
2 processes x 8 threads, on the same backend, measured the same way in one run.

Both servers run side by side and the rounds alternate between them (1, 2, 1, 2, ...), so
drift on a shared machine falls on both alike; each round is a fresh run of the load
generator (bench/load.py, a process of its own) with new sessions, and the median round
counts. The workers' CPU time per event (from /proc) is the server's work per event under
load. The generator spreads the clients' kept-alive connections evenly over the workers
(each stays with the worker that accepted it, and the kernel's choice is often lopsided);
the workers' CPU split shows that it did.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from tests.support.server import RunningServer, running_server

CONFIGS = {"1x8": 1, "2x8": 2}
CLIENTS = 8
#: Untimed clicks per client before each round.
WARMUP = 5
TICKS = os.sysconf("SC_CLK_TCK")


class ThroughputFailed(RuntimeError):
    """The load generator found lost or refused events: no number may be reported."""


def worker_cpu_seconds(server: RunningServer) -> dict[int, float]:
    """CPU seconds (user + system) so far of each gunicorn worker of ``server``."""
    master = server.process.pid
    workers = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    seconds = {}
    for pid in map(int, workers):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        seconds[pid] = (int(fields[11]) + int(fields[12])) / TICKS
    return seconds


def one_round(server: RunningServer, events: int, path: str) -> dict[str, Any]:
    before = worker_cpu_seconds(server)
    workers = ",".join(map(str, before))
    done = subprocess.run([sys.executable, "-m", "bench.load", server.url, "--clients",
                           str(CLIENTS), "--events", str(events), "--warmup", str(WARMUP),
                           "--path", path, "--workers", workers],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise ThroughputFailed(f"{done.stderr.strip()}\nserver log:\n{server.output()[-2000:]}")
    result = json.loads(done.stdout.splitlines()[-1])
    after = worker_cpu_seconds(server)
    spent = [after[pid] - before.get(pid, 0.0) for pid in after]
    # The page loads, warm-up clicks and final read-backs also ran on the workers: their
    # CPU is shared over every request of the round.
    result["worker_cpu_us_per_event"] = sum(spent) / result["requests"] * 1e6
    result["worker_cpu_split"] = [round(s / sum(spent), 2) if sum(spent) else 0.0
                                  for s in spent]
    return result


def measure(env: dict[str, str], app: Path, events: int, rounds: int,
            path: str = "/10KB") -> dict[str, Any]:
    """Median events/s per configuration, the ratio 2x8 / 1x8, and what each round saw."""
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in CONFIGS}
    with ExitStack() as stack:
        servers = {name: stack.enter_context(running_server(
            ["--prod", "--workers", str(workers), "--threads", "8"], env=env, app=app))
            for name, workers in CONFIGS.items()}
        for _ in range(rounds):
            for name, server in servers.items():
                runs[name].append(one_round(server, events, path))
    result: dict[str, Any] = {name: statistics.median(r["events_per_s"] for r in rounds_seen)
                              for name, rounds_seen in runs.items()}
    result["ratio"] = result["2x8"] / result["1x8"]
    result["rounds"] = runs
    return result
