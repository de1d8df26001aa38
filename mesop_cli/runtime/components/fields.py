"""Text fields: ``input``, ``textarea`` and ``native_textarea`` (with ``shortcuts``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mesop_cli.runtime.components.node import PALETTE, choice, insert, text_or_empty
from mesop_cli.runtime.events import (
    InputBlurEvent,
    InputEnterEvent,
    InputEvent,
    Shortcut,
    TextareaShortcutEvent,
)
from mesop_cli.runtime.scope import current_builder
from mesop_cli.runtime.style import Style

_APPEARANCES = ("fill", "outline")


_FLOAT_LABELS = ("always", "auto")
_SUBSCRIPT_SIZINGS = ("fixed", "dynamic")


def _field_props(
    caller: str,
    label: str,
    value: str,
    placeholder: str,
    disabled: bool,
    readonly: bool,
    appearance: str,
    color: str,
) -> dict[str, Any]:
    return {
        "label": text_or_empty(label),
        "value": text_or_empty(value),
        "placeholder": text_or_empty(placeholder),
        "disabled": bool(disabled),
        "readonly": bool(readonly),
        "appearance": choice(caller, "appearance", appearance, _APPEARANCES),
        "color": choice(caller, "color", color, PALETTE),
    }


def _form_field_props(
    caller: str,
    required: bool,
    hide_required_marker: bool,
    float_label: str,
    subscript_sizing: str,
    hint_label: str,
) -> dict[str, Any]:
    """Mesop's form-field arguments that input and textarea share."""
    return {
        "required": bool(required),
        "hide_required_marker": bool(hide_required_marker),
        # Our labels sit above the field at all times, which is Mesop's "always"; "auto"
        # is taken (and checked) so Mesop code runs unchanged.
        "float_label": choice(caller, "float_label", float_label, _FLOAT_LABELS),
        "subscript_sizing": choice(caller, "subscript_sizing", subscript_sizing,
                                   _SUBSCRIPT_SIZINGS),
        "hint_label": text_or_empty(hint_label),
    }


def _text_handlers(
    on_input: Callable[[InputEvent], Any] | None,
    on_blur: Callable[[InputBlurEvent], Any] | None,
    on_enter: Callable[[InputEnterEvent], Any] | None,
) -> dict[str, tuple[Callable[[Any], Any] | None, str]]:
    """The handlers an input and a textarea take, each with the event kind it accepts."""
    return {"on_input": (on_input, "input"), "on_blur": (on_blur, "blur"),
            "on_enter": (on_enter, "enter")}


def input(
    *,
    label: str = "",
    on_blur: Callable[[InputBlurEvent], Any] | None = None,
    on_input: Callable[[InputEvent], Any] | None = None,
    on_enter: Callable[[InputEnterEvent], Any] | None = None,
    type: str | None = None,
    appearance: str = "fill",
    style: Style | None = None,
    disabled: bool = False,
    placeholder: str = "",
    required: bool = False,
    value: str = "",
    readonly: bool = False,
    hide_required_marker: bool = False,
    color: str = "primary",
    float_label: str = "auto",
    subscript_sizing: str = "fixed",
    hint_label: str = "",
    key: str | None = None,
) -> None:
    """A labelled ``<input>``; ``type`` is an HTML input type ("text" by default).

    ``required`` marks the field (an asterisk after the label unless
    ``hide_required_marker``, and ``required`` on the control); ``hint_label`` is a line
    of help under it, for which "fixed" ``subscript_sizing`` keeps room even when empty.
    """
    props = _field_props(
        "me.input()", label, value, placeholder, disabled, readonly, appearance, color
    )
    props.update(_form_field_props("me.input()", required, hide_required_marker, float_label,
                                   subscript_sizing, hint_label))
    props["input_type"] = type or "text"
    insert("me.input()", "input", key, props, style, _text_handlers(on_input, on_blur, on_enter))


