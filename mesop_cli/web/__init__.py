"""The HTTP side: Flask app factory, session request hooks and the client script."""

from __future__ import annotations

from mesop_cli.web.app import create_app

__all__ = ["create_app"]
