"""The Mesop names added for Mesop's own example apps: card family, expansion panel and
accordion, badge, code, video/audio/embed, textarea shortcuts, set_page_title, and
Mesop's exception classes. Nodes, events and argument checks, in process."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import mesop_cli as me
from mesop_cli.runtime import InvalidEvent, render, run_event
from tests.test_runtime_compat_components import app_for, fire, rendered


def test_card_family_nodes(tmp_path: Path) -> None:
    body = '''
    with me.card(appearance="raised"):
        me.card_header(title="Grapefruit", subtitle="Fruit", image="https://x.test/g.jpg",
                       image_type="small")
        with me.card_content():
            me.text("inside")
        with me.card_actions(align="end"):
            me.button("Buy")
    '''
    [card] = rendered(tmp_path, body)
    assert (card["t"], card["p"]) == ("card", {"appearance": "raised"})
    header, content, actions = card["c"]
    assert header["p"] == {"title": "Grapefruit", "subtitle": "Fruit",
                           "image": "https://x.test/g.jpg", "image_type": "small"}
    assert content["t"] == "card_content" and content["c"][0]["p"]["text"] == "inside"
    assert actions["p"] == {"align": "end"} and actions["c"][0]["p"]["label"] == "Buy"


def test_card_header_image_goes_through_the_safe_url_check(tmp_path: Path) -> None:
    [header] = rendered(tmp_path, 'me.card_header(title="t", image="javascript:alert(1)")')
    assert header["p"]["image"] == "about:blank#blocked"
    [plain] = rendered(tmp_path, 'me.card_header(title="t")')
    assert plain["p"]["image"] == ""


@pytest.mark.parametrize("line,message", [
    ('with me.card(appearance="flat"): pass', "appearance 'flat' is not one of outlined, raised"),
    ('with me.card_actions(align="middle"): pass', "align 'middle' is not one of start, end"),
    ('me.card_header(title="t", image_type="huge")', "image_type 'huge'"),
    ('with me.badge(position="inside"): pass', "position 'inside'"),
    ('with me.badge(size="tiny"): pass', "size 'tiny'"),
    ('with me.expansion_panel(title="t", expanded="yes"): pass',
     "expanded must be True, False or None"),
])
def test_bad_arguments_name_the_component(tmp_path: Path, line: str, message: str) -> None:
    with pytest.raises(Exception, match=r"me\.\w+\(\)") as caught:
        rendered(tmp_path, line)
    assert message in str(caught.value)


def test_expansion_panel_node_and_toggle_event(tmp_path: Path) -> None:
    body = '''
    with me.accordion():
        with me.expansion_panel(key="k", title="Pie", description="snack", icon="pie_chart",
                                expanded=True, on_toggle=record):
            me.text("Pie content")
        with me.expansion_panel(title="Free"):
            me.text("free")
    '''
    [accordion] = rendered(tmp_path, body)
    assert accordion["t"] == "accordion"
    pie, free = accordion["c"]
    assert {k: v for k, v in pie["p"].items() if k != "on_toggle"} == {
        "title": "Pie", "description": "snack", "icon": "pie_chart", "disabled": False,
        "expanded": True, "hide_toggle": False}
    assert free["p"]["expanded"] is None and "on_toggle" not in free["p"]
    handler = pie["p"]["on_toggle"]
    assert fire(tmp_path, body, handler, "expansion_toggle", False) == [
        "ExpansionPanelToggleEvent(key='k', opened=False)"]
    with pytest.raises(InvalidEvent, match="expansion_toggle event: value must be true or false"):
        fire(tmp_path, body, handler, "expansion_toggle", "open")
    # Registered for its own kind only: a click does not reach it.
    with pytest.raises(InvalidEvent, match="not 'click'"):
        fire(tmp_path, body, handler, "click", True)


def test_badge_wraps_its_children(tmp_path: Path) -> None:
    body = '''
    with me.badge(content="3", color="warn", position="below before", description="unread"):
        me.text("Inbox")
    '''
    [badge] = rendered(tmp_path, body)
    assert badge["p"] == {"color": "warn", "overlap": False, "disabled": False,
                          "position": "below before", "content": "3",
                          "description": "unread", "size": "small", "hidden": False}
    assert badge["c"][0]["p"]["text"] == "Inbox"


def test_code_is_a_fenced_block_that_keeps_backticks(tmp_path: Path) -> None:
    [block] = rendered(tmp_path, 'me.code("x = \'```\'\\n<b>", language="python")')
    assert block["t"] == "markdown"
    html = block["p"]["html"]
    assert 'class="language-python"' in html
    # The code's own backticks did not close the fence, and its HTML stays text (the text
    # read without the highlighter's spans).
    text = re.sub(r"<[^>]+>", "", html)
    assert "x = '```'" in text and "&lt;b&gt;" in text and "<b>" not in html
    # The language becomes a class name: quotes and spaces are dropped from it.
    [odd] = rendered(tmp_path, 'me.code("y", language="py\\" onload=\\"x")')
    assert 'class="language-pyonloadx"' in odd["p"]["html"]


def test_media_and_embed_sources_are_checked(tmp_path: Path) -> None:
    body = '''
    me.video(src="https://x.test/v.webm", style=me.Style(width=300))
    me.audio(src="/static/a.mp3", autoplay=True)
    me.embed(src="javascript:alert(1)")
    me.embed(src="mailto:a@b.test")
    '''
    video, audio, bad, mail = rendered(tmp_path, body)
    assert (video["t"], video["p"], video["s"]) == ("video", {"src": "https://x.test/v.webm"},
                                                    "width: 300px")
    assert audio["p"] == {"src": "/static/a.mp3", "autoplay": True}
    assert bad["p"]["src"] == mail["p"]["src"] == "about:blank#blocked"


def test_textarea_shortcuts(tmp_path: Path) -> None:
    body = '''
    me.textarea(label="T", shortcuts={me.Shortcut(key="Enter"): record})
    '''
    [area] = rendered(tmp_path, body)
    [entry] = area["p"]["shortcuts"]
    assert {k: v for k, v in entry.items() if k != "handler"} == {
        "key": "Enter", "shift": False, "ctrl": False, "alt": False, "meta": False}
    combo = {"key": "Enter", "shift": False, "ctrl": False, "alt": False, "meta": False}
    log = fire(tmp_path, body, entry["handler"], "shortcut", {"value": "hi", "shortcut": combo})
    assert log == ["TextareaShortcutEvent(key='k', shortcut=Shortcut(key='Enter', shift=False, "
                   "ctrl=False, alt=False, meta=False), value='hi')"]
    [plain] = rendered(tmp_path, 'me.textarea(label="T")')
    assert plain["p"]["shortcuts"] == []


TITLE_APP = '''
def set_title(e):
    me.set_page_title("Custom")

def set_then_go(e):
    me.set_page_title("Lost")
    me.navigate("/two")

def go_then_set(e):
    me.navigate("/two")
    me.set_page_title("Kept")

@me.page(path="/two", title="Two")
def two():
    me.text("two")
'''


@pytest.mark.parametrize("button,title,page_title,path", [
    ("set_title", "Compat", "Custom", "/"),
    ("set_then_go", "Two", None, "/two"),
    ("go_then_set", "Two", "Kept", "/two"),
])
def test_set_page_title_and_navigate_in_either_order(tmp_path: Path, button: str, title: str,
                                                     page_title: str | None, path: str) -> None:
    body = '''
    me.button("a", on_click=set_title)
    me.button("b", on_click=set_then_go)
    me.button("c", on_click=go_then_set)
    '''
    app = app_for(tmp_path, body, TITLE_APP)
    states: dict[str, object] = {}
    index = ["set_title", "set_then_go", "go_then_set"].index(button)
    handler = render(app, "/", states).tree["c"][index]["p"]["on_click"]
    *_, last = run_event(app, "/", states, {"handler": handler, "kind": "click", "key": "",
                                            "value": True})
    assert (last.title, last.page_title, last.path) == (title, page_title, path)
    # A plain render (the next event, a reload) carries no title of a handler's.
    assert render(app, "/", states).page_title is None


def test_set_page_title_takes_a_string(tmp_path: Path) -> None:
    with pytest.raises(Exception, match=r"me.set_page_title\(\) takes a string, got int"):
        rendered(tmp_path, "me.set_page_title(3)")


def test_mesop_exception_classes() -> None:
    assert str(me.MesopUserException("bad input")) == "**User Error:** bad input"
    assert str(me.MesopDeveloperException("x")) == "**Mesop Developer Error:** x"
    assert str(me.MesopInternalException("x")) == "**Mesop Internal Error:** x"
    for cls in (me.MesopUserException, me.MesopDeveloperException, me.MesopInternalException):
        assert issubclass(cls, me.MesopException)
    assert me.Key(key="a") == me.Key(key="a")

