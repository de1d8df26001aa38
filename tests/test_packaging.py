"""The package installs as documented, and the pinned test environment keeps up with it.

requirements/test.lock (written by `make lock`) is what `make test`, and so CI, installs:
every dependency of pyproject.toml and of all its extras, pinned with hashes, so a new
release of a dependency changes nothing here until the lock is made again. These tests fail
when pyproject.toml moved on and the lock did not, when the package imports a distribution
it does not declare, and when a dependency whose internals we build on has no upper bound.

The wheel test (integration: it runs under CI=true or MESOP_TEST_WHEEL=1, and takes about a
minute) builds the sdist and, from it, the wheel as `make dist` does, checks both with
twine, installs the wheel with its extras into a fresh virtual environment at the lock's
versions, and runs what the README has a newcomer run: `mesop --version`, `mesop init`,
`mesop --check-config main.py`.
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.markers import Marker, default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.services import in_ci, require

try:
    import tomllib
except ImportError:  # Python 3.10: the lock carries tomli there (pytest needs it)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "mesop_cli"
LOCK = ROOT / "requirements" / "test.lock"
RELOCK = "run `make lock` and commit requirements/test.lock"
VENV_BIN = Path(sys.executable).parent

#: Distributions whose private modules or undocumented hooks we build on, and where: each
#: must have an upper bound in pyproject.toml, so that a major release waits for us.
INTERNALS_USED = {
    "gunicorn": "mesop_cli/serving/ (worker, request reader)",
    "python-dotenv": "mesop_cli/config/envfile.py (dotenv.parser, dotenv.variables)",
    "werkzeug": "mesop_cli/logs/request_log.py (WSGIRequestHandler.run_wsgi)",
    "prometheus-client": "mesop_cli/telemetry/meters.py (values.ValueClass)",
    "redis": "mesop_cli/sessions/redis.py, config/redis_url.py (Encoder, parsers)",
}


@dataclass(frozen=True)
class Pin:
    """One line of the lock: a distribution at one version where its marker holds."""

    name: str
    version: str
    marker: Marker | None
    hashes: int


def read_lock() -> list[Pin]:
    pins: list[Pin] = []
    for line in LOCK.read_text().splitlines():
        if line.startswith(("    --hash=", "\t--hash=")) and pins:
            last = pins[-1]
            pins[-1] = Pin(last.name, last.version, last.marker, last.hashes + 1)
        if not line.strip() or line[0] in " \t#":
            continue
        requirement = Requirement(line.rstrip("\\").strip())
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"the lock's line is not a pin: {line!r}"
        pins.append(Pin(canonicalize_name(requirement.name), spec.version, requirement.marker, 0))
    return pins


def project_table() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["project"]


def declared_groups() -> dict[str, list[Requirement]]:
    """pyproject.toml's requirements: "dependencies" and one group per extra."""
    project = project_table()
    groups = {"dependencies": [Requirement(text) for text in project["dependencies"]]}
    for extra, texts in project.get("optional-dependencies", {}).items():
        groups[f"[{extra}]"] = [Requirement(text) for text in texts]
    return groups


def applies(marker: Marker | None, extra: str = "") -> bool:
    environment = {**default_environment(), "extra": extra}
    return marker is None or marker.evaluate(environment)


def pinned_here(pins: list[Pin], name: str) -> list[Pin]:
    """The pins of one distribution that this Python on this platform installs."""
    return [pin for pin in pins if pin.name == canonicalize_name(name) and applies(pin.marker)]


def extra_requirements(requirement: Requirement) -> list[Requirement]:
    """What requirement's extras (psycopg[binary]) add, read from the installed metadata."""
    try:
        texts = importlib.metadata.requires(requirement.name) or []
    except importlib.metadata.PackageNotFoundError:
        return []  # not installed: the pin check above already says what is wrong
    added = [Requirement(text) for text in texts]
    return [r for r in added for extra in requirement.extras
            if r.marker is not None and applies(r.marker, extra) and not applies(r.marker)]


