"""Fields that help pick a value: ``autocomplete`` and the date pickers, and the events
they send (``autocomplete_selection``, ``autocomplete_enter``, ``date``, ``date_range``;
an autocomplete's typing is the text fields' ``input`` kind).

Their arguments are Mesop's. Form-field looks Mesop draws with Angular Material
(``float_label``, ``subscript_sizing``, ``hide_required_marker``) are checked and taken so
Mesop code runs unchanged; the field is drawn as mesop-cli's other fields are.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mesop_cli.runtime.components.fields import InputEvent
from mesop_cli.runtime.components.form_field import form_field_props
from mesop_cli.runtime.components.node import insert, text_or_empty
from mesop_cli.runtime.components.values import (
    Kinds,
    MesopEvent,
    fields,
    iso_date,
    one_string,
)
from mesop_cli.runtime.errors import InvalidEvent
from mesop_cli.runtime.style import Style


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


def _date_range(key: str, value: object) -> MesopEvent:
    ends = fields("date_range", value, {"start_date": str, "end_date": str})
    start = iso_date("date_range", "start_date", ends["start_date"])
    end = iso_date("date_range", "end_date", ends["end_date"])
    if end < start:
        raise InvalidEvent(f"date_range event: end_date {end} is before start_date {start}")
    return DateRangePickerChangeEvent(key=key, start_date=start, end_date=end)


KINDS: Kinds = {
    "autocomplete_selection": lambda key, value: AutocompleteSelectionChangeEvent(
        key=key, value=one_string("autocomplete_selection", value)),
    "autocomplete_enter": lambda key, value: AutocompleteEnterEvent(
        key=key, value=one_string("autocomplete_enter", value)),
    "date": lambda key, value: DatePickerChangeEvent(
        key=key, date=iso_date("date", "value", value)),
    "date_range": _date_range,
}


# ---- autocomplete -----------------------------------------------------------------------


@dataclass(kw_only=True)
class AutocompleteOption:
    """One suggestion of an autocomplete: the text shown and the value it puts in the field."""

    label: str | None = None
    value: str | None = None


@dataclass(kw_only=True)
class AutocompleteOptionGroup:
    """Suggestions shown together under a heading."""

    label: str
    options: list[AutocompleteOption]


def _option(caller: str, option: object) -> dict[str, str]:
    if not isinstance(option, AutocompleteOption):
        raise TypeError(f"{caller} options must be me.AutocompleteOption or "
                        f"me.AutocompleteOptionGroup, got {option!r}")
    return {"label": text_or_empty(option.label), "value": text_or_empty(option.value)}


def _option_groups(
    caller: str, options: Iterable[AutocompleteOption | AutocompleteOptionGroup] | None
) -> list[dict[str, Any]]:
    """The suggestions as groups; options outside any group form groups with no heading."""
    groups: list[dict[str, Any]] = []
    for option in options or ():
        if isinstance(option, AutocompleteOptionGroup):
            groups.append({"label": text_or_empty(option.label),
                           "options": [_option(caller, o) for o in option.options]})
        elif groups and groups[-1]["label"] is None:
            groups[-1]["options"].append(_option(caller, option))
        else:
            groups.append({"label": None, "options": [_option(caller, option)]})
    return groups


def autocomplete(
    *,
    options: Iterable[AutocompleteOption | AutocompleteOptionGroup] | None = None,
    label: str = "",
    on_selection_change: Callable[[AutocompleteSelectionChangeEvent], Any] | None = None,
    on_input: Callable[[InputEvent], Any] | None = None,
    on_enter: Callable[[AutocompleteEnterEvent], Any] | None = None,
    appearance: str = "fill",
    disabled: bool = False,
    placeholder: str = "",
    value: str = "",
    readonly: bool = False,
    hide_required_marker: bool = False,
    color: str = "primary",
    float_label: str = "auto",
    subscript_sizing: str = "fixed",
    hint_label: str = "",
    style: Style | None = None,
    key: str | None = None,
) -> None:
    """A text field with a list of suggestions, narrowed to those containing what is typed.

    Picking one (click, or arrow keys and Enter) puts its value in the field and calls
    ``on_selection_change``; Enter with none highlighted calls ``on_enter`` with the text;
    typing calls ``on_input``. The list is an ARIA combobox and listbox, with groups.
    """
    caller = "me.autocomplete()"
    props = form_field_props(
        caller, label=label, appearance=appearance, color=color, float_label=float_label,
        subscript_sizing=subscript_sizing, hint_label=hint_label, disabled=disabled,
        readonly=readonly, placeholder=placeholder,
        hide_required_marker=hide_required_marker)
    props["value"] = text_or_empty(value)
    props["groups"] = _option_groups(caller, options)
    handlers = {"on_selection_change": (on_selection_change, "autocomplete_selection"),
                "on_input": (on_input, "input"), "on_enter": (on_enter, "autocomplete_enter")}
    insert(caller, "autocomplete", key, props, style, handlers)


# ---- date pickers ---------------------------------------------------------------------


def _iso(caller: str, argument: str, value: datetime.date | None) -> str:
    """A date as the browser's date input wants it ("" for none)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        raise TypeError(f"{caller} {argument} must be a datetime.date or None, got {value!r}")
    return value.isoformat()


