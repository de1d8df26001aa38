"""Layout: ``box``, ``divider``, ``tooltip`` (which wraps what it describes) and
``sidenav``, with the ``right_click`` (a box's) and ``sidenav`` events; a box's plain
click is the buttons' ``click`` kind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mesop_cli.runtime.components.buttons import ClickEvent
from mesop_cli.runtime.components.node import ParentComponent, choice, insert, text_or_empty
from mesop_cli.runtime.components.values import Kinds, MesopEvent, flag, pointer
from mesop_cli.runtime.style import Style

_TOOLTIP_POSITIONS = ("left", "right", "above", "below", "before", "after")
_SIDENAV_POSITIONS = ("start", "end")
_MAX_CLASS_NAMES = 64
_MAX_CLASS_NAME_LENGTH = 128


@dataclass(kw_only=True)
class RightClickEvent(ClickEvent):
    """A right click on a box (its context menu is not shown)."""


@dataclass(kw_only=True)
class SidenavOpenedChangedEvent(MesopEvent):
    """A sidenav was opened or closed by the user (Escape); ``opened`` is where it is now."""

    opened: bool


def _right_click(key: str, value: object) -> MesopEvent:
    return RightClickEvent(key=key, **pointer("right_click", value))  # type: ignore[arg-type]


def _sidenav(key: str, value: object) -> MesopEvent:
    return SidenavOpenedChangedEvent(key=key, opened=flag("sidenav", value))


KINDS: Kinds = {"right_click": _right_click, "sidenav": _sidenav}


def class_names(caller: str, classes: list[str] | str) -> list[str]:
    """``classes`` as a list of single class names: Mesop takes one string of
    space-separated names or a list; either way each name has no spaces in the page."""
    if isinstance(classes, str):
        given = [classes]
    elif isinstance(classes, (list, tuple)) and all(isinstance(c, str) for c in classes):
        given = list(classes)
    else:
        raise TypeError(f"{caller} classes must be a string or a list of strings, "
                        f"got {classes!r}")
    names = [name for item in given for name in item.split()]
    if len(names) > _MAX_CLASS_NAMES:
        raise ValueError(f"{caller} classes has {len(names)} names, more than "
                         f"{_MAX_CLASS_NAMES}")
    for name in names:
        if len(name) > _MAX_CLASS_NAME_LENGTH:
            raise ValueError(f"{caller} class name {name[:40]!r}... is longer than "
                             f"{_MAX_CLASS_NAME_LENGTH} characters")
    return names


def box(
    *,
    style: Style | None = None,
    on_click: Callable[[ClickEvent], Any] | None = None,
    on_right_click: Callable[[RightClickEvent], Any] | None = None,
    classes: list[str] | str = "",
    key: str | None = None,
) -> ParentComponent:
    """A ``<div>`` for layout: ``with me.box(style=me.Style(...)): ...``.

    With ``on_right_click`` a right click calls it instead of opening the context menu.
    ``classes`` (a list, or one string of space-separated names) are CSS class names for
    the rules of the page's ``stylesheets``.
    """
    caller = "me.box()"
    props = {}
    names = class_names(caller, classes)
    if names:
        props["classes"] = names
    handlers = {"on_click": (on_click, "click"), "on_right_click": (on_right_click, "right_click")}
    return insert(caller, "box", key, props, style, handlers)


def divider(*, key: str | None = None, inset: bool = False) -> None:
    """A horizontal rule; ``inset`` (Mesop's) marks one indented like a list's."""
    insert("me.divider()", "divider", key, {"inset": bool(inset)}, None, {})


def _delay(caller: str, argument: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{caller} {argument} must be a whole number of milliseconds, "
                         f"got {value!r}")
    return value


def tooltip(
    *,
    key: str | None = None,
    position: str = "left",
    position_at_origin: bool = False,
    disabled: bool = False,
    show_delay_ms: int = 0,
    hide_delay_ms: int = 0,
    message: str = "",
) -> ParentComponent:
    """A message shown while the pointer rests on, or the keyboard focus is in, its children.

    ``with me.tooltip(message="Delete"): me.icon("delete")``. The message is announced
    as the description of the wrapped content. ``position_at_origin`` is taken so Mesop
    code runs unchanged; the message is always placed beside the content.
    """
    caller = "me.tooltip()"
    props = {
        "message": text_or_empty(message),
        "position": choice(caller, "position", position, _TOOLTIP_POSITIONS),
        "disabled": bool(disabled),
        "show_delay_ms": _delay(caller, "show_delay_ms", show_delay_ms),
        "hide_delay_ms": _delay(caller, "hide_delay_ms", hide_delay_ms),
    }
    return insert(caller, "tooltip", key, props, None, {})


def sidenav(
    *,
    opened: bool = True,
    disable_close: bool = True,
    position: str = "start",
    on_opened_changed: Callable[[SidenavOpenedChangedEvent], Any] | None = None,
    style: Style | None = None,
    key: str | None = None,
) -> ParentComponent:
    """A side panel fixed to the start (or ``position="end"``) edge of the window, over the
    page, holding its children: ``with me.sidenav(opened=s.open): ...``.

    The app decides where it is with ``opened`` (the page leaves room for it, as in
    Mesop). Unless ``disable_close``, Escape closes it and ``on_opened_changed`` hears
    that it closed.
    """
    caller = "me.sidenav()"
    props = {
        "opened": bool(opened),
        "disable_close": bool(disable_close),
        "position": choice(caller, "position", position, _SIDENAV_POSITIONS),
    }
    handlers = {"on_opened_changed": (on_opened_changed, "sidenav")}
    return insert(caller, "sidenav", key, props, style, handlers)
