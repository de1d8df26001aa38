"""Text on the page: ``text``, ``markdown`` and ``html``."""

from __future__ import annotations

import dataclasses
import re

from mesop_cli.runtime.components.node import choice, insert, text_or_empty
from mesop_cli.runtime.safe_html import clean_html
from mesop_cli.runtime.safe_markdown import to_html
from mesop_cli.runtime.style import Border, BorderSide, Style

_TEXT_TAGS = {f"headline-{n}": f"h{n}" for n in range(1, 7)} | {
    "subtitle-1": "p",
    "subtitle-2": "p",
    "body-1": "p",
    "body-2": "p",
    "caption": "span",
    "button": "span",
}
_HTML_MODES = ("sanitized", "sandboxed")


def text(
    text: str | None = None,
    *,
    type: str | None = None,
    style: Style | None = None,
    key: str | None = None,
) -> None:
    """A paragraph, or a heading for ``type="headline-1"`` .. ``"headline-6"``."""
    if type is not None and type not in _TEXT_TAGS:
        raise ValueError(f"me.text type {type!r} is not one of {', '.join(_TEXT_TAGS)}")
    tag = _TEXT_TAGS[type] if type else "p"
    # ``type`` names the type's class in mesop.css (Mesop's typography scale); the tag
    # keeps headings semantic.
    insert("me.text()", "text", key, {"text": text_or_empty(text), "tag": tag,
                                      "type": type or "default"}, style, {})


def markdown(
    text: str | None = None, *, style: Style | None = None, key: str | None = None
) -> None:
    """Markdown rendered to HTML on the server; raw HTML in it is shown, not executed."""
    html = to_html(text_or_empty(text))
    insert("me.markdown()", "markdown", key, {"html": html}, style, {})


def html(
    html: str = "",
    *,
    mode: str | None = None,
    style: Style | None = None,
    key: str | None = None,
) -> None:
    """HTML written by the app, shown safely.

    ``mode="sanitized"`` (the default) cleans it on the server against an allow-list of
    tags and attributes: no script, style, class, id, event handler, form or frame
    survives, and a link or image keeps only an http(s)/mailto/tel/relative URL. The
    client shows it in a shadow root of its host, out of reach of the page's stylesheets
    (the app's ``stylesheets`` do not style it either). ``mode="sandboxed"`` shows it
    whole in an ``<iframe sandbox>`` of its own origin, which cannot reach the page; that
    frame inherits the page's Content-Security-Policy, so inline scripts in it do not run.
    In both modes the host is a paint-contained box that scrolls: nothing in the markup
    is drawn, or catches a click, outside it, so it cannot cover the app's controls.
    """
    chosen = choice("me.html()", "mode", mode or "sanitized", _HTML_MODES)
    source = text_or_empty(html)
    shown = clean_html(source) if chosen == "sanitized" else source
    if style is None or style.border is None:
        # As in Mesop: the sandbox frame has no border unless the app gives one. A copy,
        # so a Style the app shares between components is left as it wrote it.
        style = dataclasses.replace(style or Style(), border=Border.all(BorderSide(width=0)))
    insert("me.html()", "html", key, {"html": shown, "mode": chosen}, style, {})


def code(code: str = "", *, language: str = "python") -> None:
    """A block of code, as Mesop draws it: Markdown's fenced code block in ``language``.

    The fence is longer than any run of backticks in the code, so the code stays whole.
    """
    source = text_or_empty(code)
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", source)), default=0))
    info = re.sub(r"[^\w+#.-]", "", text_or_empty(language))
    markdown(f"{fence}{info}\n{source}\n{fence}")
