"""Mesop's settings that mesop-cli does not read, each with what to use instead.

Mesop 1.3.7 reads these variables too; the others it reads (MESOP_BASE_URL_PATH,
MESOP_STATIC_FOLDER, the session backend's...) are settings here, declared in
``options.py`` with Mesop's meaning. A variable below is named as Mesop's when found, so
a user moving an app over learns what replaces it rather than reading "unknown".
"""

from __future__ import annotations

#: Mesop's variable -> what mesop-cli does instead (completes "...; ").
UNSUPPORTED: dict[str, str] = {
    "MESOP_COOKIE_SECRET_KEY": (
        "mesop-cli derives the keys of signed and encrypted cookies from MESOP_SECRET_KEY "
        "(rotated with MESOP_SECRET_KEY_PREVIOUS); set that"),
    "MESOP_WEBSOCKETS_PROBE_ON_DISCONNECT": (
        "there is no WebSocket to probe: each event is an HTTP request, and a tab whose "
        "stream broke sends its event again"),
    "MESOP_STATE_SESSION_BACKEND_FIRESTORE_COLLECTION": (
        "the firestore backend is Mesop's only; for state shared by several instances set "
        "MESOP_STATE_SESSION_BACKEND=redis or sql"),
}
