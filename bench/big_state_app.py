"""The benchmark app: a counter beside a list of non-repeating strings.

``BENCH_STATE_BYTES`` (default 100,000) sets the size of the list in the state, made of
100-character random strings so that nothing compresses or repeats. Two buttons: one
changes an int, one appends a short item to the list.
"""

from __future__ import annotations

import os
import random
import string

import mesop_cli as me

ITEM_CHARS = 100


@me.stateclass
class State:
    count: int = 0
    rows: list[str]


def on_load(e: me.LoadEvent) -> None:
    state = me.state(State)
    if not state.rows:
        wanted = int(os.environ.get("BENCH_STATE_BYTES", "100000"))
        rnd = random.Random(7)
        letters = string.ascii_letters + string.digits
        state.rows = ["".join(rnd.choices(letters, k=ITEM_CHARS))
                      for _ in range(max(1, wanted // (ITEM_CHARS + 3)))]


def increment(e: me.ClickEvent) -> None:
    me.state(State).count += 1


def append(e: me.ClickEvent) -> None:
    me.state(State).rows.append("item")


@me.page(path="/", title="Big state", on_load=on_load)
def home() -> None:
    state = me.state(State)
    me.text(f"Count: {state.count}")
    me.text(f"Rows: {len(state.rows)}")
    me.button("Increment", on_click=increment)
    me.button("Append", on_click=append)
