"""Attack: read files outside the app's static folder through MESOP_STATIC_URL_PATH.

Mesop serves ``static/`` of the app's base directory at ``/static/``; mesop-cli now does
too (issue 19, item 3). Before, there was no static folder at all; a naive one (a join of
the folder and the URL's path, or ``send_from_directory``, which follows symlinks) would
hand out ``../main.py`` or ``.env`` beside the folder, or a file a symlink in the folder
points at. Here the requests are written on a raw socket, so no client library tidies the
path first: ``..`` plain and percent-encoded (``%2e%2e``, ``%2f``, ``%5c``), absolute
paths, doubled slashes, and symlinks leading out (to a file, and to the base directory
itself). Each must be a 404 carrying none of the secret, on the dev server and under
``--prod``; a file inside the folder is served.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.raw_http import ResponseReader, connect
from tests.support.server import RunningServer, running_server

pytestmark = pytest.mark.integration

APP = "import mesop_cli as me\n\n@me.page(path='/')\ndef home():\n    me.text('hi')\n"

HOSTILE = [
    "/static/../.env",
    "/static/../main.py",
    "/static/%2e%2e/.env",
    "/static/%2E%2E%2F.env",
    "/static/.%2e/.env",
    "/static/deep/..%2F..%2F.env",
    "/static/..%5c.env",
    "/static/%2f{outside}",
    "/static//{outside}",
    "/static/link.txt",
    "/static/up/.env",
    "/static/deep/../../.env",
]


@pytest.fixture(scope="module", params=["dev", "prod"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[RunningServer]:
    root = tmp_path_factory.mktemp("traversal")
    base = root / "base"
    (base / "static" / "deep").mkdir(parents=True)
    (base / "main.py").write_text(APP + "# SECRET-APP-SOURCE\n")
    (base / ".env").write_text("SECRET_TOKEN=SECRET-DOTENV\n")
    (base / "static" / "hello.txt").write_text("hello from static")
    (root / "outside.txt").write_text("SECRET-OUTSIDE")
    (base / "static" / "link.txt").symlink_to(root / "outside.txt")
    (base / "static" / "up").symlink_to(base)
    args = ["--prod"] if request.param == "prod" else []
    # The .env beside the app is a secret file here, not the app's configuration.
    env = {"MESOP_STATE_SESSION_BACKEND": "memory", "MESOP_SECRET_KEY": "k" * 40}
    with running_server(args, env=env, app=base / "main.py") as running:
        running.outside = str(root / "outside.txt").lstrip("/")  # type: ignore[attr-defined]
        yield running


def raw_get(server: RunningServer, target: str) -> tuple[int, bytes]:
    with connect(server) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                     .encode())
        response = ResponseReader(sock).next()
    return response.status, response.body


def test_a_file_inside_the_folder_is_served(server: RunningServer) -> None:
    assert raw_get(server, "/static/hello.txt") == (200, b"hello from static")


@pytest.mark.parametrize("target", HOSTILE)
def test_nothing_outside_the_folder_is_served(server: RunningServer, target: str) -> None:
    status, body = raw_get(server, target.format(outside=server.outside))  # type: ignore[attr-defined]
    assert b"SECRET" not in body, target
    assert status in (400, 404), (target, status)