# ---- The lock keeps up with pyproject.toml ------------------------------------------------

def test_lock_pins_every_declared_dependency_within_its_range() -> None:
    pins = read_lock()
    problems: list[str] = []
    for group, requirements in declared_groups().items():
        for requirement in requirements:
            if not applies(requirement.marker):
                continue
            found = pinned_here(pins, requirement.name)
            if len(found) != 1:
                problems.append(f"{requirement} ({group}): pinned {len(found)} times "
                                "for this Python, not once")
                continue
            if not requirement.specifier.contains(found[0].version, prereleases=True):
                problems.append(f"{requirement} ({group}): the lock has {found[0].version}")
            for added in extra_requirements(requirement):
                if not pinned_here(pins, added.name):
                    problems.append(f"{added.name} (of {requirement}, {group}): not in the lock")
    assert not problems, (f"requirements/test.lock is behind pyproject.toml; {RELOCK}:\n  "
                          + "\n  ".join(problems))


def test_every_pin_carries_a_hash() -> None:
    # `make test` installs with --require-hashes: a pin without one would stop it.
    unhashed = [f"{pin.name}=={pin.version}" for pin in read_lock() if pin.hashes == 0]
    assert not unhashed, f"pins without --hash ({RELOCK}): {unhashed}"


def test_the_lock_comes_from_make_lock() -> None:
    # The header names the command to run again, so no one edits the lock by hand.
    assert "#    make lock" in LOCK.read_text().splitlines()[:3]


# ---- What the package declares ------------------------------------------------------------

def imported_top_names(path: Path) -> set[str]:
    """Top-level names of the absolute imports of one module, except those made inside a
    try whose handler catches ImportError (optional on purpose)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    optional: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
                "ImportError" in ast.unparse(handler.type or ast.Name("BaseException"))
                for handler in node.handlers):
            optional.update(id(inner) for stmt in node.body for inner in ast.walk(stmt))
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in optional:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_every_distribution_the_package_imports_is_declared() -> None:
    groups = declared_groups()
    declared = {canonicalize_name(r.name) for group, requirements in groups.items()
                if group != "[dev]" for r in requirements}
    providers = importlib.metadata.packages_distributions()
    problems: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for name in sorted(imported_top_names(path) - set(sys.stdlib_module_names)
                           - {"mesop_cli", "__future__"}):
            dists = {canonicalize_name(d) for d in providers.get(name, [])}
            if not dists & declared:
                problems.append(f"{path.relative_to(ROOT)} imports {name} "
                                f"({', '.join(sorted(dists)) or 'not installed'})")
    assert not problems, ("imported but not in pyproject.toml's dependencies or a runtime "
                          "extra (a wheel installed as the README says would fail):\n  "
                          + "\n  ".join(problems))


def test_dependencies_whose_internals_we_use_have_an_upper_bound() -> None:
    problems: list[str] = []
    for group, requirements in declared_groups().items():
        for requirement in requirements:
            where = INTERNALS_USED.get(canonicalize_name(requirement.name))
            if where is None:
                continue
            if not any(spec.operator in ("<", "<=", "==", "~=")
                       for spec in requirement.specifier):
                problems.append(f"{requirement} ({group}): no upper bound, yet {where} "
                                "builds on its internals")
    assert not problems, "\n".join(problems)


def test_the_sql_extra_leaves_psycopgs_build_to_the_application() -> None:
    groups = declared_groups()
    (sql,) = [r for r in groups["[sql]"] if canonicalize_name(r.name) == "psycopg"]
    # psycopg's advice to libraries: plain psycopg; the application picks binary or c.
    assert not sql.extras, f"the sql extra forces {sql}"
    (dev,) = [r for r in groups["[dev]"] if canonicalize_name(r.name) == "psycopg"]
    assert "binary" in dev.extras, "the tests need psycopg's binary build (no libpq headers)"


# ---- The wheel installs and runs ----------------------------------------------------------

def wheel_check_asked() -> bool:
    return in_ci() or os.environ.get("MESOP_TEST_WHEEL", "") not in ("", "0")


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None,
        timeout: float = 600) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, (f"{' '.join(command)} exited {result.returncode}:\n"
                                    f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result


def package_files() -> set[str]:
    return {path.relative_to(ROOT).as_posix() for path in PACKAGE.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"}


def clean_copy(into: Path) -> Path:
    """The checkout's files as a fresh clone has them (tracked, or new and not ignored):
    no egg-info whose old SOURCES.txt would bring files the package-data globs forgot."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], cwd=ROOT, capture_output=True, timeout=60)
    require(listed.returncode == 0, "git cannot list the checkout's files")
    for name in listed.stdout.decode().split("\0"):
        source = ROOT / name
        if name and source.is_file():  # a deleted file not yet committed is still listed
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    return into


