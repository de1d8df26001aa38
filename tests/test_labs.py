"""``mesop_cli.labs``: chat and text_to_text, in-process over Flask's test client.

The chat app is written as Mesop's tutorials write one (tests/apps/mesop_chat.py); its
replies must stream (several renders per prompt) and its history must live in the session,
so a second app instance over the same store (another worker) continues the conversation.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from mesop_cli.labs.chat import ChatMessage
from mesop_cli.runtime import load_app
from mesop_cli.web import create_flask_app
from tests.support.flask_tab import Client, make_settings

CHAT_APP = Path(__file__).parent / "apps" / "mesop_chat.py"


def find(tree: dict[str, Any], kind: str) -> dict[str, Any]:
    stack = [tree]
    while stack:
        node = stack.pop()
        if node["t"] == kind:
            return node
        stack.extend(node["c"])
    raise LookupError(kind)


def texts(tree: dict[str, Any]) -> list[str]:
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        if node["t"] == "text":
            found.append(node["p"]["text"])
        if node["t"] == "markdown":
            found.append(node["p"]["html"])
        stack.extend(reversed(node["c"]))
    return found


def ask(client: Client, prompt: str) -> list[dict[str, Any]]:
    """Type ``prompt`` into the chat's field and press Enter."""
    field = find(client.tree, "input")
    event = {"handler": field["p"]["on_enter"], "kind": "enter", "key": field["k"],
             "value": prompt}
    # The signed copy goes along, as the browser sends it with the `none` backend.
    return [m for m in client.send(event, with_copy=True) if m["type"] == "render"]


def settings_for(backend: str, tmp_path: Path) -> Any:
    return make_settings(backend=backend, file_base_dir=str(tmp_path),
                         sql_connection_uri=f"sqlite:///{tmp_path}/sessions.db")


@pytest.mark.parametrize("backend", ["none", "memory", "file", "sql"])
def test_chat_streams_its_reply_and_keeps_the_history(backend: str, tmp_path: Path) -> None:
    client = Client(create_flask_app(CHAT_APP, settings_for(backend, tmp_path)))
    client.send(None)
    assert "Mesop Demo Chat" in texts(client.tree)
    renders = ask(client, "hello")
    # The prompt shows at once, then the reply grows (one render per 0.3 s word), then done.
    assert len(renders) >= 4, len(renders)
    first = texts(renders[0]["tree"])
    assert "hello" in first and not any("You said" in t for t in first)
    partial = [t for r in renders[1:-1] for t in texts(r["tree"]) if t.startswith("<p>You")]
    assert partial and all("(0 earlier)" not in t for t in partial[:1])
    assert texts(renders[-1]["tree"])[-1] == "<p>You said: <strong>hello</strong> (0 earlier)</p>\n"
    assert find(renders[-1]["tree"], "button")["p"]["disabled"] is False
    state = client.state or {}
    (chat_key,) = [k for k in state if k.endswith("ChatState")]
    assert [m["role"] for m in state[chat_key]["output"]] == ["user", "assistant"]
    ask(client, "again")
    assert texts(client.tree)[-1] == "<p>You said: <strong>again</strong> (1 earlier)</p>\n"


def test_the_history_survives_into_another_worker(tmp_path: Path) -> None:
    settings = settings_for("file", tmp_path)
    first = Client(create_flask_app(CHAT_APP, settings))
    first.send(None)
    ask(first, "one")
    # A second app over the same store, as a second gunicorn worker would load it: the chat
    # module is already imported, so only the loader's labs inclusion names its state.
    second = Client(create_flask_app(CHAT_APP, settings))
    second.session, second.state, second.sig = first.session, first.state, first.sig
    second.send(None)
    ask(second, "two")
    assert texts(second.tree)[-1] == "<p>You said: <strong>two</strong> (1 earlier)</p>\n"


def test_the_labs_state_belongs_only_to_apps_that_use_labs(tmp_path: Path) -> None:
    import mesop_cli.labs  # noqa: F401  (loaded in this process, as by another app)

    plain = tmp_path / "plain.py"
    plain.write_text("import mesop_cli as me\n\n@me.page()\ndef home():\n    me.text('x')\n")
    assert list(load_app(plain).state_classes) == []
    assert "ChatState" in load_app(CHAT_APP).state_classes


def test_a_transform_returning_a_string_and_an_empty_prompt(tmp_path: Path) -> None:
    app = tmp_path / "main.py"
    app.write_text(textwrap.dedent("""
        import mesop_cli as me
        import mesop_cli.labs as mel

        @me.page()
        def home():
            mel.chat(lambda text, history: f"{len(history)} messages", bot_user="Counter")
    """))
    client = Client(create_flask_app(app, settings_for("memory", tmp_path)))
    client.send(None)
    assert len(ask(client, "   ")) == 1  # nothing to send: one render, nothing added
    assert not any(t.endswith("messages</p>\n") for t in texts(client.tree))
    ask(client, "hi")
    assert texts(client.tree)[-2:] == ["Counter", "<p>1 messages</p>\n"]


TEXT_APP = """
    import mesop_cli as me
    import mesop_cli.labs as mel

    def upper(text):
        for word in text.split():
            yield word.upper() + " "

    @me.page(path="/")
    def home():
        mel.text_to_text(upper, title="Shout")

    @me.page(path="/replace")
    def replace():
        mel.text_to_text(upper, transform_mode="replace")
"""


@pytest.mark.parametrize("path, expected", [("/", "<p>A B C</p>\n"), ("/replace", "<p>C</p>\n")])
def test_text_to_text_streams_the_transform(tmp_path: Path, path: str, expected: str) -> None:
    app = tmp_path / "main.py"
    app.write_text(textwrap.dedent(TEXT_APP))
    client = Client(create_flask_app(app, settings_for("memory", tmp_path)))
    client.path = path
    client.send(None)
    field = find(client.tree, "textarea")
    client.send({"handler": field["p"]["on_input"], "kind": "input", "key": field["k"],
                 "value": "a b c"})
    renders = [m for m in client.click("Generate") if m["type"] == "render"]
    assert len(renders) == 4  # one per piece, then the final render
    assert texts(renders[-1]["tree"])[-1] == expected
    client.click("Generate")  # a second run starts afresh
    assert texts(client.tree)[-1] == expected


def test_chat_message_has_mesops_fields() -> None:
    assert ChatMessage(role="assistant", content="hi") == ChatMessage(content="hi",
                                                                      role="assistant")
    with pytest.raises(TypeError):
        ChatMessage("user", "positional")  # type: ignore[misc]  (keyword-only, as in Mesop)
