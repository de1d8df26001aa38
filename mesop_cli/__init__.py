"""mesop-cli: Mesop-style apps served with a configurable state session backend.

Apps use this package as Mesop is used, ``import mesop_cli as me``; the names below are
Mesop's, so porting an app is a one-line import change.
"""

from __future__ import annotations

from mesop_cli.compat.names import UnsupportedMesopName
from mesop_cli.compat.names import mesop_cli_getattr as __getattr__  # noqa: F401
from mesop_cli.runtime.components import (
    ParentComponent,
    SelectOption,
    box,
    button,
    checkbox,
    divider,
    input,
    link,
    markdown,
    progress_spinner,
    select,
    slider,
    text,
    textarea,
)
from mesop_cli.runtime.events import (
    CheckboxChangeEvent,
    ClickEvent,
    InputBlurEvent,
    InputEnterEvent,
    InputEvent,
    LoadEvent,
    MesopEvent,
    SelectSelectionChangeEvent,
    SliderValueChangeEvent,
)
from mesop_cli.runtime.navigation import navigate
from mesop_cli.runtime.page import page
from mesop_cli.runtime.security_policy import SecurityPolicy
from mesop_cli.runtime.stateclass import StateClassError, state, stateclass
from mesop_cli.runtime.style import Border, BorderSide, Margin, Padding, Style

__all__ = [
    "Border",
    "BorderSide",
    "CheckboxChangeEvent",
    "ClickEvent",
    "InputBlurEvent",
    "InputEnterEvent",
    "InputEvent",
    "LoadEvent",
    "Margin",
    "MesopEvent",
    "Padding",
    "ParentComponent",
    "SelectOption",
    "SecurityPolicy",
    "SelectSelectionChangeEvent",
    "SliderValueChangeEvent",
    "StateClassError",
    "Style",
    "UnsupportedMesopName",
    "box",
    "button",
    "checkbox",
    "divider",
    "input",
    "link",
    "markdown",
    "navigate",
    "page",
    "progress_spinner",
    "select",
    "slider",
    "state",
    "stateclass",
    "text",
    "textarea",
]
