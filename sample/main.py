"""Sample app: a counter, a form and a streaming chat, written as a Mesop app would be."""

import time

import mesop_cli as me

COLORS = ["Red", "Green", "Blue"]
CANNED_REPLY = "Thanks for your message! This reply streams in one word at a time."


@me.stateclass
class State:
    count: int
    name: str
    notes: str
    subscribe: bool
    color: str
    volume: float = 50.0


@me.stateclass
class ChatState:
    draft: str
    messages: list[str]
    replying: bool


def nav() -> None:
    with me.box(style=me.Style(display="flex", gap=16, margin=me.Margin(bottom=16))):
        me.link(text="Counter", url="/")
        me.link(text="Form", url="/form")
        me.link(text="Chat", url="/chat")
    me.divider()


def increment(e: me.ClickEvent) -> None:
    me.state(State).count += 1


@me.page(path="/", title="Counter")
def counter() -> None:
    nav()
    s = me.state(State)
    me.text("Counter", type="headline-1")
    me.text(f"Count: {s.count}")
    me.button("Increment", on_click=increment, type="flat")


def on_name(e: me.InputEvent) -> None:
    me.state(State).name = e.value


def on_notes(e: me.InputBlurEvent) -> None:
    me.state(State).notes = e.value


def on_subscribe(e: me.CheckboxChangeEvent) -> None:
    me.state(State).subscribe = e.checked


def on_color(e: me.SelectSelectionChangeEvent) -> None:
    me.state(State).color = e.value


def on_volume(e: me.SliderValueChangeEvent) -> None:
    me.state(State).volume = e.value


@me.page(path="/form", title="Form")
def form() -> None:
    nav()
    s = me.state(State)
    me.text("Form", type="headline-1")
    with me.box(style=me.Style(display="flex", flex_direction="column", gap=12, max_width=480)):
        me.input(label="Name", value=s.name, on_input=on_name)
        me.textarea(label="Notes", value=s.notes, rows=3, on_blur=on_notes)
        me.checkbox("Subscribe", checked=s.subscribe, on_change=on_subscribe)
        me.select(
            label="Color",
            options=[me.SelectOption(label=c, value=c.lower()) for c in COLORS],
            value=s.color,
            on_selection_change=on_color,
        )
        me.slider(label="Volume", min=0, max=100, step=1, value=s.volume,
                  on_value_change=on_volume)
    me.text(f"Name: {s.name}")
    me.text(f"Notes: {s.notes}")
    me.text(f"Subscribe: {'yes' if s.subscribe else 'no'}")
    me.text(f"Color: {s.color}")
    me.text(f"Volume: {s.volume:g}")


def on_draft(e: me.InputEvent) -> None:
    me.state(ChatState).draft = e.value


def send(e: me.ClickEvent | me.InputEnterEvent):
    s = me.state(ChatState)
    if not s.draft.strip():
        return
    s.messages.append(f"You: {s.draft}")
    s.draft = ""
    s.messages.append("Bot:")
    s.replying = True
    yield
    for word in CANNED_REPLY.split():
        time.sleep(0.05)
        s.messages[-1] += f" {word}"
        yield
    s.replying = False


@me.page(path="/chat", title="Chat")
def chat() -> None:
    nav()
    s = me.state(ChatState)
    me.text("Chat", type="headline-1")
    with me.box(style=me.Style(display="flex", flex_direction="column", gap=8,
                               padding=me.Padding.all(8), margin=me.Margin(bottom=12))):
        for message in s.messages:
            me.text(message)
        if s.replying:
            me.progress_spinner()
    with me.box(style=me.Style(display="flex", gap=8, align_items="center")):
        me.input(label="Message", value=s.draft, on_input=on_draft, on_enter=send)
        me.button("Send", on_click=send, type="raised", disabled=s.replying)
