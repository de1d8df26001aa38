"""The documentation site builds with `mkdocs build --strict` (a broken link, a missing
anchor or a page left out of the navigation fails it), and the README's links reach it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MKDOCS = Path(sys.executable).parent / "mkdocs"


@pytest.mark.skipif(not MKDOCS.exists(), reason="mkdocs is not installed (make test installs it)")
def test_the_site_builds_strictly(tmp_path: Path) -> None:
    built = subprocess.run([str(MKDOCS), "build", "--strict", "--site-dir", str(tmp_path)],
                           cwd=ROOT, capture_output=True, text=True, timeout=180,
                           env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert built.returncode == 0, built.stdout + built.stderr
    assert (tmp_path / "configuration" / "index.html").exists()


def test_every_link_of_the_readme_reaches_a_file() -> None:
    readme = (ROOT / "README.md").read_text()
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", readme)
    assert "docs/configuration.md" in targets
    missing = [t for t in targets if "://" not in t and not (ROOT / t).exists()]
    assert not missing, missing
