"""What every component event shares: the ``MesopEvent`` base, and the checks that turn
the value a browser reports into an event's fields, each written once.

Each family module (``buttons``, ``choices``, ``fields`` ...) holds its event classes and
declares ``KINDS``: the event kinds its components send, each with the builder that
checks the value and makes the event. The builders are made of the checks below, so every
kind refuses a bad value in the same words ("<kind> event: value must be ..., got ...").
``mesop_cli/runtime/events.py`` assembles the families' ``KINDS`` into the one registry.
"""

from __future__ import annotations

import datetime
import math
import re
import reprlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mesop_cli.runtime.errors import InvalidEvent


@dataclass(kw_only=True)
class MesopEvent:
    """Base of component events; ``key`` is the key of the component that fired it."""

    key: str


#: Makes one kind's event from the component's key and the browser's value, or raises
#: InvalidEvent naming the kind and the value.
EventBuilder = Callable[[str, object], MesopEvent]
#: A family's event kinds, each with its builder.
Kinds = dict[str, EventBuilder]

_SHORT = reprlib.Repr()
_SHORT.maxstring, _SHORT.maxlong, _SHORT.maxlist, _SHORT.maxdict = 60, 40, 5, 5


def short(value: object) -> str:
    """A value as an error message can quote it: a 400-digit number stays readable."""
    return _SHORT.repr(value)


def flag(kind: str, value: object, name: str = "value") -> bool:
    """``value`` if it is true or false."""
    if not isinstance(value, bool):
        raise InvalidEvent(f"{kind} event: {name} must be true or false, got {short(value)}")
    return value


def flag_or_null(kind: str, value: object) -> bool | None:
    """``value`` if it is true, false or null (None)."""
    if value is not None and not isinstance(value, bool):
        raise InvalidEvent(f"{kind} event: value must be true, false or null, got "
                           f"{short(value)}")
    return value


def one_string(kind: str, value: object) -> str:
    """``value`` if it is a string."""
    if not isinstance(value, str):
        raise InvalidEvent(f"{kind} event: value must be a string, got {short(value)}")
    return value


def strings(kind: str, value: object) -> list[str]:
    """A copy of ``value`` if it is a list of strings."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidEvent(f"{kind} event: value must be a list of strings, got "
                           f"{short(value)}")
    return list(value)


def _is_number(value: object) -> bool:
    # JSON's true and false arrive as Python bools, which are ints: not numbers here.
    return not isinstance(value, bool) and isinstance(value, (int, float))


def _as_float(value: int | float) -> float:
    """``value`` as a float; an integer too large for one becomes infinity."""
    try:
        return float(value)
    except OverflowError:
        return math.inf


def finite(kind: str, value: object) -> float:
    """``value`` as a float if it is a finite number."""
    if not _is_number(value):
        raise InvalidEvent(f"{kind} event: value must be a number, got {short(value)}")
    number = _as_float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        raise InvalidEvent(f"{kind} event: value {short(value)} is not a finite number")
    return number


def _exact_keys(kind: str, value: object, names: tuple[str, ...]) -> dict[str, Any]:
    """``value`` if it is an object with exactly the keys ``names``."""
    if not isinstance(value, dict) or set(value) != set(names):
        raise InvalidEvent(f"{kind} event: value must be an object with exactly "
                           f"{', '.join(sorted(names))}, got {short(value)}")
    return value


def fields(kind: str, value: object, names: dict[str, type]) -> dict[str, Any]:
    """The fields of an object-valued event, each of the given type and nothing else."""
    checked = _exact_keys(kind, value, tuple(names))
    for name, wanted in names.items():
        field_value = checked[name]
        if isinstance(field_value, bool) is not (wanted is bool) or not isinstance(
                field_value, wanted):
            raise InvalidEvent(f"{kind} event: {name} must be a {wanted.__name__}, got "
                               f"{short(field_value)}")
    return checked


#: The pointer's coordinates a box's click carries (Mesop's names).
COORDINATES = ("client_x", "client_y", "page_x", "page_y", "offset_x", "offset_y")


def pointer(kind: str, value: object) -> dict[str, float | bool]:
    """A click's target flag and its coordinates, each a finite number."""
    checked = _exact_keys(kind, value, ("is_target", *COORDINATES))
    result: dict[str, float | bool] = {
        "is_target": flag(kind, checked["is_target"], "is_target")}
    for name in COORDINATES:
        number = checked[name]
        if not _is_number(number) or not math.isfinite(_as_float(number)):
            raise InvalidEvent(f"{kind} event: {name} must be a finite number, got "
                               f"{short(number)}")
        result[name] = float(number)
    return result


# What a browser's date input gives: exactly yyyy-mm-dd. Python's own parser also takes
# "20240101", week dates and more, so the shape is checked first.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FIRST_YEAR, _LAST_YEAR = 1000, 9999


def iso_date(kind: str, name: str, value: object) -> datetime.date:
    """A real calendar date from the browser's ``yyyy-mm-dd`` text, years 1000 to 9999."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise InvalidEvent(f"{kind} event: {name} must be a date as yyyy-mm-dd, got "
                           f"{short(value)}")
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise InvalidEvent(f"{kind} event: {name} {value!r} is not a real date") from None
    if not _FIRST_YEAR <= day.year <= _LAST_YEAR:
        raise InvalidEvent(f"{kind} event: {name} {value!r} is outside the years "
                           f"{_FIRST_YEAR} to {_LAST_YEAR}")
    return day
