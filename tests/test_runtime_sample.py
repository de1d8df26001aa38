"""The sample app works through the runtime: counter, form and streaming chat."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mesop_cli.runtime import App, Render, load_app, render, run_event

SAMPLE = Path(__file__).resolve().parents[1] / "sample" / "main.py"


@pytest.fixture(scope="module")
def app() -> App:
    return load_app(SAMPLE)


def walk(node: dict[str, Any]) -> list[dict[str, Any]]:
    found = [node]
    for child in node["c"]:
        found.extend(walk(child))
    return found


def find(result: Render, type_name: str, label: str) -> dict[str, Any]:
    return next(n for n in walk(result.tree)
                if n["t"] == type_name and n["p"].get("label") == label)


def texts(result: Render) -> list[str]:
    return [n["p"]["text"] for n in walk(result.tree) if n["t"] == "text"]


def fire(app: App, path: str, states: dict[str, object], node: dict[str, Any], prop: str,
         kind: str, value: object = None) -> list[Render]:
    event = {"handler": node["p"][prop], "kind": kind, "key": node["k"], "value": value}
    return list(run_event(app, path, states, event))


def test_pages(app: App) -> None:
    assert {p: page.title for p, page in app.pages.items()} == {
        "/": "Counter", "/form": "Form", "/chat": "Chat"}
    links = [n["p"]["url"] for n in walk(render(app, "/", {}).tree) if n["t"] == "link"]
    assert links == ["/", "/form", "/chat"]


def test_counter(app: App) -> None:
    states: dict[str, object] = {}
    button = find(render(app, "/", states), "button", "Increment")
    renders = fire(app, "/", states, button, "on_click", "click")
    assert "Count: 1" in texts(renders[-1])


def test_form(app: App) -> None:
    states: dict[str, object] = {}
    page = render(app, "/form", states)
    fire(app, "/form", states, find(page, "input", "Name"), "on_input", "input", "Ada")
    fire(app, "/form", states, find(page, "textarea", "Notes"), "on_blur", "blur", "hi")
    fire(app, "/form", states, find(page, "checkbox", "Subscribe"), "on_change", "change", True)
    fire(app, "/form", states, find(page, "select", "Color"), "on_selection_change",
         "selection", ["green"])
    final = fire(app, "/form", states, find(page, "slider", "Volume"), "on_value_change",
                 "slider", 70)[-1]
    assert texts(final)[-5:] == [
        "Name: Ada", "Notes: hi", "Subscribe: yes", "Color: green", "Volume: 70"]
    assert find(final, "input", "Name")["p"]["value"] == "Ada"


def test_chat_streams_word_by_word(app: App) -> None:
    states: dict[str, object] = {}
    page = render(app, "/chat", states)
    fire(app, "/chat", states, find(page, "input", "Message"), "on_input", "input", "Hello")
    renders = fire(app, "/chat", states, find(page, "button", "Send"), "on_click", "click")
    words = len(texts(renders[-1])[-1].split()) - 1
    assert len(renders) == words + 2
    you, bot = texts(renders[-1])[-2:]
    assert you == "You: Hello" and bot.startswith("Bot: Thanks for your message!")
    assert any(n["t"] == "progress_spinner" for n in walk(renders[1].tree))
    assert not any(n["t"] == "progress_spinner" for n in walk(renders[-1].tree))
