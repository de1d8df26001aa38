"""Mesop's components beyond the first set: the nodes they render and the events they
take, as a Mesop app written against Mesop 1.3.7 would use them."""

from __future__ import annotations

import base64
import textwrap
from pathlib import Path
from typing import Any

import pytest

from mesop_cli.runtime import (
    HandlerError,
    InvalidEvent,
    UnknownHandler,
    load_app,
    render,
    run_event,
)

APP = '''
import mesop_cli as me

@me.stateclass
class State:
    log: list[str]

def record(e):
    me.state(State).log.append(repr(e))

def other(e):
    me.state(State).log.append("other " + repr(e))

@me.page(path="/", title="Compat")
def home():
{body}
'''


def app_for(tmp_path: Path, body: str, extra: str = "") -> Any:
    source = APP.format(body=textwrap.indent(textwrap.dedent(body), "    ")) + extra
    (tmp_path / "main.py").write_text(source)
    return load_app(tmp_path / "main.py")


def rendered(tmp_path: Path, body: str, extra: str = "") -> list[dict[str, Any]]:
    """The top-level nodes a page body renders."""
    return render(app_for(tmp_path, body, extra), "/", {}).tree["c"]


def fire(tmp_path: Path, body: str, handler: str, kind: str, value: object) -> list[str]:
    """Run one event on the rendered page; what the handlers logged."""
    app = app_for(tmp_path, body)
    states: dict[str, object] = {}
    render(app, "/", states)
    list(run_event(app, "/", states, {"handler": handler, "kind": kind, "key": "k",
                                      "value": value}))
    return next(iter(states.values())).log  # type: ignore[attr-defined]


def handler_of(tmp_path: Path, body: str, prop: str, index: int = 0) -> str:
    return rendered(tmp_path, body)[index]["p"][prop]


# ---- icon, content_button, tooltip ---------------------------------------------------

def test_icon_and_content_button_with_children(tmp_path: Path) -> None:
    nodes = rendered(tmp_path, """
        me.icon("home")
        me.icon(icon="send", style=me.Style(color="red"), key="i")
        with me.content_button(type="icon", on_click=record, color="warn", key="b"):
            me.icon("delete")
        with me.content_button(disabled=True):
            me.text("Save")
    """)
    home, send, icon_button, save = nodes
    assert home == {"t": "icon", "k": "", "p": {"icon": "home"}, "s": "", "c": []}
    assert send["k"] == "i" and send["s"] == "color: red"
    assert icon_button["t"] == "button" and icon_button["p"]["label"] == ""
    assert icon_button["p"]["variant"] == "icon" and icon_button["p"]["color"] == "warn"
    assert icon_button["p"]["on_click"].endswith(":record")
    assert icon_button["c"] == [{"t": "icon", "k": "", "p": {"icon": "delete"}, "s": "", "c": []}]
    assert save["p"]["disabled"] is True and "on_click" not in save["p"]
    assert save["c"][0]["p"]["text"] == "Save"


def test_content_button_click_reaches_its_handler(tmp_path: Path) -> None:
    body = """
        with me.content_button(on_click=record, key="k"):
            me.icon("add")
    """
    handler = handler_of(tmp_path, body, "on_click")
    assert fire(tmp_path, body, handler, "click", True) == [
        "ClickEvent(key='k', is_target=True)"]


@pytest.mark.parametrize("call, message", [
    ("me.content_button(type='fab')", "type 'fab' is not one of raised, flat, stroked, icon"),
    ("me.content_button(color='red')", "color 'red' is not one of primary, accent, warn"),
    ("me.tooltip(position='top')", "position 'top' is not one of left, right, above"),
    ("me.tooltip(show_delay_ms=-1)", "show_delay_ms must be a whole number"),
])
def test_bad_arguments_name_the_component(tmp_path: Path, call: str, message: str) -> None:
    with pytest.raises(HandlerError, match=message):
        rendered(tmp_path, call)


