"""How many of Mesop's own example apps pass ``mesop --check-config`` unchanged.

Usage (from the repository root, with the venv's Python)::

    pip download mesop==1.3.7 --no-deps -d /tmp/mesop-wheel
    python -m tests.support.mesop_examples /tmp/mesop-wheel/mesop-1.3.7-py3-none-any.whl

The argument is Mesop's wheel or a directory holding its unpacked ``mesop/`` package.
Every app of ``mesop/examples/`` and every component demo of
``mesop/components/*/e2e/`` is checked as written (``import mesop as me``), with
``MESOP_ALIAS_MESOP=true`` so that import resolves to mesop-cli. Each file gets one line:
``ok``, or the first error ``--check-config`` reported (for a missing name, the one-line
"me.x is not supported by mesop-cli yet"). The summary counts passes per group and
lists the missing names by how many files need them, so the next name to build is the
one at the top. Files run two at a time, each in a fresh process from an empty working
directory (no ``.env`` of this repository applies, and Mesop's sources never shadow the
alias).
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

#: The groups of apps checked, as glob patterns under the ``mesop`` package.
GROUPS = {
    "examples": "examples/**/*.py",
    "component demos": "components/*/e2e/*.py",
}
_NOT_SUPPORTED = "is not supported by mesop-cli yet"
_NAME = re.compile(r"\b(mel?\.[A-Za-z_]\w*)")
_RUN_CLI = "import sys; from mesop_cli.cli import main; sys.argv[0] = 'mesop'; main()"


@dataclass(frozen=True)
class Outcome:
    group: str
    file: str  # relative to the mesop package
    ok: bool
    reason: str  # "" when ok

    @property
    def missing_names(self) -> list[str]:
        # The line names the first use, then "also me.x (line n), ..." for the others.
        if _NOT_SUPPORTED not in self.reason:
            return []
        return sorted(set(_NAME.findall(self.reason)))


def mesop_package(source: Path, scratch: Path) -> Path:
    """The ``mesop`` package directory inside ``source`` (a wheel is unpacked first)."""
    if source.is_file():
        with zipfile.ZipFile(source) as wheel:
            wheel.extractall(scratch / "wheel")
        source = scratch / "wheel"
    package = source / "mesop" if (source / "mesop").is_dir() else source
    if not (package / "examples").is_dir():
        raise SystemExit(f"{source}: no mesop/examples directory (give Mesop's wheel or "
                         "the directory holding its unpacked mesop/ package)")
    return package


def app_files(package: Path) -> list[tuple[str, Path]]:
    """(group, file) for every app file, ``__init__.py`` left out."""
    found = []
    for group, pattern in GROUPS.items():
        for path in sorted(package.glob(pattern)):
            if path.name != "__init__.py":
                found.append((group, path))
    return found


def check(group: str, path: Path, package: Path, workdir: Path) -> Outcome:
    env = {**os.environ, "MESOP_ALIAS_MESOP": "true", "MESOP_STATE_SESSION_BACKEND": "memory"}
    env.pop("PYTHONPATH", None)
    relative = str(path.relative_to(package))
    try:
        run = subprocess.run(
            [sys.executable, "-c", _RUN_CLI, "--check-config", "--format", "json", str(path)],
            cwd=workdir, env=env, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return Outcome(group, relative, False, "timed out after 120 s")
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        last = (run.stderr.strip().splitlines() or ["(no output)"])[-1]
        return Outcome(group, relative, False, f"no report: {last}")
    if report["ok"]:
        return Outcome(group, relative, True, "")
    first = report["errors"][0]
    message = first.get("message") or json.dumps(first)
    # Paths in messages are those of the temporary unpacking: keep the file's own name.
    message = message.replace(str(path.parent) + os.sep, "")
    return Outcome(group, relative, False, message.splitlines()[0])


def summary(outcomes: list[Outcome]) -> list[str]:
    lines = []
    for group in GROUPS:
        mine = [o for o in outcomes if o.group == group]
        lines.append(f"{group}: {sum(o.ok for o in mine)} of {len(mine)} pass")
    lines.append(f"all: {sum(o.ok for o in outcomes)} of {len(outcomes)} pass")
    needed = collections.Counter(name for o in outcomes for name in o.missing_names)
    if needed:
        lines.append("names not supported yet, by how many failing files use them:")
        lines += [f"  {count:3d}  {name}" for name, count in needed.most_common()]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="Mesop's wheel, or its unpacked directory")
    parser.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mesop-examples-") as scratch_name:
        scratch = Path(scratch_name)
        package = mesop_package(args.source.resolve(), scratch)
        workdir = scratch / "cwd"
        workdir.mkdir()
        files = app_files(package)
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = list(pool.map(lambda item: check(*item, package, workdir), files))
    if args.json:
        print(json.dumps([o.__dict__ for o in outcomes], indent=2))
        return 0
    for outcome in outcomes:
        print(f"{'ok  ' if outcome.ok else 'FAIL'}  {outcome.file}"
              + ("" if outcome.ok else f"  -- {outcome.reason}"))
    print("\n".join(summary(outcomes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
