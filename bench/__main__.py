"""`make bench`: what one event costs, per backend, state size and kind of change.

For each backend (a store that is not running is skipped with its reason), each state size
(1 KB, 100 KB, 1 MB of non-repeating strings) and each change (one int; one short item
appended to the big list):

- server time per event: median, measured in-process around the request only (the WSGI
  app called directly, through reading and closing its response; see bench/inprocess.py),
  after a few warm-up events;
- HTTP round trip p50 and p99 against a real `mesop --prod` server over loopback, and the
  bytes uploaded and downloaded per event.

Then: events/s with 8 concurrent clients on 1 process x 8 threads and on 2 processes x 8
threads (`file`, `redis`; bench/throughput.py, driven by bench/load.py in a process of its
own); startup to the first 200 (median of 5); resident memory of 1,000 `memory` sessions of
10 KB each. Last, a verdict per target of issue 7 (bench/targets.py).

The machine is shared and noisy: compare ratios within one run, and medians. Results go
to bench/results.json; `python -m bench.compare OLD.json NEW.json` prints ratios.
`make bench QUICK=1` runs fewer events (under a minute). `python -m bench.profile` shows
where the server's time goes in one cell.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from bench import ROOT, targets, throughput
from bench.inprocess import InProcessTab, served_in_process
from tests.support.server import (
    MESOP_COMMAND,
    RunningServer,
    clean_env,
    free_port,
    running_server,
)
from tests.support.services import DEFAULT_POSTGRES_URI, DEFAULT_REDIS_URL
from tests.support.tab import Tab

APP = ROOT / "bench" / "big_state_app.py"
RESULTS = ROOT / "bench" / "results.json"
QUICK = os.environ.get("QUICK", "") not in ("", "0")
EVENTS = 10 if QUICK else 60
#: Untimed events before each cell's timed ones: imports, caches and the first save done.
WARMUP = 5
#: Clicks per client per round of the throughput benchmark, and rounds.
LOAD_EVENTS, LOAD_ROUNDS = (100, 3) if QUICK else (300, 5)
SIZES = ("1KB", "100KB", "1MB")
CHANGES = {"int": "Increment", "append": "Append"}
BENCH_TABLE = "mesop_bench_sessions"


def backends(tmp: Path) -> dict[str, dict[str, str]]:
    """Environment of each backend; the keys name them in the table."""
    return {
        "none": {"MESOP_STATE_SESSION_BACKEND": "none"},
        "memory": {"MESOP_STATE_SESSION_BACKEND": "memory"},
        "file": {"MESOP_STATE_SESSION_BACKEND": "file",
                 "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": str(tmp / "sessions")},
        "redis": {"MESOP_STATE_SESSION_BACKEND": "redis",
                  "MESOP_STATE_SESSION_BACKEND_REDIS_URL":
                      os.environ.get("MESOP_TEST_REDIS_URL", DEFAULT_REDIS_URL)},
        "sql-sqlite": {"MESOP_STATE_SESSION_BACKEND": "sql",
                       "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI":
                           f"sqlite:///{tmp / 'sessions.db'}"},
        "sql-postgresql": {"MESOP_STATE_SESSION_BACKEND": "sql",
                           "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI":
                               os.environ.get("MESOP_TEST_POSTGRES_URI", DEFAULT_POSTGRES_URI),
                           "MESOP_STATE_SESSION_BACKEND_SQL_TABLE": BENCH_TABLE},
    }


def unavailable(env: dict[str, str]) -> str | None:
    """Why this backend's store cannot be used here, or None."""
    from mesop_cli.check_config import check_redis, check_sql

    if env["MESOP_STATE_SESSION_BACKEND"] == "redis":
        check = check_redis(env["MESOP_STATE_SESSION_BACKEND_REDIS_URL"], timeout=2)
    elif "postgresql" in env.get("MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI", ""):
        check = check_sql(env["MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI"], BENCH_TABLE,
                          timeout=2)
    else:
        return None
    return None if check.ok else check.detail


def server_time(env: dict[str, str], size: str, label: str, events: int = EVENTS) -> float:
    """Median µs of the server's own work per event, in-process."""
    with served_in_process(APP, env) as app:
        tab = InProcessTab(app, f"/{size}", travels=env["MESOP_STATE_SESSION_BACKEND"] == "none")
        tab.open()
        for _ in range(WARMUP):
            tab.click(label)
        return statistics.median(tab.click(label) * 1e6 for _ in range(events))


def round_trips(server: RunningServer, server_side: bool, size: str, label: str
                ) -> dict[str, float]:
    """p50/p99 ms and median bytes per event, from a new tab on the page of ``size``."""
    tab = Tab(server.url, server_side=server_side)
    tab.open(f"/{size}")
    for _ in range(WARMUP):
        tab.click(label)
    latencies, uploads, downloads = [], [], []
    for _ in range(EVENTS):
        tab.click(label)
        latencies.append(tab.last_round_trip_seconds * 1000)
        uploads.append(tab.last_upload_bytes)
        downloads.append(tab.last_download_bytes)
    latencies.sort()
    return {"rtt_p50_ms": statistics.median(latencies),
            "rtt_p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
            "upload_bytes": statistics.median(uploads),
            "download_bytes": statistics.median(downloads)}


