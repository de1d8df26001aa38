"""Markdown to HTML that is safe to insert into the page.

markdown-it-py with raw HTML disabled escapes any tag in the source, and its link
validator drops ``javascript:``, ``vbscript:``, ``file:`` and non-image ``data:`` URLs, so
neither an app author's text nor text a user typed into state can inject markup.

Fenced code that names its language is highlighted here, on the server, by Pygments (Mesop
highlights in the browser with highlight.js; a server-side highlighter needs no script or
CDN): its output is the code, HTML-escaped, in ``<span class="...">`` tokens whose colours
are in mesop.css, so it adds classes and nothing else to the page.
"""

from __future__ import annotations

import functools

from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

# nowrap: the spans alone; markdown-it puts them in its <pre><code class="language-x">.
_FORMATTER = HtmlFormatter(nowrap=True)


@functools.lru_cache(maxsize=256)
def _highlighted(code: str, language: str) -> str:
    """``code`` as escaped HTML with token spans, or "" (markdown-it then escapes it
    plainly) for no language or one Pygments does not know. Cached: a chat renders the
    same replies again at every event."""
    if not language:
        return ""
    try:
        lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return ""
    return highlight(code, lexer, _FORMATTER)


def _highlight(code: str, language: str, attrs: str) -> str:
    return _highlighted(code, language.lower())


# Rendering keeps all its state in per-call objects, so one instance serves all threads.
_RENDERER = MarkdownIt("commonmark", {"html": False, "highlight": _highlight}).enable(
    ["table", "strikethrough"])


def to_html(text: str) -> str:
    """Sanitized HTML for ``text``."""
    return _RENDERER.render(text)
