"""Metrics that add up over gunicorn workers: one scrape, whichever worker answers it,
counts the events of them all, dead workers included; the launch's directory is private
and removed when the server stops."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.support.server import RunningServer, clean_env, free_port, running_server
from tests.support.tab import Tab

pytestmark = pytest.mark.integration

GUNICORN = Path(sys.executable).parent / "gunicorn"


def scrape(url: str, summed: tuple[str, ...] = ("kind", "handler")) -> dict[str, float]:
    """Every sample of one scrape, by name and labels, e.g. ``events{backend="file"}``,
    added up over the labels ``summed`` (by default an event's kind and handler)."""
    text = requests.get(url + "/__mesop__/metrics", timeout=10).text
    samples: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items())
                              if k not in summed)
            key = f"{sample.name}{{{labels}}}"
            samples[key] = samples.get(key, 0.0) + sample.value
    return samples


def run_events(url: str, tabs: int, clicks: int) -> int:
    """Page loads and clicks from tabs that open a new connection per event, so they land
    on whichever worker accepts it; returns how many events the server handled."""
    handled = 0
    for _ in range(tabs):
        tab = Tab(url, server_side=True, keep_alive=False)
        tab.open("/")
        handled += 1
        for _ in range(clicks):
            tab.click("Increment")
            handled += 1
        assert f"Count: {clicks}" in tab.texts()
    return handled


def run_events_on_several_workers(url: str, directory: Path, clicks: int = 5,
                                  most_tabs: int = 40) -> int:
    """Tabs of ``1 + clicks`` events until at least two workers have counted some (which
    one accepts a connection is the kernel's choice, so this takes a few tabs)."""
    handled = 0
    for _ in range(most_tabs):
        handled += run_events(url, tabs=1, clicks=clicks)
        if handled >= 30 and len(pids_with_files(directory, "counter")) >= 2:
            return handled
    pytest.fail(f"{handled} events, all served by one worker")


