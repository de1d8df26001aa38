"""``mesop_cli.labs``: Mesop's ready-made page widgets (``import mesop_cli.labs as mel``),
built from mesop-cli's own components."""

from __future__ import annotations

from mesop_cli.compat.names import labs_getattr as __getattr__  # noqa: F401
from mesop_cli.labs.chat import ChatMessage, chat
from mesop_cli.labs.text_to_image import text_to_image
from mesop_cli.labs.text_to_text import text_io, text_to_text
from mesop_cli.runtime.components.web_component import (
    WebEvent,
    insert_web_component,
    web_component,
)

__all__ = ["ChatMessage", "WebEvent", "chat", "insert_web_component", "text_io",
           "text_to_image", "text_to_text", "web_component"]
