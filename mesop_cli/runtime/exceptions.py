"""Mesop's exception classes and ``Key``, so apps raising or catching them run unchanged.

An app raises ``me.MesopUserException("...")`` to show a user a message; like any
exception from a handler it reaches the page's status line. The prefixes of ``str()``
are Mesop's.
"""

from __future__ import annotations

from dataclasses import dataclass


class MesopException(Exception):
    """Base of Mesop's exceptions."""


class MesopUserException(MesopException):
    """A problem the user of the app caused (bad input), said to them as such."""

    def __str__(self) -> str:
        return f"**User Error:** {super().__str__()}"


class MesopInternalException(MesopException):
    """A problem inside the framework itself."""

    def __str__(self) -> str:
        return f"**Mesop Internal Error:** {super().__str__()}"


class MesopDeveloperException(MesopException):
    """A mistake of the app's developer (a component used wrongly)."""

    def __str__(self) -> str:
        return f"**Mesop Developer Error:** {super().__str__()}"


@dataclass(kw_only=True)
class Key:
    """A component key, as Mesop's ``me.Key(key=...)``."""

    key: str
