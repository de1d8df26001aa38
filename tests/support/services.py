"""Reaching the real services tests need, and skipping honestly when they are absent.

On a developer machine without Redis, PostgreSQL or Chromium those tests skip with the
reason. Under CI (CI=true) a missing service is a failure: CI must not go green by
skipping.
"""

from __future__ import annotations

import os
import shutil
import socket
from urllib.parse import urlsplit

import pytest

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
DEFAULT_POSTGRES_URI = "postgresql+psycopg://root@127.0.0.1:5432/test"
DEFAULT_CHROMIUM = "/usr/bin/chromium"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(available: bool, reason: str) -> None:
    """Skip (or, under CI, fail) when a real part is missing."""
    if available:
        return
    if in_ci():
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def _port_open(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port),
                                      timeout=1.0):
            return True
    except OSError:
        return False


def redis_url() -> str:
    url = os.environ.get("MESOP_TEST_REDIS_URL", DEFAULT_REDIS_URL)
    require(_port_open(url, 6379), f"no Redis answering at {url} (set MESOP_TEST_REDIS_URL)")
    return url


def postgres_uri() -> str:
    uri = os.environ.get("MESOP_TEST_POSTGRES_URI", DEFAULT_POSTGRES_URI)
    require(_port_open(uri.replace("+psycopg", ""), 5432),
            f"no PostgreSQL answering at {uri} (set MESOP_TEST_POSTGRES_URI)")
    return uri


def chromium_path() -> str:
    path = os.environ.get("MESOP_TEST_CHROMIUM", DEFAULT_CHROMIUM)
    require(shutil.which(path) is not None or os.path.exists(path),
            f"no Chromium at {path} (apt-get install chromium, or set MESOP_TEST_CHROMIUM)")
    return path
