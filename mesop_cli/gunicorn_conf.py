"""A gunicorn config module, so a plain gunicorn command line sums its workers' metrics::

    gunicorn -c python:mesop_cli.gunicorn_conf -w 3 'mesop_cli.wsgi:create_app("main.py")'

Loading it (in the master, before any worker is forked, and before ``--preload`` loads the
app) makes the launch's private metrics directory; its hooks forget dead workers' gauges and
remove the directory when gunicorn exits. With a config file of your own, import the hooks
there instead: ``from mesop_cli.gunicorn_conf import child_exit, on_exit``.
"""

from mesop_cli.telemetry.launch_dir import child_exit, create_launch_directory, on_exit

__all__ = ["child_exit", "on_exit"]

create_launch_directory()
