"""Session ids: unguessable, URL-safe, validated before they reach a store."""

from __future__ import annotations

import pytest

from mesop_cli.state_format.session_ids import (
    ID_LENGTH,
    InvalidSessionId,
    new_session_id,
    validate_session_id,
)


def test_new_ids_are_43_url_safe_characters_and_unique() -> None:
    ids = {new_session_id() for _ in range(1000)}
    assert len(ids) == 1000
    for session_id in ids:
        assert len(session_id) == ID_LENGTH == 43
        assert validate_session_id(session_id) == session_id


@pytest.mark.parametrize(
    "bad",
    [
        "../../etc/passwd",
        "",
        "a" * (ID_LENGTH - 1),
        "a" * (ID_LENGTH + 1),
        "a" * 10_000,
        "a" * (ID_LENGTH - 1) + "/",
        "a" * (ID_LENGTH - 1) + ".",
        "a" * (ID_LENGTH - 1) + "\n",
        "a" * ID_LENGTH + "\n",
        "a" * (ID_LENGTH - 1) + "é",
        "a" * (ID_LENGTH - 1) + "٣",  # a non-ASCII digit
        "mesop:session:*".ljust(ID_LENGTH, "a"),
        None,
        ID_LENGTH,
        b"a" * ID_LENGTH,
        ["a" * ID_LENGTH],
    ],
)
def test_malformed_ids_are_refused(bad: object) -> None:
    with pytest.raises(InvalidSessionId):
        validate_session_id(bad)


def test_invalid_session_id_is_a_value_error() -> None:
    assert issubclass(InvalidSessionId, ValueError)
