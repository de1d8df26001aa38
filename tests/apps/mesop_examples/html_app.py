# From Mesop 1.3.7 (https://github.com/mesop-dev/mesop):
# mesop/components/html/e2e/html_app.py,
# by the Mesop authors, Apache License 2.0 (see LICENSE beside this file).
# Copied unchanged but for the import line (mesop -> mesop_cli).
import mesop_cli as me


@me.page(path="/components/html/e2e/html_app")
def app():
  s = me.state(State)

  me.text("Sanitized HTML")
  me.html(
    """
Custom HTML
<a href="https://mesop-dev.github.io/mesop/" target="_blank">mesoplink</a>
""",
    mode="sanitized",
  )
  with me.box(style=me.Style(margin=me.Margin.symmetric(vertical=24))):
    me.divider()
  me.text("Sandboxed HTML")
  me.button("Increment sandboxed HTML", on_click=increment_sandboxed_html)
  me.html(
    f"iamsandboxed-{s.counter}<script>console.log('iamsandboxed-{s.counter}'); </script>",
    mode="sandboxed",
  )


@me.stateclass
class State:
  counter: int


def increment_sandboxed_html(e: me.ClickEvent):
  s = me.state(State)
  s.counter += 1
