"""The query string of the tab's URL during one event: what ``me.query_params`` reads and
changes.

Nothing of it is kept between events. The browser sends its URL's query with every request
(unsigned, validated by the web layer: plain data, like text typed into a field), the
handler may change it, and each render carries the new query when it differs from what the
URL shows, for the client to put in the URL. A later event therefore sees the query as the
URL shows it, as in Mesop, and a reload keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

#: Most [key, value] pairs a query may hold, from the browser or set by the app.
MAX_QUERY_PAIRS = 256
#: Most characters of keys and values together (decoded), from the browser or set by the
#: app. An app that sets more is told at once, rather than every later event being refused.
MAX_QUERY_CHARS = 8192

Pairs = tuple[tuple[str, str], ...]


class QueryTooLarge(ValueError):
    """A query beyond :data:`MAX_QUERY_PAIRS` or :data:`MAX_QUERY_CHARS`."""


def check_size(pairs: Sequence[tuple[str, str]]) -> None:
    """Raise QueryTooLarge for a query the browser could not send back."""
    if len(pairs) > MAX_QUERY_PAIRS:
        raise QueryTooLarge(f"a query holds at most {MAX_QUERY_PAIRS} values, "
                            f"this one {len(pairs)}")
    chars = sum(len(key) + len(value) for key, value in pairs)
    if chars > MAX_QUERY_CHARS:
        raise QueryTooLarge(f"a query holds at most {MAX_QUERY_CHARS} characters of keys "
                            f"and values, this one {chars}")


def as_values(value: object, caller: str) -> list[str]:
    """A value set by the app, as the list of strings the URL will carry."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    raise TypeError(f"{caller} takes a string or a list of strings, got "
                    f"{type(value).__name__}")


class QueryState:
    """Keys in order of first appearance, each with all its values (``?a=1&b=2&a=3`` is
    ``{"a": ["1", "3"], "b": ["2"]}``, as Mesop groups them)."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self.values: dict[str, list[str]] = {}
        for key, value in pairs:
            self.values.setdefault(key, []).append(value)
        #: What the URL shows; None when unknown (after a navigation, the new URL shows
        #: what the next render says, even if that is nothing).
        self._shown: Pairs | None = self.pairs()

    def pairs(self) -> Pairs:
        return tuple((key, value) for key, values in self.values.items() for value in values)

    def set(self, key: str, values: list[str]) -> None:
        """Give ``key`` these values (none: remove it); a key already there keeps its place."""
        if not values:
            self.values.pop(key, None)
            return
        before = self.values.get(key)
        self.values[key] = values
        try:
            check_size(self.pairs())
        except QueryTooLarge:
            if before is None:
                del self.values[key]
            else:
                self.values[key] = before
            raise

    def replace(self, values: Mapping[str, list[str]]) -> None:
        """The query of a page navigated to: nothing of the old one is kept."""
        self.values = {key: list(vals) for key, vals in values.items() if vals}
        check_size(self.pairs())
        self._shown = None

    def take_update(self) -> list[list[str]] | None:
        """The query as [key, value] pairs if the URL does not show it yet, else None;
        from then on the URL is taken to show it."""
        current = self.pairs()
        if current == self._shown:
            return None
        self._shown = current
        return [[key, value] for key, value in current]
