"""mesop_cli.runtime.safe_markdown: fenced code is highlighted on the server (Pygments)
into class-only token spans, and highlighting never lets markup through."""

from __future__ import annotations

import html as html_module
import re

from mesop_cli.runtime.safe_markdown import to_html


def test_fenced_code_with_a_language_gets_token_spans() -> None:
    html = to_html('```python\ndef f():\n    return "x"  # done\n```')
    assert html.startswith('<pre><code class="language-python">')
    assert '<span class="k">def</span>' in html
    assert '<span class="nf">f</span>' in html
    assert '<span class="s2">&quot;x&quot;</span>' in html or '<span class="s2">"x"</span>' in html
    assert '<span class="c1"># done</span>' in html
    # Only classes: no inline style for the CSP or the theme to fight with.
    assert "style=" not in html


def test_code_stays_escaped_whatever_the_language() -> None:
    for fence in ("```html", "```python", "```no-such-language", "```"):
        source = "<script>alert(1)</script><img src=x onerror=y>\n"
        html = to_html(f"{fence}\n{source}```")
        assert set(re.findall(r"</?([a-zA-Z0-9]+)", html)) <= {"pre", "code", "span"}, fence
        shown = re.sub(r"<[^>]+>", "", html.split(">", 2)[2].rsplit("</code>", 1)[0])
        assert html_module.unescape(shown) == source, fence


def test_unknown_or_missing_language_is_plain_escaped_text() -> None:
    assert to_html("```nope\na < b\n```") == (
        '<pre><code class="language-nope">a &lt; b\n</code></pre>\n')
    assert to_html("```\na < b\n```") == "<pre><code>a &lt; b\n</code></pre>\n"


def test_the_code_text_is_kept_exactly() -> None:
    source = "\n\n  x = 1\t# tab\n\n"
    html = to_html(f"```python\n{source}```")
    text = re.sub(r"<[^>]+>", "", html.split(">", 2)[2].rsplit("</code>", 1)[0])
    assert text == source
