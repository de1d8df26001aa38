"""Text fields: ``input``, ``textarea`` and ``native_textarea`` (with ``shortcuts``), and
the events they send: ``input``, ``blur`` and ``enter`` (autocomplete sends ``input`` too)
and ``shortcut``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mesop_cli.runtime.components.form_field import form_field_props
from mesop_cli.runtime.components.node import insert, text_or_empty
from mesop_cli.runtime.components.values import Kinds, MesopEvent, fields, one_string
from mesop_cli.runtime.scope import current_builder
from mesop_cli.runtime.style import Style


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


def _shortcut(key: str, value: object) -> MesopEvent:
    event = fields("shortcut", value, {"value": str, "shortcut": dict})
    combo = fields("shortcut", event["shortcut"], {
        "key": str, "shift": bool, "ctrl": bool, "alt": bool, "meta": bool})
    return TextareaShortcutEvent(key=key, value=event["value"], shortcut=Shortcut(**combo))


KINDS: Kinds = {
    "input": lambda key, value: InputEvent(key=key, value=one_string("input", value)),
    "blur": lambda key, value: InputBlurEvent(key=key, value=one_string("blur", value)),
    "enter": lambda key, value: InputEnterEvent(key=key, value=one_string("enter", value)),
    "shortcut": _shortcut,
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
    props = form_field_props(
        "me.input()", label=label, placeholder=placeholder, disabled=disabled,
        readonly=readonly, appearance=appearance, color=color, required=required,
        hide_required_marker=hide_required_marker, float_label=float_label,
        subscript_sizing=subscript_sizing, hint_label=hint_label)
    props["value"] = text_or_empty(value)
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
    props = form_field_props(
        caller, label=label, placeholder=placeholder, disabled=disabled, readonly=readonly,
        appearance=appearance, color=color, required=required,
        hide_required_marker=hide_required_marker, float_label=float_label,
        subscript_sizing=subscript_sizing, hint_label=hint_label)
    props["value"] = text_or_empty(value)
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
    props = form_field_props(caller, placeholder=placeholder, disabled=disabled,
                             readonly=readonly)
    props.update({
        "value": text_or_empty(value),
        "autosize": bool(autosize),
        "min_rows": _rows(caller, "min_rows", min_rows),
        "max_rows": _rows(caller, "max_rows", max_rows),
        "shortcuts": _shortcut_props(caller, shortcuts),
    })
    handlers = {"on_input": (on_input, "input"), "on_blur": (on_blur, "blur")}
    insert(caller, "native_textarea", key, props, style, handlers)
