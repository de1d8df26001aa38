"""The components: each call adds one node to the page being rendered.

Signatures follow Mesop's (keyword names and defaults) for the supported subset. Nodes
have the shape ``{"t", "k", "p", "s", "c"}`` that the browser client renders to plain,
accessible HTML; handler arguments become handler ids in the props.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from mesop_cli.runtime.context import TreeBuilder, current_builder, new_node
from mesop_cli.runtime.events import (
    HANDLER_KINDS,
    CheckboxChangeEvent,
    ClickEvent,
    InputBlurEvent,
    InputEnterEvent,
    InputEvent,
    SelectSelectionChangeEvent,
    SliderValueChangeEvent,
)
from mesop_cli.runtime.safe_markdown import to_html
from mesop_cli.runtime.style import Style, to_css

_TEXT_TAGS = {f"headline-{n}": f"h{n}" for n in range(1, 7)} | {
    "subtitle-1": "p",
    "subtitle-2": "p",
    "body-1": "p",
    "body-2": "p",
    "caption": "span",
    "button": "span",
}
_BUTTON_TYPES = {"raised", "flat", "stroked", "icon"}
_APPEARANCES = ("fill", "outline")
_PALETTE = ("primary", "accent", "warn")
_LABEL_POSITIONS = ("after", "before")
_SAFE_SCHEMES = {"", "http", "https", "mailto", "tel"}


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


def _insert(
    caller: str,
    type_name: str,
    key: str | None,
    props: dict[str, Any],
    style: Style | None,
    handlers: dict[str, Callable[[Any], Any] | None],
    own_css: str = "",
) -> ParentComponent:
    builder = current_builder(caller)
    for argument, handler in handlers.items():
        if handler is not None:
            props[argument] = builder.handlers.register(handler, HANDLER_KINDS[argument])
    css = "; ".join(part for part in (own_css, to_css(style)) if part)
    node = new_node(type_name, key, props, css)
    builder.add(node)
    return ParentComponent(builder, node)


def _text_or_empty(value: object) -> str:
    return "" if value is None else str(value)


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
    _insert("me.text()", "text", key, {"text": _text_or_empty(text), "tag": tag}, style, {})


def markdown(
    text: str | None = None, *, style: Style | None = None, key: str | None = None
) -> None:
    """Markdown rendered to HTML on the server; raw HTML in it is shown, not executed."""
    html = to_html(_text_or_empty(text))
    _insert("me.markdown()", "markdown", key, {"html": html}, style, {})


def button(
    label: str | None = None,
    *,
    on_click: Callable[[ClickEvent], Any] | None = None,
    type: str | None = None,
    color: str | None = None,
    disable_ripple: bool = False,
    disabled: bool = False,
    style: Style | None = None,
    key: str | None = None,
) -> ParentComponent:
    """A ``<button>``; ``type`` is "raised", "flat", "stroked" or "icon".

    Usable as ``with me.button(...):`` to put components inside it. ``disable_ripple``
    is taken so Mesop code runs unchanged; a plain button has no ripple to disable.
    """
    if type is not None and type not in _BUTTON_TYPES:
        choices = ", ".join(sorted(_BUTTON_TYPES))
        raise ValueError(f"me.button type {type!r} is not one of {choices}")
    props = {
        "label": _text_or_empty(label),
        "disabled": bool(disabled),
        "variant": type or "",
        "color": color or "",
    }
    return _insert("me.button()", "button", key, props, style, {"on_click": on_click})


def _choice(caller: str, argument: str, value: str, choices: tuple[str, ...]) -> str:
    """``value`` if it is one of Mesop's ``choices``, so a typo fails where it is written."""
    if value not in choices:
        raise ValueError(f"{caller} {argument} {value!r} is not one of {', '.join(choices)}")
    return value


