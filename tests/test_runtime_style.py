"""me.Style renders to a CSS declaration string."""

from __future__ import annotations

import pytest

import mesop_cli as me
from mesop_cli.runtime.style import to_css


def test_none_and_empty() -> None:
    assert to_css(None) == ""
    assert to_css(me.Style()) == ""


def test_numbers_become_px_except_unitless() -> None:
    css = to_css(me.Style(width=200, height="50%", font_size=14.5, gap=0, font_weight=700,
                          flex_grow=1, line_height=1.5, z_index=3, opacity=0.5))
    assert css == (
        "flex-grow: 1; font-size: 14.5px; font-weight: 700; gap: 0px; height: 50%; "
        "line-height: 1.5; opacity: 0.5; width: 200px; z-index: 3"
    )


def test_common_layout_properties() -> None:
    css = to_css(me.Style(display="flex", flex_direction="column", align_items="center",
                          justify_content="space-between", max_width=480, background="#eee",
                          color="red", text_align="center", white_space="pre-wrap",
                          overflow="auto", border_radius=8))
    for part in ("display: flex", "flex-direction: column", "align-items: center",
                 "justify-content: space-between", "max-width: 480px", "background: #eee",
                 "color: red", "text-align: center", "white-space: pre-wrap",
                 "overflow: auto", "border-radius: 8px"):
        assert part in css


def test_padding_and_margin_helpers() -> None:
    assert to_css(me.Style(padding=me.Padding.all(8))) == "padding: 8px 8px 8px 8px"
    assert to_css(me.Style(margin=me.Margin.symmetric(vertical=4, horizontal="auto"))) == (
        "margin: 4px auto 4px auto")
    assert to_css(me.Style(padding=me.Padding(left=2, top="1em"))) == (
        "padding-top: 1em; padding-left: 2px")
    assert to_css(me.Style(margin=me.Margin.symmetric(horizontal=3))) == (
        "margin-right: 3px; margin-left: 3px")


def test_border_helpers() -> None:
    side = me.BorderSide(width=1, style="solid", color="#ccc")
    assert to_css(me.Style(border=me.Border.all(side))) == (
        "border-top: 1px solid #ccc; border-right: 1px solid #ccc; "
        "border-bottom: 1px solid #ccc; border-left: 1px solid #ccc")
    assert to_css(me.Style(border=me.Border.symmetric(vertical=me.BorderSide(width=2)))) == (
        "border-top: 2px; border-bottom: 2px")


def test_grid_template_areas_are_quoted() -> None:
    css = to_css(me.Style(display="grid", grid_template_areas=["a b", "c d"]))
    assert css == 'display: grid; grid-template-areas: "a b" "c d"'


def test_grid_flow_row_gap_and_rotate_as_in_mesop() -> None:
    """Mesop's Style has these too; a ported app that sets them must not fail."""
    css = to_css(me.Style(display="grid", grid_auto_flow="column", grid_auto_columns="1fr",
                          grid_auto_rows="minmax(40px, auto)", row_gap=12, column_gap="1em",
                          rotate="15deg"))
    assert css == (
        "column-gap: 1em; display: grid; grid-auto-columns: 1fr; grid-auto-flow: column; "
        "grid-auto-rows: minmax(40px, auto); rotate: 15deg; row-gap: 12px"
    )


def test_backdrop_object_fit_and_pointer_events_as_in_mesop() -> None:
    """Fields the hand-written list of Mesop's fields here had missed; every field is now
    checked against Mesop's sources by tests/test_mesop_signatures.py."""
    css = to_css(me.Style(backdrop_filter="blur(4px)", object_fit="cover",
                          pointer_events="none"))
    assert css == "backdrop-filter: blur(4px); object-fit: cover; pointer-events: none"


@pytest.mark.parametrize("value", ["red; background: url(x)", "red}", "<b>", "a\nb"])
def test_values_that_escape_the_declaration_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="Style.color"):
        to_css(me.Style(color=value))


def test_not_a_style() -> None:
    with pytest.raises(TypeError, match="me.Style"):
        to_css({"color": "red"})  # type: ignore[arg-type]
