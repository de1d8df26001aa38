"""The app's own static files: Mesop's MESOP_STATIC_FOLDER, served at
MESOP_STATIC_URL_PATH (by default ``static`` of the app's base directory at ``/static``).

Only files inside the folder are served. werkzeug decodes the path before it reaches
the view (``%2e%2e`` is ``..``); ``safe_join`` refuses ``..`` segments, absolute paths and
backslashes, and the file found must still be inside the folder once every symlink is
followed, so a link pointing out of the folder gets 404 like a missing file.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response, abort, send_file
from werkzeug.security import safe_join

from mesop_cli.config import Settings

ENDPOINT = "mesop_app_static"


def static_folder(settings: Settings) -> Path | None:
    """The folder served (absolute), or None when it is off or does not exist."""
    if not settings.static_folder:
        return None
    base = Path(settings.app_base_path or os.getcwd())
    folder = base / settings.static_folder
    return folder if folder.is_dir() else None


def install(flask_app: Flask, settings: Settings) -> Path | None:
    """Route MESOP_STATIC_URL_PATH to the folder, when it exists; returns the folder."""
    folder = static_folder(settings)
    if folder is None:
        return None
    root = os.path.realpath(folder)

    def app_static_file(filename: str) -> Response:
        joined = safe_join(root, filename)
        if joined is None:
            abort(404)
        real = os.path.realpath(joined)
        if os.path.commonpath([real, root]) != root or not os.path.isfile(real):
            abort(404)
        # Revalidated (Last-Modified, ETag) rather than cached: the app's files change.
        return send_file(real, max_age=0, conditional=True)

    flask_app.add_url_rule(f"{settings.static_url_path}/<path:filename>", ENDPOINT,
                           app_static_file, methods=["GET", "HEAD"])
    return folder
