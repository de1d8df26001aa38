"""Serving: launching the werkzeug dev server or gunicorn, gunicorn's worker and request
arrival, the launch key and directory, and the WSGI entry points' factories.

Only the CLI and the WSGI entry points (``mesop_cli.wsgi``, ``mesop_cli.gunicorn_conf``,
and ``me.create_wsgi_app``) import this package; ``docs/architecture.md`` has the map.
"""
