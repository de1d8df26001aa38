"""Mesop's form-field arguments, checked and sent under one name each.

``input``, ``textarea``, ``native_textarea``, ``autocomplete``, the date pickers and
``select`` take some of the same arguments (``label``, ``appearance``, ``hint_label`` ...).
Each component passes the ones it has to :func:`form_field_props`, so an argument is
checked the same way and reaches the client under the same prop everywhere (its Mesop
name: the hint is always ``hint_label``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mesop_cli.runtime.components.node import PALETTE, choice, text_or_empty

_APPEARANCES = ("fill", "outline")
_FLOAT_LABELS = ("always", "auto")
_SUBSCRIPT_SIZINGS = ("fixed", "dynamic")


def _one_of(argument: str, choices: tuple[str, ...]) -> Callable[[str, Any], str]:
    return lambda caller, value: choice(caller, argument, value, choices)


def _text(caller: str, value: object) -> str:
    return text_or_empty(value)


def _flag(caller: str, value: object) -> bool:
    return bool(value)


# Each form-field argument, with the check that turns it into its prop.
_PROPS: dict[str, Callable[[str, Any], Any]] = {
    "label": _text,
    "placeholder": _text,
    "hint_label": _text,
    "appearance": _one_of("appearance", _APPEARANCES),
    "color": _one_of("color", PALETTE),
    # Our labels sit above the field at all times, which is Mesop's "always"; "auto" is
    # taken (and checked) so Mesop code runs unchanged.
    "float_label": _one_of("float_label", _FLOAT_LABELS),
    # "fixed" keeps the hint line's room even when there is no hint.
    "subscript_sizing": _one_of("subscript_sizing", _SUBSCRIPT_SIZINGS),
    "required": _flag,
    "hide_required_marker": _flag,
    "disabled": _flag,
    "readonly": _flag,
}


def form_field_props(caller: str, **arguments: Any) -> dict[str, Any]:
    """The props of the form-field ``arguments`` a component takes, by their Mesop names;
    a value that is not one of Mesop's choices raises ValueError naming ``caller``."""
    return {name: _PROPS[name](caller, value) for name, value in arguments.items()}