def startup_seconds(runs: int = 5) -> float:
    """Median time from starting `mesop --prod` to its first 200."""
    times = []
    for _ in range(runs):
        port = free_port()
        began = time.perf_counter()
        process = subprocess.Popen(
            [str(MESOP_COMMAND), str(APP), "--prod", "--port", str(port)],
            env=clean_env({"MESOP_STATE_SESSION_BACKEND": "memory"}),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    if requests.get(f"http://127.0.0.1:{port}/1KB", timeout=1).ok:
                        break
                except requests.RequestException:
                    time.sleep(0.01)
            times.append(time.perf_counter() - began)
        finally:
            process.terminate()
            process.wait(20)
    return statistics.median(times)


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise LookupError("no VmRSS")


def memory_per_session(sessions: int = 1000) -> float:
    """KB of resident memory per `memory` session of 10 KB (dev server: one process)."""
    with running_server(["--no-reload"], env={"MESOP_STATE_SESSION_BACKEND": "memory"},
                        app=APP) as server:
        Tab(server.url, server_side=True).open("/10KB")  # imports and caches warmed up
        before = rss_kb(server.process.pid)
        http = requests.Session()
        for _ in range(sessions):
            tab = Tab(server.url, server_side=True)
            tab.http = http
            tab.open("/10KB")
        return (rss_kb(server.process.pid) - before) / sessions


def drop_bench_table() -> None:
    """Leave the shared PostgreSQL database as it was."""
    try:
        import sqlalchemy

        engine = sqlalchemy.create_engine(
            os.environ.get("MESOP_TEST_POSTGRES_URI", DEFAULT_POSTGRES_URI))
        with engine.begin() as conn:
            for table in (BENCH_TABLE, BENCH_TABLE + "_locks"):
                conn.execute(sqlalchemy.text(f'DROP TABLE IF EXISTS "{table}"'))
        engine.dispose()
    except Exception as exc:  # no PostgreSQL here: nothing was created either
        print(f"(PostgreSQL bench table not dropped: {exc})".splitlines()[0])


def measure_throughput(envs: dict[str, dict[str, str]], skipped: dict[str, str]
                       ) -> dict[str, dict[str, Any]]:
    print(f"\nevents/s, {throughput.CLIENTS} concurrent clients, 10 KB sessions "
          f"(median of {LOAD_ROUNDS} round(s) of {LOAD_EVENTS} clicks per client)")
    results: dict[str, dict[str, Any]] = {}
    for name in ("file", "redis"):
        if name in skipped:
            continue
        try:
            seen = throughput.measure(envs[name], APP, LOAD_EVENTS, LOAD_ROUNDS)
        except throughput.ThroughputFailed as exc:
            raise SystemExit(f"\nTHROUGHPUT BENCHMARK FAILED ({name}): {exc}") from None
        seen["server_us_10kb"] = server_time(envs[name], "10KB", "Increment")
        results[name] = seen
        for config in throughput.CONFIGS:
            rounds = seen["rounds"][config]
            cpu = statistics.median(r["worker_cpu_us_per_event"] for r in rounds)
            # How evenly the kept-alive connections landed on the workers, per round.
            split = ", ".join("/".join(f"{share:.0%}" for share in r["worker_cpu_split"])
                              for r in rounds)
            print(f"  {name:<6} {config}: {seen[config]:7.0f} events/s   worker CPU "
                  f"{cpu:5.0f} µs/event   CPU split per round: {split}")
        client_cpu = statistics.median(r["client_cpu_us_per_event"] for config in
                                       throughput.CONFIGS for r in seen["rounds"][config])
        print(f"  {name:<6} 2x8 / 1x8: {seen['ratio']:.2f}x   server time in-process "
              f"(10 KB, int): {seen['server_us_10kb']:.0f} µs   load generator CPU "
              f"{client_cpu:.0f} µs/event")
    return results


def main() -> None:
    rows: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    header = (f"{'backend':<16}{'size':>7}{'change':>8}{'server µs':>11}{'rtt p50':>9}"
              f"{'rtt p99':>9}{'up B':>8}{'down B':>9}")
    print(f"{EVENTS} events per cell{' (QUICK)' if QUICK else ''}; ms unless said\n\n{header}")
    extra: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        envs = backends(Path(tmp))
        for name, env in envs.items():
            reason = unavailable(env)
            if reason:
                skipped[name] = reason
                print(f"{name:<16}skipped: {reason}")
                continue
            server_side = env["MESOP_STATE_SESSION_BACKEND"] != "none"
            with running_server(["--prod", "--workers", "1"], env=env, app=APP) as server:
                for size in SIZES:
                    for change, label in CHANGES.items():
                        row: dict[str, Any] = {"backend": name, "size": size, "change": change,
                                               "server_us": server_time(env, size, label)}
                        row.update(round_trips(server, server_side, size, label))
                        rows.append(row)
                        print(f"{name:<16}{size:>7}{change:>8}{row['server_us']:>11.0f}"
                              f"{row['rtt_p50_ms']:>9.2f}{row['rtt_p99_ms']:>9.2f}"
                              f"{row['upload_bytes']:>8.0f}{row['download_bytes']:>9.0f}")
        extra["events_per_second"] = measure_throughput(envs, skipped)
    extra["startup_s"] = startup_seconds()
    print(f"\nstartup to first 200 (--prod, median of 5): {extra['startup_s']:.2f} s")
    extra["memory_kb_per_10kb_session"] = memory_per_session()
    print(f"resident memory per 10 KB memory session (1,000 sessions): "
          f"{extra['memory_kb_per_10kb_session']:.1f} KB")
    drop_bench_table()
    verdicts = targets.judge(rows, extra["events_per_second"], skipped)
    print("\ntargets (issue 7):")
    for verdict in verdicts:
        print(verdict.line())
    RESULTS.write_text(json.dumps({"events_per_cell": EVENTS, "warmup_events": WARMUP,
                                   "quick": QUICK, "rows": rows, **extra, "skipped": skipped,
                                   "verdicts": targets.as_json(verdicts)}, indent=2) + "\n")
    print(f"\nwritten: {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
