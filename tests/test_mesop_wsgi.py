"""Mesop's deploy command lines, `gunicorn main:me` and `main:app` with
`app = me.create_wsgi_app()`, served by mesop-cli through the validating factory."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest
import requests

import mesop_cli
from mesop_cli.runtime import load_app
from mesop_cli.serving import mesop_entry as wsgi_app
from mesop_cli.serving import wsgi_factory as wsgi
from tests.support.server import clean_env, free_port
from tests.support.tab import Tab

GUNICORN = Path(sys.executable).parent / "gunicorn"
KEY = "k" * 40
#: What Mesop's docs put in a Dockerfile's environment, plus our config module.
WITH_CONF = {"GUNICORN_CMD_ARGS": "-c python:mesop_cli.gunicorn_conf"}
ALIAS = {"MESOP_ALIAS_MESOP": "true", **WITH_CONF}

COUNTER = """
import {module} as me

print("main.py ran as", __name__, flush=True)

@me.stateclass
class State:
    count: int = 0

def add(e: me.ClickEvent):
    me.state(State).count += 1

@me.page(path="/", title="Counter")
def home():
    me.text(f"Count: {{me.state(State).count}}")
    me.button("Add", on_click=add)
"""
CREATE = "\napp = me.create_wsgi_app()\n"


def write_app(directory: Path, module: str = "mesop", create: bool = False) -> Path:
    path = directory / "main.py"
    path.write_text(COUNTER.format(module=module) + (CREATE if create else ""))
    return path


def start(directory: Path, target: str, env: dict[str, str], port: int
          ) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(GUNICORN), "--bind", f"127.0.0.1:{port}", target], cwd=directory,
        env=clean_env({"MESOP_SECRET_KEY": KEY, **env}), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)


@contextmanager
def serving(directory: Path, target: str, env: dict[str, str]) -> Iterator[tuple[str, list[str]]]:
    """The base URL while gunicorn serves; the list gets its output once it stopped."""
    port = free_port()
    process = start(directory, target, env, port)
    url, output = f"http://127.0.0.1:{port}", []
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and process.poll() is None:
            try:
                requests.get(url + "/__mesop__/healthz", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield url, output
    finally:
        process.terminate()
        output.append(process.communicate(timeout=30)[0])


def stopped(process: subprocess.Popen[str], timeout: float = 30) -> tuple[int, str]:
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail(f"gunicorn kept running with a bad configuration:\n{process.communicate()[0]}")
    return process.returncode, output


def serves_one_counter(url: str) -> None:
    page = requests.get(url + "/", timeout=10)
    assert page.status_code == 200 and "<title>Counter</title>" in page.text
    tab = Tab(url, server_side=False)
    tab.open("/")
    tab.click("Add")
    assert "Count: 1" in tab.texts()


@pytest.mark.integration
@pytest.mark.parametrize("target,create", [("main:me", False), ("main:app", True)],
                         ids=["main:me", "main:app"])
def test_mesop_app_unchanged_serves_under_plain_gunicorn(tmp_path: Path, target: str,
                                                         create: bool) -> None:
    write_app(tmp_path, "mesop", create)
    with serving(tmp_path, target, ALIAS) as (url, output):
        serves_one_counter(url)
    # gunicorn's import, then the factory's load: pages are collected once, by the load.
    assert output[0].count("main.py ran as main") == 1
    assert output[0].count("main.py ran as _mesop_app_main") == 1
    assert "Traceback" not in output[0]


@pytest.mark.integration
def test_mesop_cli_module_is_the_app_without_alias_or_config(tmp_path: Path) -> None:
    write_app(tmp_path, "mesop_cli")
    with serving(tmp_path, "main:me", {}) as (url, output):
        serves_one_counter(url)
    assert "Traceback" not in output[0]


@pytest.mark.integration
@pytest.mark.parametrize("module,target,create,env", [
    ("mesop", "main:me", False, ALIAS),
    ("mesop", "main:app", True, ALIAS),
    ("mesop_cli", "main:app", True, {}),
    ("mesop_cli", "main:me", False, {}),  # no config module: found at the first request
], ids=["alias-me", "alias-app", "app", "me-first-request"])
def test_bad_configuration_stops_gunicorn_with_status_4(tmp_path: Path, module: str,
                                                       target: str, create: bool,
                                                       env: dict[str, str]) -> None:
    write_app(tmp_path, module, create)
    port = free_port()
    process = start(tmp_path, target, {**env, "MESOP_STATE_SESSION_BACKEND": "memroy"}, port)
    if env is not ALIAS and not create:
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            try:
                requests.get(f"http://127.0.0.1:{port}/", timeout=5)
            except requests.RequestException:
                time.sleep(0.1)
    status, output = stopped(process)
    assert status == wsgi.GUNICORN_APP_LOAD_ERROR
    errors = [line for line in output.splitlines() if line.startswith("error ")]
    assert errors == ["error E001 MESOP_STATE_SESSION_BACKEND='memroy' (environment) is not a "
                      "backend; accepted: one of none, memory, file, redis, sql (any case); "
                      "did you mean 'memory'?"]
    assert "Traceback" not in output


# ---- in the test process ---------------------------------------------------------------


def test_the_module_stays_a_module() -> None:
    assert callable(mesop_cli) and isinstance(mesop_cli, ModuleType)
    assert hasattr(mesop_cli, "text") and not hasattr(mesop_cli, "no_such_name")
    with pytest.raises(mesop_cli.UnsupportedMesopName, match="not supported by mesop-cli yet"):
        mesop_cli.colab_show  # noqa: B018
    with pytest.raises(mesop_cli.UnsupportedMesopName, match="did you mean me.text"):
        mesop_cli.tex  # noqa: B018


def test_create_wsgi_app_builds_nothing_while_mesop_cli_loads_the_file(tmp_path: Path) -> None:
    """`mesop main.py` and --check-config run a Mesop file that ends in create_wsgi_app."""
    app = load_app(write_app(tmp_path, "mesop_cli", create=True))
    assert list(app.pages) == ["/"]
    assert isinstance(app.module.app, wsgi_app.MesopWsgiApp)
    assert app.module.app._app is None


def fake_module(monkeypatch: pytest.MonkeyPatch, directory: Path, name: str,
                pages: bool) -> Path:
    path = directory / f"{name}.py"
    path.write_text("")
    module = ModuleType(name)
    module.__file__ = str(path)
    module.me = mesop_cli  # type: ignore[attr-defined]
    if pages:
        module.home = mesop_cli.page(path="/")(lambda: None)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, name, module)
    return path.resolve()


def test_the_app_file_is_the_named_module_then_the_one_declaring_pages(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delitem(sys.modules, "gunicorn.arbiter", raising=False)
    for name in [name for name, module in list(sys.modules.items()) if module is not None
                 and wsgi_app._uses_mesop_cli(module) and wsgi_app._declares_pages(module)]:
        monkeypatch.delitem(sys.modules, name)  # apps other tests imported
    wsgi_file = fake_module(monkeypatch, tmp_path, "wsgi_entry", pages=False)
    main = fake_module(monkeypatch, tmp_path, "app_main", pages=True)
    # wsgi.py importing main.py: the caller declares no pages, main does.
    assert wsgi_app.find_app_file(["wsgi_entry"]) == main
    assert wsgi_app.find_app_file(["app_main"]) == main
    fake_module(monkeypatch, tmp_path, "other_pages", pages=True)
    assert wsgi_app.find_app_file(["app_main"]) == main
    with pytest.raises(SystemExit) as stop:
        wsgi_app.find_app_file(["wsgi_entry"])
    assert stop.value.code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error E006 cannot tell which app to serve: more than one module "
                          "declares pages") and "\n" not in err
    assert wsgi_file.name not in err


@pytest.mark.parametrize("debug_mode,workers,prod", [(True, 1, False), (False, 1, True),
                                                     (True, 3, True)])
def test_debug_mode_is_dev_mode_with_one_gunicorn_worker(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, debug_mode: bool, workers: int,
        prod: bool) -> None:
    monkeypatch.setattr(wsgi, "gunicorn_config",
                        lambda: wsgi.GunicornCounts(workers, 2, True, "main:me"))
    monkeypatch.setattr("os.environ", {**clean_env({"MESOP_SECRET_KEY": KEY})})
    flask_app = wsgi.create_app(str(write_app(tmp_path, "mesop_cli")), debug_mode=debug_mode)
    assert flask_app.extensions["mesop"].settings.prod is prod
