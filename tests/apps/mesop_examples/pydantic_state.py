# From Mesop 1.3.7 (https://github.com/mesop-dev/mesop):
# mesop/examples/pydantic_state.py,
# by the Mesop authors, Apache License 2.0 (see LICENSE beside this file).
# Copied unchanged but for the import line (mesop -> mesop_cli).
from pydantic import BaseModel

import mesop_cli as me


class PydanticModel(BaseModel):
  name: str = "World"
  counter: int = 0


@me.stateclass
class State:
  model: PydanticModel


@me.page(path="/pydantic_state")
def main():
  state = me.state(State)
  me.text(f"Name: {state.model.name}")
  me.text(f"Counter: {state.model.counter}")

  me.button("Increment Counter", on_click=on_click)


def on_click(e: me.ClickEvent):
  state = me.state(State)
  state.model.counter += 1
