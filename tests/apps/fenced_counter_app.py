"""A counter with a click that holds its session until the test says so, for
tests/adversarial/test_fenced_saves.py.

"Slow add" touches the file FENCE_STARTED, then waits (at most 30 s) for the file
FENCE_GATE to exist before it adds one: the test takes the session's lock away meanwhile.
Once the gate exists the click is as quick as "Add". FENCE_LOCK_EXPIRY_SECONDS, when set,
shortens the redis backend's lock expiry in this process (a test hook: the product has no
setting for it), so that the lock expires while the click waits.
"""

import os
import time
from pathlib import Path

import mesop_cli as me
from mesop_cli.sessions import redis as redis_backend

if os.environ.get("FENCE_LOCK_EXPIRY_SECONDS"):
    redis_backend.LOCK_EXPIRY_SECONDS = float(os.environ["FENCE_LOCK_EXPIRY_SECONDS"])

STARTED = Path(os.environ.get("FENCE_STARTED", "/nonexistent/started"))
GATE = Path(os.environ.get("FENCE_GATE", "/nonexistent/gate"))


@me.stateclass
class State:
    count: int = 0


def slow_add(e: me.ClickEvent):
    STARTED.touch()
    deadline = time.monotonic() + 30
    while not GATE.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    me.state(State).count += 1


def add(e: me.ClickEvent):
    me.state(State).count += 1


@me.page(path="/")
def home():
    me.text(f"Count: {me.state(State).count}")
    me.button("Slow add", on_click=slow_add)
    me.button("Add", on_click=add)
