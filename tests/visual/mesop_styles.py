"""Dump the computed styles of Mesop 1.3.7's main elements to tests/visual/mesop_styles.json.

For the look work: what ours must match, read from Mesop's own rendered page rather than
guessed from its stylesheets. From the repository root, with the venv of
tests/visual/regenerate.py::

    .venv/bin/python -m tests.visual.mesop_styles --mesop-venv /tmp/mesop-venv

A probe app (PROBE below: every ``me.text`` type, every button type and colour, a box
with a border and padding) is served by real Mesop (``--prod``), opened in Chromium at
1280x900 in light and dark mode (its ``/dark`` page calls ``me.set_theme_mode("dark")`` on
load), and ``getComputedStyle`` is read for each element: the innermost element holding
the probe's text for a text, the ``<button>`` for a button. The page's ``--sys-*`` theme
variables are read from ``body``. Fonts: no Roboto is installed here and Google Fonts is
out of reach, so the used font is the first local fallback of ``font-family`` (Liberation
Sans / DejaVu Sans), the same for both sides.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from tests.support.server import free_port
from tests.support.services import chromium_path
from tests.visual.capture import VIEWPORT, MesopServer
from tests.visual.demos import HERE
from tests.visual.regenerate import CHROMIUM_ARGS, mesop_command

OUTPUT = HERE / "mesop_styles.json"
TEXT_TYPES = ["headline-1", "headline-2", "headline-3", "headline-4", "headline-5",
              "headline-6", "subtitle-1", "subtitle-2", "body-1", "body-2", "caption",
              "button"]
BUTTONS = [(t, c) for t in ("default", "flat", "raised", "stroked")
           for c in ("default", "primary", "accent", "warn")]
PROBE = f'''import mesop as me

TEXT_TYPES = {TEXT_TYPES!r}
BUTTONS = {BUTTONS!r}


def body():
  me.text("text default")
  for kind in TEXT_TYPES:
    me.text(f"text {{kind}}", type=kind)
  for kind, color in BUTTONS:
    me.button(f"button {{kind}} {{color}}",
              type=None if kind == "default" else kind,
              color=None if color == "default" else color)
  with me.content_button(type="icon"):
    me.icon("home")
  with me.box(style=me.Style(border=me.Border.all(me.BorderSide(width=2, style="solid")),
                             padding=me.Padding.all(10), width=100)):
    me.text("box inner")
  me.input(label="input label")
  me.checkbox("checkbox label")


def dark(e: me.LoadEvent):
  me.set_theme_mode("dark")


@me.page(path="/")
def light_page():
  body()


@me.page(path="/dark", on_load=dark)
def dark_page():
  body()
'''
_READ = """([texts, buttons]) => {
  const keep = ['font-family', 'font-size', 'font-weight', 'line-height', 'letter-spacing',
    'color', 'background-color', 'border', 'border-radius', 'padding', 'margin', 'height',
    'width', 'box-sizing', 'box-shadow', 'text-transform', 'display'];
  const styleOf = (el) => {
    const cs = getComputedStyle(el), out = {tag: el.tagName.toLowerCase(),
      class: el.className && el.className.baseVal === undefined ? el.className : ''};
    for (const k of keep) out[k] = cs.getPropertyValue(k);
    const r = el.getBoundingClientRect();
    out.box = [r.left, r.top, r.width, r.height].map(Math.round);
    return out;
  };
  const innermost = (text) => {
    let found = null;
    for (const el of document.querySelectorAll('body *')) {
      if (el.children.length === 0 && el.textContent.trim() === text) { found = el; break; }
    }
    return found;
  };
  const result = {texts: {}, buttons: {}, page: {}, theme: {}};
  for (const t of texts) {
    const el = innermost(t);
    if (el) result.texts[t] = styleOf(el);
  }
  for (const b of buttons) {
    const el = innermost(b);
    const button = el && el.closest('button');
    if (button) result.buttons[b] = styleOf(button);
  }
  const icon = [...document.querySelectorAll('button')].find(
    (b) => b.textContent.trim() === 'home');
  if (icon) result.buttons['button icon'] = styleOf(icon);
  const box = innermost('box inner');
  let framed = box;  // the box is the first ancestor with the probe's 2px border
  while (framed && getComputedStyle(framed).borderTopWidth !== '2px') framed = framed.parentElement;
  if (framed) result.page.box = styleOf(framed);
  result.page.html = styleOf(document.documentElement);
  result.page.body = styleOf(document.body);
  const first = innermost('text default');
  const chain = [];
  for (let el = first; el && el !== document.body; el = el.parentElement) {
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    chain.push({tag: el.tagName.toLowerCase(), box: [r.left, r.top].map(Math.round),
                margin: cs.margin, padding: cs.padding});
  }
  result.page.first_text_ancestors = chain;
  const bs = getComputedStyle(document.body);
  for (const sheet of document.styleSheets) {
    let rules; try { rules = sheet.cssRules; } catch (e) { continue; }
    for (const rule of rules) {
      if (!rule.style) continue;
      for (const name of rule.style) {
        if (name.startsWith('--sys-')) result.theme[name] = bs.getPropertyValue(name).trim();
      }
    }
  }
  return result;
}"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mesop-venv", type=Path, required=True)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    mesop = mesop_command(args.mesop_venv.resolve())
    texts = ["text default"] + [f"text {t}" for t in TEXT_TYPES]
    buttons = [f"button {k} {c}" for k, c in BUTTONS]
    dump: dict[str, object] = {
        "measured": "getComputedStyle on Mesop 1.3.7's own page (mesop --prod), Chromium "
                    f"{VIEWPORT['width']}x{VIEWPORT['height']}, by tests/visual/mesop_styles.py",
    }
    with tempfile.TemporaryDirectory(prefix="mesop-styles-") as scratch, \
            sync_playwright() as playwright:
        app = Path(scratch) / "probe.py"
        app.write_text(PROBE)
        browser = playwright.chromium.launch(executable_path=chromium_path(),
                                             args=CHROMIUM_ARGS)
        with MesopServer(mesop, app, free_port(), "/") as url:
            base = url.rstrip("/")
            for mode, path in (("light", "/"), ("dark", "/dark")):
                page = browser.new_page(viewport=VIEWPORT)
                page.goto(base + path, wait_until="networkidle")
                page.wait_for_timeout(500)
                dump[mode] = page.evaluate(_READ, [texts, buttons])
                page.close()
        browser.close()
    OUTPUT.write_text(json.dumps(dump, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
