"""A chat-like answer that streams and a Stop button (Mesop's cancel pattern: the Stop
handler sets a flag, the generator checks it between yields and returns, keeping the
partial answer), and a slow handler with a counter beside it (the busy bar):
tests/test_browser_live.py."""

import time

import mesop_cli as me

#: The pause before each of the answer's yields: "one yield" of the stop's latency bound.
YIELD_SECONDS = 0.1


@me.stateclass
class State:
    answer: str
    cancelled: bool
    streaming: bool
    count: int


def ask(e: me.ClickEvent):
    state = me.state(State)
    state.cancelled = False
    state.streaming = True
    state.answer = ""
    for n in range(300):
        if state.cancelled:
            state.answer += "[stopped]"
            break
        state.answer += f"w{n} "
        time.sleep(YIELD_SECONDS)
        yield
    state.streaming = False
    yield


def stop(e: me.ClickEvent):
    me.state(State).cancelled = True


def slow(e: me.ClickEvent):
    time.sleep(2)


def count(e: me.ClickEvent):
    me.state(State).count += 1


@me.page(path="/")
def home():
    state = me.state(State)
    me.button("Ask", on_click=ask)
    me.button("Stop", on_click=stop)
    me.button("Slow", on_click=slow)
    me.button("Count", on_click=count)
    me.text(f"Streaming: {state.streaming}")
    me.text(f"Count: {state.count}")
    me.text(f"Answer: {state.answer}")
