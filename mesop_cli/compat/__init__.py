"""Running Mesop apps as they are written: Mesop's names that mesop-cli lacks are named
clearly (never an AttributeError traceback), and ``import mesop`` may resolve to mesop-cli
on request (``MESOP_ALIAS_MESOP``)."""
