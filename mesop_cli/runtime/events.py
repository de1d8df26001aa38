"""Event objects handed to handlers, with Mesop's names and fields.

``build_event`` turns the event kind the browser reports, and its value, into one of
these; ``EVENT_KINDS`` lists the kinds. A component registers each handler with the kind
it accepts, so the runtime refuses an event whose kind does not fit the handler it names.
"""

from __future__ import annotations

import datetime
import json
import math
import re
import reprlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mesop_cli.runtime.errors import InvalidEvent
from mesop_cli.runtime.uploads import read_upload
from mesop_cli.state_format.uploaded_file import UploadedFile


@dataclass(kw_only=True)
class MesopEvent:
    """Base of component events; ``key`` is the key of the component that fired it."""

    key: str


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
class EnterEvent(MesopEvent):
    """Mesop's older, deprecated name for an Enter key event, kept so annotations that
    still use it resolve; no component sends it (``on_enter`` gets InputEnterEvent)."""


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
class SelectOpenedChangeEvent(MesopEvent):
    """A select's list of options was opened or closed; ``opened`` is where it is now."""

    opened: bool


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


# ---- widgets: sidenav, button toggle, autocomplete, date pickers, checkbox, box -------


@dataclass(kw_only=True)
class SidenavOpenedChangedEvent(MesopEvent):
    """A sidenav was opened or closed by the user (Escape); ``opened`` is where it is now."""

    opened: bool


@dataclass(kw_only=True)
class ButtonToggleChangeEvent(MesopEvent):
    """The pressed buttons of a button toggle changed; ``values`` lists every pressed one."""

    values: list[str]

    @property
    def value(self) -> str:
        """The pressed value of a single-choice toggle ("" when none is pressed)."""
        return self.values[0] if self.values else ""


@dataclass(kw_only=True)
class AutocompleteEnterEvent(MesopEvent):
    """Enter was pressed in an autocomplete with no suggestion highlighted; ``value`` is
    the text typed."""

    value: str


@dataclass(kw_only=True)
class AutocompleteSelectionChangeEvent(MesopEvent):
    """A suggestion of an autocomplete was picked; ``value`` is its value."""

    value: str


@dataclass(kw_only=True)
class DatePickerChangeEvent(MesopEvent):
    """A whole, valid date was entered or picked."""

    date: datetime.date


@dataclass(kw_only=True)
class DateRangePickerChangeEvent(MesopEvent):
    """Both ends of a date range hold valid dates, the start not after the end."""

    start_date: datetime.date
    end_date: datetime.date


@dataclass(kw_only=True)
class CheckboxIndeterminateChangeEvent(MesopEvent):
    """A checkbox left (or entered) its "mixed" state; clicking it always clears it."""

    indeterminate: bool


@dataclass(kw_only=True)
class RightClickEvent(ClickEvent):
    """A right click on a box (its context menu is not shown)."""


# ---- end widgets ----------------------------------------------------------------------


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
    if isinstance(value, dict):  # a box sends where the pointer was
        return ClickEvent(key=key, **_pointer("click", value))  # type: ignore[arg-type]
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


# ---- widgets ----------------------------------------------------------------------------

# What a browser's date input gives: exactly yyyy-mm-dd. Python's own parser also takes
# "20240101", week dates and more, so the shape is checked first.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FIRST_YEAR, _LAST_YEAR = 1000, 9999


def parse_iso_date(kind: str, name: str, value: object) -> datetime.date:
    """A real calendar date from the browser's ``yyyy-mm-dd`` text, years 1000 to 9999."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise InvalidEvent(f"{kind} event: {name} must be a date as yyyy-mm-dd, got "
                           f"{_short(value)}")
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise InvalidEvent(f"{kind} event: {name} {value!r} is not a real date") from None
    if not _FIRST_YEAR <= day.year <= _LAST_YEAR:
        raise InvalidEvent(f"{kind} event: {name} {value!r} is outside the years "
                           f"{_FIRST_YEAR} to {_LAST_YEAR}")
    return day


def _flag(kind: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidEvent(f"{kind} event: value must be true or false, got {_short(value)}")
    return value


def _strings(kind: str, value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidEvent(f"{kind} event: value must be a list of strings, got "
                           f"{_short(value)}")
    return list(value)


def _one_string(kind: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidEvent(f"{kind} event: value must be a string, got {_short(value)}")
    return value


def _date(key: str, value: object) -> MesopEvent:
    return DatePickerChangeEvent(key=key, date=parse_iso_date("date", "value", value))


def _date_range(key: str, value: object) -> MesopEvent:
    ends = _fields("date_range", value, {"start_date": str, "end_date": str})
    start = parse_iso_date("date_range", "start_date", ends["start_date"])
    end = parse_iso_date("date_range", "end_date", ends["end_date"])
    if end < start:
        raise InvalidEvent(f"date_range event: end_date {end} is before start_date {start}")
    return DateRangePickerChangeEvent(key=key, start_date=start, end_date=end)


def _pointer(kind: str, value: object) -> dict[str, float | bool]:
    """A click's target flag and its coordinates, each a finite number."""
    names = {"is_target": bool, **{n: float for n in _COORDINATES}}
    if not isinstance(value, dict) or set(value) != set(names):
        raise InvalidEvent(f"{kind} event: value must be an object with exactly "
                           f"{', '.join(sorted(names))}, got {_short(value)}")
    if not isinstance(value["is_target"], bool):
        raise InvalidEvent(f"{kind} event: is_target must be true or false, got "
                           f"{_short(value['is_target'])}")
    fields: dict[str, float | bool] = {"is_target": value["is_target"]}
    for name in _COORDINATES:
        number = value[name]
        try:
            finite = (not isinstance(number, bool) and isinstance(number, (int, float))
                      and math.isfinite(number))
        except OverflowError:  # an integer too large for a float
            finite = False
        if not finite:
            raise InvalidEvent(f"{kind} event: {name} must be a finite number, got "
                               f"{_short(number)}")
        fields[name] = float(number)
    return fields


_COORDINATES = ("client_x", "client_y", "page_x", "page_y", "offset_x", "offset_y")


def _right_click(key: str, value: object) -> MesopEvent:
    return RightClickEvent(key=key, **_pointer("right_click", value))  # type: ignore[arg-type]


_WIDGET_BUILDERS: dict[str, Callable[[str, object], MesopEvent]] = {
    "sidenav": lambda key, value: SidenavOpenedChangedEvent(
        key=key, opened=_flag("sidenav", value)),
    "button_toggle": lambda key, value: ButtonToggleChangeEvent(
        key=key, values=_strings("button_toggle", value)),
    "autocomplete_selection": lambda key, value: AutocompleteSelectionChangeEvent(
        key=key, value=_one_string("autocomplete_selection", value)),
    "autocomplete_enter": lambda key, value: AutocompleteEnterEvent(
        key=key, value=_one_string("autocomplete_enter", value)),
    "date": _date,
    "date_range": _date_range,
    "indeterminate": lambda key, value: CheckboxIndeterminateChangeEvent(
        key=key, indeterminate=_flag("indeterminate", value)),
    "right_click": _right_click,
}

# ---- end widgets ------------------------------------------------------------------------


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
    "select_opened": lambda key, value: SelectOpenedChangeEvent(
        key=key, opened=_flag("select_opened", value)),
    "slider": _slider,
    "toggle": _toggle,
    "radio": _radio,
    "animation_end": _animation_end,
    "table_click": _table_click,
    "shortcut": _shortcut,
    "expansion_toggle": _expansion_toggle,  # examples
    "upload": _upload,
    **_WIDGET_BUILDERS,
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
