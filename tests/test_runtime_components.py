"""Each component renders to the binding tree format."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from mesop_cli.runtime import HandlerError, load_app, render

APP = '''
import mesop_cli as me

@me.stateclass
class State:
    clicks: int

def clicked(e: me.ClickEvent):
    me.state(State).clicks += 1

def typed(e):
    pass

@me.page(path="/", title="All")
def home():
{body}
'''


def rendered(tmp_path: Path, body: str) -> list[dict[str, Any]]:
    """The top-level nodes a page body renders."""
    source = APP.format(body=textwrap.indent(textwrap.dedent(body), "    "))
    (tmp_path / "main.py").write_text(source)
    result = render(load_app(tmp_path / "main.py"), "/", {})
    assert result.tree["t"] == "box" and result.title == "All"
    return result.tree["c"]


def test_text_and_headlines(tmp_path: Path) -> None:
    nodes = rendered(tmp_path, """
        me.text("plain")
        me.text("big", type="headline-1", key="h")
        me.text(text="small", type="headline-6", style=me.Style(color="red"))
        me.text("note", type="caption")
    """)
    assert nodes[0] == {"t": "text", "k": "", "p": {"text": "plain", "tag": "p", "type": "default"},
                        "s": "", "c": []}
    assert nodes[1]["p"] == {"text": "big", "tag": "h1", "type": "headline-1"}
    assert nodes[1]["k"] == "h"
    assert nodes[2]["p"]["tag"] == "h6" and nodes[2]["s"] == "color: red"
    assert nodes[3]["p"]["type"] == "caption"
    assert nodes[3]["p"]["tag"] == "span"


def test_button_with_handler_and_children(tmp_path: Path) -> None:
    nodes = rendered(tmp_path, """
        me.button("Go", on_click=clicked, type="raised", color="primary", key="b")
        with me.button(disabled=True):
            me.text("inside")
    """)
    go, parent = nodes
    assert go["t"] == "button" and go["k"] == "b"
    assert go["p"]["label"] == "Go" and go["p"]["variant"] == "raised"
    assert go["p"]["on_click"].endswith(":clicked")
    assert parent["p"]["disabled"] is True and "on_click" not in parent["p"]
    assert parent["c"][0]["p"]["text"] == "inside"


def test_input_and_textarea(tmp_path: Path) -> None:
    nodes = rendered(tmp_path, """
        me.input(label="Name", value="Ada", placeholder="who", type="password",
                 on_input=typed, on_blur=typed, on_enter=typed, readonly=True)
        me.textarea(label="Notes", rows=3, on_input=typed, disabled=True)
    """)
    field, area = nodes
    assert field["t"] == "input"
    assert {k: field["p"][k] for k in ("label", "value", "placeholder", "input_type")} == {
        "label": "Name", "value": "Ada", "placeholder": "who", "input_type": "password"}
    assert field["p"]["readonly"] is True and field["p"]["disabled"] is False
    assert field["p"]["on_input"] == field["p"]["on_blur"] == field["p"]["on_enter"]
    assert area["t"] == "textarea" and area["p"]["rows"] == 3 and area["p"]["disabled"] is True
    assert "on_blur" not in area["p"]


def test_form_field_appearance_and_color_as_in_mesop(tmp_path: Path) -> None:
    """Mesop demos pass ``appearance="outline"`` (and ``color``) to inputs and selects."""
    nodes = rendered(tmp_path, """
        me.input(label="Basic input", appearance="outline", color="warn", on_blur=typed)
        me.textarea(label="Notes", appearance="outline")
        me.select(label="Pick", options=[me.SelectOption(label="A", value="a")],
                  appearance="outline", multiple=True, value=["a"])
        me.input(label="Plain")
    """)
    field, area, pick, plain = nodes
    assert (field["p"]["appearance"], field["p"]["color"]) == ("outline", "warn")
    assert area["p"]["appearance"] == "outline" and pick["p"]["appearance"] == "outline"
    assert (plain["p"]["appearance"], plain["p"]["color"]) == ("fill", "primary")


@pytest.mark.parametrize("call", [
    'me.input(label="x", appearance="outlined")',
    'me.textarea(label="x", color="red")',
    'me.select(label="x", appearance="boxed")',
])
def test_form_field_look_outside_mesop_choices_fails(tmp_path: Path, call: str) -> None:
    with pytest.raises(HandlerError, match=r"(appearance|color) '\w+' is not one of"):
        rendered(tmp_path, call)


def test_checkbox_select_slider(tmp_path: Path) -> None:
    nodes = rendered(tmp_path, """
        me.checkbox("Subscribe", checked=True, on_change=typed)
        me.select(label="Color", options=[me.SelectOption(label="Red", value="red"),
                  me.SelectOption(value="blue")], value="red", on_selection_change=typed)
        me.select(label="Many", options=[], multiple=True, value=["a", "b"])
        me.slider(label="Volume", min=1, max=10, step=0.5, value=3, on_value_change=typed)
        me.slider()
    """)
    check, single, many, slider, default_slider = nodes
    assert check["p"]["checked"] is True and check["p"]["label"] == "Subscribe"
    assert single["p"]["options"] == [
        {"label": "Red", "value": "red"}, {"label": "blue", "value": "blue"}]
    assert single["p"]["value"] == ["red"] and single["p"]["multiple"] is False
    assert many["p"]["value"] == ["a", "b"] and many["p"]["multiple"] is True
    assert {k: slider["p"][k] for k in ("label", "min", "max", "step", "value")} == {
        "label": "Volume", "min": 1.0, "max": 10.0, "step": 0.5, "value": 3.0}
    assert default_slider["p"]["value"] == 0.0 and "on_value_change" not in default_slider["p"]


def test_material_arguments_of_checkbox_slider_button_as_in_mesop(tmp_path: Path) -> None:
    """Mesop's checkbox e2e app passes disable_ripple and indeterminate; apps pass
    show_tick_marks to sliders and disable_ripple to buttons."""
    nodes = rendered(tmp_path, """
        me.checkbox("label", on_change=typed, checked=True, disable_ripple=False,
                    indeterminate=True, label_position="before", color="warn")
        me.checkbox("plain")
        me.slider(min=0.05, max=0.6, step=0.01, value=0.25, on_value_change=typed,
                  show_tick_marks=True, discrete=True, color="accent", disable_ripple=True)
        me.button("Go", disable_ripple=True, on_click=clicked)
    """)
    mixed, plain, slider, go = nodes
    assert {k: mixed["p"][k] for k in ("indeterminate", "label_position", "color")} == {
        "indeterminate": True, "label_position": "before", "color": "warn"}
    assert {k: plain["p"][k] for k in ("indeterminate", "label_position", "color")} == {
        "indeterminate": False, "label_position": "after", "color": ""}
    assert {k: slider["p"][k] for k in ("show_tick_marks", "discrete", "color", "step")} == {
        "show_tick_marks": True, "discrete": True, "color": "accent", "step": 0.01}
    assert "disable_ripple" not in slider["p"] and "disable_ripple" not in go["p"]
    assert go["p"]["on_click"].endswith(":clicked")


def test_checkbox_label_position_outside_mesop_choices_fails(tmp_path: Path) -> None:
    with pytest.raises(HandlerError, match="label_position 'left' is not one of after, before"):
        rendered(tmp_path, 'me.checkbox("x", label_position="left")')


def test_box_divider_link_spinner(tmp_path: Path) -> None:
    nodes = rendered(tmp_path, """
        with me.box(style=me.Style(display="flex", gap=8), on_click=clicked, key="row"):
            with me.box():
                me.divider()
            me.progress_spinner()
        me.link(text="Docs", url="https://example.com", open_in_new_tab=True)
        me.link(text="Bad", url=" JavaScript:alert(1)")
    """)
    row, docs, bad = nodes
    assert row["t"] == "box" and row["s"] == "display: flex; gap: 8px" and row["k"] == "row"
    assert row["p"]["on_click"].endswith(":clicked")
    assert row["c"][0]["c"][0]["t"] == "divider" and row["c"][1]["t"] == "progress_spinner"
    assert docs["p"] == {"text": "Docs", "url": "https://example.com", "open_in_new_tab": True}
    assert bad["p"]["url"].startswith("about:blank")


def test_spinner_size_and_divider_inset_as_in_mesop(tmp_path: Path) -> None:
    """Mesop apps size spinners (``diameter=20, stroke_width=3``) and pass ``inset``."""
    nodes = rendered(tmp_path, """
        me.progress_spinner(diameter=20, stroke_width=3, color="accent")
        me.progress_spinner(diameter=24.5)
        me.progress_spinner()
        me.divider(inset=True)
        me.divider(inset=False)
    """)
    sized, half, plain, inset, flat = nodes
    assert sized["s"] == "width: 20px; height: 20px; border-width: 3px"
    assert sized["p"]["color"] == "accent"
    assert half["s"] == "width: 24.5px; height: 24.5px"
    assert plain["s"] == "" and plain["p"]["color"] == ""
    assert inset["p"] == {"inset": True} and flat["p"] == {"inset": False}


@pytest.mark.parametrize("call", [
    "me.progress_spinner(diameter=0)",
    "me.progress_spinner(stroke_width='3px; color: red')",
    "me.progress_spinner(diameter=True)",
])
def test_spinner_size_must_be_positive_pixels(tmp_path: Path, call: str) -> None:
    with pytest.raises(HandlerError, match="must be a positive number"):
        rendered(tmp_path, call)


def test_markdown_escapes_html(tmp_path: Path) -> None:
    nodes = rendered(tmp_path, """
        me.markdown("# Hi\\n\\n<script>alert(1)</script> **bold** [x](javascript:alert(1))")
    """)
    html = nodes[0]["p"]["html"]
    assert "<h1>Hi</h1>" in html and "<strong>bold</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_components_outside_a_render_fail_clearly() -> None:
    import mesop_cli as me

    with pytest.raises(RuntimeError, match="while a page renders"):
        me.text("nowhere")
