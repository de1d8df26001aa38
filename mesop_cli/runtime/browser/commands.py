"""``me.scroll_into_view`` and ``me.focus_component``: things a handler asks the browser to
do. The next render carries them and the client does them once it has painted; a key no
component on the page has is ignored there."""

from __future__ import annotations

from mesop_cli.runtime.scope import current_scope


def _issue(caller: str, command: str, key: object) -> None:
    scope = current_scope(caller)
    if not isinstance(key, str):
        raise TypeError(f"{caller} takes key= as a string, got {type(key).__name__}")
    scope.browser.commands.append({"type": command, "key": key})


def scroll_into_view(*, key: str) -> None:
    """Scroll the page so the component with this key is in view (the first one, if
    several share the key)."""
    _issue("me.scroll_into_view()", "scroll_into_view", key)


def focus_component(*, key: str) -> None:
    """Move the keyboard focus to the component with this key (its input, for a field)."""
    _issue("me.focus_component()", "focus_component", key)
