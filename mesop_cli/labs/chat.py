"""``mel.chat``: a chat page around a streaming ``transform(input, history)``.

Written for mesop-cli from its own components (box, text, markdown, input, button), with
the arguments and behaviour of Mesop's ``mesop.labs.chat``: the history is a list of
``ChatMessage`` in a state class, so it lives in the session like any state and survives
in every backend; the transform's chunks are appended to the reply and streamed to the
browser, at most every quarter second (as Mesop does) so a fast model does not send a
render per token.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from mesop_cli.runtime.components import box, button, input, markdown, text
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

_EDGE = BorderSide(width=1, style="solid", color="#d0d7de")
_CONTAINER = Style(display="flex", flex_direction="column", margin=Margin.symmetric(
    vertical=0, horizontal="auto"), width="min(1024px, 100%)", height="100%",
    padding=Padding(top=20, left=20, right=20, bottom=20), box_sizing="border-box")
_HISTORY = Style(flex_grow=1, overflow_y="auto", padding=Padding.all(20),
                 margin=Margin(bottom=20), border_radius=10, border=Border.all(_EDGE))
_INPUT_ROW = Style(display="flex", flex_direction="row", align_items="center", gap=8)
_NAME = Style(font_weight="bold", font_size=13, padding=Padding(left=15, right=15, bottom=5))


def _bubble_column(role: str) -> Style:
    return Style(display="flex", flex_direction="column",
                 align_items="end" if role == "user" else "start")


def _bubble(role: str) -> Style:
    return Style(width="80%", font_size=16, line_height=1.5, border_radius=15,
                 background="#eef2f6" if role == "user" else "#dbe9ff",
                 padding=Padding(left=15, right=15), margin=Margin(bottom=10),
                 border=Border.all(_EDGE))


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
            button("Send", type="flat", color="primary", disabled=conversation.in_progress,
                   on_click=on_click_submit)
