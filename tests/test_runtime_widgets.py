"""Mesop's sidenav, button_toggle, autocomplete, date pickers, content_checkbox and
box(on_right_click=...): the nodes they render, the events they take (each value checked
as hostile input), and the argument errors, in process."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path
from typing import Any

import pytest

import mesop_cli as me
from mesop_cli.runtime import InvalidEvent
from mesop_cli.runtime.events import build_event
from mesop_cli.state_format.codec import CodecError, decode_state, encode_state
from tests.test_runtime_compat_components import fire, rendered

# ---- sidenav -------------------------------------------------------------------------------

SIDENAV = '''
with me.sidenav(key="k", opened=False, disable_close=False, position="end",
                on_opened_changed=record, style=me.Style(width=200)):
    me.text("Inside sidenav")
'''


def test_sidenav_node_holds_its_children(tmp_path: Path) -> None:
    [nav] = rendered(tmp_path, SIDENAV)
    assert nav["t"] == "sidenav" and nav["s"] == "width: 200px"
    assert {k: v for k, v in nav["p"].items() if k != "on_opened_changed"} == {
        "opened": False, "disable_close": False, "position": "end"}
    assert nav["c"][0]["p"]["text"] == "Inside sidenav"
    # Mesop's defaults: open, and Escape does not close it.
    [plain] = rendered(tmp_path, "with me.sidenav(): pass")
    assert plain["p"] == {"opened": True, "disable_close": True, "position": "start"}


def test_sidenav_event_says_where_it_is(tmp_path: Path) -> None:
    handler = rendered(tmp_path, SIDENAV)[0]["p"]["on_opened_changed"]
    assert fire(tmp_path, SIDENAV, handler, "sidenav", False) == [
        "SidenavOpenedChangedEvent(key='k', opened=False)"]
    with pytest.raises(InvalidEvent, match="sidenav event: value must be true or false"):
        fire(tmp_path, SIDENAV, handler, "sidenav", "closed")
    with pytest.raises(InvalidEvent, match="not 'click'"):
        fire(tmp_path, SIDENAV, handler, "click", True)


# ---- button toggle -------------------------------------------------------------------------

TOGGLE = '''
me.button_toggle(key="k", value=["bold", "underline"], multiple=True, on_change=record,
                 hide_selection_indicator=True,
                 buttons=[me.ButtonToggleButton(label="Bold", value="bold"),
                          me.ButtonToggleButton(label="Italic", value="italic"),
                          me.ButtonToggleButton(value="underline")])
'''


def test_button_toggle_node(tmp_path: Path) -> None:
    [toggle] = rendered(tmp_path, TOGGLE)
    props = {k: v for k, v in toggle["p"].items() if k != "on_change"}
    assert props == {
        "buttons": [{"label": "Bold", "value": "bold"}, {"label": "Italic", "value": "italic"},
                    {"label": "", "value": "underline"}],
        "value": ["bold", "underline"], "multiple": True, "disabled": False,
        "hide_selection_indicator": True}
    # One value is a list of one; "" is none pressed, as in Mesop.
    [single] = rendered(tmp_path, 'me.button_toggle(value="a", buttons=[])')
    [empty] = rendered(tmp_path, 'me.button_toggle(buttons=[])')
    assert single["p"]["value"] == ["a"] and empty["p"]["value"] == []


def test_button_toggle_event_lists_the_pressed_values(tmp_path: Path) -> None:
    handler = rendered(tmp_path, TOGGLE)[0]["p"]["on_change"]
    assert fire(tmp_path, TOGGLE, handler, "button_toggle", ["italic"]) == [
        "ButtonToggleChangeEvent(key='k', values=['italic'])"]
    event = build_event("button_toggle", "k", ["bold", "italic"])
    assert isinstance(event, me.ButtonToggleChangeEvent) and event.value == "bold"
    assert build_event("button_toggle", "k", []).value == ""  # type: ignore[attr-defined]
    for bad in ("bold", [1], None, {"values": []}):
        with pytest.raises(InvalidEvent, match="button_toggle event: value must be a list"):
            build_event("button_toggle", "k", bad)


# ---- autocomplete --------------------------------------------------------------------------

AUTOCOMPLETE = '''
me.autocomplete(key="k", label="State", value="Ohio", hint_label="US only",
                on_selection_change=record, on_enter=other, on_input=record,
                options=[me.AutocompleteOptionGroup(label="A", options=[
                             me.AutocompleteOption(label="Alabama", value="AL")]),
                         me.AutocompleteOption(label="Ohio", value="OH"),
                         me.AutocompleteOption(value="TX")])
'''


def test_autocomplete_node_groups_its_options(tmp_path: Path) -> None:
    [field] = rendered(tmp_path, AUTOCOMPLETE)
    props = field["p"]
    assert props["groups"] == [
        {"label": "A", "options": [{"label": "Alabama", "value": "AL"}]},
        # Options outside a group gather under no heading.
        {"label": None, "options": [{"label": "Ohio", "value": "OH"},
                                    {"label": "", "value": "TX"}]}]
    assert (props["label"], props["value"], props["hint_label"]) == ("State", "Ohio", "US only")
    assert {"on_selection_change", "on_enter", "on_input"} <= set(props)


def test_autocomplete_events(tmp_path: Path) -> None:
    props = rendered(tmp_path, AUTOCOMPLETE)[0]["p"]
    assert fire(tmp_path, AUTOCOMPLETE, props["on_selection_change"],
                "autocomplete_selection", "OH") == [
        "AutocompleteSelectionChangeEvent(key='k', value='OH')"]
    assert fire(tmp_path, AUTOCOMPLETE, props["on_enter"], "autocomplete_enter", "Oh") == [
        "other AutocompleteEnterEvent(key='k', value='Oh')"]
    assert fire(tmp_path, AUTOCOMPLETE, props["on_input"], "input", "O") == [
        "InputEvent(key='k', value='O')"]
    with pytest.raises(InvalidEvent, match="autocomplete_selection event: value must be a str"):
        fire(tmp_path, AUTOCOMPLETE, props["on_selection_change"], "autocomplete_selection",
             ["OH"])
    # The enter handler does not take a selection event.
    with pytest.raises(InvalidEvent, match="not 'autocomplete_selection'"):
        fire(tmp_path, AUTOCOMPLETE, props["on_enter"], "autocomplete_selection", "x")


# ---- date pickers --------------------------------------------------------------------------

DATE = """
import datetime
me.date_picker(key="k", label="Date", value=datetime.date(2024, 10, 1), on_change=record,
               required=True)
