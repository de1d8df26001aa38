"""Benchmarks, run by `make bench`; see bench/__main__.py."""

import sys
from pathlib import Path

# The benchmarks reuse the tests' helpers (tests.support), which live beside this package.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
