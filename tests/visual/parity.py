"""Score every demo of the visual parity suite on ours against Mesop's goldens.

Used by tests/visual/test_visual_parity.py, and by hand (from the repository root)::

    .venv/bin/python -m tests.visual.parity                  # scores, report, diff images
    .venv/bin/python -m tests.visual.parity --runs 2 --write-floors

Each demo is served by ``mesop`` (this venv's, the command a user runs) with
``MESOP_ALIAS_MESOP=true`` on the memory backend from a scratch copy of its file, a few
servers started ahead of the shots; a demo ours cannot serve scores 0 and is reported "not
loadable". The report (markdown) and, for each demo below the target, a golden | ours |
difference image go to build/visual-parity/ (never committed). ``--write-floors`` stores
each demo's lowest score over the runs less FLOOR_MARGIN in tests/visual/floors.json, the
per-demo floor the test holds ours to.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.server import ROOT, running_server
from tests.support.services import chromium_path
from tests.visual.capture import load_png, save_png, serve_ahead, take
from tests.visual.compare import score, side_by_side
from tests.visual.demos import GOLDEN, HERE, Demo, all_demos

FLOORS = HERE / "floors.json"
OUT = ROOT / "build" / "visual-parity"
#: What "looks like Mesop" means (tests/visual/README.md gives the measurements behind it):
#: above what one wrong text type or a shifted inset scores, below what Mesop scores
#: against itself.
TARGET = 0.90
#: Taken off a demo's lowest measured score for its floor: two runs of the same build differ
#: by less than 0.001 (font hinting and antialiasing are deterministic here); 0.02 leaves
#: room for a Chromium update while still catching any visible regression.
FLOOR_MARGIN = 0.02
SERVER_ENV = {"MESOP_ALIAS_MESOP": "true", "MESOP_STATE_SESSION_BACKEND": "memory"}


@dataclass
class Result:
    name: str
    score: float
    loadable: bool
    note: str = ""


def _ours(scratch: Path) -> Any:
    def start(demo: Demo) -> AbstractContextManager[str]:
        app = demo.lay_out(scratch / demo.name, for_mesop=False)

        @contextmanager
        def served() -> Iterator[str]:
            with running_server([], env=SERVER_ENV, app=app) as server:
                yield server.url + demo.page_path
        return served()
    return start


def measure(browser: Any, demos: list[Demo], diffs: Path | None = None,
            ahead: int = 3) -> list[Result]:
    """Each demo's score on ours, in the order given; with ``diffs``, every demo's
    side-by-side image is written there."""
    masks = json.loads((GOLDEN / "masks.json").read_text())
    results = []
    with tempfile.TemporaryDirectory(prefix="visual-parity-") as scratch:
        for demo, served in serve_ahead(demos, _ours(Path(scratch)), ahead):
            if served.url is None:
                results.append(Result(demo.name, 0.0, False, served.error.splitlines()[0]))
                continue
            try:
                shot = take(browser, served.url)
            except Exception as error:  # noqa: BLE001 - a page that never settles scores 0
                results.append(Result(demo.name, 0.0, False, f"{type(error).__name__}"))
                continue
            golden = load_png(demo.golden)
            boxes = masks.get(demo.name, []) + shot.boxes
            results.append(Result(demo.name, score(golden, shot.image, boxes), True))
            if diffs is not None:
                diffs.mkdir(parents=True, exist_ok=True)
                save_png(side_by_side(golden, shot.image, boxes), diffs / f"{demo.name}.png")
    return results


def report(results: list[Result], floors: dict[str, float], seconds: float) -> str:
    below = [r for r in results if r.score < TARGET]
    lines = [
        "# Visual parity with Mesop 1.3.7", "",
        f"{len(results)} demos in {seconds:.0f}s; SSIM on the content region (tests/visual/"
        f"compare.py); target {TARGET}: {len(results) - len(below)} at or above, "
        f"{len(below)} below.", "",
        "| demo | score | floor | |", "| --- | ---: | ---: | --- |",
    ]
    for r in sorted(results, key=lambda r: r.score):
        floor = floors.get(r.name)
        mark = "not loadable: " + r.note if not r.loadable else (
            "below floor" if floor is not None and r.score < floor else
            "below target" if r.score < TARGET else "")
        lines.append(f"| {r.name} | {r.score:.3f} | "
                     f"{'-' if floor is None else f'{floor:.3f}'} | {mark} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--write-floors", action="store_true")
    parser.add_argument("--only", nargs="*", default=None, metavar="NAME")
    parser.add_argument("--ahead", type=int, default=3)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from tests.visual.regenerate import CHROMIUM_ARGS

    demos = [d for d in all_demos() if args.only is None or d.name in args.only]
    runs: list[list[Result]] = []
    seconds = 0.0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(),
                                             args=CHROMIUM_ARGS)
        for run in range(args.runs):
            started = time.monotonic()
            runs.append(measure(browser, demos, OUT / "diffs" if run == 0 else None,
                                args.ahead))
            seconds = seconds or time.monotonic() - started  # the first run's
        browser.close()
    floors = json.loads(FLOORS.read_text()) if FLOORS.exists() else {}
    text = report(runs[0], floors, seconds)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "report.md").write_text(text)
    print(text)
    spread = max(abs(run[i].score - runs[0][i].score)
                 for run in runs for i in range(len(demos)))
    if args.runs > 1:
        print(f"largest difference of a demo's score between runs: {spread:.4f}")
    if args.write_floors and spread > FLOOR_MARGIN:
        # A floor from an unsteady measurement (a server that failed in one run, say)
        # would be a floor of that accident.
        print(f"runs disagree by {spread:.3f} (more than {FLOOR_MARGIN}): floors not written")
        return 1
    if args.write_floors:
        lowest = {r.name: min(run[i].score for run in runs) for i, r in enumerate(runs[0])}
        floors.update({name: round(max(0.0, s - FLOOR_MARGIN), 3)
                       for name, s in lowest.items()})
        FLOORS.write_text(json.dumps(dict(sorted(floors.items())), indent=1) + "\n")
        print(f"floors written to {FLOORS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
