"""Configuration of a launch: settings, their sources, validation and warnings.

``load_config`` reads flags, the environment, ``.env`` and defaults, and returns a
:class:`ConfigReport` whose ``settings`` is the :class:`Settings` everyone else consumes.
"""

from __future__ import annotations

from mesop_cli.config.envfile import EnvFile, export_env_file
from mesop_cli.config.loader import LAUNCH_KEY_VARIABLE, ConfigReport, Resolved, load_config
from mesop_cli.config.options import BACKENDS, OPTIONS, Option, Settings
from mesop_cli.config.problems import CODES, Problem, redact_text, redact_url

__all__ = [
    "BACKENDS",
    "CODES",
    "LAUNCH_KEY_VARIABLE",
    "OPTIONS",
    "ConfigReport",
    "EnvFile",
    "Option",
    "Problem",
    "Resolved",
    "Settings",
    "export_env_file",
    "load_config",
    "redact_text",
    "redact_url",
]
