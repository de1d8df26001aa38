"""A chat app as Mesop's tutorials write one (mesop.labs.chat with a streaming transform);
kept exactly as Mesop writes it (served with MESOP_ALIAS_MESOP=true)."""

import time

import mesop as me
import mesop.labs as mel


@me.page(
    security_policy=me.SecurityPolicy(
        allowed_iframe_parents=["https://mesop-dev.github.io"]
    ),
    path="/",
    title="Mesop Demo Chat",
)
def page():
    mel.chat(transform, title="Mesop Demo Chat", bot_user="Mesop Bot")


def transform(input: str, history: list[mel.ChatMessage]):
    earlier = sum(1 for message in history if message.role == "user") - 1
    for word in ["You", "said:", f"**{input}**", f"({earlier} earlier)"]:
        time.sleep(0.3)
        yield word + " "
