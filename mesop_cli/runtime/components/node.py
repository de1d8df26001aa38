"""What every component shares: inserting a node, parents, and checks of arguments.

Nodes have the shape ``{"t", "k", "p", "s", "c"}`` that the browser client renders to
plain, accessible HTML; handler arguments become handler ids in the props, registered in
the render's HandlerMap so an event can only reach a handler the session's page shows.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from mesop_cli.runtime.scope import TreeBuilder, current_builder, new_node
from mesop_cli.runtime.style import Style, to_css

PALETTE = ("primary", "accent", "warn")
LABEL_POSITIONS = ("after", "before")
_SAFE_SCHEMES = {"", "http", "https", "mailto", "tel"}
# Images a browser decodes without running anything in them (SVG in <img> runs no script).
_SAFE_IMAGE_DATA = ("data:image/png", "data:image/jpeg", "data:image/gif",
                    "data:image/webp", "data:image/svg+xml", "data:image/avif")

# A handler argument: (the callable or None, the event kind it accepts).
Handlers = dict[str, tuple[Callable[[Any], Any] | None, str]]


class ParentComponent:
    """Returned by components that take children: ``with me.box(): ...``."""

    def __init__(self, builder: TreeBuilder, node: dict[str, Any]) -> None:
        self._builder = builder
        self._node = node

    def __enter__(self) -> None:
        self._builder.open(self._node)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._builder.close(self._node)


def insert(
    caller: str,
    type_name: str,
    key: str | None,
    props: dict[str, Any],
    style: Style | None,
    handlers: Handlers,
    own_css: str = "",
) -> ParentComponent:
    """Add one node to the page being rendered; handlers become ids in its props."""
    builder = current_builder(caller)
    for argument, (handler, kind) in handlers.items():
        if handler is not None:
            props[argument] = builder.handlers.register(handler, kind)
    css = "; ".join(part for part in (own_css, to_css(style)) if part)
    node = new_node(type_name, key, props, css)
    builder.add(node)
    return ParentComponent(builder, node)


def text_or_empty(value: object) -> str:
    return "" if value is None else str(value)


def choice(caller: str, argument: str, value: str, choices: tuple[str, ...]) -> str:
    """``value`` if it is one of Mesop's ``choices``, so a typo fails where it is written."""
    if value not in choices:
        raise ValueError(f"{caller} {argument} {value!r} is not one of {', '.join(choices)}")
    return value


def optional_choice(
    caller: str, argument: str, value: str | None, choices: tuple[str, ...]
) -> str:
    """As ``choice``, with None (Mesop's default for colors) sent as ""."""
    return "" if value is None else choice(caller, argument, value, choices)


def safe_url(url: str) -> str:
    """``url`` unless its scheme could run script, which is replaced by a dead link."""
    scheme = urlsplit(url.strip()).scheme.lower()
    return url if scheme in _SAFE_SCHEMES else "about:blank#blocked"


def safe_image_url(url: str) -> str:
    """As ``safe_url``, also letting through inline images (``data:image/png;...``)."""
    if url.strip().lower().startswith(_SAFE_IMAGE_DATA):
        return url.strip()
    return safe_url(url)


def pixels(caller: str, argument: str, value: float) -> str:
    """A positive number of pixels as CSS, refusing what is not one."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"{caller} {argument} must be a positive number, got {value!r}")
    return f"{float(value):g}px"
