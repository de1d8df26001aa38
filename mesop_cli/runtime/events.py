"""Event objects handed to handlers, with Mesop's names and fields.

``build_event`` turns the event kind the browser reports, and its value, into one of
these; ``EVENT_KINDS`` lists the kinds. A component registers each handler with the kind
it accepts, so the runtime refuses an event whose kind does not fit the handler it names.
"""

from __future__ import annotations

import json
import math
import reprlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mesop_cli.runtime.errors import InvalidEvent
from mesop_cli.runtime.uploaded_file import UploadedFile
from mesop_cli.runtime.uploads import read_upload


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


@dataclass(kw_only=True)
class SlideToggleChangeEvent(MesopEvent):
    """A slide toggle was flipped; as in Mesop it carries only the key."""


@dataclass(kw_only=True)
class RadioChangeEvent(MesopEvent):
    """Another radio button of a group was chosen; ``value`` is its value."""

    value: str


@dataclass(kw_only=True)
class ProgressBarAnimationEndEvent(MesopEvent):
    """A determinate or buffer progress bar finished moving to ``value``."""

    value: float


@dataclass(kw_only=True)
class TableClickEvent(MesopEvent):
    """A table cell was clicked: its row (see ``me.table``) and column index."""

    row_index: int
    col_index: int


@dataclass(kw_only=True, frozen=True)
class Shortcut:
    """A key combination for ``native_textarea(shortcuts=...)``.

    ``key`` is a KeyboardEvent key value ("Enter", "k", "ArrowUp"), compared without
    regard to case; each modifier must be held exactly as given.
    """

    key: str
    shift: bool = False
    ctrl: bool = False
    alt: bool = False
    meta: bool = False


@dataclass(kw_only=True)
class TextareaShortcutEvent(MesopEvent):
    """A shortcut of a native textarea was pressed; ``value`` is the text at that moment."""

    shortcut: Shortcut
    value: str


# ---- examples: expansion panel ------------------------------------------------------


@dataclass(kw_only=True)
class ExpansionPanelToggleEvent(MesopEvent):
    """An expansion panel's header was clicked; ``opened`` is where the user moved it."""

    opened: bool


# ---- end examples ----------------------------------------------------------------------


@dataclass(kw_only=True)
class UploadEvent(MesopEvent):
    """Files were chosen in an uploader: ``files`` in the order chosen (several only with
    ``multiple=True``), ``file`` the first of them."""

    files: list[UploadedFile]

    @property
    def file(self) -> UploadedFile:
        """The first file (an empty one if there is none), for single uploads."""
        return self.files[0] if self.files else UploadedFile()


# ---- web components: begin ------------------------------------------------------------


@dataclass(kw_only=True)
class WebEvent(MesopEvent):
    """An event a web component dispatched (``new MesopEvent(this.someEvent, value)`` in its
    JavaScript); ``value`` is the JSON value it sent (an object, as a rule)."""

    value: Any


# ---- web components: end --------------------------------------------------------------


@dataclass
class LoadEvent:
    """A page was loaded (passed to its ``on_load``)."""

    path: str


_SHORT = reprlib.Repr()
_SHORT.maxstring, _SHORT.maxlong, _SHORT.maxlist, _SHORT.maxdict = 60, 40, 5, 5


def _short(value: object) -> str:
    """A value as an error message can quote it: a 400-digit number stays readable."""
    return _SHORT.repr(value)


def _click(key: str, value: object) -> MesopEvent:
    if value is not None and not isinstance(value, bool):
        raise InvalidEvent(f"click event: value must be true, false or null, got "
                           f"{_short(value)}")
    return ClickEvent(key=key, is_target=True if value is None else value)


def _text(event_class: type[InputEvent | InputBlurEvent | InputEnterEvent], kind: str
          ) -> Callable[[str, object], MesopEvent]:
    def build(key: str, value: object) -> MesopEvent:
        if not isinstance(value, str):
            raise InvalidEvent(f"{kind} event: value must be a string, got {_short(value)}")
        return event_class(key=key, value=value)
    return build


def _change(key: str, value: object) -> MesopEvent:
    if not isinstance(value, bool):
        raise InvalidEvent(f"change event: value must be true or false, got {_short(value)}")
    return CheckboxChangeEvent(key=key, checked=value)


def _selection(key: str, value: object) -> MesopEvent:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise InvalidEvent(
            f"selection event: value must be a list of strings, got {_short(value)}")
    return SelectSelectionChangeEvent(key=key, values=list(values))


