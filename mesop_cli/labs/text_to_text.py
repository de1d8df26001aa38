"""``mel.text_to_text``: a text box, a Generate button and the transform's output.

Mesop's arguments and behaviour, built from mesop-cli's components: ``transform(text)``
returns the output or yields it in pieces, each streamed as it comes; ``transform_mode``
"append" joins the pieces, "replace" shows the latest. Unlike Mesop, Generate starts the
output afresh instead of appending to the previous run's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Literal

from mesop_cli.runtime.browser.theme import theme_brightness, theme_var
from mesop_cli.runtime.components import box, button, markdown, text, textarea
from mesop_cli.runtime.components.buttons import ClickEvent
from mesop_cli.runtime.components.fields import InputEvent
from mesop_cli.runtime.exceptions import MesopDeveloperException
from mesop_cli.runtime.stateclass import state, stateclass
from mesop_cli.runtime.style import Border, BorderSide, Margin, Padding, Style


@stateclass
class TextToTextState:
    """The input and output of one session (Mesop names these fields the same)."""

    input: str
    output: str
    textarea_key: int


def _panel() -> Style:
    """Mesop's panel: a raised card on the lowest surface, outlined only in the dark."""
    edge = "solid" if theme_brightness() == "dark" else "none"
    return Style(flex_basis="max(480px, calc(50% - 48px))", display="flex",
                 flex_direction="column", border_radius=12, padding=Padding.all(16),
                 background=theme_var("surface-container-lowest"),
                 border=Border.all(BorderSide(width=1, style=edge, color=theme_var("outline"))),
                 box_shadow="0 3px 1px -2px #0003, 0 2px 2px #00000024, 0 1px 5px #0000001f")


def _on_input(e: InputEvent) -> None:
    state(TextToTextState).input = e.value


def _on_clear(e: ClickEvent) -> None:
    current = state(TextToTextState)
    current.input = ""
    current.textarea_key += 1  # a new key gives an empty field


def text_to_text(
    transform: Callable[[str], Iterable[str] | str],
    *,
    title: str | None = None,
    transform_mode: Literal["append", "replace"] = "append",
) -> None:
    """An input panel and an output panel around ``transform``."""
    if transform_mode not in ("append", "replace"):
        raise ValueError(f"mel.text_to_text transform_mode={transform_mode!r} is not "
                         "'append' or 'replace'")

    def on_generate(e: ClickEvent) -> Iterator[None]:
        current = state(TextToTextState)
        result = transform(current.input)
        if isinstance(result, str):
            current.output = result
            return
        current.output = ""
        for piece in result:
            current.output = current.output + str(piece) if transform_mode == "append" \
                else str(piece)
            yield

    current = state(TextToTextState)
    with input_and_output(title, f"input-{current.textarea_key}", _on_input, _on_clear,
                          on_generate):
        markdown(current.output)


@contextmanager
def input_and_output(
    title: str | None,
    input_key: str,
    on_input: Callable[[InputEvent], Any],
    on_clear: Callable[[ClickEvent], Any],
    on_generate: Callable[[ClickEvent], Any],
) -> Iterator[None]:
    """The two panels of text_to_text and text_to_image; the body of the ``with`` draws
    the output inside the Output panel."""
    # Mesop's layout: the window's height on the low surface, two raised panels.
    page = theme_var("surface-container-low")
    with box(style=Style(background=page, height="100%")), \
            box(style=Style(background=page, padding=Padding.all(24), display="flex",
                            flex_direction="column")):
        if title:
            text(title, type="headline-5")
        with box(style=Style(margin=Margin(left="auto", right="auto"),
                             width="min(1024px, 100%)", gap=24, flex_grow=1, display="flex",
                             flex_wrap="wrap")):
            with box(style=_panel()):
                text("Input", style=Style(font_weight=500))
                box(style=Style(height=16))
                textarea(key=input_key, rows=5, autosize=True, max_rows=15,
                         on_input=on_input, appearance="outline", style=Style(width="100%"))
                box(style=Style(height=12))
                with box(style=Style(display="flex", justify_content="space-between")):
                    button("Clear", type="stroked", color="primary", on_click=on_clear)
                    button("Generate", type="flat", color="primary", on_click=on_generate)
            with box(style=_panel()):
                text("Output", style=Style(font_weight=500))
                yield


def text_io(
    transform: Callable[[str], Iterable[str] | str],
    *,
    title: str | None = None,
    transform_mode: Literal["append", "replace"] = "replace",
) -> None:
    """Removed from Mesop before 1.3.7 (it raises there too): use ``text_to_text``."""
    raise MesopDeveloperException(
        "mel.text_io was removed from Mesop; use mel.text_to_text, which takes the same "
        "arguments (its transform_mode defaults to 'append')")