def test_tooltip_wraps_its_children(tmp_path: Path) -> None:
    nodes = rendered(tmp_path, """
        with me.tooltip(message="Remove the item", position="below", show_delay_ms=300):
            me.icon("delete")
        with me.tooltip(disabled=True):
            me.text("plain")
    """)
    tip, off = nodes
    assert tip["t"] == "tooltip" and tip["p"] == {
        "message": "Remove the item", "position": "below", "disabled": False,
        "show_delay_ms": 300, "hide_delay_ms": 0}
    assert tip["c"][0]["p"]["icon"] == "delete"
    assert off["p"]["disabled"] is True and off["p"]["position"] == "left"


# ---- slide_toggle, radio, progress_bar -----------------------------------------------

def test_slide_toggle_node_and_event(tmp_path: Path) -> None:
    body = """
        me.slide_toggle(label="Dark mode", checked=True, on_change=record, key="k",
                        color="accent", label_position="before", hide_icon=True)
        with me.content_slide_toggle(required=True, tab_index=2):
            me.icon("bolt")
    """
    toggle, content = rendered(tmp_path, body)
    assert toggle["t"] == "slide_toggle"
    assert {k: toggle["p"][k] for k in ("label", "checked", "color", "label_position",
                                        "hide_icon")} == {
        "label": "Dark mode", "checked": True, "color": "accent", "label_position": "before",
        "hide_icon": True}
    assert content["p"]["label"] == "" and content["p"]["required"] is True
    assert content["p"]["tab_index"] == 2 and content["c"][0]["p"]["icon"] == "bolt"
    assert fire(tmp_path, body, toggle["p"]["on_change"], "toggle", False) == [
        "SlideToggleChangeEvent(key='k')"]


def test_slide_toggle_handler_takes_no_checkbox_event(tmp_path: Path) -> None:
    """The kind is part of the registration: a toggle's handler refuses a "change"."""
    body = 'me.slide_toggle(label="x", on_change=record)'
    handler = handler_of(tmp_path, body, "on_change")
    with pytest.raises(InvalidEvent, match="takes toggle events, not 'change'"):
        fire(tmp_path, body, handler, "change", True)


def test_radio_node_and_event(tmp_path: Path) -> None:
    body = """
        me.radio(options=[me.RadioOption(label="Small", value="s"),
                          me.RadioOption(label="Large", value="l")],
                 value="s", on_change=record, key="k", style=me.Style(margin=me.Margin.all(4)))
    """
    node = rendered(tmp_path, body)[0]
    assert node["t"] == "radio" and node["k"] == "k" and "margin" in node["s"]
    assert node["p"]["options"] == [{"label": "Small", "value": "s"},
                                    {"label": "Large", "value": "l"}]
    assert node["p"]["value"] == "s" and node["p"]["label_position"] == "after"
    assert fire(tmp_path, body, node["p"]["on_change"], "radio", "l") == [
        "RadioChangeEvent(key='k', value='l')"]
    with pytest.raises(InvalidEvent, match="radio event: value must be a string"):
        fire(tmp_path, body, node["p"]["on_change"], "radio", 3)


def test_radio_options_must_be_radio_options(tmp_path: Path) -> None:
    with pytest.raises(HandlerError, match="options must be me.RadioOption"):
        rendered(tmp_path, 'me.radio(options=[me.SelectOption(label="a", value="a")])')


def test_progress_bar_modes_and_animation_end(tmp_path: Path) -> None:
    body = """
        me.progress_bar()
        me.progress_bar(mode="determinate", value=140, color="warn", key="k",
                        on_animation_end=record)
        me.progress_bar(mode="buffer", value=30, buffer_value=60)
    """
    spinning, full, buffered = rendered(tmp_path, body)
    assert spinning["p"] == {"color": "", "value": 0.0, "buffer_value": 0.0,
                             "mode": "indeterminate"}
    assert full["p"]["value"] == 100.0 and full["p"]["color"] == "warn"
    assert buffered["p"]["buffer_value"] == 60.0
    assert fire(tmp_path, body, full["p"]["on_animation_end"], "animation_end", 100) == [
        "ProgressBarAnimationEndEvent(key='k', value=100.0)"]
    with pytest.raises(HandlerError, match="mode 'done' is not one of determinate"):
        rendered(tmp_path, 'me.progress_bar(mode="done")')