def _finite(kind: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidEvent(f"{kind} event: value must be a number, got {_short(value)}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise InvalidEvent(f"{kind} event: value {_short(value)} is not a finite number")
    return number


def _slider(key: str, value: object) -> MesopEvent:
    return SliderValueChangeEvent(key=key, value=_finite("slider", value))


def _animation_end(key: str, value: object) -> MesopEvent:
    return ProgressBarAnimationEndEvent(key=key, value=_finite("animation_end", value))


def _toggle(key: str, value: object) -> MesopEvent:
    # The client reports the new position; Mesop's event does not carry it.
    if value is not None and not isinstance(value, bool):
        raise InvalidEvent(f"toggle event: value must be true, false or null, got "
                           f"{_short(value)}")
    return SlideToggleChangeEvent(key=key)


def _radio(key: str, value: object) -> MesopEvent:
    if not isinstance(value, str):
        raise InvalidEvent(f"radio event: value must be a string, got {_short(value)}")
    return RadioChangeEvent(key=key, value=value)


def _fields(kind: str, value: object, names: dict[str, type]) -> dict[str, Any]:
    """The fields of an object-valued event, each of the given type and nothing else."""
    if not isinstance(value, dict) or set(value) != set(names):
        raise InvalidEvent(f"{kind} event: value must be an object with exactly "
                           f"{', '.join(sorted(names))}, got {_short(value)}")
    for name, wanted in names.items():
        field_value = value[name]
        if isinstance(field_value, bool) is not (wanted is bool) or not isinstance(
                field_value, wanted):
            raise InvalidEvent(f"{kind} event: {name} must be a {wanted.__name__}, got "
                               f"{_short(field_value)}")
    return value


def _table_click(key: str, value: object) -> MesopEvent:
    cell = _fields("table_click", value, {"row_index": int, "col_index": int})
    if cell["col_index"] < 0:
        raise InvalidEvent(f"table_click event: col_index must not be negative, got "
                           f"{cell['col_index']}")
    return TableClickEvent(key=key, row_index=cell["row_index"], col_index=cell["col_index"])


def _shortcut(key: str, value: object) -> MesopEvent:
    event = _fields("shortcut", value, {"value": str, "shortcut": dict})
    combo = _fields("shortcut", event["shortcut"], {
        "key": str, "shift": bool, "ctrl": bool, "alt": bool, "meta": bool})
    return TextareaShortcutEvent(key=key, value=event["value"], shortcut=Shortcut(**combo))


def _expansion_toggle(key: str, value: object) -> MesopEvent:
    if not isinstance(value, bool):
        raise InvalidEvent(f"expansion_toggle event: value must be true or false, got "
                           f"{_short(value)}")
    return ExpansionPanelToggleEvent(key=key, opened=value)


def _upload(key: str, value: object) -> MesopEvent:
    return UploadEvent(key=key, files=read_upload(value))


# ---- web components: begin ------------------------------------------------------------

#: The most a web component's event value may weigh, as compact JSON, and how deeply it
#: may nest: a component's own messages, not bulk data (use me.uploader for files).
MAX_WEB_EVENT_BYTES = 4 * 1024 * 1024
MAX_WEB_EVENT_DEPTH = 64


def _json_value(kind: str, value: object) -> None:
    """Refuse anything but plain JSON data (objects with string keys, arrays, strings,
    finite numbers, booleans, null) nested at most MAX_WEB_EVENT_DEPTH deep."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_WEB_EVENT_DEPTH:
            raise InvalidEvent(f"{kind} event: value nests deeper than {MAX_WEB_EVENT_DEPTH}")
        if isinstance(item, dict):
            for name, inner in item.items():
                if not isinstance(name, str):
                    raise InvalidEvent(f"{kind} event: object keys must be strings, got "
                                       f"{_short(name)}")
                stack.append((inner, depth + 1))
        elif isinstance(item, list):
            stack.extend((inner, depth + 1) for inner in item)
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise InvalidEvent(f"{kind} event: value holds {item}, not a JSON number")
        elif item is not None and not isinstance(item, (str, int, bool)):
            raise InvalidEvent(f"{kind} event: value holds {type(item).__name__}, not JSON")
    try:
        size = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False)
                   .encode("utf-8", "surrogatepass"))
    except ValueError as exc:  # an int longer than Python prints (4300 digits)
        raise InvalidEvent(f"{kind} event: value cannot be encoded as JSON ({exc})") from None
    if size > MAX_WEB_EVENT_BYTES:
        raise InvalidEvent(f"{kind} event: value is {size} bytes of JSON, more than the "
                           f"{MAX_WEB_EVENT_BYTES} a web component event may carry")


def check_web_value(value: object) -> None:
    """InvalidEvent unless ``value`` is plain JSON within the web event limits."""
    _json_value("web", value)


def _web(key: str, value: object) -> MesopEvent:
    check_web_value(value)
    return WebEvent(key=key, value=value)


# ---- web components: end --------------------------------------------------------------


_BUILDERS: dict[str, Callable[[str, object], MesopEvent]] = {
    "click": _click,
    "input": _text(InputEvent, "input"),
    "blur": _text(InputBlurEvent, "blur"),
    "enter": _text(InputEnterEvent, "enter"),
    "change": _change,
    "selection": _selection,
    "slider": _slider,
    "toggle": _toggle,
    "radio": _radio,
    "animation_end": _animation_end,
    "table_click": _table_click,
    "shortcut": _shortcut,
    "expansion_toggle": _expansion_toggle,  # examples
    "upload": _upload,
    "web": _web,  # web components
}

EVENT_KINDS = frozenset(_BUILDERS)


def build_event(kind: str, key: str, value: object) -> MesopEvent:
    """The event object for one browser event, checking the value's type.

    Raises InvalidEvent naming the kind and the value when they do not fit.
    """
    builder = _BUILDERS.get(kind)
    if builder is None:
        raise InvalidEvent(f"unknown event kind {kind!r}")
    return builder(key, value)
