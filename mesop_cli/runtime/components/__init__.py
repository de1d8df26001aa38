"""The components: each call adds one node to the page being rendered.

Signatures follow Mesop 1.3.7's (keyword names and defaults). One module per family
holds its components, the event classes they send and the checks that build those events
from the browser's value (its ``KINDS``; ``mesop_cli/runtime/events.py`` lists where each
kind lives). What families share: ``node`` (inserting a node), ``form_field`` (Mesop's
form-field arguments) and ``values`` (the event base and the checks of browser values).
This package gathers the components and events for ``mesop_cli/__init__.py``.
"""

from __future__ import annotations

from mesop_cli.runtime.components.buttons import ClickEvent, button, content_button
from mesop_cli.runtime.components.choices import (
    ButtonToggleButton,
    ButtonToggleChangeEvent,
    CheckboxChangeEvent,
    CheckboxIndeterminateChangeEvent,
    RadioChangeEvent,
    RadioOption,
    SelectOpenedChangeEvent,
    SelectOption,
    SelectSelectionChangeEvent,
    SliderValueChangeEvent,
    SlideToggleChangeEvent,
    button_toggle,
    checkbox,
    content_checkbox,
    content_slide_toggle,
    radio,
    select,
    slide_toggle,
    slider,
)
from mesop_cli.runtime.components.containers import (
    ExpansionPanelToggleEvent,
    accordion,
    badge,
    card,
    card_actions,
    card_content,
    card_header,
    expansion_panel,
)
from mesop_cli.runtime.components.embedded import audio, embed, video
from mesop_cli.runtime.components.fields import (
    EnterEvent,
    InputBlurEvent,
    InputEnterEvent,
    InputEvent,
    Shortcut,
    TextareaShortcutEvent,
    input,
    native_textarea,
    textarea,
)
from mesop_cli.runtime.components.layout import (
    RightClickEvent,
    SidenavOpenedChangedEvent,
    box,
    divider,
    sidenav,
    tooltip,
)
from mesop_cli.runtime.components.media import icon, image, link, plot
from mesop_cli.runtime.components.node import ParentComponent
from mesop_cli.runtime.components.pickers import (
    AutocompleteEnterEvent,
    AutocompleteOption,
    AutocompleteOptionGroup,
    AutocompleteSelectionChangeEvent,
    DatePickerChangeEvent,
    DateRangePickerChangeEvent,
    autocomplete,
    date_picker,
    date_range_picker,
)
from mesop_cli.runtime.components.progress import (
    ProgressBarAnimationEndEvent,
    progress_bar,
    progress_spinner,
)
from mesop_cli.runtime.components.table import (
    TableClickEvent,
    TableColumn,
    TableHeader,
    table,
)
from mesop_cli.runtime.components.text import code, html, markdown, text
from mesop_cli.runtime.components.uploader import UploadEvent, content_uploader, uploader
from mesop_cli.runtime.components.user import (
    NamedSlot,
    component,
    content_component,
    slot,
    slotclass,
)
from mesop_cli.runtime.components.values import MesopEvent
from mesop_cli.runtime.components.web_component import (
    WebEvent,
    insert_web_component,
    web_component,
)

__all__ = [
    # ---- examples ----
    "ExpansionPanelToggleEvent",
    "accordion",
    "audio",
    "badge",
    "card",
    "card_actions",
    "card_content",
    "card_header",
    "code",
    "embed",
    "expansion_panel",
    "video",
    # ---- end examples ----
    # ---- widgets ----
    "AutocompleteEnterEvent",
    "AutocompleteOption",
    "AutocompleteOptionGroup",
    "AutocompleteSelectionChangeEvent",
    "ButtonToggleButton",
    "ButtonToggleChangeEvent",
    "CheckboxIndeterminateChangeEvent",
    "DatePickerChangeEvent",
    "DateRangePickerChangeEvent",
    "RightClickEvent",
    "SidenavOpenedChangedEvent",
    "autocomplete",
    "button_toggle",
    "content_checkbox",
    "date_picker",
    "date_range_picker",
    "sidenav",
    # ---- end widgets ----
    "CheckboxChangeEvent",
    "ClickEvent",
    "EnterEvent",
    "InputBlurEvent",
    "InputEnterEvent",
    "InputEvent",
    "MesopEvent",
    "NamedSlot",
    "ParentComponent",
    "ProgressBarAnimationEndEvent",
    "RadioChangeEvent",
    "RadioOption",
    "SelectOpenedChangeEvent",
    "SelectOption",
    "SelectSelectionChangeEvent",
    "Shortcut",
    "SlideToggleChangeEvent",
    "SliderValueChangeEvent",
    "TableClickEvent",
    "TableColumn",
    "TableHeader",
    "TextareaShortcutEvent",
    "UploadEvent",
    "box",
    "button",
    "checkbox",
    "component",
    "content_button",
    "content_component",
    "content_slide_toggle",
    "content_uploader",
    "divider",
    "html",
    "icon",
    "image",
    "input",
    "link",
    "markdown",
    "native_textarea",
    "plot",
    "progress_bar",
    "progress_spinner",
    "radio",
    "select",
    "slide_toggle",
    "slider",
    "slot",
    "slotclass",
    "table",
    "text",
    "textarea",
    "tooltip",
    "uploader",
    # ---- web components ----
    "WebEvent",
    "insert_web_component",
    "web_component",
]