def date_picker(
    *,
    label: str = "",
    on_change: Callable[[DatePickerChangeEvent], Any] | None = None,
    appearance: str = "fill",
    style: Style | None = None,
    disabled: bool = False,
    placeholder: str = "",
    required: bool = False,
    value: datetime.date | None = None,
    readonly: bool = False,
    hide_required_marker: bool = False,
    color: str = "primary",
    float_label: str = "auto",
    subscript_sizing: str = "fixed",
    hint_label: str = "",
    key: str | None = None,
) -> None:
    """A labelled date field (the browser's own, with its calendar).

    ``on_change`` gets a DatePickerChangeEvent, whose ``date`` is a ``datetime.date``,
    once the field holds a whole, valid date.
    """
    caller = "me.date_picker()"
    props = form_field_props(
        caller, label=label, appearance=appearance, color=color, float_label=float_label,
        subscript_sizing=subscript_sizing, hint_label=hint_label, disabled=disabled,
        readonly=readonly, placeholder=placeholder, required=required,
        hide_required_marker=hide_required_marker)
    props["value"] = _iso(caller, "value", value)
    insert(caller, "date_picker", key, props, style, {"on_change": (on_change, "date")})


def date_range_picker(
    *,
    label: str = "",
    on_change: Callable[[DateRangePickerChangeEvent], Any] | None = None,
    appearance: str = "fill",
    style: Style | None = None,
    disabled: bool = False,
    placeholder_start_date: str = "",
    placeholder_end_date: str = "",
    required: bool = False,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    readonly: bool = False,
    hide_required_marker: bool = False,
    color: str = "primary",
    float_label: str = "auto",
    subscript_sizing: str = "fixed",
    hint_label: str = "",
    key: str | None = None,
) -> None:
    """Two labelled date fields, start and end, grouped under ``label``.

    ``on_change`` gets a DateRangePickerChangeEvent once both hold valid dates and the
    start is not after the end.
    """
    caller = "me.date_range_picker()"
    props = form_field_props(
        caller, label=label, appearance=appearance, color=color, float_label=float_label,
        subscript_sizing=subscript_sizing, hint_label=hint_label, disabled=disabled,
        readonly=readonly, required=required, hide_required_marker=hide_required_marker)
    props["start_date"] = _iso(caller, "start_date", start_date)
    props["end_date"] = _iso(caller, "end_date", end_date)
    props["placeholder_start_date"] = text_or_empty(placeholder_start_date)
    props["placeholder_end_date"] = text_or_empty(placeholder_end_date)
    insert(caller, "date_range_picker", key, props, style,
           {"on_change": (on_change, "date_range")})
