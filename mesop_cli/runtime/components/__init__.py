"""The components: each call adds one node to the page being rendered.

Signatures follow Mesop 1.3.7's (keyword names and defaults). One module per family;
this package gathers them for ``mesop_cli/__init__.py``.
"""

from __future__ import annotations

from mesop_cli.runtime.components.buttons import button, content_button
from mesop_cli.runtime.components.choices import (
    ButtonToggleButton,
    RadioOption,
    SelectOption,
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
    accordion,
    badge,
    card,
    card_actions,
    card_content,
    card_header,
    expansion_panel,
)
from mesop_cli.runtime.components.embedded import audio, embed, video
from mesop_cli.runtime.components.fields import Shortcut, input, native_textarea, textarea
from mesop_cli.runtime.components.layout import box, divider, sidenav, tooltip
from mesop_cli.runtime.components.media import icon, image, link, plot
from mesop_cli.runtime.components.node import ParentComponent
from mesop_cli.runtime.components.pickers import (
    AutocompleteOption,
    AutocompleteOptionGroup,
    autocomplete,
    date_picker,
    date_range_picker,
)
from mesop_cli.runtime.components.progress import progress_bar, progress_spinner
from mesop_cli.runtime.components.table import TableColumn, TableHeader, table
from mesop_cli.runtime.components.text import code, html, markdown, text
from mesop_cli.runtime.components.uploader import content_uploader, uploader
from mesop_cli.runtime.components.user import (
    NamedSlot,
    component,
    content_component,
    slot,
    slotclass,
)
from mesop_cli.runtime.components.web_component import insert_web_component, web_component

__all__ = [
    # ---- examples ----
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
    "AutocompleteOption",
    "AutocompleteOptionGroup",
    "ButtonToggleButton",
    "autocomplete",
    "button_toggle",
    "content_checkbox",
    "date_picker",
    "date_range_picker",
    "sidenav",
    # ---- end widgets ----
    "NamedSlot",
    "ParentComponent",
    "RadioOption",
    "SelectOption",
    "Shortcut",
    "TableColumn",
    "TableHeader",
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
    "insert_web_component",
    "web_component",
]
