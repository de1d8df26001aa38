"""``mel.chat``: a chat page around a streaming ``transform(input, history)``.

Written for mesop-cli from its own components (box, text, markdown, input, content_button,
icon), with the arguments, behaviour and layout of Mesop's ``mesop.labs.chat``: the
history is a list of ``ChatMessage`` in a state class, so it lives in the session like any
state and survives in every backend; the transform's chunks are appended to the reply and
streamed to the browser, at most every quarter second (as Mesop does) so a fast model does
not send a render per token.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from mesop_cli.runtime.browser.theme import set_theme_mode, theme_brightness, theme_var
from mesop_cli.runtime.components import box, content_button, icon, input, markdown, text
from mesop_cli.runtime.components.buttons import ClickEvent
from mesop_cli.runtime.components.fields import InputBlurEvent, InputEnterEvent
from mesop_cli.runtime.stateclass import state, stateclass
from mesop_cli.runtime.style import Border, BorderSide, Margin, Padding, Style

#: Seconds between two streamed renders of a growing reply.
STREAM_INTERVAL_SECONDS = 0.25


@dataclass(kw_only=True)
class ChatMessage:
    """One message of the conversation: who said it ("user" or "assistant") and what.

    ``role`` is a plain ``str`` (Mesop types it as a Literal), since the state codec
    stores plain types.
    """

    role: str = "user"
    content: str = ""


@stateclass
class ChatState:
    """The conversation of one session (Mesop names these fields the same)."""

    input: str
    output: list[ChatMessage]
    in_progress: bool = False


Transform = Callable[[str, list[ChatMessage]], "Iterable[str] | str"]

# The layout of Mesop's mesop/labs/chat.py (its values, written here with our components):
# a page-high column up to 1024px wide on the theme's background, the history in a
# bordered box that takes the free height, the prompt field and an icon Send button pinned
# under it, the bubbles in the theme's colours, and a light/dark toggle in the corner.
_EDGE = BorderSide(width=1, style="solid", color=theme_var("secondary-fixed"))
_CONTAINER = Style(
    background=theme_var("background"), display="flex", flex_direction="column",
    height="100%", margin=Margin.symmetric(vertical=0, horizontal="auto"),
    width="min(1024px, 100%)", padding=Padding(top=20, left=20, right=20),
    box_shadow="0 3px 1px -2px #0003, 0 2px 2px #00000024, 0 1px 5px #0000001f")
_THEME_TOGGLE = Style(position="absolute", right=4, top=8)
_HISTORY = Style(flex_grow=1, overflow_y="scroll", padding=Padding.all(20),
                 margin=Margin(bottom=20), border_radius=10, border=Border.all(_EDGE))
_INPUT_ROW = Style(padding=Padding(top=30), display="flex", flex_direction="row")
_SEND = Style(margin=Margin(top=8, left=8))
_NAME = Style(font_weight="bold", font_size=13, padding=Padding(left=15, right=15, bottom=5))


def _bubble_column(role: str) -> Style:
    return Style(display="flex", flex_direction="column",
                 align_items="end" if role == "user" else "start")


def _bubble(role: str) -> Style:
    background = theme_var("surface-container-low" if role == "user" else "secondary-container")
    return Style(width="80%", font_size=16, line_height=1.5, border_radius=15,
                 background=background, padding=Padding(left=15, right=15, bottom=3),
                 margin=Margin(bottom=10), border=Border.all(_EDGE))


def _toggle_theme(e: ClickEvent) -> None:
    set_theme_mode("dark" if theme_brightness() == "light" else "light")


def _on_blur(e: InputBlurEvent) -> None:
    state(ChatState).input = e.value


def _chunks(reply: Iterable[str] | str) -> Iterator[str]:
    if isinstance(reply, str):
        yield reply
    else:
        for chunk in reply:
            yield str(chunk)


def chat(
    transform: Transform,
    *,
    title: str | None = None,
    bot_user: str = "mesop-bot",
) -> None:
    """A chat UI: a prompt box, and the conversation with the bot named ``bot_user``.

    ``transform(prompt, history)`` gets the prompt and the history (a list of
    ``ChatMessage``, the prompt last) and returns the reply, or yields it in pieces that
    are shown as they come.
    """
    conversation = state(ChatState)

    def submit() -> Iterator[None]:
        current = state(ChatState)
        if current.in_progress or not current.input.strip():
            return
        prompt, current.input = current.input, ""
        current.output.append(ChatMessage(role="user", content=prompt))
        current.in_progress = True
        # From the first yield on: a turn closed at any yield (the tab went away, the
        # server stops, the transform raised) must leave Send usable for the next one.
        try:
            yield
            reply = ChatMessage(role="assistant")
            pieces = _chunks(transform(prompt, current.output))
            current.output.append(reply)
            last = time.monotonic()
            for piece in pieces:
                reply.content += piece
                if time.monotonic() - last >= STREAM_INTERVAL_SECONDS:
                    last = time.monotonic()
                    yield
        finally:
            current.in_progress = False

    def on_click_submit(e: ClickEvent) -> Iterator[None]:
        yield from submit()

    def on_input_enter(e: InputEnterEvent) -> Iterator[None]:
        state(ChatState).input = e.value
        yield from submit()

    with box(style=_CONTAINER):
        with content_button(type="icon", style=_THEME_TOGGLE, on_click=_toggle_theme):
            icon("light_mode" if theme_brightness() == "dark" else "dark_mode")
        if title:
            text(title, type="headline-5", style=Style(padding=Padding(left=10)))
        with box(style=_HISTORY):
            for message in conversation.output:
                with box(style=_bubble_column(message.role)):
                    if message.role == "assistant":
                        text(bot_user, style=_NAME)
                    with box(style=_bubble(message.role)):
                        if message.role == "user":
                            text(message.content, style=Style(margin=Margin.symmetric(
                                vertical=15)))
                        else:
                            markdown(message.content)
        with box(style=_INPUT_ROW):
            with box(style=Style(flex_grow=1)):
                # A new key per message gives a fresh, empty field after each prompt.
                input(label="Enter your prompt", key=f"input-{len(conversation.output)}",
                      on_blur=_on_blur, on_enter=on_input_enter, style=Style(width="100%"))
            with content_button(type="flat", color="primary", style=_SEND,
                                disabled=conversation.in_progress, on_click=on_click_submit):
                icon("pending" if conversation.in_progress else "send")
