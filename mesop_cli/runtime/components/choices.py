"""Controls that choose: ``checkbox``, ``slide_toggle``, ``radio``, ``select``, ``slider``,
``button_toggle``, and the events they send (``change`` and ``indeterminate`` of a
checkbox, ``toggle``, ``radio``, ``selection`` and ``select_opened``, ``slider``,
``button_toggle``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mesop_cli.runtime.components.form_field import form_field_props
from mesop_cli.runtime.components.node import (
    LABEL_POSITIONS,
    PALETTE,
    ParentComponent,
    choice,
    insert,
    optional_choice,
    text_or_empty,
)
from mesop_cli.runtime.components.values import (
    Kinds,
    MesopEvent,
    finite,
    flag,
    flag_or_null,
    one_string,
    strings,
)
from mesop_cli.runtime.style import Style


@dataclass(kw_only=True)
class CheckboxChangeEvent(MesopEvent):
    """A checkbox was toggled."""

    checked: bool


@dataclass(kw_only=True)
class CheckboxIndeterminateChangeEvent(MesopEvent):
    """A checkbox left (or entered) its "mixed" state; clicking it always clears it."""

    indeterminate: bool


@dataclass(kw_only=True)
class SlideToggleChangeEvent(MesopEvent):
    """A slide toggle was flipped; as in Mesop it carries only the key."""


@dataclass(kw_only=True)
class RadioChangeEvent(MesopEvent):
    """Another radio button of a group was chosen; ``value`` is its value."""

    value: str


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
class ButtonToggleChangeEvent(MesopEvent):
    """The pressed buttons of a button toggle changed; ``values`` lists every pressed one."""

    values: list[str]

    @property
    def value(self) -> str:
        """The pressed value of a single-choice toggle ("" when none is pressed)."""
        return self.values[0] if self.values else ""


def _toggle(key: str, value: object) -> MesopEvent:
    # The client reports the new position; Mesop's event does not carry it.
    flag_or_null("toggle", value)
    return SlideToggleChangeEvent(key=key)


def _selection(key: str, value: object) -> MesopEvent:
    # A single select may report its one value as a string.
    values = strings("selection", [value] if isinstance(value, str) else value)
    return SelectSelectionChangeEvent(key=key, values=values)


KINDS: Kinds = {
    "change": lambda key, value: CheckboxChangeEvent(
        key=key, checked=flag("change", value)),
    "indeterminate": lambda key, value: CheckboxIndeterminateChangeEvent(
        key=key, indeterminate=flag("indeterminate", value)),
    "toggle": _toggle,
    "radio": lambda key, value: RadioChangeEvent(key=key, value=one_string("radio", value)),
    "selection": _selection,
    "select_opened": lambda key, value: SelectOpenedChangeEvent(
        key=key, opened=flag("select_opened", value)),
    "slider": lambda key, value: SliderValueChangeEvent(
        key=key, value=finite("slider", value)),
    "button_toggle": lambda key, value: ButtonToggleChangeEvent(
        key=key, values=strings("button_toggle", value)),
}


def _chosen_values(value: str | list[str]) -> list[str]:
    """Mesop's ``value`` of a select or toggle (one value, or a list) as a list."""
    if isinstance(value, str):
        return [value] if value else []
    return [text_or_empty(v) for v in value]


