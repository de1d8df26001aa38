"""``mesop_cli.labs``: Mesop's ready-made page widgets (``import mesop_cli.labs as mel``),
built from mesop-cli's own components."""

from __future__ import annotations

from mesop_cli.compat.names import labs_getattr as __getattr__  # noqa: F401

__all__: list[str] = []
