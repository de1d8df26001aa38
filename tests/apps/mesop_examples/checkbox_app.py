# From Mesop 1.3.7 (https://github.com/mesop-dev/mesop):
# mesop/components/checkbox/e2e/checkbox_app.py,
# by the Mesop authors, Apache License 2.0 (see LICENSE beside this file).
# Copied unchanged but for the import line (mesop -> mesop_cli).
import mesop_cli as me


@me.stateclass
class State:
  checked: bool = True
  indeterminate: bool = True


def on_update(event: me.CheckboxChangeEvent):
  state = me.state(State)
  state.checked = event.checked


@me.page(path="/components/checkbox/e2e/checkbox_app")
def app():
  state = me.state(State)
  me.checkbox(
    "label",
    on_change=on_update,
    checked=state.checked,
    disable_ripple=False,
    indeterminate=False,
    style=me.Style(
      border=me.Border.all(
        me.BorderSide(
          width=1,
          color="green",
          style="solid",
        )
      )
    ),
  )

  if state.checked:
    me.text(text="is checked")
  else:
    me.text(text="is not checked")