def _field_props(
    caller: str,
    label: str,
    value: str,
    placeholder: str,
    disabled: bool,
    readonly: bool,
    appearance: str,
    color: str,
) -> dict[str, Any]:
    return {
        "label": _text_or_empty(label),
        "value": _text_or_empty(value),
        "placeholder": _text_or_empty(placeholder),
        "disabled": bool(disabled),
        "readonly": bool(readonly),
        "appearance": _choice(caller, "appearance", appearance, _APPEARANCES),
        "color": _choice(caller, "color", color, _PALETTE),
    }


def input(
    *,
    label: str = "",
    on_blur: Callable[[InputBlurEvent], Any] | None = None,
    on_input: Callable[[InputEvent], Any] | None = None,
    on_enter: Callable[[InputEnterEvent], Any] | None = None,
    type: str | None = None,
    placeholder: str = "",
    value: str = "",
    disabled: bool = False,
    readonly: bool = False,
    appearance: str = "fill",
    color: str = "primary",
    style: Style | None = None,
    key: str | None = None,
) -> None:
    """A labelled ``<input>``; ``type`` is an HTML input type ("text" by default)."""
    props = _field_props(
        "me.input()", label, value, placeholder, disabled, readonly, appearance, color
    )
    props["input_type"] = type or "text"
    handlers = {"on_input": on_input, "on_blur": on_blur, "on_enter": on_enter}
    _insert("me.input()", "input", key, props, style, handlers)


def textarea(
    *,
    label: str = "",
    on_blur: Callable[[InputBlurEvent], Any] | None = None,
    on_input: Callable[[InputEvent], Any] | None = None,
    on_enter: Callable[[InputEnterEvent], Any] | None = None,
    rows: int = 5,
    placeholder: str = "",
    value: str = "",
    disabled: bool = False,
    readonly: bool = False,
    appearance: str = "fill",
    color: str = "primary",
    style: Style | None = None,
    key: str | None = None,
) -> None:
    """A labelled ``<textarea>`` of ``rows`` lines."""
    props = _field_props(
        "me.textarea()", label, value, placeholder, disabled, readonly, appearance, color
    )
    props["input_type"] = "textarea"
    props["rows"] = int(rows)
    handlers = {"on_input": on_input, "on_blur": on_blur, "on_enter": on_enter}
    _insert("me.textarea()", "textarea", key, props, style, handlers)


def checkbox(
    label: str | None = None,
    *,
    on_change: Callable[[CheckboxChangeEvent], Any] | None = None,
    label_position: str = "after",
    disable_ripple: bool = False,
    color: str | None = None,
    checked: bool = False,
    disabled: bool = False,
    indeterminate: bool = False,
    style: Style | None = None,
    key: str | None = None,
) -> None:
    """A labelled checkbox; ``indeterminate`` shows the "mixed" state of a parent box.

    ``disable_ripple`` is taken so Mesop code runs unchanged; there is no ripple here.
    """
    props = {
        "label": _text_or_empty(label),
        "checked": bool(checked),
        "disabled": bool(disabled),
        "indeterminate": bool(indeterminate),
        "label_position": _choice(
            "me.checkbox()", "label_position", label_position, _LABEL_POSITIONS
        ),
        "color": color or "",
    }
    _insert("me.checkbox()", "checkbox", key, props, style, {"on_change": on_change})


@dataclass
class SelectOption:
    """One choice of a select: the text shown and the value reported."""

    label: str | None = None
    value: str | None = None


def select(
    *,
    options: Iterable[SelectOption] = (),
    label: str = "",
    on_selection_change: Callable[[SelectSelectionChangeEvent], Any] | None = None,
    disabled: bool = False,
    placeholder: str = "",
    multiple: bool = False,
    value: str | list[str] = "",
    appearance: str = "fill",
    style: Style | None = None,
    key: str | None = None,
) -> None:
    """A labelled ``<select>``; ``value`` is a string, or a list with ``multiple``."""
    choices = []
    for option in options:
        if not isinstance(option, SelectOption):
            raise TypeError(f"me.select options must be me.SelectOption, got {option!r}")
        shown = option.value if option.label is None else option.label
        choices.append({"label": _text_or_empty(shown), "value": _text_or_empty(option.value)})
    if isinstance(value, str):
        selected = [value] if value else []
    else:
        selected = [_text_or_empty(v) for v in value]
    props = {
        "label": _text_or_empty(label),
        "options": choices,
        "value": selected,
        "multiple": bool(multiple),
        "disabled": bool(disabled),
        "placeholder": _text_or_empty(placeholder),
        "appearance": _choice("me.select()", "appearance", appearance, _APPEARANCES),
    }
    handlers = {"on_selection_change": on_selection_change}
    _insert("me.select()", "select", key, props, style, handlers)


