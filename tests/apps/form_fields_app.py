"""A Mesop app using select's on_opened_change, the form-field arguments of input and
textarea, textarea's autosize and box classes, written as a Mesop user writes one (only
the import line differs); driven by tests/test_browser_form_fields.py."""

import mesop_cli as me


@me.stateclass
class State:
    opened_changes: list[str]
    fruit: str
    notes: str


def opened_changed(e: me.SelectOpenedChangeEvent):
    me.state(State).opened_changes.append("open" if e.opened else "closed")


def picked(e: me.SelectSelectionChangeEvent):
    me.state(State).fruit = e.value


def noted(e: me.InputEvent):
    me.state(State).notes = e.value


@me.page(path="/")
def page():
    state = me.state(State)
    me.select(
        label="Fruit",
        placeholder="Choose a fruit",
        options=[me.SelectOption(label="Apple", value="apple"),
                 me.SelectOption(label="Banana", value="banana")],
        on_opened_change=opened_changed,
        on_selection_change=picked,
        tab_index=3,
    )
    me.text(f"Opened changes: {','.join(state.opened_changes) or 'none'}")
    me.text(f"Fruit: {state.fruit or 'none'}")
    me.input(label="Email", required=True, hint_label="We never share it",
             appearance="outline")
    me.input(label="Nickname", subscript_sizing="dynamic")
    me.textarea(label="Notes", autosize=True, min_rows=2, max_rows=6, on_input=noted)
    me.text(f"Notes: {len(state.notes.splitlines())} lines")
    with me.box(classes="promo wide", key="promo"):
        me.text("Promoted")
