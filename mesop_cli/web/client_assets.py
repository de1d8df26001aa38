"""The client's files (``web/static``) under a content-hashed path, compressed and
cached for a year.

Every file is served at ``/__mesop__/client/<version>/<name>``, ``<version>`` a digest of
the whole directory: the modules import each other by relative paths, so the entry's
versioned address carries every import with it, and a new release (any file changed) is a
new address that no cache holds. Such a response never changes, so it says
``immutable`` and may be kept a year; text files go gzip-compressed to a browser that
accepts it (compressed once, when first served, since werkzeug does not compress). A
request for another version (a page from before a deploy) gets today's file, revalidated
each time, never cached as if it matched its address.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Response, request, url_for

from mesop_cli.web.context import bp

STATIC_DIR = Path(__file__).resolve().parent / "static"
CLIENT_PATH = "/__mesop__/client"
#: What a versioned response may be kept for: the address changes with its content.
IMMUTABLE = "public, max-age=31536000, immutable"
_TYPES = {".js": "text/javascript", ".css": "text/css", ".woff2": "font/woff2",
          ".txt": "text/plain; charset=utf-8"}
#: Already compressed formats (woff2) gain nothing from gzip.
_COMPRESSED_TYPES = (".js", ".css", ".txt")


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    mimetype: str
    etag: str


@dataclass(frozen=True)
class ClientAssets:
    """Every file of the client, read once: by name (``core/transport.js``)."""

    version: str
    files: dict[str, Asset]

    @classmethod
    def read(cls, directory: Path) -> ClientAssets:
        digest = hashlib.sha256()
        files: dict[str, Asset] = {}
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            name = path.relative_to(directory).as_posix()
            if path.suffix not in _TYPES or "__pycache__" in name:
                continue
            body = path.read_bytes()
            digest.update(name.encode() + b"\0" + body + b"\0")
            # mtime 0: the same bytes on every process, so workers agree on each ETag.
            gzipped = gzip.compress(body, 9, mtime=0) if path.suffix in _COMPRESSED_TYPES \
                else None
            etag = hashlib.sha256(body).hexdigest()[:20]
            files[name] = Asset(body, gzipped, _TYPES[path.suffix], etag)
        return cls(digest.hexdigest()[:16], files)


_assets: ClientAssets | None = None
_reading = threading.Lock()


def client_assets() -> ClientAssets:
    """The client as this process serves it (read on first use)."""
    global _assets
    with _reading:
        if _assets is None:
            _assets = ClientAssets.read(STATIC_DIR)
        return _assets


@bp.app_template_global()
def client_url(filename: str) -> str:
    """The versioned address of one client file, under the app's base path."""
    return url_for("mesop.client_file", version=client_assets().version, filename=filename)


@bp.get(CLIENT_PATH + "/<version>/<path:filename>")
def client_file(version: str, filename: str) -> Response:
    assets = client_assets()
    asset = assets.files.get(filename)
    if asset is None:
        return Response(f"no client file {filename[:200]!r}\n", status=404,
                        mimetype="text/plain")
    compressed = asset.gzipped is not None and request.accept_encodings["gzip"] > 0
    response = Response(asset.gzipped if compressed else asset.body, mimetype=asset.mimetype)
    if compressed:
        response.headers["Content-Encoding"] = "gzip"
    # Caches keep the gzip and the plain body apart.
    response.vary.add("Accept-Encoding")
    response.set_etag(asset.etag + ("-gz" if compressed else ""))
    response.headers["Cache-Control"] = IMMUTABLE if version == assets.version else "no-cache"
    return response.make_conditional(request)
