"""The HTTP side: Flask app factory, session request hooks and the client script."""

from __future__ import annotations

from mesop_cli.web.flask_app import create_flask_app

__all__ = ["create_flask_app"]
