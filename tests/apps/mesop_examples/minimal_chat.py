# From Mesop 1.3.7 (https://github.com/mesop-dev/mesop):
# mesop/examples/testing/minimal_chat.py,
# by the Mesop authors, Apache License 2.0 (see LICENSE beside this file).
# Copied unchanged but for the import line (mesop -> mesop_cli).
import mesop_cli as me
import mesop_cli.labs as mel


@me.page(path="/testing/minimal_chat", title="Lorem Ipsum Chat")
def page():
  mel.chat(transform, title="Lorem Ipsum Chat", bot_user="Lorem Ipsum Bot")


def transform(input: str, history: list[mel.ChatMessage]):
  yield "Echo: "
  yield input
