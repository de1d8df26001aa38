"""Containers that frame their children: ``card`` (with ``card_header``,
``card_content``, ``card_actions``), ``expansion_panel``, ``accordion`` and ``badge``.

Arguments are Mesop 1.3.7's. The children go inside with ``with``, as with ``box``. An
expansion panel sends the ``expansion_toggle`` event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mesop_cli.runtime.components.node import (
    PALETTE,
    ParentComponent,
    choice,
    insert,
    safe_image_url,
    text_or_empty,
)
from mesop_cli.runtime.components.values import Kinds, MesopEvent, flag
from mesop_cli.runtime.style import Style

_CARD_APPEARANCES = ("outlined", "raised")
_HEADER_IMAGE_TYPES = ("avatar", "small", "medium", "large", "extra-large")
_ACTION_ALIGNS = ("start", "end")
_BADGE_POSITIONS = ("above after", "above before", "below before", "below after",
                    "before", "after", "above", "below")
_BADGE_SIZES = ("small", "medium", "large")


@dataclass(kw_only=True)
class ExpansionPanelToggleEvent(MesopEvent):
    """An expansion panel's header was clicked; ``opened`` is where the user moved it."""

    opened: bool


KINDS: Kinds = {
    "expansion_toggle": lambda key, value: ExpansionPanelToggleEvent(
        key=key, opened=flag("expansion_toggle", value)),
}


def card(
    *,
    appearance: str = "outlined",
    style: Style | None = None,
    key: str | None = None,
) -> ParentComponent:
    """A card: a bordered ("outlined") or shadowed ("raised") panel for its children."""
    caller = "me.card()"
    props = {"appearance": choice(caller, "appearance", appearance, _CARD_APPEARANCES)}
    return insert(caller, "card", key, props, style, {})


def card_header(
    *,
    title: str,
    subtitle: str = "",
    image: str = "",
    image_type: str = "avatar",
    key: str | None = None,
) -> None:
    """A card's title line, with an optional subtitle and picture.

    ``image`` goes through the same safe-URL check as ``me.image``; "avatar" shows it
    round before the title, the other ``image_type`` sizes after it.
    """
    caller = "me.card_header()"
    props = {
        "title": text_or_empty(title),
        "subtitle": text_or_empty(subtitle),
        "image": safe_image_url(text_or_empty(image)) if image else "",
        "image_type": choice(caller, "image_type", image_type, _HEADER_IMAGE_TYPES),
    }
    insert(caller, "card_header", key, props, None, {})


def card_content(*, key: str | None = None) -> ParentComponent:
    """The body of a card, padded as the header is."""
    return insert("me.card_content()", "card_content", key, {}, None, {})


def card_actions(*, align: str, key: str | None = None) -> ParentComponent:
    """The row of buttons at the bottom of a card, at its "start" or "end"."""
    caller = "me.card_actions()"
    props = {"align": choice(caller, "align", align, _ACTION_ALIGNS)}
    return insert(caller, "card_actions", key, props, None, {})


def expansion_panel(
    *,
    title: str,
    description: str = "",
    icon: str = "",
    disabled: bool = False,
    expanded: bool | None = None,
    hide_toggle: bool = False,
    on_toggle: Callable[[ExpansionPanelToggleEvent], Any] | None = None,
    style: Style | None = None,
    key: str | None = None,
) -> ParentComponent:
    """A header that opens and closes the panel of its children.

    ``expanded=None`` (the default) leaves opening to the user; True or False sets it
    on every render, so an app keeping it in state decides (an accordion opening one
    panel at a time). ``on_toggle`` gets an ExpansionPanelToggleEvent whose ``opened``
    says where the user moved it.
    """
    caller = "me.expansion_panel()"
    if expanded is not None and not isinstance(expanded, bool):
        raise ValueError(f"{caller} expanded must be True, False or None, got {expanded!r}")
    props = {
        "title": text_or_empty(title),
        "description": text_or_empty(description),
        "icon": text_or_empty(icon),
        "disabled": bool(disabled),
        "expanded": expanded,
        "hide_toggle": bool(hide_toggle),
    }
    return insert(caller, "expansion_panel", key, props, style,
                  {"on_toggle": (on_toggle, "expansion_toggle")})


def accordion(*, key: str | None = None) -> ParentComponent:
    """Groups expansion panels so they read as one; which may be open is up to the app."""
    return insert("me.accordion()", "accordion", key, {}, None, {})


def badge(
    *,
    color: str = "primary",
    overlap: bool = False,
    disabled: bool = False,
    position: str = "above after",
    content: str = "",
    description: str = "",
    size: str = "small",
    hidden: bool = False,
    key: str | None = None,
) -> ParentComponent:
    """A small bubble (a count, a mark) pinned to the corner of its children.

    ``description`` is what a screen reader announces for it (else its content).
    """
    caller = "me.badge()"
    props = {
        "color": choice(caller, "color", color, PALETTE),
        "overlap": bool(overlap),
        "disabled": bool(disabled),
        "position": choice(caller, "position", position, _BADGE_POSITIONS),
        "content": text_or_empty(content),
        "description": text_or_empty(description),
        "size": choice(caller, "size", size, _BADGE_SIZES),
        "hidden": bool(hidden),
    }
    return insert(caller, "badge", key, props, None, {})
