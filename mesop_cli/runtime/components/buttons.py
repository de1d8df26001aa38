"""Buttons: ``button`` (a text label) and ``content_button`` (any children), and the
``click`` event they send, which boxes send too (with the pointer's coordinates)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mesop_cli.runtime.components.node import (
    PALETTE,
    ParentComponent,
    insert,
    optional_choice,
    text_or_empty,
)
from mesop_cli.runtime.components.values import (
    Kinds,
    MesopEvent,
    flag_or_null,
    pointer,
)
from mesop_cli.runtime.style import Style

_BUTTON_TYPES = ("raised", "flat", "stroked", "icon")


@dataclass(kw_only=True)
class ClickEvent(MesopEvent):
    """A click; ``is_target`` is False when a child of the clicked box was the target.

    The coordinates (Mesop's) are those of the pointer: in the viewport, in the whole
    document, and in the clicked element; 0 where the browser sent none (a button). They
    stay out of the repr so a logged click stays one short line.
    """

    is_target: bool = True
    client_x: float = field(default=0.0, repr=False)
    client_y: float = field(default=0.0, repr=False)
    page_x: float = field(default=0.0, repr=False)
    page_y: float = field(default=0.0, repr=False)
    offset_x: float = field(default=0.0, repr=False)
    offset_y: float = field(default=0.0, repr=False)


def _click(key: str, value: object) -> MesopEvent:
    if isinstance(value, dict):  # a box sends where the pointer was
        return ClickEvent(key=key, **pointer("click", value))  # type: ignore[arg-type]
    is_target = flag_or_null("click", value)
    return ClickEvent(key=key, is_target=True if is_target is None else is_target)


KINDS: Kinds = {"click": _click}


def _button(
    caller: str,
    label: str,
    on_click: Callable[[ClickEvent], Any] | None,
    type: str | None,
    color: str | None,
    disabled: bool,
    style: Style | None,
    key: str | None,
) -> ParentComponent:
    props = {
        "label": label,
        "disabled": bool(disabled),
        "variant": optional_choice(caller, "type", type, _BUTTON_TYPES),
        "color": color or "",
    }
    return insert(caller, "button", key, props, style, {"on_click": (on_click, "click")})


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
    return _button("me.button()", text_or_empty(label), on_click, type, color, disabled,
                   style, key)


def content_button(
    *,
    on_click: Callable[[ClickEvent], Any] | None = None,
    type: str | None = None,
    color: str | None = None,
    disable_ripple: bool = False,
    disabled: bool = False,
    style: Style | None = None,
    key: str | None = None,
) -> ParentComponent:
    """A ``<button>`` whose content is its children: ``with me.content_button(): me.icon(...)``.

    ``type="icon"`` makes a round, borderless button for a lone icon. ``color`` is
    "primary", "accent" or "warn"; ``disable_ripple`` is taken and ignored, as for button.
    """
    optional_choice("me.content_button()", "color", color, PALETTE)
    return _button("me.content_button()", "", on_click, type, color, disabled, style, key)