def worker_pids(master: int) -> list[int]:
    return [int(pid) for pid in
            Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def metrics_directory(tmp: Path) -> Path:
    made = list(tmp.glob("mesop-metrics-*"))
    assert len(made) == 1, made
    return made[0]


def pids_with_files(directory: Path, prefix: str) -> set[int]:
    return {int(path.stem.rsplit("_", 1)[1]) for path in directory.glob(f"{prefix}_*.db")}


def server_env(tmp_path: Path, backend: str) -> dict[str, str]:
    tmp = tmp_path / "tmp"
    tmp.mkdir(exist_ok=True)
    # The launch's directory goes under TMPDIR: here, where the test can watch it.
    return {"TMPDIR": str(tmp), "MESOP_STATE_SESSION_BACKEND": backend,
            "MESOP_STATE_SESSION_BACKEND_FILE_BASE_DIR": str(tmp_path / "sessions"),
            "MESOP_SECRET_KEY": "metrics-test-key-" * 3}


def test_three_workers_one_scrape_counts_every_event(tmp_path: Path) -> None:
    env = server_env(tmp_path, "file")
    with running_server(["--prod", "--workers", "3"], env=env) as server:
        directory = metrics_directory(Path(env["TMPDIR"]))
        info = os.stat(directory)
        assert stat.S_IMODE(info.st_mode) == 0o700 and info.st_uid == os.getuid()
        handled = run_events_on_several_workers(server.url, directory)
        # Several workers served them, each keeping its own count in its own file.
        counted_by = pids_with_files(directory, "counter")
        assert len(counted_by & set(worker_pids(server.process.pid))) >= 2, counted_by
        for _ in range(3):  # whichever worker answers the scrape, the sum is the same
            samples = scrape(server.url)
            assert samples['mesop_events_total{backend="file"}'] == handled
            assert samples['mesop_event_duration_seconds_count{backend="file"}'] == handled
            assert samples['mesop_event_errors_total{backend="file"}'] == 0
            # Each click loaded its session; each page load started a new one.
            assert samples['mesop_session_hits_total{backend="file"}'] == handled * 5 / 6
            assert samples['mesop_lock_wait_seconds_count{backend="file"}'] == handled
            # The HTTP meters add up too: in flight, only this scrape; every event a 2xx.
            assert samples["mesop_http_requests_in_flight{}"] == 1
            assert samples['mesop_http_responses_total{status_class="2xx"}'] >= handled
            assert samples['mesop_http_responses_total{status_class="5xx"}'] == 0
        by_handler = scrape(server.url, summed=())
        assert by_handler['mesop_events_total{backend="file",handler="increment",'
                          'kind="click"}'] == handled * 5 / 6
        assert by_handler['mesop_events_total{backend="file",handler="",kind="load"}'] \
            == handled / 6
        (build,) = [key for key in by_handler if key.startswith("mesop_build_info{")]
        assert by_handler[build] == 1 and 'version="' in build  # one, though 3 workers
    assert not directory.exists(), "the launch's metrics directory outlived the server"


def test_a_killed_worker_keeps_its_counts_and_the_server_serves_on(tmp_path: Path) -> None:
    env = server_env(tmp_path, "memory")
    with running_server(["--prod", "--workers", "3"], env=env) as server:
        directory = metrics_directory(Path(env["TMPDIR"]))
        handled = run_events(server.url, tabs=4, clicks=5)
        holding = pids_with_files(directory, "gauge_livesum") & set(
            worker_pids(server.process.pid))
        assert holding, "no worker holds memory sessions"
        victim = min(holding)
        os.kill(victim, signal.SIGKILL)
        _wait_for_replacement(server, victim)
        # gunicorn's child_exit hook dropped the dead worker's gauge (the memory it held)...
        assert victim not in pids_with_files(directory, "gauge_livesum")
        # ...and kept its counters: nothing counted goes back.
        assert victim in pids_with_files(directory, "counter")
        assert scrape(server.url)['mesop_events_total{backend="memory"}'] == handled
        handled += run_events(server.url, tabs=3, clicks=5)
        samples = scrape(server.url)
        assert samples['mesop_events_total{backend="memory"}'] == handled
        assert samples['mesop_session_bytes_stored{backend="memory"}'] > 0
    assert not directory.exists()


def _wait_for_replacement(server: RunningServer, victim: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        workers = worker_pids(server.process.pid)
        if victim not in workers and len(workers) == 3:
            return
        time.sleep(0.1)
    pytest.fail(f"gunicorn did not replace worker {victim}:\n{server.output()}")


def test_plain_gunicorn_with_the_config_module_adds_workers_up(tmp_path: Path) -> None:
    env = server_env(tmp_path, "file")
    app = Path(__file__).resolve().parents[1] / "sample" / "main.py"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "python:mesop_cli.gunicorn_conf", "-w", "2",
         "-k", "mesop_cli.serving.buffered_worker.BufferedThreadWorker", "--threads", "4",
         "--bind", f"127.0.0.1:{port}", f'mesop_cli.wsgi:create_app("{app}")'],
        cwd=tmp_path, env=clean_env(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    try:
        _wait_until_healthy(url, process)
        directory = metrics_directory(Path(env["TMPDIR"]))
        handled = run_events_on_several_workers(url, directory)
        assert len(pids_with_files(directory, "counter")) == 2  # both workers counted
        for _ in range(3):
            assert scrape(url)['mesop_events_total{backend="file"}'] == handled
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "Traceback" not in output, output
    assert not directory.exists()


def _wait_until_healthy(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited:\n{process.communicate()[0]}")
        try:
            if requests.get(url + "/__mesop__/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    pytest.fail("gunicorn did not answer within 30 s")


def test_plain_gunicorn_without_it_says_each_worker_answers_alone(tmp_path: Path) -> None:
    env = server_env(tmp_path, "file")
    app = Path(__file__).resolve().parents[1] / "sample" / "main.py"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [str(GUNICORN), "-w", "2", "--bind", f"127.0.0.1:{port}",
         f'mesop_cli.wsgi:create_app("{app}")'],
        cwd=tmp_path, env=clean_env(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    try:
        _wait_until_healthy(url, process)
        text = requests.get(url + "/__mesop__/metrics", timeout=10).text
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert text.startswith("# mesop-cli: these metrics are of this process only")
    assert "shows one worker's counts per scrape (2 workers" in output, output
    assert not list(Path(env["TMPDIR"]).glob("mesop-metrics-*"))
