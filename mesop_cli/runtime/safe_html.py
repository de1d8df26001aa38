"""App-written HTML cleaned on the server before it reaches the page (``me.html``).

nh3 (Python bindings of the Rust crate ammonia) parses the HTML as a browser would and
keeps only what an allow-list names, so what the client inserts can neither run script
nor restyle or overlay the page: no ``<script>``, ``<style>``, frames, forms, inputs,
dialogs or SVG, no ``on*`` attributes, no ``style``, ``class`` or ``id`` (which would reach
the page's own styles and names: a link dressed in the side nav's fixed, z-indexed class
covered the app's controls), no ``popover``, and URLs only with the schemes a link may
have. Text of dropped tags is kept, except inside ``<script>`` and ``<style>``, whose
content is dropped with them.

The client adds two walls of its own (web/static/components/text.js, mesop.css): the
cleaned markup is put in a shadow root of its host element, which the page's stylesheets
do not enter, and the host is a paint-contained box that scrolls, so whatever the markup
lays out (giant images, 1000-column tables, right-to-left overflow) is drawn and hit only
inside it.
"""

from __future__ import annotations

import nh3

_TAGS = frozenset({
    "a", "abbr", "article", "aside", "b", "bdi", "bdo", "blockquote", "br", "caption",
    "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt",
    "em", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt",
    "ruby", "s", "samp", "section", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
})
_ATTRIBUTES = {
    "*": {"title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "reversed"},
    "time": {"datetime"},
}
_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def clean_html(html: str) -> str:
    """``html`` reduced to the allow-listed tags, attributes and URL schemes."""
    return nh3.clean(
        html,
        tags=set(_TAGS),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        url_schemes=set(_URL_SCHEMES),
        link_rel="noopener noreferrer",
    )
