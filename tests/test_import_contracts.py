"""The layer contracts of pyproject.toml's [tool.importlinter] hold, and break loudly.

`make test` runs lint-imports before pytest; these tests also show that a contract is not
vacuous: a copy of the package with one import that runs back up fails, naming the
contract and the import.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(),
                                reason="import-linter is not installed (pip install -e .[dev])")


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--config",
                           str(tree / "pyproject.toml")],
                          cwd=tree, capture_output=True, text=True, timeout=120)


def test_the_tree_keeps_every_contract() -> None:
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "upward", "contract"), [
    ("state_format/codec.py", "mesop_cli.web.protocol",
     "state_format is pure: it imports nothing of ours but config, and no Flask"),
    ("sessions/memory.py", "mesop_cli.runtime.engine",
     "sessions are stores only: no runtime, no web, no Flask"),
    ("runtime/engine.py", "flask", "runtime knows nothing of HTTP"),
    ("web/guard.py", "mesop_cli.serving.launch",
     "Only the CLI and the WSGI entry points import serving"),
    ("config/origins.py", "mesop_cli.sessions.base",
     "Layers: a layer imports only the layers below it"),
])
def test_an_import_that_runs_back_up_fails_with_its_contract(
        tmp_path: Path, module: str, upward: str, contract: str) -> None:
    shutil.copytree(ROOT / "mesop_cli", tmp_path / "mesop_cli",
                    ignore=shutil.ignore_patterns("__pycache__", "static"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "mesop_cli" / module
    target.write_text(target.read_text() + f"\nimport {upward}  # noqa\n")
    result = lint(tmp_path)
    assert result.returncode != 0
    assert contract in result.stdout
    assert f"mesop_cli.{module[:-3].replace('/', '.')}" in result.stdout
