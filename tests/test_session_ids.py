"""Session ids: unguessable, URL-safe, validated before they reach a store."""

from __future__ import annotations

import pytest

from mesop_cli.sessions.ids import InvalidSessionId, new_session_id, validate_session_id


def test_new_ids_are_43_url_safe_characters_and_unique() -> None:
    ids = {new_session_id() for _ in range(1000)}
    assert len(ids) == 1000
    for session_id in ids:
        assert len(session_id) == 43
        assert validate_session_id(session_id) == session_id


@pytest.mark.parametrize(
    "bad",
    [
        "../../etc/passwd",
        "",
        "a" * 42,
        "a" * 44,
        "a" * 10_000,
        "a" * 42 + "/",
        "a" * 42 + ".",
        "a" * 42 + "\n",
        "a" * 43 + "\n",
        "a" * 42 + "é",
        "a" * 42 + "٣",  # a non-ASCII digit
        "mesop:session:*" + "a" * 28,
        None,
        43,
        b"a" * 43,
        ["a" * 43],
    ],
)
def test_malformed_ids_are_refused(bad: object) -> None:
    with pytest.raises(InvalidSessionId):
        validate_session_id(bad)


def test_invalid_session_id_is_a_value_error() -> None:
    assert issubclass(InvalidSessionId, ValueError)
