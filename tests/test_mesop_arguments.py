"""Mesop's arguments that mesop-cli first took without a use: select's
``on_opened_change``/``tab_index``/``placeholder``, the form-field arguments of input and
textarea, textarea's ``autosize``, box's ``classes``, ``delete_cookie(name=)``, and the labs'
``text_to_image`` and ``text_io``. The nodes they render, the events they take (values
checked as hostile input) and the argument errors, in process."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import mesop_cli as me
import mesop_cli.labs as mel
from mesop_cli.runtime import InvalidEvent
from tests.test_labs import Client, create_flask_app, find, settings_for
from tests.test_runtime_compat_components import fire, rendered

# ---- select ----------------------------------------------------------------------------

SELECT = '''
me.select(key="k", label="Pick", options=[me.SelectOption(label="A", value="a")],
          on_opened_change=record, on_selection_change=other, tab_index=2,
          placeholder="Choose one", disable_ripple=True)
'''


def test_select_node_carries_tab_index_placeholder_and_both_handlers(tmp_path: Path) -> None:
    [node] = rendered(tmp_path, SELECT)
    p = node["p"]
    assert p["tab_index"] == 2 and p["placeholder"] == "Choose one"
    assert p["on_opened_change"] and p["on_selection_change"]
    assert p["on_opened_change"] != p["on_selection_change"]
    assert "disable_ripple" not in p  # taken, and nothing to draw


def test_select_opened_event_says_where_the_list_is(tmp_path: Path) -> None:
    handler = rendered(tmp_path, SELECT)[0]["p"]["on_opened_change"]
    assert fire(tmp_path, SELECT, handler, "select_opened", True) == [
        "SelectOpenedChangeEvent(key='k', opened=True)"]
    with pytest.raises(InvalidEvent, match="select_opened event: value must be true or false"):
        fire(tmp_path, SELECT, handler, "select_opened", 1)
    # The handler was registered for the opened event only: another kind is refused.
    with pytest.raises(InvalidEvent, match="not 'selection'"):
        fire(tmp_path, SELECT, handler, "selection", ["a"])


@pytest.mark.parametrize("tab_index", [True, 1.5, "2"])
def test_select_tab_index_must_be_a_whole_number(tmp_path: Path, tab_index: object) -> None:
    with pytest.raises(Exception, match="tab_index must be a whole number"):
        rendered(tmp_path, f"me.select(options=[], tab_index={tab_index!r})")


# ---- input and textarea ----------------------------------------------------------------

def test_form_field_arguments_reach_the_node(tmp_path: Path) -> None:
    field, area, plain = rendered(tmp_path, """
        me.input(label="Email", required=True, hide_required_marker=True, float_label="always",
                 subscript_sizing="dynamic", hint_label="We never share it")
        me.textarea(label="Notes", autosize=True, min_rows=2, max_rows=8, required=True)
        me.input(label="Plain")
    """)
    assert {k: field["p"][k] for k in ("required", "hide_required_marker", "float_label",
                                       "subscript_sizing", "hint_label")} == {
        "required": True, "hide_required_marker": True, "float_label": "always",
        "subscript_sizing": "dynamic", "hint_label": "We never share it"}
    assert {k: area["p"][k] for k in ("autosize", "min_rows", "max_rows", "rows", "required")} \
        == {"autosize": True, "min_rows": 2, "max_rows": 8, "rows": 5, "required": True}
    # Mesop's defaults.
    assert {k: plain["p"][k] for k in ("required", "hide_required_marker", "float_label",
                                       "subscript_sizing", "hint_label")} == {
        "required": False, "hide_required_marker": False, "float_label": "auto",
        "subscript_sizing": "fixed", "hint_label": ""}


@pytest.mark.parametrize("call, message", [
    ('me.input(float_label="never")', "float_label"),
    ('me.textarea(subscript_sizing="grow")', "subscript_sizing"),
    ("me.textarea(min_rows=0)", "min_rows must be a whole number of at least 1"),
    ("me.textarea(max_rows=2.5)", "max_rows must be a whole number of at least 1"),
    ("me.textarea(rows=True)", "rows must be a whole number of at least 1"),
])
def test_form_field_arguments_are_checked(tmp_path: Path, call: str, message: str) -> None:
    with pytest.raises(Exception, match=message):
        rendered(tmp_path, call)


# ---- box classes -----------------------------------------------------------------------

def test_box_classes_from_a_string_or_a_list(tmp_path: Path) -> None:
    spaced, listed, none = rendered(tmp_path, """
        me.box(classes="card  wide")
        me.box(classes=["card", "tall extra"])
        me.box()
    """)
    assert spaced["p"]["classes"] == ["card", "wide"]
    assert listed["p"]["classes"] == ["card", "tall", "extra"]
    assert "classes" not in none["p"]  # no bytes on every plain box


@pytest.mark.parametrize("classes, message", [
    ("[1, 2]", "classes must be a string or a list of strings"),
    ("{'a': 1}", "classes must be a string or a list of strings"),
    ("' '.join(['c'] * 65)", "65 names, more than 64"),
    ("'x' * 129", "longer than 128 characters"),
])
def test_box_classes_are_checked(tmp_path: Path, classes: str, message: str) -> None:
    with pytest.raises(Exception, match=message):
        rendered(tmp_path, f"me.box(classes={classes})")


# ---- labs ------------------------------------------------------------------------------

IMAGE_APP = """
    import mesop_cli as me
    import mesop_cli.labs as mel

    def draw(prompt):
        return "https://images.example.com/" + prompt.replace(" ", "-") + ".png"

    def bad(prompt):
        return "javascript:alert(1)"

    @me.page(path="/")
    def home():
        mel.text_to_image(draw, title="Draw")

    @me.page(path="/bad")
    def hostile():
        mel.text_to_image(bad)
"""


def _generate(tmp_path: Path, path: str, prompt: str) -> Client:
    app = tmp_path / "main.py"
    app.write_text(textwrap.dedent(IMAGE_APP))
    client = Client(create_flask_app(app, settings_for("memory", tmp_path)))
    client.path = path
    client.send(None)
    field = find(client.tree, "textarea")
    client.send({"handler": field["p"]["on_input"], "kind": "input", "key": field["k"],
                 "value": prompt})
    client.click("Generate")
    return client


def test_text_to_image_shows_the_transforms_image(tmp_path: Path) -> None:
    client = _generate(tmp_path, "/", "a red fox")
    shown = find(client.tree, "image")
    assert shown["p"]["src"] == "https://images.example.com/a-red-fox.png"
    client.click("Clear")
    with pytest.raises(LookupError):
        find(client.tree, "image")  # Clear empties the output too, as in Mesop


def test_text_to_image_never_shows_a_script_address(tmp_path: Path) -> None:
    client = _generate(tmp_path, "/bad", "x")
    assert not find(client.tree, "image")["p"]["src"].startswith("javascript:")


def test_text_io_points_to_text_to_text() -> None:
    with pytest.raises(me.MesopDeveloperException, match="use mel.text_to_text"):
        mel.text_io(lambda text: text)