# ---- image, html, plot ------------------------------------------------------------------

def test_image_src_goes_through_the_safe_url_check(tmp_path: Path) -> None:
    nodes = rendered(tmp_path, """
        me.image(src="https://example.com/cat.png", alt="A cat", style=me.Style(width=100))
        me.image(src="/static/logo.svg")
        me.image(src="data:image/png;base64,iVBORw0KGgo=")
        me.image(src=" javascript:alert(1)", alt="bad")
        me.image(src="data:text/html,<script>alert(1)</script>")
    """)
    cat, logo, inline, script, html_data = nodes
    assert cat["p"] == {"src": "https://example.com/cat.png", "alt": "A cat"}
    assert cat["s"] == "width: 100px"
    assert logo["p"]["src"] == "/static/logo.svg" and logo["p"]["alt"] == ""
    assert inline["p"]["src"] == "data:image/png;base64,iVBORw0KGgo="
    assert script["p"]["src"].startswith("about:blank")
    assert html_data["p"]["src"].startswith("about:blank")


def test_html_is_sanitized_on_the_server_by_default(tmp_path: Path) -> None:
    nodes = rendered(tmp_path, """
        me.html('<p class="note">Hi <b onclick="alert(1)">there</b></p>'
                '<script>alert(2)</script><style>body{display:none}</style>'
                '<a href="javascript:alert(3)">x</a><a href="https://example.com">ok</a>'
                '<img src=x onerror="alert(4)"><iframe src="https://evil"></iframe>'
                '<div id="mesop-root" style="position:fixed">over</div>'
                '<svg><a href="javascript:alert(5)">s</a></svg><form><input></form>')
    """)
    html = nodes[0]["p"]["html"]
    assert nodes[0]["p"]["mode"] == "sanitized"
    assert '<p>Hi <b>there</b></p>' in html
    for banned in ("<script", "alert(2)", "<style", "display:none", "javascript:", "onclick",
                   "onerror", "<iframe", "id=", "style=", "class=", "<svg", "<form", "<input"):
        assert banned not in html, banned
    assert '<a href="https://example.com" rel="noopener noreferrer">ok</a>' in html
    assert "over" in html


def test_html_sanitizer_keeps_no_handle_on_the_pages_styles() -> None:
    """Markup dressed in the page's own classes (the side nav's fixed, z-indexed one covered
    the app's controls) or reaching for the top layer keeps its content, not its dress."""
    from mesop_cli.runtime.safe_html import clean_html

    cleaned = clean_html(
        '<a href="https://example.com/" class="mesop-sidenav mesop-sidenav-start">'
        '<img src="/big.png" width="3000" height="3000" class="mesop-sidenav" alt=""></a>'
        '<details open class="mesop-tooltip-message"><summary class="x">more</summary>'
        'inside</details><div popover="manual" CLASS="mesop-badge">pop</div>'
        '<dialog open>dlg</dialog><table><tr><td colspan="1000" class="c">wide</td></tr>'
        '</table><h1 dir="rtl" title="t" lang="en">Head</h1>')
    assert cleaned == (
        '<a href="https://example.com/" rel="noopener noreferrer">'
        '<img src="/big.png" width="3000" height="3000" alt=""></a>'
        '<details><summary>more</summary>inside</details><div>pop</div>dlg'
        '<table><tbody><tr><td colspan="1000">wide</td></tr></tbody></table>'
        '<h1 dir="rtl" title="t" lang="en">Head</h1>')


