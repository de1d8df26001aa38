"""Mesop's public names, and the error for one that mesop-cli does not have.

``mesop_cli`` and ``mesop_cli.labs`` use :func:`mesop_cli_getattr` and
:func:`labs_getattr` as their module ``__getattr__`` (PEP 562): a name they lack raises
:class:`UnsupportedMesopName`, which says whether Mesop has it (not supported yet) or not
(a typo, with a did-you-mean). It is an ``AttributeError``, so ``hasattr`` keeps working.
"""

from __future__ import annotations

import difflib
import sys
from types import ModuleType

#: Where users find what is supported.
SUPPORTED_TABLE = "docs/mesop.md"

#: The public names of ``mesop`` 1.3.7 (its ``__init__``), typing re-exports left out.
MESOP_NAMES = frozenset("""
AutocompleteEnterEvent AutocompleteOption AutocompleteOptionGroup
AutocompleteSelectionChangeEvent Border BorderSide ButtonToggleButton ButtonToggleChangeEvent
CheckboxChangeEvent CheckboxIndeterminateChangeEvent ClickEvent DatePickerChangeEvent
DateRangePickerChangeEvent EnterEvent ExpansionPanelToggleEvent InputBlurEvent
InputEnterEvent InputEvent Key LoadEvent Margin MesopDeveloperException MesopException
MesopInternalException MesopUserException NamedSlot Padding ProgressBarAnimationEndEvent
RadioChangeEvent RadioOption RightClickEvent SecurityPolicy SelectOpenedChangeEvent
SelectOption SelectSelectionChangeEvent Shortcut SidenavOpenedChangedEvent Size
SlideToggleChangeEvent SliderValueChangeEvent Style TableClickEvent TableColumn TableHeader
TextareaShortcutEvent UploadEvent UploadedFile VERSION WebEvent accordion audio
autocomplete badge box button button_toggle card card_actions card_content card_header
checkbox code colab_run colab_show component content_button content_checkbox
content_component content_slide_toggle content_uploader cookie cookieclass create_wsgi_app
dataclass_with_defaults date_picker date_range_picker delete_cookie divider embed
expansion_panel focus_component html icon image input insert_web_component link markdown
native_textarea navigate page plot progress_bar progress_spinner query_params radio runtime
scroll_into_view select set_cookie set_page_title set_theme_density set_theme_mode sidenav
slide_toggle slider slot slotclass state stateclass table text textarea theme_brightness
theme_var tooltip uploader video viewport_size web_component
""".split())

#: The public names of ``mesop.labs`` 1.3.7.
MESOP_LABS_NAMES = frozenset("""
ChatMessage WebEvent chat insert_web_component text_io text_to_image text_to_text
web_component
""".split())


#: Mesop's names that belong to its tooling, not to apps served by a launcher: left out on
#: purpose, so never suggested (``me.run`` must not lead to ``me.runtime``, which is our
#: internal package).
LEFT_OUT = frozenset({"colab_run", "colab_show", "runtime", "VERSION"})


def _suggestable(module_name: str, known: frozenset[str]) -> list[str]:
    """What a did-you-mean may offer: the module's public names an app uses (Mesop's, and
    our own classes and functions), never a subpackage or a name left out on purpose."""
    module = sys.modules.get(module_name)
    names = []
    for name in dir(module):
        if name.startswith("_") or name in LEFT_OUT:
            continue
        value = getattr(module, name, None)
        if isinstance(value, ModuleType):
            continue
        if name in known or callable(value):
            names.append(name)
    return sorted(names)


class UnsupportedMesopName(AttributeError):
    """An app used a name of ``mesop_cli`` (or ``mesop_cli.labs``) that does not exist.

    ``feature`` is how the app spelled it (``me.video``), ``in_mesop`` whether Mesop has
    the name (then it is a feature not supported yet, else most likely a typo).
    """

    def __init__(self, module: str, name: str, feature: str | None = None) -> None:
        self.module = module
        self.attribute = name
        self.feature = feature or f"{'mel' if module.endswith('labs') else 'me'}.{name}"
        self._known = MESOP_LABS_NAMES if module.endswith("labs") else MESOP_NAMES
        self.in_mesop = name in self._known
        super().__init__(self.describe(self.feature))

    def describe(self, feature: str) -> str:
        """The one-line message, with the feature spelled as the app spelled it."""
        if self.in_mesop:
            return (f"{feature} is not supported by mesop-cli yet (supported: "
                    f"{SUPPORTED_TABLE})")
        near = difflib.get_close_matches(self.attribute,
                                         _suggestable(self.module, self._known), n=1)
        prefix = feature[: -len(self.attribute)] if feature.endswith(self.attribute) else ""
        hint = f"; did you mean {prefix}{near[0]}?" if near else ""
        return f"{feature} is not a Mesop name{hint}"


def _missing(module: str, name: str) -> UnsupportedMesopName | AttributeError:
    # Dunders are probed by Python itself (copy, pickle, doctest): a plain AttributeError.
    if name.startswith("__") and name.endswith("__"):
        return AttributeError(f"module {module!r} has no attribute {name!r}")
    return UnsupportedMesopName(module, name)


def mesop_cli_getattr(name: str) -> object:
    """``mesop_cli.__getattr__``: only called for names the module lacks."""
    raise _missing("mesop_cli", name)


def labs_getattr(name: str) -> object:
    """``mesop_cli.labs.__getattr__``."""
    raise _missing("mesop_cli.labs", name)
