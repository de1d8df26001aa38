"""Take the golden screenshots of the visual parity suite on real Mesop 1.3.7.

The whole sequence, from the repository root (PyPI is the only site it needs)::

    python3 -m venv /tmp/mesop-venv
    /tmp/mesop-venv/bin/pip install mesop==1.3.7 pandas   # pandas: the table demo
    .venv/bin/python -m tests.visual.regenerate --mesop-venv /tmp/mesop-venv

Each demo of tests/visual/demos.py is copied into a scratch directory of its own, served by
``mesop FILE --prod`` from that venv (two or three at a time), and shot in Debian's Chromium
(tests/visual/capture.py says how). The shots go to tests/visual/golden/NAME.png (grayscale,
optimized PNG), the boxes masked on each to tests/visual/golden/masks.json. ``--only NAME``
retakes some; the others' entries are kept. A demo Mesop itself fails to serve stops the run:
a golden must be Mesop's page, never an error.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from tests.support.server import free_port
from tests.support.services import chromium_path
from tests.visual.capture import MesopServer, save_png, serve_ahead, take
from tests.visual.demos import GOLDEN, Demo, all_demos

MASKS = GOLDEN / "masks.json"
MESOP_VERSION = "1.3.7"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


def mesop_command(venv: Path) -> Path:
    """The venv's ``mesop``, after checking it is Mesop 1.3.7."""
    command = venv / "bin" / "mesop"
    probe = subprocess.run(
        [str(venv / "bin" / "python"), "-c",
         "import importlib.metadata as m; print(m.version('mesop'))"],
        capture_output=True, text=True)
    if probe.returncode != 0 or not command.exists():
        raise SystemExit(f"{venv}: no Mesop in this venv (pip install mesop=={MESOP_VERSION})")
    if probe.stdout.strip() != MESOP_VERSION:
        raise SystemExit(f"{venv} has Mesop {probe.stdout.strip()}; the goldens are of "
                         f"{MESOP_VERSION}")
    return command


def mesop_server(mesop: Path, scratch: Path) -> Callable[[Demo], AbstractContextManager[str]]:
    def start(demo: Demo) -> AbstractContextManager[str]:
        app = demo.lay_out(scratch / demo.name, for_mesop=True)
        return MesopServer(mesop, app, free_port(), demo.page_path)
    return start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mesop-venv", type=Path, required=True,
                        help="a venv with mesop==1.3.7 (and pandas) installed")
    parser.add_argument("--only", nargs="*", default=None, metavar="NAME",
                        help="retake only these demos")
    parser.add_argument("--ahead", type=int, default=3, help="servers started ahead")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    mesop = mesop_command(args.mesop_venv.resolve())
    demos = [d for d in all_demos() if args.only is None or d.name in args.only]
    masks = json.loads(MASKS.read_text()) if MASKS.exists() and args.only else {}
    GOLDEN.mkdir(exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mesop-golden-") as scratch_name, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(),
                                             args=CHROMIUM_ARGS)
        for demo, served in serve_ahead(demos, mesop_server(mesop, Path(scratch_name)),
                                        args.ahead):
            if served.url is None:
                raise SystemExit(f"{demo.name}: Mesop did not serve it: {served.error}")
            shot = take(browser, served.url)
            save_png(shot.image, demo.golden)
            masks[demo.name] = shot.boxes
            print(f"{demo.name:32s} {demo.golden.stat().st_size:7d} bytes  "
                  f"{len(shot.boxes)} masked", flush=True)
        browser.close()
    MASKS.write_text(json.dumps(dict(sorted(masks.items())), indent=1) + "\n")
    total = sum(p.stat().st_size for p in GOLDEN.glob("*.png"))
    print(f"{len(demos)} goldens in {time.monotonic() - started:.0f}s; "
          f"all goldens: {total / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