def textarea(
    *,
    label: str = "",
    on_blur: Callable[[InputBlurEvent], Any] | None = None,
    on_input: Callable[[InputEvent], Any] | None = None,
    on_enter: Callable[[InputEnterEvent], Any] | None = None,
    rows: int = 5,
    autosize: bool = False,
    min_rows: int | None = None,
    max_rows: int | None = None,
    appearance: str = "fill",
    style: Style | None = None,
    disabled: bool = False,
    placeholder: str = "",
    required: bool = False,
    value: str = "",
    readonly: bool = False,
    hide_required_marker: bool = False,
    color: str = "primary",
    float_label: str = "auto",
    subscript_sizing: str = "fixed",
    hint_label: str = "",
    shortcuts: Mapping[Shortcut, Callable[[TextareaShortcutEvent], Any]] | None = None,
    key: str | None = None,
) -> None:
    """A labelled ``<textarea>`` of ``rows`` lines; ``shortcuts`` as for native_textarea.

    With ``autosize`` it grows with its text from ``min_rows`` (else ``rows``) up to
    ``max_rows`` lines. The form-field arguments are input's.
    """
    caller = "me.textarea()"
    props = _field_props(
        caller, label, value, placeholder, disabled, readonly, appearance, color
    )
    props.update(_form_field_props(caller, required, hide_required_marker, float_label,
                                   subscript_sizing, hint_label))
    props["input_type"] = "textarea"
    props["rows"] = _rows(caller, "rows", rows)
    props["autosize"] = bool(autosize)
    props["min_rows"] = _rows(caller, "min_rows", min_rows)
    props["max_rows"] = _rows(caller, "max_rows", max_rows)
    props["shortcuts"] = _shortcut_props(caller, shortcuts)
    insert(caller, "textarea", key, props, style, _text_handlers(on_input, on_blur, on_enter))


def _rows(caller: str, argument: str, value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{caller} {argument} must be a whole number of at least 1, "
                         f"got {value!r}")
    return value


def _shortcut_props(
    caller: str, shortcuts: Mapping[Shortcut, Callable[[TextareaShortcutEvent], Any]] | None
) -> list[dict[str, Any]]:
    """One entry per shortcut: the combination and the id of its handler."""
    if not shortcuts:
        return []
    builder = current_builder(caller)
    entries = []
    for shortcut, handler in shortcuts.items():
        if not isinstance(shortcut, Shortcut):
            raise TypeError(f"{caller} shortcuts keys must be me.Shortcut, got {shortcut!r}")
        if not shortcut.key:
            raise ValueError(f"{caller} Shortcut key must not be empty")
        entries.append({
            "key": shortcut.key, "shift": bool(shortcut.shift), "ctrl": bool(shortcut.ctrl),
            "alt": bool(shortcut.alt), "meta": bool(shortcut.meta),
            "handler": builder.handlers.register(handler, "shortcut"),
        })
    return entries


def native_textarea(
    *,
    on_blur: Callable[[InputBlurEvent], Any] | None = None,
    on_input: Callable[[InputEvent], Any] | None = None,
    autosize: bool = False,
    min_rows: int | None = None,
    max_rows: int | None = None,
    style: Style | None = None,
    disabled: bool = False,
    placeholder: str = "",
    value: str = "",
    readonly: bool = False,
    shortcuts: Mapping[Shortcut, Callable[[TextareaShortcutEvent], Any]] | None = None,
    key: str | None = None,
) -> None:
    """A bare ``<textarea>`` for apps that style it themselves (chat boxes).

    ``shortcuts`` maps a ``me.Shortcut`` to a handler: pressing it calls the handler with
    a TextareaShortcutEvent (the text and the shortcut) instead of typing the key, so
    ``{me.Shortcut(key="Enter"): send}`` sends where Shift+Enter still breaks the line.
    With ``autosize`` the box grows with its text from ``min_rows`` up to ``max_rows``.
    It has no label of its own: its placeholder names it for screen readers.
    """
    caller = "me.native_textarea()"
    props = {
        "value": text_or_empty(value),
        "placeholder": text_or_empty(placeholder),
        "disabled": bool(disabled),
        "readonly": bool(readonly),
        "autosize": bool(autosize),
        "min_rows": _rows(caller, "min_rows", min_rows),
        "max_rows": _rows(caller, "max_rows", max_rows),
        "shortcuts": _shortcut_props(caller, shortcuts),
    }
    handlers = {"on_input": (on_input, "input"), "on_blur": (on_blur, "blur")}
    insert(caller, "native_textarea", key, props, style, handlers)
