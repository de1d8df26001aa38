# From Mesop 1.3.7 (https://github.com/mesop-dev/mesop):
# mesop/examples/testing/text_to_text.py,
# by the Mesop authors, Apache License 2.0 (see LICENSE beside this file).
# Copied unchanged but for the import line (mesop -> mesop_cli).
import mesop_cli as me
import mesop_cli.labs as mel


@me.page(
  path="/testing/text_to_text",
  title="Text to Text Example",
)
def app():
  mel.text_to_text(
    echo,
    title="Text to Text Example",
  )


def echo(s: str):
  return "Echo: " + s
