"""Screenshots taken the same way on Mesop and on ours, and the servers they are taken from.

A shot is the 1280x900 viewport, not the full page: both sides then give images of one size
that compare pixel for pixel (a full page's height differs wherever a layout differs, and
Mesop's page scrolls inside its own container, so its full page is the viewport anyway);
every demo of the suite but the long ones starts within it. Before the shot: the load's
network is idle, animations, transitions and the caret are off, web fonts are ready, and a
settle delay lets the last render land. The image is kept in grayscale (the metric is
computed on it, and it keeps the goldens small).

Masks are the boxes of what needs the network on Mesop's page (the Material Symbols icon
font from Google Fonts, images, media and frames from other sites): they are measured on
Mesop's page when the golden is taken and on ours at each run, and both sets are painted
flat on both images before scoring.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import requests
from PIL import Image

VIEWPORT = {"width": 1280, "height": 900}
#: No motion, no blinking caret: a shot must not depend on when it is taken.
STILL_CSS = ("*{animation:none!important;transition:none!important;"
             "caret-color:transparent!important}")
SETTLE_MS = 400
#: Elements whose look depends on the network: icons (Mesop's icon font comes from Google
#: Fonts; ours ships it, so its icons are masked too), and media or frames whose source is on
#: another site (checked in the page script below).
MASK_SELECTOR = ("mat-icon, .material-symbols-rounded, .material-symbols-outlined, "
                 ".material-icons, .mesop-icon, img, iframe, video, audio")
_BOXES_SCRIPT = """(selector) => {
  const boxes = [];
  const offsite = (el) => {
    const src = el.currentSrc || el.src || (el.querySelector('source') || {}).src || '';
    if (!src || src.startsWith('data:') || src.startsWith('blob:')) return false;
    return new URL(src, location.href).origin !== location.origin;
  };
  for (const el of document.querySelectorAll(selector)) {
    if (el.matches('img, iframe, video, audio') && !offsite(el)) continue;
    const r = el.getBoundingClientRect();
    const x0 = Math.max(0, Math.floor(r.left)), y0 = Math.max(0, Math.floor(r.top));
    const x1 = Math.min(innerWidth, Math.ceil(r.right));
    const y1 = Math.min(innerHeight, Math.ceil(r.bottom));
    if (x1 > x0 && y1 > y0) boxes.push([x0, y0, x1 - x0, y1 - y0]);
  }
  return boxes;
}"""


@dataclass
class Shot:
    image: np.ndarray  # uint8 grayscale, VIEWPORT's height x width
    boxes: list[list[int]]  # [x, y, w, h] of the masked elements, in pixels
    text: str = ""  # the page's visible text, to tell an error page from a demo


def new_context(browser: Any) -> Any:
    """A browser context as both sides get it: light scheme, scale 1, CSP bypassed (the
    stillness CSS is an inline style, which a strict policy would refuse)."""
    return browser.new_context(viewport=VIEWPORT, device_scale_factor=1, color_scheme="light",
                               reduced_motion="reduce", bypass_csp=True)


def take(browser: Any, url: str, timeout_ms: int = 30_000) -> Shot:
    context = new_context(browser)
    try:
        page = context.new_page()
        page.goto(url, wait_until="networkidle", timeout=timeout_ms)
        page.add_style_tag(content=STILL_CSS)
        page.evaluate("document.fonts.ready.then(() => true)")
        page.wait_for_load_state("networkidle", timeout=timeout_ms)
        page.wait_for_timeout(SETTLE_MS)
        png = page.screenshot(type="png", animations="disabled", caret="hide")
        boxes = page.evaluate(_BOXES_SCRIPT, MASK_SELECTOR)
        text = page.evaluate("document.body.innerText")
    finally:
        context.close()
    return Shot(to_gray(png), boxes, text)


def to_gray(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"))


def save_png(image: np.ndarray, path: Path) -> None:
    Image.fromarray(image, mode="L").save(path, optimize=True)


def load_png(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("L"))


# ---- servers, a few started ahead of the shots --------------------------------------------


@dataclass
class Served:
    url: str | None  # None when the server could not start
    error: str = ""
    closer: Callable[[], None] = field(default=lambda: None)


def serve_ahead(items: list[Any], start: Callable[[Any], AbstractContextManager[str]],
                ahead: int = 3) -> Iterator[tuple[Any, Served]]:
    """Yield (item, Served) in order, with up to ``ahead`` servers starting in the
    background meanwhile: a server's start (seconds of Python imports) is the slow part, so
    the shots, taken one at a time, never wait for one. Each server stops once its item's
    turn is over."""
    def begin(item: Any) -> Served:
        manager = start(item)
        try:
            url = manager.__enter__()
        except Exception as error:  # noqa: BLE001 - reported as "not loadable"
            return Served(None, f"{type(error).__name__}: {error}")
        return Served(url, closer=lambda: manager.__exit__(None, None, None))

    with ThreadPoolExecutor(max_workers=ahead) as pool:
        pending: list[tuple[Any, Future[Served]]] = []
        queue = list(items)
        try:
            while queue or pending:
                while queue and len(pending) < ahead:
                    item = queue.pop(0)
                    pending.append((item, pool.submit(begin, item)))
                item, future = pending.pop(0)
                served = future.result()
                try:
                    yield item, served
                finally:
                    served.closer()
        finally:
            for _, future in pending:
                future.result().closer()


class MesopServer(AbstractContextManager[str]):
    """Real Mesop (from its own venv) serving one app file in prod mode; the URL of its
    page."""

    def __init__(self, mesop: Path, app: Path, port: int, page_path: str,
                 timeout: float = 60.0) -> None:
        self.command = [str(mesop), app.name, f"--port={port}", "--prod"]
        self.cwd, self.url, self.timeout = app.parent, f"http://127.0.0.1:{port}{page_path}", \
            timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.log = app.parent / "mesop.log"

    def __enter__(self) -> str:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MESOP_")}
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(self.command, cwd=self.cwd, env=env, stdout=log,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Mesop exited: {self.log.read_text(errors='replace')}")
            try:
                if requests.get(self.url, timeout=2).status_code == 200:
                    return self.url
            except requests.RequestException:
                pass
            time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"Mesop did not answer within {self.timeout:g}s")

    def __exit__(self, *exc: object) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
