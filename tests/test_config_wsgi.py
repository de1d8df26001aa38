"""mesop_cli.wsgi:create_app under a plain gunicorn command line: same validation, warnings."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mesop_cli import wsgi
from tests.support.server import free_port

GUNICORN = Path(sys.executable).parent / "gunicorn"
FACTORY = 'mesop_cli.wsgi:create_app("main.py")'
APP = "import mesop_cli as me\n\n@me.page(path='/', title='Home')\ndef home():\n    me.text('hi')\n"
KEY = "k" * 40


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


def test_several_workers_without_a_shared_key_stop_gunicorn(app_dir: Path) -> None:
    status, output = finished(gunicorn(["-w", "2"], {}, app_dir))
    assert status != 0 and "error E008" in output and "MESOP_SECRET_KEY" in output


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
