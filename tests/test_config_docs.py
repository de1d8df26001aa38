"""The configuration page's tables (docs/configuration.md) are the ones the declarations
generate."""

from __future__ import annotations

from pathlib import Path

from mesop_cli.config import CODES
from mesop_cli.config.settings_table import codes_table, settings_table

CONFIGURATION_PAGE = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


def config_section() -> str:
    text = CONFIGURATION_PAGE.read_text()
    return text[text.index("<!-- config:start -->"):text.index("<!-- config:end -->")]


def test_settings_table_is_current() -> None:
    assert settings_table() in config_section(), "run: python -m mesop_cli.config.settings_table"


def test_codes_table_is_current_and_complete() -> None:
    section = config_section()
    assert codes_table() in section, "run: python -m mesop_cli.config.settings_table"
    assert all(f"`{code}`" in section for code in CODES)
