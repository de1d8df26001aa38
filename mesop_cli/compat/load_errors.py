"""One-line explanations of the import failures a Mesop app meets under mesop-cli."""

from __future__ import annotations

import re

from mesop_cli.compat.alias import alias_active
from mesop_cli.compat.names import UnsupportedMesopName
from mesop_cli.compat.scan import MissingUse

ALIAS_SETTING = "MESOP_ALIAS_MESOP"

_CANNOT_IMPORT = re.compile(r"cannot import name '(\w+)' from '(mesop_cli(?:\.labs)?|mesop"
                            r"(?:\.labs)?)'")


def explain(exc: BaseException) -> str | None:
    """What to tell the developer about ``exc``, or None when it is not about Mesop names."""
    if isinstance(exc, UnsupportedMesopName):
        return str(exc)
    if isinstance(exc, ModuleNotFoundError) and exc.name in ("mesop", "mesop.labs"):
        return (f"this app imports {exc.name} (Mesop itself), which is not installed. To "
                f"serve it with mesop-cli as it is written, set {ALIAS_SETTING}=true; or "
                "change the line to `import mesop_cli as me` (`import mesop_cli.labs as mel`)")
    if isinstance(exc, ModuleNotFoundError) and str(exc.name).startswith("mesop.") \
            and alias_active():
        return str(exc)  # one of Mesop's internal modules, refused by the alias's finder
    if isinstance(exc, ImportError):
        found = _CANNOT_IMPORT.search(str(exc))
        if found:
            name, module = found.groups()
            ours = "mesop_cli.labs" if module.endswith("labs") else "mesop_cli"
            return UnsupportedMesopName(ours, name).describe(f"{module}.{name}")
    return None


def describe_missing(uses: list[MissingUse], path_text: str) -> str:
    """The one line for the missing names found in an app file: the first, then the rest."""
    first, rest = uses[0], uses[1:]
    message = UnsupportedMesopName(first.module, first.name).describe(first.feature)
    if rest:
        shown = ", ".join(f"{use.feature} (line {use.line})" for use in rest[:5])
        more = f" and {len(rest) - 5} more" if len(rest) > 5 else ""
        message += f"; also {shown}{more}"
    return f"{path_text}:{first.line}: {message}"


def describe_unreached(use: MissingUse, path_text: str) -> str:
    """The line for a missing name used only where mesop never runs (warning, not error)."""
    message = UnsupportedMesopName(use.module, use.name).describe(use.feature)
    return (f"{path_text}:{use.line}: {message}, used only {use.unreached}, which mesop "
            "never runs: the app is served as it is")
