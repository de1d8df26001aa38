"""`make bench`: bytes uploaded per event and event latency, per backend.

Each backend gets its own server process on this machine, driven by one scripted tab.
The machine is shared and noisy, so latencies are medians and the comparison that
matters is the ratio between backends within one run.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.server import running_server  # noqa: E402
from tests.support.services import DEFAULT_POSTGRES_URI, DEFAULT_REDIS_URL  # noqa: E402
from tests.support.tab import Tab  # noqa: E402

BIG_STATE_APP = ROOT / "bench" / "big_state_app.py"
EVENTS = 200


def backend_envs(tmp: Path) -> dict[str, dict[str, str]]:
    return {
        "none": {"MESOP_STATE_SESSION_BACKEND": "none"},
        "memory": {"MESOP_STATE_SESSION_BACKEND": "memory"},
        "file": {"MESOP_STATE_SESSION_BACKEND": "file",
                 "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": str(tmp / "sessions")},
        "redis": {"MESOP_STATE_SESSION_BACKEND": "redis",
                  "MESOP_STATE_SESSION_BACKEND_REDIS_URL": DEFAULT_REDIS_URL},
        "sql (sqlite)": {"MESOP_STATE_SESSION_BACKEND": "sql",
                         "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI":
                             f"sqlite:///{tmp / 'sessions.db'}"},
        "sql (postgres)": {"MESOP_STATE_SESSION_BACKEND": "sql",
                           "MESOP_STATE_SESSION_BACKEND_SQL_CONNECTION_URI": DEFAULT_POSTGRES_URI,
                           "MESOP_STATE_SESSION_BACKEND_SQL_TABLE": "mesop_bench_sessions"},
    }


def measure(env: dict[str, str]) -> tuple[int, int, float, int]:
    """Median upload bytes, median download bytes, median latency (ms) and misses over
    EVENTS clicks."""
    with running_server(["--no-reload"], env=env, app=BIG_STATE_APP) as server:
        tab = Tab(server.url, server_side=env["MESOP_STATE_SESSION_BACKEND"] != "none")
        tab.open("/")
        uploads, downloads, latencies = [], [], []
        for _ in range(EVENTS):
            started = time.perf_counter()
            tab.click("Increment")
            latencies.append((time.perf_counter() - started) * 1000)
            uploads.append(tab.last_upload_bytes)
            downloads.append(tab.last_download_bytes)
        assert f"Count: {EVENTS}" in tab.texts()
        upload, download = int(statistics.median(uploads)), int(statistics.median(downloads))
        return upload, download, statistics.median(latencies), tab.misses


def _drop_bench_table() -> None:
    """Leave the shared PostgreSQL database as it was."""
    try:
        import sqlalchemy

        engine = sqlalchemy.create_engine(DEFAULT_POSTGRES_URI)
        with engine.begin() as conn:
            for table in ("mesop_bench_sessions", "mesop_bench_sessions_locks"):
                conn.execute(sqlalchemy.text(f'DROP TABLE IF EXISTS "{table}"'))
        engine.dispose()
    except Exception as exc:  # no PostgreSQL here: nothing was created either
        print(f"(PostgreSQL bench table not dropped: {exc})".splitlines()[0])


def main() -> None:
    print(f"{EVENTS} clicks per backend on an app with ~100 KB of state\n")
    print(f"{'backend':<16}{'upload/event':>14}{'download/event':>16}{'median ms':>11}"
          f"{'vs memory':>11}{'misses':>8}")
    results: dict[str, tuple[int, int, float, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, env in backend_envs(Path(tmp)).items():
            try:
                results[name] = measure(env)
            except Exception as exc:  # a backend whose service is down is reported, not fatal
                print(f"{name:<16}not measured: {exc}".splitlines()[0])
    _drop_bench_table()
    baseline = results.get("memory", (0, 0, 1.0, 0))[2]
    for name, (upload, download, latency, misses) in results.items():
        print(f"{name:<16}{upload:>12} B{download:>14} B{latency:>11.2f}"
              f"{latency / baseline:>10.2f}x{misses:>8}")


if __name__ == "__main__":
    main()
