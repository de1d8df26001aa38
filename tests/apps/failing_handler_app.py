"""A counter with a button whose handler raises, for the log and metrics tests
(tests/test_log_format.py, tests/test_metrics.py).

"Add" adds one; "Fail" raises ZeroDivisionError from ``divide``, so the log has a
handler's traceback; "Add two" is a closure (its handler id carries ``#n``), so the
metrics' handler label is seen to drop the suffix.
"""

import mesop_cli as me


@me.stateclass
class State:
    count: int = 0


def add(e: me.ClickEvent) -> None:
    me.state(State).count += 1


def divide(e: me.ClickEvent) -> None:
    me.state(State).count = 1 // 0


@me.page(path="/", title="Failing")
def home() -> None:
    state = me.state(State)
    me.text(f"Count: {state.count}")
    me.button("Add", on_click=add)
    me.button("Fail", on_click=divide)

    def add_two(e: me.ClickEvent) -> None:
        me.state(State).count += 2

    me.button("Add two", on_click=add_two)
