"""``mel.text_to_image``: a text box, a Generate button and the image the transform names.

Mesop's arguments and behaviour: ``transform(text)`` returns the image's address, an
``http(s)`` URL or a ``data:image/...;base64,`` URL, shown under "Output" through
``me.image``, so an address that could run script is replaced by a dead one, as there.
"""

from __future__ import annotations

from collections.abc import Callable

from mesop_cli.labs.text_to_text import input_and_output
from mesop_cli.runtime.components import box, image
from mesop_cli.runtime.components.buttons import ClickEvent
from mesop_cli.runtime.components.fields import InputEvent
from mesop_cli.runtime.stateclass import state, stateclass
from mesop_cli.runtime.style import Margin, Style


@stateclass
class TextToImageState:
    """The prompt and the image address of one session (Mesop names these fields the same)."""

    input: str
    output: str
    textarea_key: int


def _on_input(e: InputEvent) -> None:
    state(TextToImageState).input = e.value


def _on_clear(e: ClickEvent) -> None:
    current = state(TextToImageState)
    current.input = ""
    current.output = ""
    current.textarea_key += 1  # a new key gives an empty field


def text_to_image(transform: Callable[[str], str], *, title: str | None = None) -> None:
    """An input panel and an output panel showing the image ``transform`` returns."""

    def on_generate(e: ClickEvent) -> None:
        current = state(TextToImageState)
        current.output = transform(current.input)

    current = state(TextToImageState)
    with input_and_output(title, f"image-input-{current.textarea_key}", _on_input, _on_clear,
                          on_generate):
        if current.output:
            with box(style=Style(display="grid", justify_content="center",
                                 justify_items="center")):
                image(src=current.output, alt="Generated image",
                      style=Style(width="100%", margin=Margin(top=10)))
