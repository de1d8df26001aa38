"""The event registry: every event kind a browser may send, and ``build_event``.

Each component family declares its kinds (``KINDS``) beside its components and their
event classes, in ``mesop_cli/runtime/components/``:

========================  =====================================================
family module             kinds
========================  =====================================================
``buttons``               click (buttons; a box's click with the pointer too)
``layout``                right_click (box), sidenav
``fields``                input, blur, enter, shortcut
``choices``               change, indeterminate (checkbox), toggle, radio,
                          selection, select_opened, slider, button_toggle
``pickers``               autocomplete_selection, autocomplete_enter, date,
                          date_range
``progress``              animation_end
``table``                 table_click
``containers``            expansion_toggle (expansion_panel)
``uploader``              upload
``web_component``         web
========================  =====================================================

This module assembles them into the one table every check of a kind reads:
``EVENT_KINDS`` (the web protocol refuses any other kind) and ``build_event``. A
component registers each handler with the kind it accepts, so the runtime refuses an
event whose kind does not fit the handler it names.
"""

from __future__ import annotations

from dataclasses import dataclass

from mesop_cli.runtime.components.buttons import KINDS as BUTTONS
from mesop_cli.runtime.components.choices import KINDS as CHOICES
from mesop_cli.runtime.components.containers import KINDS as CONTAINERS
from mesop_cli.runtime.components.fields import KINDS as FIELDS
from mesop_cli.runtime.components.layout import KINDS as LAYOUT
from mesop_cli.runtime.components.pickers import KINDS as PICKERS
from mesop_cli.runtime.components.progress import KINDS as PROGRESS
from mesop_cli.runtime.components.table import KINDS as TABLE
from mesop_cli.runtime.components.uploader import KINDS as UPLOADER
from mesop_cli.runtime.components.values import EventBuilder, Kinds, MesopEvent
from mesop_cli.runtime.components.web_component import KINDS as WEB_COMPONENT
from mesop_cli.runtime.errors import InvalidEvent

__all__ = ["EVENT_KINDS", "LoadEvent", "MesopEvent", "build_event"]


@dataclass
class LoadEvent:
    """A page was loaded (passed to its ``on_load``)."""

    path: str


def _assemble(*families: Kinds) -> dict[str, EventBuilder]:
    """One table of the families' kinds; a kind two families declare is a mistake."""
    table: dict[str, EventBuilder] = {}
    for kinds in families:
        for kind, builder in kinds.items():
            if kind in table:
                raise RuntimeError(f"event kind {kind!r} is declared by two families")
            table[kind] = builder
    return table


_BUILDERS = _assemble(
    BUTTONS, LAYOUT, FIELDS, CHOICES, PICKERS, PROGRESS,
    TABLE, CONTAINERS, UPLOADER, WEB_COMPONENT,
)

#: Every event kind a browser may send.
EVENT_KINDS = frozenset(_BUILDERS)


def build_event(kind: str, key: str, value: object) -> MesopEvent:
    """The event object for one browser event, checking the value's type.

    Raises InvalidEvent naming the kind and the value when they do not fit.
    """
    builder = _BUILDERS.get(kind)
    if builder is None:
        raise InvalidEvent(f"unknown event kind {kind!r}")
    return builder(key, value)
