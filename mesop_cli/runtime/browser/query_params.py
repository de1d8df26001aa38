"""``me.query_params``: the query string of the tab's URL, read and changed like a dict.

``me.query_params["q"]`` is the first value of ``q`` (as URLSearchParams.get), and
``me.query_params.get_all("q")`` all of them. Setting a key (to a string or a list of
strings) or deleting one changes the URL once the handler's next render reaches the
browser, without a reload or a new history entry. It reads the URL of the tab whose event
or render is running: see :mod:`mesop_cli.runtime.browser.query_state`.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping, Sequence

from mesop_cli.runtime.browser.query_state import QueryState, as_values
from mesop_cli.runtime.scope import current_scope

_NAME = "me.query_params"


def _current() -> QueryState:
    return current_scope(_NAME).browser.query


class QueryParams(MutableMapping[str, str]):
    """The current tab's query; one object serves every tab, since it reads the scope of
    the event or render that is running."""

    def __getitem__(self, key: str) -> str:
        return _current().values[key][0]

    def get_all(self, key: str) -> Sequence[str]:
        """Every value of ``key``, in URL order; an empty tuple when it is absent."""
        return tuple(_current().values.get(key, ()))

    def __setitem__(self, key: str, value: str | Sequence[str]) -> None:
        if not isinstance(key, str):
            raise TypeError(f"{_NAME} keys are strings, got {type(key).__name__}")
        _current().set(key, as_values(value, f"{_NAME}[{key!r}] = ..."))

    def __delitem__(self, key: str) -> None:
        query = _current()
        if key not in query.values:
            raise KeyError(key)
        query.set(key, [])

    def __iter__(self) -> Iterator[str]:
        return iter(list(_current().values))

    def __len__(self) -> int:
        return len(_current().values)

    def __contains__(self, key: object) -> bool:
        return key in _current().values

    def __str__(self) -> str:
        # As Mesop prints it: every key with the list of its values.
        return str(_current().values)

    def __repr__(self) -> str:
        try:
            return f"<me.query_params {_current().values}>"
        except RuntimeError:  # outside a render or handler (a debugger, say)
            return "<me.query_params>"


query_params = QueryParams()


def copy_of(params: object) -> dict[str, list[str]]:
    """``me.navigate``'s ``query_params``: a dict of strings or lists of strings, or
    ``me.query_params`` itself (all values of every key)."""
    if isinstance(params, QueryParams):
        return {key: list(params.get_all(key)) for key in params}
    if not isinstance(params, dict):
        raise TypeError("me.navigate() takes query_params= as a dict or me.query_params, got "
                        f"{type(params).__name__}")
    copied: dict[str, list[str]] = {}
    for key, value in params.items():
        if not isinstance(key, str):
            raise TypeError(f"me.navigate() query_params keys are strings, got "
                            f"{type(key).__name__}")
        copied[key] = as_values(value, f"me.navigate() query_params[{key!r}]")
    return copied
