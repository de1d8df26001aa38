"""Chromium, driven by Playwright, uploading with me.uploader in a Mesop-style app
(tests/apps/uploader_app.py): the file reaches the handler, its bytes stay in state for
later events, and a file over the limit is refused in the page with a message."""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import RunningServer, running_server

pytestmark = pytest.mark.browser

APP = Path(__file__).parent / "apps" / "uploader_app.py"
LIMIT = 50_000


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG of one colour, made here so the test needs no image file."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


@pytest.fixture(scope="module", params=["memory", "none"])
def server(request: pytest.FixtureRequest) -> Iterator[RunningServer]:
    # With `none` the file goes back and forth in the browser's signed copy of the state.
    env = {"MESOP_STATE_SESSION_BACKEND": request.param, "MESOP_MAX_UPLOAD_BYTES": str(LIMIT)}
    with running_server([], env=env, app=APP) as running:
        yield running


@pytest.fixture()
def page(chromium, server: RunningServer):  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    context = chromium.new_context()
    page = context.new_page()
    page.goto(server.url + "/")
    expect(page.get_by_text("Checks: 0")).to_be_visible()
    yield page
    context.close()


def test_uploaded_image_is_shown_and_its_bytes_stay_in_state(page, tmp_path: Path  # type: ignore[no-untyped-def]
                                                             ) -> None:
    from playwright.sync_api import expect

    image = png(20, 10, (200, 30, 30))
    path = tmp_path / "red.png"
    path.write_bytes(image)
    # As a person does it: the button opens the file picker, a file is chosen in it.
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Upload Image").click()
    assert chooser.value.is_multiple() is False
    chooser.value.set_files(str(path))

    expect(page.get_by_text("File name: red.png")).to_be_visible()
    expect(page.get_by_text(f"File size: {len(image)}")).to_be_visible()
    expect(page.get_by_text("File type: image/png")).to_be_visible()
    expect(page.get_by_text("Upload count: 1")).to_be_visible()
    preview = page.get_by_role("img", name="Uploaded image")
    expect(preview).to_be_visible()
    # The preview decoded: the data URL holds the very PNG uploaded.
    assert preview.evaluate("img => img.complete && [img.naturalWidth, img.naturalHeight]") \
        == [20, 10]

    page.get_by_role("button", name="Check bytes").click()
    expect(page.get_by_text(f"Checks: 1 digest: {hashlib.sha256(image).hexdigest()}")) \
        .to_be_visible()


def test_picker_offers_the_accepted_types_and_several_files_when_multiple(page  # type: ignore[no-untyped-def]
                                                                         ) -> None:
    from playwright.sync_api import expect

    pickers = page.locator("input[type=file]")
    assert pickers.nth(0).get_attribute("accept") == "image/jpeg,image/png"
    first, second = png(3, 3, (0, 0, 255)), png(4, 4, (0, 255, 0))
    pickers.nth(1).set_input_files([
        {"name": "blue.png", "mimeType": "image/png", "buffer": first},
        {"name": "green.png", "mimeType": "image/png", "buffer": second},
    ])
    # The handler keeps event.file, the first of the files chosen together.
    expect(page.get_by_text("File name: blue.png")).to_be_visible()
    expect(page.get_by_text(f"File size: {len(first)}")).to_be_visible()
    # The picker is emptied after each choice, so that choosing the same file again fires
    # a change (a browser fires none for an unchanged choice) and is a new upload.
    assert pickers.nth(1).evaluate("input => input.files.length") == 0
    pickers.nth(1).set_input_files([{"name": "blue.png", "mimeType": "image/png",
                                     "buffer": first}])
    expect(page.get_by_text("Upload count: 2")).to_be_visible()


def test_file_over_the_limit_is_refused_with_a_message_and_nothing_changes(page  # type: ignore[no-untyped-def]
                                                                           ) -> None:
    from playwright.sync_api import expect

    small = png(2, 2, (1, 2, 3))
    picker = page.locator("input[type=file]").first
    picker.set_input_files([{"name": "small.png", "mimeType": "image/png", "buffer": small}])
    expect(page.get_by_text("Upload count: 1")).to_be_visible()

    picker.set_input_files([{"name": "huge.png", "mimeType": "image/png",
                             "buffer": b"\x00" * (2 * LIMIT)}])
    expect(page.locator("#mesop-status")).to_contain_text(
        "huge.png is 97.7 KB, more than the 48.8 KB this app accepts in one upload; "
        "nothing was uploaded.")
    # The earlier upload is still what the state holds.
    page.get_by_role("button", name="Check bytes").click()
    expect(page.get_by_text(f"Checks: 1 digest: {hashlib.sha256(small).hexdigest()}")) \
        .to_be_visible()
    expect(page.get_by_text("File name: small.png")).to_be_visible()
