# From Mesop 1.3.7 (https://github.com/mesop-dev/mesop):
# mesop/examples/testing/async_onload.py,
# by the Mesop authors, Apache License 2.0 (see LICENSE beside this file).
# Copied unchanged but for the import line (mesop -> mesop_cli).
"""
Test script to verify async on_load support.
This reproduces the issue from GitHub issue #1300.
"""

import asyncio

import mesop_cli as me


@me.stateclass
class State:
  message: str = ""


async def async_on_load(e: me.LoadEvent):
  """Async generator on_load handler."""
  state = me.state(State)
  state.message = "Loading..."
  yield

  # Simulate async operation
  await asyncio.sleep(0.1)

  state.message = "Loaded from async generator!"
  yield


async def async_coroutine_on_load(e: me.LoadEvent):
  """Async coroutine on_load handler (no yield)."""
  state = me.state(State)
  await asyncio.sleep(0.1)
  state.message = "Loaded from coroutine!"


@me.page(path="/async_gen", on_load=async_on_load)
def page_async_gen():
  state = me.state(State)
  me.text(f"Async Generator: {state.message}")


@me.page(path="/async_coro", on_load=async_coroutine_on_load)
def page_async_coro():
  state = me.state(State)
  me.text(f"Async Coroutine: {state.message}")