def outside_env(venv: Path) -> dict[str, str]:
    """A newcomer's shell with the fresh venv first: nothing of this checkout or its
    settings (no PYTHONPATH, no MESOP_* from the test run)."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("MESOP_", "PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


@pytest.mark.integration
@pytest.mark.skipif(not wheel_check_asked(), reason="builds and installs the wheel (a minute): "
                    "set CI=true or MESOP_TEST_WHEEL=1")
def test_the_wheel_installs_into_a_fresh_venv_and_runs(tmp_path: Path) -> None:
    require(importlib.util.find_spec("build") is not None and (VENV_BIN / "twine").exists(),
            "build and twine are not installed (the dev extra has them: make test)")
    dist = tmp_path / "dist"
    # sdist first, then the wheel from the sdist: a file the sdist forgot fails here.
    source = clean_copy(tmp_path / "source")
    run([sys.executable, "-m", "build", "--outdir", str(dist), str(source)], cwd=tmp_path)
    (wheel,) = dist.glob("mesop_cli-*.whl")
    (sdist,) = dist.glob("mesop_cli-*.tar.gz")
    run([str(VENV_BIN / "twine"), "check", "--strict", str(wheel), str(sdist)], cwd=tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        missing = package_files() - set(archive.namelist())
    assert not missing, f"the wheel leaves out {sorted(missing)} (package-data in pyproject.toml)"

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    # The lock's versions without its hashes (a constraint with a hash would ask for one
    # on the wheel too): the same dependencies CI tested, fetched as a user's pip would.
    constraints = tmp_path / "constraints.txt"
    constraints.write_text("".join(f"{pin.name}=={pin.version}"
                                   f"{f' ; {pin.marker}' if pin.marker else ''}\n"
                                   for pin in read_lock()))
    env = outside_env(venv)
    run([str(venv / "bin" / "pip"), "install", "--quiet", "--constraint", str(constraints),
         f"{wheel}[redis,sql,cookies]"], cwd=tmp_path, env=env)

    app = tmp_path / "app"
    app.mkdir()
    version = run(["mesop", "--version"], cwd=app, env=env)
    assert project_table()["version"] in version.stdout + version.stderr
    init = run(["mesop", "init"], cwd=app, env=env)
    assert (app / "main.py").is_file() and (app / ".env.example").is_file()
    assert "mesop main.py" in init.stdout + init.stderr
    check = run(["mesop", "--check-config", "main.py"], cwd=app, env=env, timeout=120)
    assert "app main.py:" in check.stdout and "OK: 0 error(s)" in check.stdout, check.stdout
    # It was the installed copy that ran, not this checkout.
    where = run([str(venv / "bin" / "python"), "-c",
                 "import mesop_cli, sys; sys.stdout.write(mesop_cli.__file__)"], cwd=app, env=env)
    assert where.stdout.startswith(str(venv)), where.stdout
