"""``import mesop as me`` resolving to mesop-cli, for apps kept exactly as written.

Opt-in (``MESOP_ALIAS_MESOP=true``), and never over a real Mesop: when Python can find a
``mesop`` package on its path, nothing is installed and the real one is imported (the
configuration warns, W010). Otherwise ``sys.modules`` gets ``mesop`` and ``mesop.labs``
pointing at ``mesop_cli`` and ``mesop_cli.labs`` (the same module objects, so state
classes and handlers are the same whichever name an app uses), and a finder turns an
import of any other ``mesop.*`` module into one clear line instead of searching
mesop-cli's own source tree for it.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

ALIASES = {"mesop": "mesop_cli", "mesop.labs": "mesop_cli.labs"}


def real_mesop_origin() -> str | None:
    """Where a real Mesop is installed, or None. Looks on ``sys.path`` itself, so an alias
    already in ``sys.modules`` does not count."""
    spec = importlib.machinery.PathFinder.find_spec("mesop")
    if spec is None:
        return None
    return spec.origin or ", ".join(spec.submodule_search_locations or []) or "sys.path"


def alias_active() -> bool:
    """Whether ``mesop`` is mesop-cli in this process."""
    ours = sys.modules.get("mesop_cli")
    return ours is not None and sys.modules.get("mesop") is ours


class _OtherMesopModules:
    """A meta path finder refusing ``mesop.*`` modules other than the aliased ones, while
    the alias is active (their real counterparts are Mesop's internals)."""

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        if fullname.startswith("mesop.") and fullname not in ALIASES and alias_active():
            raise ModuleNotFoundError(
                f"{fullname} is one of Mesop's own modules, which mesop-cli does not provide "
                "(MESOP_ALIAS_MESOP serves `import mesop` and `import mesop.labs`); use the "
                "names of `mesop` or `mesop.labs` instead", name=fullname)
        return None


def install_mesop_alias() -> bool:
    """Make ``import mesop`` and ``import mesop.labs`` give mesop-cli, unless a real Mesop
    is installed. Returns whether the alias is in place. Safe to call again."""
    if alias_active():
        return True
    if "mesop" in sys.modules or real_mesop_origin() is not None:
        return False  # the real Mesop wins
    for alias, target in ALIASES.items():
        sys.modules[alias] = importlib.import_module(target)
    if not any(isinstance(finder, _OtherMesopModules) for finder in sys.meta_path):
        sys.meta_path.insert(0, _OtherMesopModules())
    return True
