"""`make bench`: what one event costs, per backend, state size and kind of change.

For each backend (a store that is not running is skipped with its reason), each state size
(1 KB, 100 KB, 1 MB of non-repeating strings) and each change (one int; one short item
appended to the big list):

- server time per event: median, measured in-process around the request (Flask's test
  client, so no network and no client work is counted);
- HTTP round trip p50 and p99 against a real `mesop --prod` server over loopback, and the
  bytes uploaded and downloaded per event.

The machine is shared and noisy: compare ratios within one run, and medians. Results go
to bench/results.json; `python -m bench.compare OLD.json NEW.json` prints ratios.
`make bench QUICK=1` runs fewer events.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.flask_tab import Client, make_settings  # noqa: E402
from tests.support.server import running_server  # noqa: E402
from tests.support.services import DEFAULT_POSTGRES_URI, DEFAULT_REDIS_URL  # noqa: E402
from tests.support.tab import Tab  # noqa: E402

APP = ROOT / "bench" / "big_state_app.py"
RESULTS = ROOT / "bench" / "results.json"
QUICK = os.environ.get("QUICK", "") not in ("", "0")
EVENTS = 15 if QUICK else 60
SIZES = {"1KB": 1_000, "100KB": 100_000, "1MB": 1_000_000}
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
    from mesop_cli.checks import check_redis, check_sql

    if env["MESOP_STATE_SESSION_BACKEND"] == "redis":
        check = check_redis(env["MESOP_STATE_SESSION_BACKEND_REDIS_URL"], timeout=2)
    elif "postgresql" in env.get("MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI", ""):
        check = check_sql(env["MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI"], BENCH_TABLE,
                          timeout=2)
    else:
        return None
    return None if check.ok else check.detail


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def server_times(env: dict[str, str], size: int, label: str) -> float:
    """Median µs per event, in-process."""
    from mesop_cli.sessions import create_backend
    from mesop_cli.web import create_app

    overrides: dict[str, Any] = {"backend": env["MESOP_STATE_SESSION_BACKEND"]}
    if "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR" in env:
        overrides["file_base_dir"] = env["MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR"]
    overrides["redis_url"] = env.get("MESOP_STATE_SESSION_BACKEND_REDIS_URL")
    overrides["sql_connection_uri"] = env.get("MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI")
    overrides["sql_table"] = env.get("MESOP_STATE_SESSION_BACKEND_SQL_TABLE",
                                     "mesop_state_sessions")
    settings = make_settings(**overrides)
    with environment({"BENCH_STATE_BYTES": str(size)}):
        backend = create_backend(settings)
        client = Client(create_app(APP, settings, backend=backend))
        client.send(None)
        travels = settings.backend == "none"
        times = []
        for _ in range(EVENTS):
            started = time.perf_counter()
            client.click(label, with_copy=travels)
            times.append((time.perf_counter() - started) * 1e6)
        backend.close()
    return statistics.median(times)


def round_trips(env: dict[str, str], size: int, label: str) -> dict[str, float]:
    """p50/p99 ms and median bytes per event against a real --prod server."""
    with running_server(["--prod", "--workers", "1"], env={**env, "BENCH_STATE_BYTES": str(size)},
                        app=APP) as server:
        tab = Tab(server.url, server_side=env["MESOP_STATE_SESSION_BACKEND"] != "none")
        tab.open("/")
        latencies, uploads, downloads = [], [], []
        for _ in range(EVENTS):
            started = time.perf_counter()
            tab.click(label)
            latencies.append((time.perf_counter() - started) * 1000)
            uploads.append(tab.last_upload_bytes)
            downloads.append(tab.last_download_bytes)
    latencies.sort()
    return {"rtt_p50_ms": statistics.median(latencies),
            "rtt_p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
            "upload_bytes": statistics.median(uploads),
            "download_bytes": statistics.median(downloads)}


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


def main() -> None:
    rows: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    header = (f"{'backend':<16}{'size':>7}{'change':>8}{'server µs':>11}{'rtt p50':>9}"
              f"{'rtt p99':>9}{'up B':>8}{'down B':>9}")
    print(f"{EVENTS} events per cell{' (QUICK)' if QUICK else ''}\n\n{header}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, env in backends(Path(tmp)).items():
            reason = unavailable(env)
            if reason:
                skipped[name] = reason
                print(f"{name:<16}skipped: {reason}")
                continue
            for size_name, size in SIZES.items():
                for change, label in CHANGES.items():
                    row: dict[str, Any] = {"backend": name, "size": size_name, "change": change,
                                           "server_us": server_times(env, size, label)}
                    row.update(round_trips(env, size, label))
                    rows.append(row)
                    print(f"{name:<16}{size_name:>7}{change:>8}{row['server_us']:>11.0f}"
                          f"{row['rtt_p50_ms']:>9.2f}{row['rtt_p99_ms']:>9.2f}"
                          f"{row['upload_bytes']:>8.0f}{row['download_bytes']:>9.0f}")
    drop_bench_table()
    RESULTS.write_text(json.dumps({"events_per_cell": EVENTS, "quick": QUICK, "rows": rows,
                                   "skipped": skipped}, indent=2) + "\n")
    print(f"\nwritten: {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
