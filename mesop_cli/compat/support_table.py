"""The "Mesop compatibility" table of docs/mesop.md, generated from what the modules have.

``python -m mesop_cli.compat.support_table`` prints it; a test checks that page carries the current
text, so adding a component updates the table users are pointed at by
``UnsupportedMesopName``.
"""

from __future__ import annotations

import importlib

from mesop_cli.compat.names import LEFT_OUT, MESOP_LABS_NAMES, MESOP_NAMES


def _row(label: str, module_name: str, prefix: str, names: frozenset[str]) -> list[str]:
    module = importlib.import_module(module_name)
    supported, missing = [], []
    for name in sorted(names - LEFT_OUT, key=str.lower):
        try:
            getattr(module, name)
        except AttributeError:
            missing.append(f"`{prefix}.{name}`")
        else:
            supported.append(f"`{prefix}.{name}`")
    return [f"| `{label}` | {', '.join(supported) or '-'} "
            f"| {', '.join(missing) or '-'} |"]


def compatibility_table() -> str:
    rows = ["| module | supported | not supported yet |", "| --- | --- | --- |"]
    rows += _row("mesop", "mesop_cli", "me", MESOP_NAMES)
    rows += _row("mesop.labs", "mesop_cli.labs", "mel", MESOP_LABS_NAMES)
    return "\n".join(rows)


if __name__ == "__main__":
    print(compatibility_table())