def _whole_number(caller: str, argument: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{caller} {argument} must be a whole number, got {value!r}")
    return value


def _checkbox(
    caller: str,
    label: str,
    key: str | None,
    on_change: Callable[[CheckboxChangeEvent], Any] | None,
    on_indeterminate_change: Callable[[CheckboxIndeterminateChangeEvent], Any] | None,
    label_position: str,
    tab_index: int,
    color: str | None,
    checked: bool,
    disabled: bool,
    indeterminate: bool,
    style: Style | None,
) -> ParentComponent:
    props = {
        "label": label,
        "checked": bool(checked),
        "disabled": bool(disabled),
        "indeterminate": bool(indeterminate),
        "label_position": choice(caller, "label_position", label_position, LABEL_POSITIONS),
        "tab_index": _whole_number(caller, "tab_index", tab_index),
        "color": color or "",
    }
    handlers = {"on_change": (on_change, "change"),
                "on_indeterminate_change": (on_indeterminate_change, "indeterminate")}
    return insert(caller, "checkbox", key, props, style, handlers)


def checkbox(
    label: str | None = None,
    *,
    on_change: Callable[[CheckboxChangeEvent], Any] | None = None,
    on_indeterminate_change: Callable[[CheckboxIndeterminateChangeEvent], Any] | None = None,
    label_position: str = "after",
    disable_ripple: bool = False,
    tab_index: int = 0,
    color: str | None = None,
    checked: bool = False,
    disabled: bool = False,
    indeterminate: bool = False,
    style: Style | None = None,
    key: str | None = None,
) -> None:
    """A labelled checkbox; ``indeterminate`` shows the "mixed" state of a parent box.

    Clicking a mixed box clears the mixed state, as in Mesop: ``on_indeterminate_change``
    hears it. ``disable_ripple`` is taken so Mesop code runs unchanged; there is no ripple.
    """
    _checkbox("me.checkbox()", text_or_empty(label), key, on_change, on_indeterminate_change,
              label_position, tab_index, color, checked, disabled, indeterminate, style)


def content_checkbox(
    *,
    on_change: Callable[[CheckboxChangeEvent], Any] | None = None,
    on_indeterminate_change: Callable[[CheckboxIndeterminateChangeEvent], Any] | None = None,
    label_position: str = "after",
    disable_ripple: bool = False,
    tab_index: int = 0,
    color: str | None = None,
    checked: bool = False,
    disabled: bool = False,
    indeterminate: bool = False,
    style: Style | None = None,
    key: str | None = None,
) -> ParentComponent:
    """A checkbox whose label is its children: ``with me.content_checkbox(): ...``."""
    return _checkbox("me.content_checkbox()", "", key, on_change, on_indeterminate_change,
                     label_position, tab_index, color, checked, disabled, indeterminate,
                     style)


def _slide_toggle(
    caller: str,
    label: str,
    key: str | None,
    label_position: str,
    required: bool,
    color: str | None,
    disabled: bool,
    tab_index: int,
    checked: bool,
    hide_icon: bool,
    on_change: Callable[[SlideToggleChangeEvent], Any] | None,
) -> ParentComponent:
    props = {
        "label": label,
        "label_position": choice(caller, "label_position", label_position, LABEL_POSITIONS),
        "required": bool(required),
        "color": optional_choice(caller, "color", color, PALETTE),
        "disabled": bool(disabled),
        "tab_index": _whole_number(caller, "tab_index", tab_index),
        "checked": bool(checked),
        "hide_icon": bool(hide_icon),
    }
    return insert(caller, "slide_toggle", key, props, None, {"on_change": (on_change, "toggle")})


def slide_toggle(
    label: str | None = None,
    *,
    key: str | None = None,
    label_position: str = "after",
    required: bool = False,
    color: str | None = None,
    disabled: bool = False,
    disable_ripple: bool = False,
    tab_index: int = 0,
    checked: bool = False,
    hide_icon: bool = False,
    on_change: Callable[[SlideToggleChangeEvent], Any] | None = None,
) -> None:
    """An on/off switch with a label (a checkbox with the ARIA role "switch").

    As in Mesop, the SlideToggleChangeEvent carries only the key: the handler flips the
    state it keeps (``s.on = not s.on``). ``hide_icon`` hides the check mark in the
    thumb; ``disable_ripple`` is taken and ignored.
    """
    _slide_toggle("me.slide_toggle()", text_or_empty(label), key, label_position, required,
                  color, disabled, tab_index, checked, hide_icon, on_change)


def content_slide_toggle(
    *,
    key: str | None = None,
    label_position: str = "after",
    required: bool = False,
    color: str | None = None,
    disabled: bool = False,
    disable_ripple: bool = False,
    tab_index: int = 0,
    checked: bool = False,
    hide_icon: bool = False,
    on_change: Callable[[SlideToggleChangeEvent], Any] | None = None,
) -> ParentComponent:
    """A slide toggle whose label is its children: ``with me.content_slide_toggle(): ...``."""
    return _slide_toggle("me.content_slide_toggle()", "", key, label_position, required,
                         color, disabled, tab_index, checked, hide_icon, on_change)


@dataclass(kw_only=True)
class RadioOption:
    """One button of a radio group: the text shown and the value reported."""

    label: str | None = None
    value: str | None = None


def radio(
    *,
    options: Iterable[RadioOption] = (),
    on_change: Callable[[RadioChangeEvent], Any] | None = None,
    color: str | None = None,
    label_position: str = "after",
    value: str = "",
    disabled: bool = False,
    style: Style | None = None,
    key: str | None = None,
) -> None:
    """A group of radio buttons, one per option; ``value`` is the selected option's value.

    ``on_change`` gets a RadioChangeEvent with the newly chosen value.
    """
    caller = "me.radio()"
    buttons = []
    for option in options:
        if not isinstance(option, RadioOption):
            raise TypeError(f"{caller} options must be me.RadioOption, got {option!r}")
        buttons.append({"label": text_or_empty(option.label),
                        "value": text_or_empty(option.value)})
    props = {
        "options": buttons,
        "value": text_or_empty(value),
        "disabled": bool(disabled),
        "color": optional_choice(caller, "color", color, PALETTE),
        "label_position": choice(caller, "label_position", label_position, LABEL_POSITIONS),
    }
    insert(caller, "radio", key, props, style, {"on_change": (on_change, "radio")})


@dataclass
class SelectOption:
    """One choice of a select: the text shown and the value reported."""

    label: str | None = None
    value: str | None = None


def select(
    *,
    options: Iterable[SelectOption] = (),
    on_selection_change: Callable[[SelectSelectionChangeEvent], Any] | None = None,
    on_opened_change: Callable[[SelectOpenedChangeEvent], Any] | None = None,
    key: str | None = None,
    label: str = "",
    disabled: bool = False,
    disable_ripple: bool = False,
    tab_index: int = 0,
    placeholder: str = "",
    appearance: str = "fill",
    value: str | list[str] = "",
    style: Style | None = None,
    multiple: bool = False,
) -> None:
    """A labelled ``<select>``; ``value`` is a string, or a list with ``multiple``.

    ``on_opened_change`` hears the browser's list of options open and close (a
    ``multiple`` select shows its options all the time, so it never does).
    ``disable_ripple`` is taken so Mesop code runs unchanged; there is no ripple.
    """
    caller = "me.select()"
    choices = []
    for option in options:
        if not isinstance(option, SelectOption):
            raise TypeError(f"me.select options must be me.SelectOption, got {option!r}")
        shown = option.value if option.label is None else option.label
        choices.append({"label": text_or_empty(shown), "value": text_or_empty(option.value)})
    selected = _chosen_values(value)
    props = form_field_props(caller, label=label, disabled=disabled,
                             placeholder=placeholder, appearance=appearance)
    props.update({
        "options": choices,
        "value": selected,
        "multiple": bool(multiple),
        "tab_index": _whole_number(caller, "tab_index", tab_index),
    })
    handlers = {"on_selection_change": (on_selection_change, "selection"),
                "on_opened_change": (on_opened_change, "select_opened")}
    insert(caller, "select", key, props, style, handlers)


def slider(
    *,
    label: str = "",
    on_value_change: Callable[[SliderValueChangeEvent], Any] | None = None,
    min: float = 0,
    max: float = 100,
    step: float = 1,
    value: float | None = None,
    color: str | None = None,
    disabled: bool = False,
    discrete: bool = False,
    show_tick_marks: bool = False,
    disable_ripple: bool = False,
    style: Style | None = None,
    key: str | None = None,
) -> None:
    """A range slider; ``label`` (not in Mesop) names it for screen readers.

    ``discrete`` asks for the value to be shown and ``show_tick_marks`` for a mark at
    each step, as in Mesop; ``disable_ripple`` is taken so Mesop code runs unchanged.
    """
    props = {
        "label": text_or_empty(label),
        "min": float(min),
        "max": float(max),
        "step": float(step),
        "value": float(min if value is None else value),
        "disabled": bool(disabled),
        "discrete": bool(discrete),
        "show_tick_marks": bool(show_tick_marks),
        "color": color or "",
    }
    handlers = {"on_value_change": (on_value_change, "slider")}
    insert("me.slider()", "slider", key, props, style, handlers)


# ---- widgets: button toggle ------------------------------------------------------------


@dataclass(kw_only=True)
class ButtonToggleButton:
    """One button of a button toggle: the text shown and the value reported."""

    label: str | None = None
    value: str | None = None


def button_toggle(
    *,
    value: list[str] | str = "",
    buttons: Iterable[ButtonToggleButton],
    on_change: Callable[[ButtonToggleChangeEvent], Any] | None = None,
    multiple: bool = False,
    disabled: bool = False,
    hide_selection_indicator: bool = False,
    style: Style | None = None,
    key: str | None = None,
) -> None:
    """A row of buttons of which one (or with ``multiple`` any number) is pressed.

    ``value`` is the pressed value, or a list of them; ``on_change`` gets a
    ButtonToggleChangeEvent with every value pressed after the click. As in Mesop, a
    pressed button of a single-choice toggle stays pressed when clicked again. A check
    mark shows in pressed buttons unless ``hide_selection_indicator``.
    """
    caller = "me.button_toggle()"
    shown = []
    for button in buttons:
        if not isinstance(button, ButtonToggleButton):
            raise TypeError(f"{caller} buttons must be me.ButtonToggleButton, got {button!r}")
        shown.append({"label": text_or_empty(button.label),
                      "value": text_or_empty(button.value)})
    pressed = _chosen_values(value)
    props = {
        "buttons": shown,
        "value": pressed,
        "multiple": bool(multiple),
        "disabled": bool(disabled),
        "hide_selection_indicator": bool(hide_selection_indicator),
    }
    insert(caller, "button_toggle", key, props, style, {"on_change": (on_change, "button_toggle")})
