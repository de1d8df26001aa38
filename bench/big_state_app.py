"""A benchmark app whose state is about 100 KB, to measure what each event uploads."""

from __future__ import annotations

import mesop_cli as me

ROWS = 1000


@me.stateclass
class State:
    count: int = 0
    rows: list[str]


def on_load(e: me.LoadEvent) -> None:
    state = me.state(State)
    if not state.rows:
        # ~100 bytes a row, 1,000 rows: about 100 KB of state.
        state.rows = [f"row {i:04d} " + "x" * 90 for i in range(ROWS)]


def increment(e: me.ClickEvent) -> None:
    me.state(State).count += 1


@me.page(path="/", title="Big state", on_load=on_load)
def home() -> None:
    state = me.state(State)
    me.text(f"Count: {state.count}")
    me.text(f"Rows: {len(state.rows)}")
    me.button("Increment", on_click=increment)
