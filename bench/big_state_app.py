"""The benchmark app: a counter beside a list of non-repeating strings.

One page per state size: ``/1KB``, ``/10KB``, ``/100KB``, ``/1MB``. A tab's first load fills
the list with 100-character random strings, so nothing compresses or repeats. Two buttons:
one changes an int, one appends a short item to the list.
"""

from __future__ import annotations

import random
import string

import mesop_cli as me

ITEM_CHARS = 100
SIZES = {"1KB": 1_000, "10KB": 10_000, "100KB": 100_000, "1MB": 1_000_000}


@me.stateclass
class State:
    count: int = 0
    rows: list[str]


def fill(e: me.LoadEvent) -> None:
    state = me.state(State)
    if not state.rows:
        wanted = SIZES[e.path.strip("/")]
        rnd = random.Random(7)
        letters = string.ascii_letters + string.digits
        state.rows = ["".join(rnd.choices(letters, k=ITEM_CHARS))
                      for _ in range(max(1, wanted // (ITEM_CHARS + 3)))]


def increment(e: me.ClickEvent) -> None:
    me.state(State).count += 1


def append(e: me.ClickEvent) -> None:
    me.state(State).rows.append("item")


def page() -> None:
    state = me.state(State)
    me.text(f"Count: {state.count}")
    me.text(f"Rows: {len(state.rows)}")
    me.button("Increment", on_click=increment)
    me.button("Append", on_click=append)


for _size in SIZES:
    me.page(path=f"/{_size}", title=f"Big state {_size}", on_load=fill)(page)
