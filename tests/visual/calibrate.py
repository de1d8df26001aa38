"""What the parity score gives for known differences, to choose the target by.

From the repository root, with the venv of tests/visual/regenerate.py::

    .venv/bin/python -m tests.visual.calibrate --mesop-venv /tmp/mesop-venv

It prints, over the demos of the suite, the scores of:

- Mesop against itself: every demo rendered again on Mesop 1.3.7 (the noise floor);
- one text type wrong, rendered on Mesop: readme_app's first ``me.text`` given
  ``type="headline-5"``, and text_app's ``headline-1`` made ``headline-2``;
- the page inset by 8 px (each golden moved 8 px right and down, as a body margin does);
- an empty page (each golden's background alone).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np

from tests.support.server import free_port
from tests.support.services import chromium_path
from tests.visual.capture import MesopServer, load_png, serve_ahead, take
from tests.visual.compare import background, score
from tests.visual.demos import GOLDEN, Demo, all_demos
from tests.visual.regenerate import CHROMIUM_ARGS, mesop_command, mesop_server

#: (demo, text in its source, replacement): one text type wrong each.
WRONG_TYPE = [
    ("readme_app", 'me.text("Hello, world!")', 'me.text("Hello, world!", type="headline-5")'),
    ("text_app", 'type="headline-1"', 'type="headline-2"'),
]


def shifted(image: np.ndarray, by: int) -> np.ndarray:
    out = np.full_like(image, background(image))
    out[by:, by:] = image[:-by, :-by]
    return out


def line(label: str, scores: list[float]) -> str:
    return (f"{label:34s} min {min(scores):.3f}  median {statistics.median(scores):.3f}  "
            f"max {max(scores):.3f}  ({len(scores)} demos)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mesop-venv", type=Path, required=True)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    mesop = mesop_command(args.mesop_venv.resolve())
    masks = json.loads((GOLDEN / "masks.json").read_text())
    demos = {d.name: d for d in all_demos()}
    goldens = {name: load_png(d.golden) for name, d in demos.items()}
    again: dict[str, float] = {}
    wrong: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="mesop-calibrate-") as scratch_name, \
            sync_playwright() as playwright:
        scratch = Path(scratch_name)
        browser = playwright.chromium.launch(executable_path=chromium_path(),
                                             args=CHROMIUM_ARGS)
        for demo, served in serve_ahead(list(demos.values()), mesop_server(mesop, scratch)):
            shot = take(browser, served.url)
            again[demo.name] = score(goldens[demo.name], shot.image,
                                     masks[demo.name] + shot.boxes)
        for name, old, new in WRONG_TYPE:
            demo: Demo = demos[name]
            app = demo.lay_out(scratch / f"wrong-{name}", for_mesop=True)
            source = app.read_text()
            assert old in source, f"{name}: {old!r} not in its source"
            app.write_text(source.replace(old, new, 1))
            with MesopServer(mesop, app, free_port(), demo.page_path) as url:
                shot = take(browser, url)
            wrong[name] = score(goldens[name], shot.image, masks[name] + shot.boxes)
        browser.close()
    inset = [score(g, shifted(g, 8), masks[n]) for n, g in goldens.items()]
    empty = [score(g, np.full_like(g, background(g)), masks[n]) for n, g in goldens.items()]
    print(line("Mesop against itself", list(again.values())))
    for name, value in wrong.items():
        print(f"{'one text type wrong: ' + name:34s} {value:.3f}")
    print(line("page inset by 8 px", inset))
    print(line("empty page", empty))
    worst = sorted(again.items(), key=lambda item: item[1])[:3]
    print("lowest against itself:", ", ".join(f"{n} {s:.4f}" for n, s in worst))
    return 0


if __name__ == "__main__":
    sys.exit(main())
