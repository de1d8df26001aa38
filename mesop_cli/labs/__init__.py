"""``mesop_cli.labs``: Mesop's ready-made page widgets (``import mesop_cli.labs as mel``),
built from mesop-cli's own components."""

from __future__ import annotations

from mesop_cli.compat.names import labs_getattr as __getattr__  # noqa: F401
from mesop_cli.labs.chat import ChatMessage, chat
from mesop_cli.labs.text_to_text import text_to_text

__all__ = ["ChatMessage", "chat", "text_to_text"]
