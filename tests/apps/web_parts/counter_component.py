"""A web component declared in a helper module, as Mesop's examples do: its module path
is relative to this file (tests/apps/web_component_app.py uses it)."""

from collections.abc import Callable
from typing import Any

import mesop_cli as me


@me.web_component(path="./counter_component.js")
def counter_component(
    *,
    value: int,
    label: str,
    on_increment: Callable[[me.WebEvent], Any],
    key: str | None = None,
):
    return me.insert_web_component(
        name="test-counter-component",
        key=key,
        events={"incrementEvent": on_increment},
        properties={"value": value, "label": label, "settings": {"step": 2}},
    )
