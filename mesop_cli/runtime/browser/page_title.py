"""``me.set_page_title``: change the browser tab's title from a handler."""

from __future__ import annotations

from mesop_cli.runtime.scope import current_scope


def set_page_title(title: str) -> None:
    """Show ``title`` as the document's title from the next render on.

    As in Mesop, it lasts until the tab moves to another page (whose own title then
    applies) or reloads; a ``me.navigate`` after it in the same handler step wins.
    """
    if not isinstance(title, str):
        raise TypeError(f"me.set_page_title() takes a string, got {type(title).__name__}")
    current_scope("me.set_page_title()").page_title = title
