"""An async generator handler that streams many renders and cleans up in its `finally`
(awaiting there too): tests/adversarial/test_async_stream_closed_early.py leaves it early."""

import asyncio

import mesop_cli as me

WORDS = 200


@me.stateclass
class State:
    words: list[str]
    in_progress: bool
    cleanups: int


async def answer(e: me.ClickEvent):
    state = me.state(State)
    state.in_progress = True
    try:
        for n in range(WORDS):
            await asyncio.sleep(0.02)
            state.words.append(f"w{n}")
            yield
    finally:
        await asyncio.sleep(0)
        state.in_progress = False
        state.cleanups += 1


@me.page(path="/")
def home():
    state = me.state(State)
    me.text(f"in progress: {state.in_progress}")
    me.text(f"words: {len(state.words)}")
    me.text(f"cleanups: {state.cleanups}")
    me.button("Answer", on_click=answer, disabled=state.in_progress)