"""
RANGE = """
import datetime
me.date_range_picker(key="k", label="Stay", start_date=datetime.date(2024, 10, 1),
                     end_date=None, on_change=record, placeholder_start_date="from")
"""


def test_date_picker_nodes_carry_iso_dates(tmp_path: Path) -> None:
    [picker] = rendered(tmp_path, DATE)
    assert picker["t"] == "date_picker"
    assert (picker["p"]["value"], picker["p"]["required"]) == ("2024-10-01", True)
    [stay] = rendered(tmp_path, RANGE)
    assert (stay["p"]["start_date"], stay["p"]["end_date"]) == ("2024-10-01", "")
    assert stay["p"]["placeholder_start_date"] == "from"
    # A datetime is shown as its day.
    [moment] = rendered(tmp_path, "import datetime\n"
                        "me.date_picker(value=datetime.datetime(2024, 1, 2, 3))")
    assert moment["p"]["value"] == "2024-01-02"


def test_date_events_hand_over_datetime_dates(tmp_path: Path) -> None:
    handler = rendered(tmp_path, DATE)[0]["p"]["on_change"]
    assert fire(tmp_path, DATE, handler, "date", "2024-02-29") == [
        "DatePickerChangeEvent(key='k', date=datetime.date(2024, 2, 29))"]
    span = rendered(tmp_path, RANGE)[0]["p"]["on_change"]
    assert fire(tmp_path, RANGE, span, "date_range",
                {"start_date": "2024-10-01", "end_date": "2024-10-01"}) == [
        "DateRangePickerChangeEvent(key='k', start_date=datetime.date(2024, 10, 1), "
        "end_date=datetime.date(2024, 10, 1))"]
    with pytest.raises(InvalidEvent, match="not 'date_range'"):
        fire(tmp_path, DATE, handler, "date_range", {"start_date": "2024-10-01",
                                                    "end_date": "2024-10-02"})


@pytest.mark.parametrize("value,message", [
    ("2024-02-30", "is not a real date"),
    ("2023-02-29", "is not a real date"),
    ("2024-13-01", "is not a real date"),
    ("0999-12-31", "outside the years 1000 to 9999"),
    ("20240101", "must be a date as yyyy-mm-dd"),
    ("+12024-01-01", "must be a date as yyyy-mm-dd"),
    ("2024-1-01", "must be a date as yyyy-mm-dd"),
    ("2024-01-01T00:00", "must be a date as yyyy-mm-dd"),
    ("2024-01-01\n", "must be a date as yyyy-mm-dd"),
    ("２０２４-01-01", "must be a date as yyyy-mm-dd"),  # full-width digits
    ("2024-W01-1", "must be a date as yyyy-mm-dd"),
    ("", "must be a date as yyyy-mm-dd"),
    (20240101, "must be a date as yyyy-mm-dd"),
    (None, "must be a date as yyyy-mm-dd"),
])
def test_a_date_from_the_browser_is_checked_strictly(value: object, message: str) -> None:
    with pytest.raises(InvalidEvent, match=message):
        build_event("date", "k", value)


@pytest.mark.parametrize("value,message", [
    ({"start_date": "2024-11-01", "end_date": "2024-10-01"}, "is before start_date"),
    ({"start_date": "2024-10-01"}, "exactly end_date, start_date"),
    ({"start_date": "2024-10-01", "end_date": "2024-10-02", "x": 1}, "exactly"),
    ({"start_date": "2024-10-01", "end_date": "2024-02-30"}, "end_date '2024-02-30' is not"),
    ({"start_date": 1, "end_date": "2024-10-02"}, "start_date must be a str"),
    ("2024-10-01/2024-10-02", "must be an object"),
])
def test_a_date_range_is_checked_strictly(value: object, message: str) -> None:
    with pytest.raises(InvalidEvent, match=message):
        build_event("date_range", "k", value)


# ---- content_checkbox, indeterminate, right click ------------------------------------------

def test_content_checkbox_label_is_its_children(tmp_path: Path) -> None:
    body = '''
    with me.content_checkbox(key="k", checked=True, indeterminate=True, tab_index=2,
                             on_change=record, on_indeterminate_change=record):
        me.text("Custom label")
    '''
    [box] = rendered(tmp_path, body)
    assert box["t"] == "checkbox" and box["p"]["label"] == ""
    assert box["p"]["tab_index"] == 2 and box["c"][0]["p"]["text"] == "Custom label"
    handler = box["p"]["on_indeterminate_change"]
    assert fire(tmp_path, body, handler, "indeterminate", False) == [
        "CheckboxIndeterminateChangeEvent(key='k', indeterminate=False)"]
    with pytest.raises(InvalidEvent, match="indeterminate event: value must be true or false"):
        fire(tmp_path, body, handler, "indeterminate", 0)


POINTER = {"is_target": True, "client_x": 10, "client_y": 20.5, "page_x": 10, "page_y": 820.5,
           "offset_x": 3, "offset_y": 4}


def test_box_clicks_carry_the_pointer_and_right_clicks_have_their_own_handler(
        tmp_path: Path) -> None:
    body = 'with me.box(key="k", on_click=record, on_right_click=other): pass'
    [box] = rendered(tmp_path, body)
    right = box["p"]["on_right_click"]
    assert fire(tmp_path, body, right, "right_click", POINTER) == [
        "other RightClickEvent(key='k', is_target=True)"]
    event = build_event("right_click", "k", POINTER)
    assert isinstance(event, me.ClickEvent)
    assert (event.client_y, event.page_y, event.offset_x) == (20.5, 820.5, 3.0)
    click = build_event("click", "k", {**POINTER, "is_target": False})
    assert isinstance(click, me.ClickEvent) and not click.is_target and click.page_x == 10.0
    # A button's click still sends only whether it was the target.
    assert build_event("click", "k", True) == me.ClickEvent(key="k", is_target=True)
    with pytest.raises(InvalidEvent, match="not 'click'"):
        fire(tmp_path, body, right, "click", True)


@pytest.mark.parametrize("value,message", [
    ({**POINTER, "client_x": float("inf")}, "client_x must be a finite number, got inf"),
    ({**POINTER, "page_y": "1"}, "page_y must be a finite number, got '1'"),
    ({**POINTER, "offset_x": True}, "offset_x must be a finite number"),
    ({**POINTER, "client_y": 10**400}, "client_y must be a finite number"),
    ({**POINTER, "is_target": 1}, "is_target must be true or false"),
    ({k: v for k, v in POINTER.items() if k != "offset_y"}, "must be an object with exactly"),
    ([1, 2], "must be an object with exactly"),
])
def test_a_right_click_value_is_checked(value: object, message: str) -> None:
    with pytest.raises(InvalidEvent, match=message):
        build_event("right_click", "k", value)


# ---- argument errors -----------------------------------------------------------------------

@pytest.mark.parametrize("line,message", [
    ('with me.sidenav(position="left"): pass', "position 'left' is not one of start, end"),
    ('me.button_toggle(buttons=["bold"])', "buttons must be me.ButtonToggleButton"),
    ('me.autocomplete(options=["Ohio"])', "options must be me.AutocompleteOption"),
    ('me.autocomplete(float_label="never")', "float_label 'never'"),
    ('me.autocomplete(appearance="flat")', "appearance 'flat'"),
    ('me.date_picker(value="2024-10-01")', "value must be a datetime.date or None"),
    ('me.date_range_picker(end_date=20241001)', "end_date must be a datetime.date or None"),
    ('me.date_range_picker(subscript_sizing="big")', "subscript_sizing 'big'"),
    ('me.date_picker(color="red")', "color 'red'"),
    ('with me.content_checkbox(tab_index="1"): pass', "tab_index must be a whole number"),
])
def test_bad_arguments_name_the_component(tmp_path: Path, line: str, message: str) -> None:
    with pytest.raises(Exception, match=r"me\.\w+\(\)") as caught:
        rendered(tmp_path, line)
    assert message in str(caught.value)


# ---- dates in state (as Mesop's date picker demos keep them) ------------------------------

@dataclasses.dataclass
class Picked:
    day: datetime.date | None = None
    anything: Any = None


def test_a_date_in_state_round_trips_under_mesops_key() -> None:
    encoded = encode_state(Picked(datetime.date(2024, 2, 29), datetime.date(1999, 12, 31)))
    assert encoded == {"day": {"__datetime.date__": "2024-02-29"},
                       "anything": {"__datetime.date__": "1999-12-31"}}
    assert decode_state(encoded, Picked) == Picked(datetime.date(2024, 2, 29),
                                                   datetime.date(1999, 12, 31))
    assert decode_state({"day": None}, Picked) == Picked()
    for bad in ({"__datetime.date__": "2024-02-30"}, {"__datetime.date__": "20240229"},
                {"__datetime.date__": 20240229}):
        with pytest.raises(CodecError, match=r"Picked\.day: expected a date"):
            decode_state({"day": bad}, Picked)
    # Not a date object at all: kept as it is, as Mesop keeps what the app stored.
    assert decode_state({"day": "2024-02-29"}, Picked).day == "2024-02-29"
