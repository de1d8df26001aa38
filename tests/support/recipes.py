"""Reading the deploy recipes in deploy/ the way their tools do, so tests run what they say.

Each reader knows just enough of its format for these files: a Dockerfile's instructions
(continuations, comments, exec form), a systemd unit's sections, a Procfile's process
lines and the shared env file's KEY=value lines. A recipe drifting out of that subset
fails its test with a message rather than being half-read.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tests.support.server import ROOT, RunningServer, _wait_until_up, clean_env

DEPLOY = ROOT / "deploy"
#: Where the installed console scripts (mesop, hadolint) are: what the recipes call.
VENV_BIN = Path(sys.executable).parent


# ---- the shared env file ----------------------------------------------------------------

def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines, as systemd's EnvironmentFile, `docker --env-file` and dotenv agree
    on them: no quotes, no `export`, no expansion (refused here, since Docker would keep
    the quotes in the value)."""
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not re.fullmatch(r"[A-Z_][A-Z0-9_]*", key):
            raise ValueError(f"{path.name}:{number}: not a KEY=value line: {line!r}")
        if value[:1] in ("'", '"') or "${" in value or key == "export":
            raise ValueError(f"{path.name}:{number}: quotes or ${{...}} read differently by "
                             f"systemd, Docker and dotenv: {line!r}")
        values[key] = value
    return values


def production_env(redis_url: str, public_origin: str) -> dict[str, str]:
    """deploy/mesop.env filled in as the README says: this Redis, a real secret key, the
    address users browse."""
    values = read_env_file(DEPLOY / "mesop.env")
    expected = {"MESOP_STATE_SESSION_BACKEND", "MESOP_STATE_SESSION_BACKEND_REDIS_URL",
                "MESOP_SECRET_KEY", "MESOP_ALLOWED_ORIGINS"}
    missing = expected - values.keys()
    if missing:
        raise AssertionError(f"deploy/mesop.env lacks {sorted(missing)}")
    values.update(MESOP_STATE_SESSION_BACKEND_REDIS_URL=redis_url,
                  MESOP_SECRET_KEY=secrets.token_urlsafe(32),
                  MESOP_ALLOWED_ORIGINS=public_origin)
    return values


def recipe_env(values: dict[str, str]) -> dict[str, str]:
    """The process environment of a recipe's command: only the recipe's settings (none of
    the developer's MESOP_*), with this virtualenv's scripts first on PATH."""
    env = clean_env(values)
    env["PATH"] = f"{VENV_BIN}:{env.get('PATH', '/usr/bin:/bin')}"
    return env


# ---- Dockerfile ---------------------------------------------------------------------------

def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order; comment lines dropped, continuations joined."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or (not stripped and not pending):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        whole = (pending + stripped).strip()
        pending = ""
        if whole:
            name, _, args = whole.partition(" ")
            instructions.append((name.upper(), args.strip()))
    if pending:
        raise ValueError(f"{path.name}: ends inside a continued line")
    return instructions


def dockerfile_env(instructions: list[tuple[str, str]]) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, args in instructions:
        if name == "ENV":
            for token in shlex.split(args):
                key, sep, value = token.partition("=")
                if not sep:
                    raise ValueError(f"ENV {args!r}: use the KEY=value form")
                values[key] = value
    return values


def exec_form(args: str, what: str) -> list[str]:
    """A JSON array command (exec form: no shell between docker and the process)."""
    try:
        command = json.loads(args)
    except ValueError:
        raise AssertionError(f"{what} is not in exec form (a JSON array): {args!r}") from None
    if not (isinstance(command, list) and command and all(isinstance(a, str) for a in command)):
        raise AssertionError(f"{what} is not a non-empty list of strings: {args!r}")
    return command


def healthcheck_command(args: str) -> list[str]:
    """The command of `HEALTHCHECK [--option=value ...] CMD [...]`."""
    match = re.fullmatch(r"((?:--[a-z-]+=\S+\s+)*)CMD\s+(.*)", args, re.S)
    if not match:
        raise AssertionError(f"HEALTHCHECK is not `[options] CMD ...`: {args!r}")
    return exec_form(match.group(2), "HEALTHCHECK CMD")


# ---- systemd unit -------------------------------------------------------------------------

def read_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """{section: {key: [values in order]}}: systemd lets a key repeat."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, sep, value = line.partition("=")
        if current is None or not sep:
            raise ValueError(f"{path.name}:{number}: not `Key=value` inside a section")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def unit_command(unit: dict[str, dict[str, list[str]]], instance: str) -> list[str]:
    """ExecStart with the instance (%i) filled in and the unit's virtualenv mapped to this
    one: the same arguments, run by the mesop a test can reach."""
    (line,) = unit["Service"]["ExecStart"]
    argv = [arg.replace("%i", instance) for arg in shlex.split(line)]
    if not argv[0].endswith("/bin/mesop"):
        raise AssertionError(f"ExecStart runs {argv[0]!r}, not a virtualenv's bin/mesop")
    return [str(VENV_BIN / "mesop"), *argv[1:]]


def unit_environment(unit: dict[str, dict[str, list[str]]]) -> dict[str, str]:
    """The unit's own Environment= assignments."""
    values: dict[str, str] = {}
    for line in unit["Service"].get("Environment", []):
        for token in shlex.split(line):
            key, _, value = token.partition("=")
            values[key] = value
    return values


# ---- Procfile -----------------------------------------------------------------------------

def procfile_processes(path: Path) -> dict[str, str]:
    processes: dict[str, str] = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9_-]+):\s*(\S.*)", line.strip())
        if not match:
            raise ValueError(f"Procfile:{number}: not `name: command`: {line!r}")
        processes[match.group(1)] = match.group(2)
    return processes


# ---- running a recipe's command -----------------------------------------------------------

@contextmanager
def running_recipe(argv: list[str], env: dict[str, str], cwd: Path, port: int,
                   startup_timeout: float = 30.0) -> Iterator[RunningServer]:
    """Run a recipe's command as its tool would (from the app's directory, with the
    recipe's environment), wait for healthz, and stop it with SIGTERM as docker,
    systemd and platforms do. Its own process group, so a shell in between goes too."""
    with tempfile.NamedTemporaryFile(prefix="mesop-recipe-", suffix=".log", delete=False) as log:
        log_path = Path(log.name)
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(argv, env=env, cwd=str(cwd), stdout=log_file,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    server = RunningServer(f"http://127.0.0.1:{port}", process, log_path)
    try:
        _wait_until_up(server, startup_timeout)
        yield server
    finally:
        stop_group(process)
        log_path.unlink(missing_ok=True)


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the whole group, then wait until every member has exited (a shell's
    child outlives the shell by its graceful shutdown), SIGKILL after 30 s."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _group_alive(process.pid):
        process.poll()  # reaps the leader, so it does not count as alive
        time.sleep(0.1)
    if _group_alive(process.pid):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _group_alive(pgid: int) -> bool:
    """Whether a process of the group is still running (zombies aside)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False
