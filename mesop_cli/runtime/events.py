"""Event objects handed to handlers, with Mesop's names and fields.

``KIND_EVENTS`` maps the event kind the browser reports to the class built from it, and
``HANDLER_KINDS`` the component argument a handler is passed through to that kind, so the
runtime can refuse an event whose kind does not fit the handler it names.
"""

from __future__ import annotations

import math
import reprlib
from dataclasses import dataclass

from mesop_cli.runtime.errors import InvalidEvent


@dataclass(kw_only=True)
class MesopEvent:
    """Base of component events; ``key`` is the key of the component that fired it."""

    key: str


@dataclass(kw_only=True)
class ClickEvent(MesopEvent):
    """A click; ``is_target`` is False when a child of the clicked box was the target."""

    is_target: bool = True


@dataclass(kw_only=True)
class InputEvent(MesopEvent):
    """The text of an input or textarea changed."""

    value: str


@dataclass(kw_only=True)
class InputBlurEvent(MesopEvent):
    """An input or textarea lost focus; ``value`` is its text."""

    value: str


@dataclass(kw_only=True)
class InputEnterEvent(MesopEvent):
    """Enter was pressed in an input (Ctrl/Cmd+Enter in a textarea)."""

    value: str


@dataclass(kw_only=True)
class CheckboxChangeEvent(MesopEvent):
    """A checkbox was toggled."""

    checked: bool


@dataclass(kw_only=True)
class SelectSelectionChangeEvent(MesopEvent):
    """The selection of a select changed; ``values`` lists every selected value."""

    values: list[str]

    @property
    def value(self) -> str:
        """The selected value of a single select ("" when nothing is selected)."""
        return self.values[0] if self.values else ""


@dataclass(kw_only=True)
class SliderValueChangeEvent(MesopEvent):
    """A slider moved."""

    value: float


@dataclass
class LoadEvent:
    """A page was loaded (passed to its ``on_load``)."""

    path: str


HANDLER_KINDS = {
    "on_click": "click",
    "on_input": "input",
    "on_blur": "blur",
    "on_enter": "enter",
    "on_change": "change",
    "on_selection_change": "selection",
    "on_value_change": "slider",
}


_SHORT = reprlib.Repr()
_SHORT.maxstring, _SHORT.maxlong, _SHORT.maxlist, _SHORT.maxdict = 60, 40, 5, 5


def _short(value: object) -> str:
    """A value as an error message can quote it: a 400-digit number stays readable."""
    return _SHORT.repr(value)


def build_event(kind: str, key: str, value: object) -> MesopEvent:
    """The event object for one browser event, checking the value's type.

    Raises InvalidEvent naming the kind and the value when they do not fit.
    """
    if kind == "click":
        if value is not None and not isinstance(value, bool):
            raise InvalidEvent(f"click event: value must be true, false or null, got "
                               f"{_short(value)}")
        return ClickEvent(key=key, is_target=True if value is None else value)
    if kind in ("input", "blur", "enter"):
        if not isinstance(value, str):
            raise InvalidEvent(f"{kind} event: value must be a string, got {_short(value)}")
        event_class = {"input": InputEvent, "blur": InputBlurEvent, "enter": InputEnterEvent}
        return event_class[kind](key=key, value=value)
    if kind == "change":
        if not isinstance(value, bool):
            raise InvalidEvent(f"change event: value must be true or false, got {_short(value)}")
        return CheckboxChangeEvent(key=key, checked=value)
    if kind == "selection":
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InvalidEvent(
                f"selection event: value must be a list of strings, got {_short(value)}")
        return SelectSelectionChangeEvent(key=key, values=list(values))
    if kind == "slider":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidEvent(f"slider event: value must be a number, got {_short(value)}")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise InvalidEvent(f"slider event: value {_short(value)} is not a finite number")
        return SliderValueChangeEvent(key=key, value=number)
    raise InvalidEvent(f"unknown event kind {kind!r}")