def test_html_sandboxed_keeps_the_source_and_has_no_border(tmp_path: Path) -> None:
    nodes = rendered(tmp_path, """
        me.html("<script>document.title='x'</script>", mode="sandboxed",
                style=me.Style(height=120))
        me.html("<b>b</b>", style=me.Style(border=me.Border.all(me.BorderSide(width=1))))
    """)
    boxed, bordered = nodes
    assert boxed["p"] == {"html": "<script>document.title='x'</script>", "mode": "sandboxed"}
    assert "height: 120px" in boxed["s"] and "border-top: 0" in boxed["s"]
    assert "border-top: 1px" in bordered["s"]
    with pytest.raises(HandlerError, match="mode 'raw' is not one of sanitized, sandboxed"):
        rendered(tmp_path, 'me.html("x", mode="raw")')


def test_html_leaves_the_apps_style_object_alone(tmp_path: Path) -> None:
    extra = """
SHARED = me.Style(height=10)

@me.page(path="/shared")
def shared():
    me.html("a", style=SHARED)
    me.box(style=SHARED)
"""
    app = app_for(tmp_path, "me.text('x')", extra)
    shared_box = render(app, "/shared", {}).tree["c"][1]
    assert shared_box["s"] == "height: 10px"


def test_plot_draws_a_matplotlib_figure_as_png(tmp_path: Path) -> None:
    nodes = rendered(tmp_path, """
        from matplotlib.figure import Figure
        figure = Figure(figsize=(2, 1))
        figure.subplots().plot([1, 2, 3], [3, 1, 2])
        me.plot(figure, style=me.Style(width="100%"))
    """)
    node = nodes[0]
    assert node["t"] == "image" and node["s"] == "width: 100%"
    prefix = "data:image/png;base64,"
    assert node["p"]["src"].startswith(prefix)
    assert base64.b64decode(node["p"]["src"][len(prefix):])[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_of_something_else_says_what_it_needs(tmp_path: Path) -> None:
    with pytest.raises(HandlerError, match="me.plot\\(\\) needs a matplotlib Figure .* got list"):
        rendered(tmp_path, "me.plot([1, 2, 3])")


# ---- native_textarea ---------------------------------------------------------------------

TEXTAREA = """
    me.native_textarea(
        value="draft", placeholder="Message", autosize=True, min_rows=2, max_rows=6,
        on_input=other, on_blur=other, key="k",
        shortcuts={me.Shortcut(key="Enter"): record,
                   me.Shortcut(key="k", ctrl=True, shift=True): other},
    )
"""


def test_native_textarea_node(tmp_path: Path) -> None:
    node = rendered(tmp_path, TEXTAREA)[0]
    assert node["t"] == "native_textarea"
    p = node["p"]
    assert (p["value"], p["placeholder"], p["autosize"], p["min_rows"], p["max_rows"]) == (
        "draft", "Message", True, 2, 6)
    assert p["on_input"] == p["on_blur"] and p["on_input"].endswith(":other")
    enter, ctrl_k = p["shortcuts"]
    assert enter == {"key": "Enter", "shift": False, "ctrl": False, "alt": False,
                     "meta": False, "handler": enter["handler"]}
    assert enter["handler"].endswith(":record")
    assert ctrl_k["ctrl"] and ctrl_k["shift"] and ctrl_k["handler"] == p["on_input"]


def test_native_textarea_shortcut_event(tmp_path: Path) -> None:
    handler = rendered(tmp_path, TEXTAREA)[0]["p"]["shortcuts"][0]["handler"]
    value = {"value": "hello", "shortcut": {"key": "Enter", "shift": False, "ctrl": False,
                                            "alt": False, "meta": False}}
    assert fire(tmp_path, TEXTAREA, handler, "shortcut", value) == [
        "TextareaShortcutEvent(key='k', shortcut=Shortcut(key='Enter', shift=False, "
        "ctrl=False, alt=False, meta=False), value='hello')"]


@pytest.mark.parametrize("value", [
    "hello",
    {"value": "x"},
    {"value": "x", "shortcut": {"key": "Enter"}},
    {"value": "x", "shortcut": {"key": "Enter", "shift": 1, "ctrl": False, "alt": False,
                                "meta": False}},
    {"value": 5, "shortcut": {"key": "Enter", "shift": False, "ctrl": False, "alt": False,
                              "meta": False}},
])
def test_malformed_shortcut_events_are_refused(tmp_path: Path, value: object) -> None:
    handler = rendered(tmp_path, TEXTAREA)[0]["p"]["shortcuts"][0]["handler"]
    with pytest.raises(InvalidEvent, match="shortcut event"):
        fire(tmp_path, TEXTAREA, handler, "shortcut", value)


def test_shortcut_handler_takes_only_shortcut_events(tmp_path: Path) -> None:
    handler = rendered(tmp_path, TEXTAREA)[0]["p"]["shortcuts"][0]["handler"]
    with pytest.raises(InvalidEvent, match="takes shortcut events, not 'click'"):
        fire(tmp_path, TEXTAREA, handler, "click", True)


@pytest.mark.parametrize("call, message", [
    ("me.native_textarea(shortcuts={'Enter': record})", "keys must be me.Shortcut"),
    ("me.native_textarea(min_rows=0)", "min_rows must be a whole number of at least 1"),
    ("me.native_textarea(shortcuts={me.Shortcut(key=''): record})", "key must not be empty"),
])
def test_native_textarea_bad_arguments(tmp_path: Path, call: str, message: str) -> None:
    with pytest.raises(HandlerError, match=message):
        rendered(tmp_path, call)


# ---- table -------------------------------------------------------------------------------

def test_table_from_a_list_of_dicts(tmp_path: Path) -> None:
    body = """
        me.table([{"name": "Ada", "year": 1815}, {"name": "Alan", "field": "logic"}],
                 on_click=record, header=me.TableHeader(sticky=True),
                 columns={"name": me.TableColumn(sticky=True)}, key="k")
    """
    node = rendered(tmp_path, body)[0]
    assert node["t"] == "table"
    assert node["p"]["columns"] == ["name", "year", "field"]
    assert node["p"]["rows"] == [{"index": 0, "cells": ["Ada", "1815", ""]},
                                 {"index": 1, "cells": ["Alan", "", "logic"]}]
    assert node["p"]["sticky_header"] is True and node["p"]["sticky_columns"] == [0]
    value = {"row_index": 1, "col_index": 2}
    assert fire(tmp_path, body, node["p"]["on_click"], "table_click", value) == [
        "TableClickEvent(key='k', row_index=1, col_index=2)"]
    with pytest.raises(InvalidEvent, match="table_click event: row_index must be a int"):
        fire(tmp_path, body, node["p"]["on_click"], "table_click",
             {"row_index": True, "col_index": 0})


def test_table_from_a_pandas_data_frame(tmp_path: Path) -> None:
    nodes = rendered(tmp_path, """
        import pandas as pd
        frame = pd.DataFrame({"City": ["Paris", "Lima"], "Pop": [2.1, 9.7]}, index=[10, 20])
        me.table(frame)
        me.table(pd.DataFrame({"x": [1]}, index=["a"]))
    """)
    numbered, labelled = nodes
    assert numbered["p"]["columns"] == ["City", "Pop"]
    assert numbered["p"]["rows"] == [{"index": 10, "cells": ["Paris", "2.1"]},
                                     {"index": 20, "cells": ["Lima", "9.7"]}]
    assert "on_click" not in numbered["p"]
    assert labelled["p"]["rows"] == [{"index": 0, "cells": ["1"]}]


@pytest.mark.parametrize("call, message", [
    ("me.table('a,b')", "needs a pandas DataFrame or a list of dicts, got str"),
    ("me.table([1, 2])", "rows must be dicts, row 0 is int"),
    ("me.table([{'a': 1}], columns={'b': me.TableColumn()})", "'b', which is not a column"),
])
def test_table_bad_data(tmp_path: Path, call: str, message: str) -> None:
    with pytest.raises(HandlerError, match=message):
        rendered(tmp_path, call)


# ---- @me.component, content_component, slot -------------------------------------------

COMPONENTS = '''

@me.component
def badge(label: str):
    me.text(label, key="badge")

@me.component(skip_validation=True)
def plain():
    me.text("plain")

@me.content_component
def card(title: str):
    with me.box(key="card"):
        me.text(title, type="headline-6")
        me.slot()
        me.text("footer")

@me.slotclass
class Parts:
    header: me.NamedSlot
    body: me.NamedSlot

@me.content_component(named_slots=Parts)
def layout():
    with me.box(key="top"):
        me.slot(name="header")
    with me.box(key="bottom"):
        me.text("before")
        me.slot(name="body")
'''


def test_component_decorator_draws_in_place(tmp_path: Path) -> None:
    nodes = rendered(tmp_path, """
        badge("new")
        plain()
    """, COMPONENTS)
    assert [n["p"]["text"] for n in nodes] == ["new", "plain"] and nodes[0]["k"] == "badge"


def test_content_component_puts_children_at_the_slot(tmp_path: Path) -> None:
    nodes = rendered(tmp_path, """
        with card("News"):
            me.text("first")
            with card("Inner"):
                me.text("deep")
        me.text("after")
    """, COMPONENTS)
    outer, after = nodes
    texts = [c["p"].get("text", c["t"]) for c in outer["c"]]
    assert texts == ["News", "first", "box", "footer"]
    inner = outer["c"][2]
    assert [c["p"]["text"] for c in inner["c"]] == ["Inner", "deep", "footer"]
    assert after["p"]["text"] == "after"


def test_named_slots_fill_each_place(tmp_path: Path) -> None:
    nodes = rendered(tmp_path, """
        with layout() as parts:
            with parts.body():
                me.text("the body")
            with parts.header():
                me.text("the header")
    """, COMPONENTS)
    top, bottom = nodes
    assert [c["p"]["text"] for c in top["c"]] == ["the header"]
    assert [c["p"]["text"] for c in bottom["c"]] == ["before", "the body"]


def test_slot_handlers_are_registered_like_any_other(tmp_path: Path) -> None:
    body = """
        with card("Buttons"):
            me.button("Go", on_click=record, key="k")
    """
    app = app_for(tmp_path, body, COMPONENTS)
    states: dict[str, object] = {}
    go = render(app, "/", states).tree["c"][0]["c"][1]
    list(run_event(app, "/", states, {"handler": go["p"]["on_click"], "kind": "click",
                                      "key": "k", "value": True}))
    assert next(iter(states.values())).log == [  # type: ignore[attr-defined]
        "ClickEvent(key='k', is_target=True)"]
    with pytest.raises(UnknownHandler):
        run_event(app, "/", states, {"handler": "main:other", "kind": "click", "key": "",
                                     "value": True})


@pytest.mark.parametrize("body, message", [
    ("me.slot()", "only be called by a function decorated with @me.content_component"),
    ("with nothing(): pass", "must call me.slot\\(\\) exactly once"),
    ("with layout() as p:\n    with p.header(): pass",
     "content for named slot 'body' was not given"),
])
def test_slot_mistakes_are_explained(tmp_path: Path, body: str, message: str) -> None:
    extra = COMPONENTS + '''
@me.content_component
def nothing():
    me.text("no slot")
'''
    with pytest.raises(HandlerError, match=message):
        rendered(tmp_path, body, extra)


def test_slotclass_fields_must_be_named_slots(tmp_path: Path) -> None:
    import mesop_cli as me

    with pytest.raises(TypeError, match="field 'title' must be of type me.NamedSlot"):
        @me.slotclass
        class Bad:
            title: str
