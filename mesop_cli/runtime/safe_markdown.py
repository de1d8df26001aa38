"""Markdown to HTML that is safe to insert into the page.

markdown-it-py with raw HTML disabled escapes any tag in the source, and its link
validator drops ``javascript:``, ``vbscript:``, ``file:`` and non-image ``data:`` URLs, so
neither an app author's text nor text a user typed into state can inject markup.
"""

from __future__ import annotations

from markdown_it import MarkdownIt

# Rendering keeps all its state in per-call objects, so one instance serves all threads.
_RENDERER = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def to_html(text: str) -> str:
    """Sanitized HTML for ``text``."""
    return _RENDERER.render(text)
