"""Fixtures shared across test modules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.services import chromium_path

#: How the tests start Debian's Chromium: headless, no sandbox (root), no network of its own.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One Chromium for the whole run, driven by Playwright; never a downloaded browser."""
    executable = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
