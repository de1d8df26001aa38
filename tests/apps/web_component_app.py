"""A Mesop-style app with a web component (a plain custom element in
tests/apps/web_parts/), written as a Mesop user would; tests/test_browser_web_components.py
drives it in Chromium."""

from web_parts.counter_component import counter_component

import mesop_cli as me


@me.stateclass
class State:
    value: int = 10
    events: int = 0


def on_increment(e: me.WebEvent):
    state = me.state(State)
    state.value = int(e.value["value"])
    state.events += 1


@me.web_component(path="./web_parts/greeting.js")
def greeting(name: str):
    return me.insert_web_component(name="test-greeting", properties={"name": name})


@me.page(path="/")
def home():
    state = me.state(State)
    me.text(f"Server value: {state.value}")
    greeting(f"visitor {state.events}")
    with counter_component(value=state.value, label="Count", on_increment=on_increment,
                           key="counter"):
        me.text(f"Events so far: {state.events}")
