"""The app the security suite attacks: a button only admins see, a second page, a slider
and a text field, and a module function that is never rendered as a handler."""

import mesop_cli as me

ADMIN_PASSWORD = "open sesame"


@me.stateclass
class State:
    role: str = "guest"
    count: int = 0
    wiped: bool = False
    level: float = 0.0
    note: str = ""


def increment(e: me.ClickEvent) -> None:
    me.state(State).count += 1


def log_in(e: me.InputEnterEvent) -> None:
    if e.value == ADMIN_PASSWORD:
        me.state(State).role = "admin"


def wipe_everything(e: me.ClickEvent) -> None:
    state = me.state(State)
    state.wiped = True
    state.count = 0


def slide(e: me.SliderValueChangeEvent) -> None:
    me.state(State).level = e.value


def write_note(e: me.InputEvent) -> None:
    me.state(State).note = e.value


def go_other(e: me.ClickEvent) -> None:
    me.navigate("/other")


def not_a_handler(e: object) -> None:
    """Importable by name, never passed to a component: must never run from an event."""
    me.state(State).wiped = True


def other_page_action(e: me.ClickEvent) -> None:
    me.state(State).count += 100


@me.page(path="/", title="Home")
def home() -> None:
    state = me.state(State)
    me.text(f"count={state.count} role={state.role} wiped={state.wiped}")
    me.button("Increment", on_click=increment)
    me.input(label="Password", on_enter=log_in)
    me.slider(on_value_change=slide, min=0, max=100, value=state.level)
    me.input(label="Note", on_input=write_note, value=state.note)
    me.button("Other page", on_click=go_other)
    if state.role == "admin":
        me.button("Wipe everything", on_click=wipe_everything)


@me.page(path="/other", title="Other")
def other() -> None:
    me.text("the other page")
    me.button("Add a hundred", on_click=other_page_action)
