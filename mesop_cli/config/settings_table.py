"""The settings and codes tables of docs/configuration.md, generated from the declarations.

``python -m mesop_cli.config.settings_table`` prints them; a test checks that page carries the
current text, so the docs cannot drift from the code.
"""

from __future__ import annotations

from mesop_cli.config.options import OPTIONS
from mesop_cli.config.problems import CODES


def settings_table() -> str:
    rows = ["| variable | flag | default | accepted | used by | meaning |",
            "| --- | --- | --- | --- | --- | --- |"]
    for option in OPTIONS:
        names = " or ".join(f"`{n}`" for n in (option.env, *option.aliases) if n) or "-"
        flag = f"`{option.flag}`" if option.flag else "-"
        default = f"`{option.default}`" if option.default is not None else "unset"
        used = "all" if len(option.backends) == 5 else ", ".join(option.backends)
        rows.append(f"| {names} | {flag} | {default} | {option.accepted} | {used} "
                    f"| {option.help} |")
    return "\n".join(rows)


def codes_table() -> str:
    rows = ["| code | meaning | fix |", "| --- | --- | --- |"]
    rows += [f"| `{code}` | {meaning} | {fix} |" for code, (meaning, fix) in CODES.items()]
    return "\n".join(rows)


if __name__ == "__main__":
    print(settings_table())
    print()
    print(codes_table())
