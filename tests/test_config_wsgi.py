"""mesop_cli.wsgi:create_app under a plain gunicorn command line: same validation, warnings."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mesop_cli.serving import launch_key
from mesop_cli.serving import wsgi_factory as wsgi
from tests.support.server import free_port
from tests.support.tab import Tab

GUNICORN = Path(sys.executable).parent / "gunicorn"
FACTORY = 'mesop_cli.wsgi:create_app("main.py")'
APP = "import mesop_cli as me\n\n@me.page(path='/', title='Home')\ndef home():\n    me.text('hi')\n"
KEY = "k" * 40
COUNTER_APP = """
import mesop_cli as me

@me.stateclass
class State:
    count: int = 0

def add(e: me.ClickEvent):
    me.state(State).count += 1

@me.page(path="/")
def home():
    me.text(f"Count: {me.state(State).count}")
    me.button("Add", on_click=add)
"""


@pytest.fixture
def app_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(os, "environ", os.environ.copy())  # undoes what create_app exports
    for name in list(os.environ):
        if name.startswith(("MESOP_", "_MESOP_")) or name == "WEB_CONCURRENCY":
            monkeypatch.delenv(name)
    monkeypatch.setenv("PYTHON_DOTENV_DISABLED", "1")
    (tmp_path / "main.py").write_text(APP)
    return tmp_path


def gunicorn(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(GUNICORN), *args, "--bind", f"127.0.0.1:{free_port()}", FACTORY],
        cwd=cwd, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )


def finished(process: subprocess.Popen[str], timeout: float = 30) -> tuple[int, str]:
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        pytest.fail(f"gunicorn kept running with a bad configuration:\n{output}")
    return process.returncode, output


@pytest.mark.parametrize("args", [["-w", "1"], ["--preload", "-w", "3"]], ids=["w1", "preload"])
def test_bad_configuration_stops_gunicorn_with_the_same_line(args: list[str],
                                                             app_dir: Path) -> None:
    status, output = finished(gunicorn(args, {"MESOP_STATE_SESSION_BACKEND": "memroy"}, app_dir))
    assert status == wsgi.GUNICORN_APP_LOAD_ERROR
    assert ("error E001 MESOP_STATE_SESSION_BACKEND='memroy' (environment) is not a backend"
            in output)
    assert "did you mean 'memory'" in output and "Traceback" not in output


def test_an_app_that_fails_to_import_stops_gunicorn_with_one_line(app_dir: Path) -> None:
    (app_dir / "main.py").write_text("import mesop_cli as me\n\nme.text(\n")
    status, output = finished(gunicorn(["--preload"], {"MESOP_SECRET_KEY": KEY}, app_dir))
    assert status == wsgi.GUNICORN_APP_LOAD_ERROR
    assert "error E006 " in output and "main.py:3: SyntaxError" in output
    assert "Traceback" not in output


def test_workers_without_preload_or_key_share_one_launch_key(app_dir: Path) -> None:
    """The issue's own command line, `gunicorn -w 3 '...create_app("main.py")'` with the
    memory backend and no MESOP_SECRET_KEY: it serves, warns W001, and the workers accept
    each other's signed copies, so a tab's events spread over them lose nothing."""
    import requests

    (app_dir / "main.py").write_text(COUNTER_APP)
    port = free_port()
    process = subprocess.Popen(
        [str(GUNICORN), "-w", "3", "--bind", f"127.0.0.1:{port}", FACTORY], cwd=app_dir,
        env={**os.environ, "MESOP_STATE_SESSION_BACKEND": "memory"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(url + "/__mesop__/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        tab = Tab(url, server_side=True, keep_alive=False)
        tab.open("/")
        for _ in range(30):
            tab.click("Add")
        assert "Count: 30" in tab.texts()
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "W001" in output and "E008" not in output and "Traceback" not in output


def test_launch_key_is_shared_per_group_and_private(tmp_path: Path) -> None:
    directory = tmp_path / "keys"
    first = launch_key.shared_launch_key(os.getpid(), directory)
    assert launch_key.shared_launch_key(os.getpid(), directory) == first
    assert launch_key.shared_launch_key(os.getppid(), directory) != first
    assert directory.stat().st_mode & 0o777 == 0o700
    (directory / "999999999.key").write_text("left by a launch long gone")
    launch_key.shared_launch_key(os.getpid() + 1_000_000, directory)
    assert not (directory / "999999999.key").exists()  # dead launches are swept


def test_launch_key_refuses_a_directory_others_can_reach(tmp_path: Path) -> None:
    directory = tmp_path / "keys"
    directory.mkdir(mode=0o777)
    directory.chmod(0o777)
    with pytest.raises(launch_key.LaunchKeyError, match="not a private directory"):
        launch_key.shared_launch_key(os.getpid(), directory)


def first_line_with(process: subprocess.Popen[str], word: str, timeout: float = 30) -> str:
    """The first output line containing ``word``; then gunicorn is stopped."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if word in line:
                return line
        pytest.fail(f"no {word} within {timeout:g}s")
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_memory_warning_with_gunicorn_workers(app_dir: Path) -> None:
    warning = first_line_with(gunicorn(["-w", "3"], {"MESOP_STATE_SESSION_BACKEND": "memory",
                                                     "MESOP_SECRET_KEY": KEY}, app_dir), "W001")
    assert "3 worker processes, from --workers='3' (gunicorn)" in warning and "67%" in warning


def test_worker_count_comes_from_gunicorn_cmd_args(app_dir: Path) -> None:
    warning = first_line_with(gunicorn([], {"GUNICORN_CMD_ARGS": "--workers 2",
                                            "MESOP_SECRET_KEY": KEY,
                                            "MESOP_STATE_SESSION_BACKEND": "memory"}, app_dir),
                              "W001")
    assert "2 worker processes" in warning and "50%" in warning


def test_outside_gunicorn_bad_configuration_exits_1(app_dir: Path,
                                                    capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "gunicorn.arbiter", raising=False)
    monkeypatch.setenv("MESOP_PORT", "high")
    with pytest.raises(SystemExit) as stopped:
        wsgi.create_app("main.py")
    assert stopped.value.code == 1
    assert "error E001 MESOP_PORT='high' (environment)" in capsys.readouterr().err


def test_outside_gunicorn_missing_app_file(app_dir: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "gunicorn.arbiter", raising=False)
    with pytest.raises(SystemExit):
        wsgi.create_app("missing.py")
    assert "missing.py: no such app file" in capsys.readouterr().err


def test_outside_gunicorn_returns_the_flask_app(app_dir: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "gunicorn.arbiter", raising=False)
    app = wsgi.create_app("main.py")
    assert app.test_client().get("/").status_code == 200
