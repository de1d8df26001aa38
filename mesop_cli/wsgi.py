"""The WSGI entry point for a plain gunicorn command line (a public, stable name)::

    gunicorn -c python:mesop_cli.gunicorn_conf -w 3 'mesop_cli.wsgi:create_app("main.py")'

The factory itself is :mod:`mesop_cli.serving.wsgi_factory`.
"""

from __future__ import annotations

from mesop_cli.serving.wsgi_factory import create_app

__all__ = ["create_app"]
