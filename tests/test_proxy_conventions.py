"""Proxy and gunicorn conventions (issue 19, item 4): FORWARDED_ALLOW_IPS decides whose
X-Forwarded-Proto is believed, on the dev server and under gunicorn alike, and
--check-config shows it; GUNICORN_CMD_ARGS is honoured by ``mesop --prod`` with mesop's own
settings winning (said in one line), refused with one line when gunicorn refuses it, and
the dev server says it does not use it. Before, gunicorn believed only 127.0.0.1, nothing
named the variable, and GUNICORN_CMD_ARGS was silently ignored by ``mesop --prod``."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from mesop_cli.cli import main
from mesop_cli.config import load_config
from mesop_cli.config.gunicorn_args import (
    GunicornArgsProblem,
    parse_gunicorn_args,
    split_decided,
)
from mesop_cli.config.options import Invalid, cast_forwarded_ips
from mesop_cli.web import create_flask_app
from mesop_cli.web.forwarded import ForwardedScheme
from tests.support.flask_tab import make_settings
from tests.support.raw_http import serving_pid
from tests.support.server import MESOP_COMMAND, clean_env, free_port, running_server

APP = "import mesop_cli as me\n\n@me.page(path='/')\ndef home():\n    me.text('hi')\n"


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.py").write_text(APP)
    return tmp_path / "main.py"


# -- FORWARDED_ALLOW_IPS -------------------------------------------------------------


def test_forwarded_allow_ips_accepts_addresses_networks_and_any() -> None:
    assert cast_forwarded_ips("10.0.0.0/8, 192.168.1.7 ,::1") == ("10.0.0.0/8", "192.168.1.7",
                                                                   "::1")
    assert cast_forwarded_ips("*") == ("*",)
    with pytest.raises(Invalid) as caught:
        cast_forwarded_ips("10.0.0.1,http://proxy.internal")
    assert "not an IP address or network" in caught.value.reason
    assert caught.value.suggestion == "proxy.internal"


def test_the_default_is_gunicorns_and_trust_proxy_headers_means_any() -> None:
    assert load_config(environ={}).settings.forwarded_allow_ips == ("127.0.0.1", "::1")  # type: ignore[union-attr]
    report = load_config(environ={"MESOP_TRUST_PROXY_HEADERS": "true"})
    resolved = report.resolved["forwarded_allow_ips"]
    assert resolved.value == ("*",) and resolved.source == "implied by MESOP_TRUST_PROXY_HEADERS"
    both = load_config(environ={"MESOP_TRUST_PROXY_HEADERS": "true",
                                "FORWARDED_ALLOW_IPS": "10.1.0.0/16"})
    assert both.settings is not None and both.settings.forwarded_allow_ips == ("10.1.0.0/16",)
    assert any("adds nothing" in note for note in both.notes)


def test_check_config_shows_forwarded_allow_ips_and_the_base_path(
        app: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_DOTENV_DISABLED", "1")
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.0/8")
    monkeypatch.setenv("MESOP_BASE_URL_PATH", "/app")
    result = CliRunner().invoke(main, ["--check-config", "--forwarded-allow-ips",
                                       "10.2.0.0/16", "--format", "json", str(app)])
    shown = {row["name"]: row for row in json.loads(result.output)["settings"]}
    assert shown["FORWARDED_ALLOW_IPS"]["value"] == ["10.2.0.0/16"]
    assert shown["FORWARDED_ALLOW_IPS"]["source"] == "flag"
    assert shown["MESOP_BASE_URL_PATH"]["value"] == "/app"
    text = CliRunner().invoke(main, ["--check-config", str(app)]).output
    assert "FORWARDED_ALLOW_IPS" in text and "10.0.0.0/8" in text
    assert "served under /app/" in text


def origin_check(flask_app: Any, peer: str, proto: str | None) -> int:
    """The status of a page-load event from an https page, as a proxy at ``peer`` that
    ends TLS forwards it (Origin https://, the request itself plain http)."""
    headers = {"Origin": "https://localhost", "Host": "localhost"}
    if proto is not None:
        headers["X-Forwarded-Proto"] = proto
    response = flask_app.test_client().post(
        "/__mesop__/events", data=json.dumps({"path": "/"}), content_type="application/json",
        headers=headers, environ_base={"REMOTE_ADDR": peer})
    status = response.status_code
    response.close()
    return status


@pytest.mark.parametrize("peer, allowed, proto, status", [
    ("127.0.0.1", ("127.0.0.1", "::1"), "https", 200),  # the default: this machine
    ("10.0.3.4", ("127.0.0.1", "::1"), "https", 403),   # a router not named: refused
    ("10.0.3.4", ("10.0.0.0/8",), "https", 200),
    ("::ffff:10.0.3.4", ("10.0.0.0/8",), "https", 200),  # an IPv4 peer on a v6 socket
    ("10.0.3.4", ("*",), "https", 200),
    ("10.0.3.4", ("10.0.0.0/8",), None, 403),           # nothing forwarded: http
    ("10.0.3.4", ("10.0.0.0/8",), "https, http", 403),  # as gunicorn: not one value
])
def test_x_forwarded_proto_only_from_allowed_addresses(
        app: Path, peer: str, allowed: tuple[str, ...], proto: str | None, status: int) -> None:
    flask_app = create_flask_app(app, make_settings(forwarded_allow_ips=allowed))
    assert origin_check(flask_app, peer, proto) == status


def test_the_scheme_seen_by_the_app() -> None:
    seen: list[str] = []

    def inner(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append(environ["wsgi.url_scheme"])
        start_response("200 OK", [])
        return [b""]

    middleware = ForwardedScheme(inner, ("192.0.2.0/24",))
    for peer in ("192.0.2.9", "198.51.100.1", ""):
        middleware({"REMOTE_ADDR": peer, "wsgi.url_scheme": "http",
                    "HTTP_X_FORWARDED_PROTO": "HTTPS"}, lambda *a: None)
    # A peer with no address is a UNIX socket: the machine itself, as gunicorn has it.
    assert seen == ["https", "http", "https"]


# -- GUNICORN_CMD_ARGS ----------------------------------------------------------------


def test_gunicorn_args_parsed_by_gunicorn() -> None:
    values = parse_gunicorn_args("--max-requests 3 --timeout 30 -w 4 --bind :9")
    used, ignored = split_decided(values)
    assert used == {"max_requests": 3, "timeout": 30}
    assert sorted(ignored) == ["--bind (set by MESOP_HOST and MESOP_PORT (--host, --port))",
                               "--workers (set by MESOP_WORKERS (--workers))"]


@pytest.mark.parametrize("text, reason", [
    ("--max-requests lots", "invalid int value"),
    ("--no-such-option", "unrecognized arguments"),
    ("--timeout '30", "cannot be split"),
    ("--version", "help or version"),
])
def test_gunicorn_args_refused_with_one_line(text: str, reason: str) -> None:
    with pytest.raises(GunicornArgsProblem) as caught:
        parse_gunicorn_args(text)
    assert reason in str(caught.value) and "\n" not in str(caught.value)
    (error,) = load_config(environ={"GUNICORN_CMD_ARGS": text}).errors
    assert error.code == "E001" and error.message.startswith("GUNICORN_CMD_ARGS=")


def test_a_config_file_and_an_app_are_named_as_ignored_by_mesop() -> None:
    """A plain gunicorn command reads them (the README's Docker image sets -c in the
    variable), so they are valid; mesop --prod reads neither, and says so."""
    values = parse_gunicorn_args("-c python:mesop_cli.gunicorn_conf --timeout 9 main:app")
    assert load_config(environ={"GUNICORN_CMD_ARGS": "-c x.py main:app"}).errors == []
    used, ignored = split_decided(values)
    assert used == {"timeout": 9}
    assert ignored == ["--config (set by mesop, which reads no config file: put its options "
                       "in GUNICORN_CMD_ARGS)", "the app argument (set by mesop's APP argument)"]


def pid_app(tmp_path: Path) -> Path:
    path = tmp_path / "pid_app.py"
    path.write_text("import os\nimport mesop_cli as me\n\n@me.page(path='/')\n"
                    "def home():\n    me.text(f'pid={os.getpid()}')\n")
    return path


def test_prod_honours_gunicorn_cmd_args_and_names_what_it_ignores(tmp_path: Path) -> None:
    """--max-requests 3: the worker is replaced after three requests; --workers 4 loses
    to MESOP_WORKERS (one worker), and the launch says so in one line."""
    env = {"GUNICORN_CMD_ARGS": "--max-requests 3 --workers 4",
           "MESOP_STATE_SESSION_BACKEND": "memory", "MESOP_SECRET_KEY": "k" * 40}
    with running_server(["--prod"], env=env, app=pid_app(tmp_path)) as server:
        first = serving_pid(server)
        for _ in range(4):
            requests.get(server.url + "/", timeout=10)
        deadline = time.monotonic() + 30
        while serving_pid(server) in (first, server.process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert serving_pid(server) not in (first, server.process.pid), server.output()
        children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
        assert len(children.read_text().split()) == 1  # MESOP_WORKERS, not --workers 4
        lines = [line for line in server.output().splitlines() if "GUNICORN_CMD_ARGS" in line]
        assert len(lines) == 1, server.output()
        assert "--workers (set by MESOP_WORKERS" in lines[0] and "max_requests" in lines[0]


def test_the_dev_server_says_it_does_not_use_gunicorn_cmd_args(tmp_path: Path) -> None:
    env = {"GUNICORN_CMD_ARGS": "--max-requests 3"}
    with running_server([], env=env, app=pid_app(tmp_path)) as server:
        deadline = time.monotonic() + 10
        while "GUNICORN_CMD_ARGS" not in server.output() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "GUNICORN_CMD_ARGS is not used by the dev server" in server.output()


def test_a_gunicorn_cmd_args_gunicorn_refuses_stops_the_launch(tmp_path: Path) -> None:
    env = clean_env({"GUNICORN_CMD_ARGS": "--max-requests lots"})
    done = subprocess.run([str(MESOP_COMMAND), str(pid_app(tmp_path)), "--prod", "--port",
                           str(free_port())], env=env, capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    assert done.returncode == 1
    assert "E001 GUNICORN_CMD_ARGS='--max-requests lots'" in done.stdout + done.stderr


# -- X-Forwarded-Proto against real servers --------------------------------------------


@pytest.fixture(params=["dev", "prod"])
def mode(request: pytest.FixtureRequest) -> Iterator[str]:
    yield request.param


@pytest.mark.parametrize("allowed, status", [("127.0.0.1", 200), ("10.9.9.9", 403)])
def test_x_forwarded_proto_from_an_allowed_and_a_refused_address(
        tmp_path: Path, mode: str, allowed: str, status: int) -> None:
    """The server sees the proxy (this test) connect from 127.0.0.1: named, its https is
    believed and the https page's event is this site's; not named, the event looks
    cross-site and is refused."""
    env = {"FORWARDED_ALLOW_IPS": allowed, "MESOP_STATE_SESSION_BACKEND": "memory",
           "MESOP_SECRET_KEY": "k" * 40}
    args = ["--prod"] if mode == "prod" else []
    with running_server(args, env=env, app=pid_app(tmp_path)) as server:
        host = server.url.removeprefix("http://")
        response = requests.post(server.url + "/__mesop__/events", data=b'{"path": "/"}',
                                 headers={"Content-Type": "application/json",
                                          "Origin": f"https://{host}",
                                          "X-Forwarded-Proto": "https"}, timeout=10)
        assert response.status_code == status, response.text
