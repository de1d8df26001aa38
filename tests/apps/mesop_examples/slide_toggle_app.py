# From Mesop 1.3.7 (https://github.com/mesop-dev/mesop):
# mesop/components/slide_toggle/e2e/slide_toggle_app.py,
# by the Mesop authors, Apache License 2.0 (see LICENSE beside this file).
# Copied unchanged but for the import line (mesop -> mesop_cli).
import mesop_cli as me


@me.stateclass
class State:
  toggled: bool = False


def on_change(event: me.SlideToggleChangeEvent):
  s = me.state(State)
  s.toggled = not s.toggled


@me.page(path="/components/slide_toggle/e2e/slide_toggle_app")
def app():
  me.slide_toggle(label="hi", on_change=on_change)
  with me.content_slide_toggle(on_change=on_change):
    me.text("content_slide_toggle")
  s = me.state(State)
  me.text(text=f"Toggled: {s.toggled}")