def slider(
    *,
    label: str = "",
    on_value_change: Callable[[SliderValueChangeEvent], Any] | None = None,
    min: float = 0,
    max: float = 100,
    step: float = 1,
    value: float | None = None,
    color: str | None = None,
    disabled: bool = False,
    discrete: bool = False,
    show_tick_marks: bool = False,
    disable_ripple: bool = False,
    style: Style | None = None,
    key: str | None = None,
) -> None:
    """A range slider; ``label`` (not in Mesop) names it for screen readers.

    ``discrete`` asks for the value to be shown and ``show_tick_marks`` for a mark at
    each step, as in Mesop; ``disable_ripple`` is taken so Mesop code runs unchanged.
    """
    props = {
        "label": _text_or_empty(label),
        "min": float(min),
        "max": float(max),
        "step": float(step),
        "value": float(min if value is None else value),
        "disabled": bool(disabled),
        "discrete": bool(discrete),
        "show_tick_marks": bool(show_tick_marks),
        "color": color or "",
    }
    _insert("me.slider()", "slider", key, props, style, {"on_value_change": on_value_change})


def box(
    *,
    style: Style | None = None,
    on_click: Callable[[ClickEvent], Any] | None = None,
    key: str | None = None,
) -> ParentComponent:
    """A ``<div>`` for layout: ``with me.box(style=me.Style(...)): ...``."""
    return _insert("me.box()", "box", key, {}, style, {"on_click": on_click})


def divider(*, key: str | None = None, inset: bool = False) -> None:
    """A horizontal rule; ``inset`` (Mesop's) marks one indented like a list's."""
    _insert("me.divider()", "divider", key, {"inset": bool(inset)}, None, {})


def _safe_url(url: str) -> str:
    """``url`` unless its scheme could run script, which is replaced by a dead link."""
    scheme = urlsplit(url.strip()).scheme.lower()
    return url if scheme in _SAFE_SCHEMES else "about:blank#blocked"


def link(
    *,
    text: str,
    url: str,
    open_in_new_tab: bool = False,
    style: Style | None = None,
    key: str | None = None,
) -> None:
    """A link; in-app paths ("/form") navigate without reloading the page."""
    props = {
        "text": _text_or_empty(text),
        "url": _safe_url(_text_or_empty(url)),
        "open_in_new_tab": bool(open_in_new_tab),
    }
    _insert("me.link()", "link", key, props, style, {})


def _pixels(caller: str, argument: str, value: float) -> str:
    """A positive number of pixels as CSS, refusing what is not one."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"{caller} {argument} must be a positive number, got {value!r}")
    return f"{float(value):g}px"


def progress_spinner(
    *,
    key: str | None = None,
    color: str | None = None,
    diameter: float | None = None,
    stroke_width: float | None = None,
) -> None:
    """An indeterminate progress indicator.

    ``diameter`` and ``stroke_width`` (pixels, as in Mesop) size it through its inline
    style, so they take effect without anything in the client knowing of them.
    """
    caller = "me.progress_spinner()"
    sizes = []
    if diameter is not None:
        side = _pixels(caller, "diameter", diameter)
        sizes += [f"width: {side}", f"height: {side}"]
    if stroke_width is not None:
        sizes.append(f"border-width: {_pixels(caller, 'stroke_width', stroke_width)}")
    props = {"color": color or ""}
    _insert(caller, "progress_spinner", key, props, None, {}, "; ".join(sizes))
