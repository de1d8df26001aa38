"""A Mesop app using sidenav, button_toggle, autocomplete, the date pickers,
content_checkbox and a right-clickable box, written as a Mesop user writes one (only the
import line differs); driven by tests/test_browser_widgets.py."""

import datetime
from dataclasses import field

import mesop_cli as me


@me.stateclass
class State:
    menu_open: bool
    formats: list[str] = field(default_factory=lambda: ["bold"])
    size: str = "M"
    fruit: str
    typed: str
    entered: str
    day: datetime.date | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    agreed: bool
    mixed: bool = True
    right_clicks: int
    where: str


def toggle_menu(e: me.ClickEvent):
    state = me.state(State)
    state.menu_open = not state.menu_open


def menu_changed(e: me.SidenavOpenedChangedEvent):
    me.state(State).menu_open = e.opened


def pick_formats(e: me.ButtonToggleChangeEvent):
    me.state(State).formats = e.values


def pick_size(e: me.ButtonToggleChangeEvent):
    me.state(State).size = e.value


def pick_fruit(e: me.AutocompleteSelectionChangeEvent):
    me.state(State).fruit = e.value


def typed_fruit(e: me.InputEvent):
    me.state(State).typed = e.value


def entered_fruit(e: me.AutocompleteEnterEvent):
    me.state(State).entered = e.value


def pick_day(e: me.DatePickerChangeEvent):
    me.state(State).day = e.date


def pick_stay(e: me.DateRangePickerChangeEvent):
    state = me.state(State)
    state.start, state.end = e.start_date, e.end_date


def agree(e: me.CheckboxChangeEvent):
    me.state(State).agreed = e.checked


def unmix(e: me.CheckboxIndeterminateChangeEvent):
    me.state(State).mixed = e.indeterminate


def right_click(e: me.RightClickEvent):
    state = me.state(State)
    state.right_clicks += 1
    state.where = f"{e.offset_x > 0 and e.offset_y > 0} {e.is_target}"


FRUIT = [
    me.AutocompleteOptionGroup(label="Berries", options=[
        me.AutocompleteOption(label="Blueberry", value="blueberry"),
        me.AutocompleteOption(label="Strawberry", value="strawberry"),
    ]),
    me.AutocompleteOptionGroup(label="Citrus", options=[
        me.AutocompleteOption(label="Lemon", value="lemon"),
        me.AutocompleteOption(label="Orange", value="orange"),
    ]),
]


@me.page(path="/")
def home():
    state = me.state(State)
    with me.sidenav(opened=state.menu_open, disable_close=False, on_opened_changed=menu_changed,
                    style=me.Style(width=200, background=me.theme_var("surface-container-low"))):
        me.text("Menu items")
    with me.box(style=me.Style(margin=me.Margin(left=200 if state.menu_open else 0))):
        me.button("Menu", on_click=toggle_menu)
        me.text(f"Menu open: {state.menu_open}")
        me.button_toggle(value=state.formats, multiple=True, on_change=pick_formats,
                         buttons=[me.ButtonToggleButton(label="Bold", value="bold"),
                                  me.ButtonToggleButton(label="Italic", value="italic")])
        me.text("Formats: " + ",".join(state.formats))
        me.button_toggle(value=state.size, on_change=pick_size, hide_selection_indicator=True,
                         buttons=[me.ButtonToggleButton(label=s, value=s) for s in "SML"])
        me.text("Size: " + state.size)
        me.autocomplete(label="Fruit", options=FRUIT, value=state.fruit,
                        on_selection_change=pick_fruit, on_input=typed_fruit,
                        on_enter=entered_fruit)
        me.text(f"Fruit: {state.fruit} / typed: {state.typed} / entered: {state.entered}")
        me.date_picker(label="Day", value=state.day, on_change=pick_day)
        me.text(f"Day: {state.day}")
        me.date_range_picker(label="Stay", start_date=state.start, end_date=state.end,
                             on_change=pick_stay)
        me.text(f"Stay: {state.start} to {state.end}")
        with me.content_checkbox(checked=state.agreed, indeterminate=state.mixed,
                                 on_change=agree, on_indeterminate_change=unmix):
            me.text("I agree")
        me.text(f"Agreed: {state.agreed} / mixed: {state.mixed}")
        with me.box(on_right_click=right_click,
                    style=me.Style(padding=me.Padding.all(20),
                                   background=me.theme_var("surface-container"))):
            me.text(f"Right clicks: {state.right_clicks} ({state.where})")
