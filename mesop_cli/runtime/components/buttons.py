"""Buttons: ``button`` (a text label) and ``content_button`` (any children)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mesop_cli.runtime.components.node import (
    PALETTE,
    ParentComponent,
    insert,
    optional_choice,
    text_or_empty,
)
from mesop_cli.runtime.events import ClickEvent
from mesop_cli.runtime.style import Style

_BUTTON_TYPES = ("raised", "flat", "stroked", "icon")


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
