"""Fields that help pick a value: ``autocomplete`` and the date pickers.

Their arguments are Mesop's. Form-field looks Mesop draws with Angular Material
(``float_label``, ``subscript_sizing``, ``hide_required_marker``) are checked and taken so
Mesop code runs unchanged; the field is drawn as mesop-cli's other fields are.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mesop_cli.runtime.components.node import PALETTE, choice, insert, text_or_empty
from mesop_cli.runtime.events import (
    AutocompleteEnterEvent,
    AutocompleteSelectionChangeEvent,
    DatePickerChangeEvent,
    DateRangePickerChangeEvent,
    InputEvent,
)
from mesop_cli.runtime.style import Style

_APPEARANCES = ("fill", "outline")
_FLOAT_LABELS = ("always", "auto")
_SUBSCRIPT_SIZINGS = ("fixed", "dynamic")


def _form_field_props(
    caller: str,
    label: str,
    appearance: str,
    color: str,
    float_label: str,
    subscript_sizing: str,
    hint_label: str,
    disabled: bool,
    readonly: bool,
) -> dict[str, Any]:
    """What every picker's node carries; Material-only looks are checked, then dropped."""
    choice(caller, "float_label", float_label, _FLOAT_LABELS)
    choice(caller, "subscript_sizing", subscript_sizing, _SUBSCRIPT_SIZINGS)
    return {
        "label": text_or_empty(label),
        "appearance": choice(caller, "appearance", appearance, _APPEARANCES),
        "color": choice(caller, "color", color, PALETTE),
        "hint": text_or_empty(hint_label),
        "disabled": bool(disabled),
        "readonly": bool(readonly),
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
    props = _form_field_props(caller, label, appearance, color, float_label,
                              subscript_sizing, hint_label, disabled, readonly)
    props["value"] = text_or_empty(value)
    props["placeholder"] = text_or_empty(placeholder)
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
    props = _form_field_props(caller, label, appearance, color, float_label,
                              subscript_sizing, hint_label, disabled, readonly)
    props["value"] = _iso(caller, "value", value)
    props["placeholder"] = text_or_empty(placeholder)
    props["required"] = bool(required)
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
    props = _form_field_props(caller, label, appearance, color, float_label,
                              subscript_sizing, hint_label, disabled, readonly)
    props["start_date"] = _iso(caller, "start_date", start_date)
    props["end_date"] = _iso(caller, "end_date", end_date)
    props["placeholder_start_date"] = text_or_empty(placeholder_start_date)
    props["placeholder_end_date"] = text_or_empty(placeholder_end_date)
    props["required"] = bool(required)
    insert(caller, "date_range_picker", key, props, style,
           {"on_change": (on_change, "date_range")})
