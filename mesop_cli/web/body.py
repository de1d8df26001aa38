"""Reading an event's body without ever accepting more than the limit.

Flask's ``get_data`` reads a body without a Content-Length (``Transfer-Encoding:
chunked``) up to ``MAX_CONTENT_LENGTH`` and stops there quietly, so a 24 MB body was cut
at 16 MB and the cut processed. Here the body is read in pieces and refused as soon as it
passes the limit, so nothing over it is ever processed and no more than the limit (plus
one piece) is ever held.
"""

from __future__ import annotations

from typing import IO

from flask import Request
from werkzeug.exceptions import RequestEntityTooLarge

#: Bytes read at a time: large enough to be cheap per call, small against the limit.
PIECE_BYTES = 64 * 1024


def read_body(request: Request, limit: int) -> bytes:
    """The whole body; :class:`RequestEntityTooLarge` once it passes ``limit`` bytes."""
    length = request.content_length
    if length is not None and length > limit:
        raise RequestEntityTooLarge()
    stream = body_stream(request)
    pieces: list[bytes] = []
    size = 0
    while True:
        # Ask for one byte past the limit at most: getting it proves the body too large.
        piece = stream.read(min(PIECE_BYTES, limit + 1 - size))
        if not piece:
            return b"".join(pieces)
        size += len(piece)
        if size > limit:
            raise RequestEntityTooLarge()
        pieces.append(piece)


def body_stream(request: Request) -> IO[bytes]:
    """The body as the server delimits it.

    A stream the server ends itself (``wsgi.input_terminated``: chunked bodies, and every
    body under gunicorn) is read as it is: werkzeug's ``request.stream`` would stop it at
    ``MAX_CONTENT_LENGTH`` and refuse any read past that, even at the body's end, so a
    body of exactly the limit would be refused. Otherwise only ``request.stream`` knows
    where the body ends (the dev server's Content-Length bodies).
    """
    if request.environ.get("wsgi.input_terminated"):
        stream: IO[bytes] = request.environ["wsgi.input"]
        return stream
    return request.stream
