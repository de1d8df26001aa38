"""The cookies of one event: those the browser sent, and those the app sets for the reply.

The web layer fills a jar from the request and, once the event has produced its first
render, seals it and writes what it holds as ``Set-Cookie`` headers of that same response.
The headers leave before the rest of the stream, so a cookie set later (after a generator
handler's first ``yield``) has nowhere to go: setting one then is an error, said at the
call, rather than a cookie silently lost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from mesop_cli.runtime.browser.cookie_rules import OutgoingCookie
from mesop_cli.runtime.exceptions import MesopDeveloperException


@dataclass(frozen=True)
class CookieSecrets:
    """The launcher's secret (and the previous one, during a rotation): cookie keys are
    derived from them, never the secrets used as they are."""

    current: str
    previous: tuple[str, ...] = ()


@dataclass
class CookieJar:
    """One event's cookies. ``received`` is what the browser sent (hostile text);
    ``https`` whether the browser reached us over https (the default of ``secure``)."""

    received: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    https: bool = False
    #: None outside a served event (a render by --check-config, a unit test): nothing can
    #: be signed or encrypted then.
    secrets: CookieSecrets | None = None
    _outgoing: dict[str, OutgoingCookie] = field(default_factory=dict, repr=False)
    _sealed: bool = field(default=False, repr=False)

    def add(self, caller: str, cookie: OutgoingCookie) -> None:
        if self._sealed:
            raise MesopDeveloperException(
                f"{caller}: cookie {cookie.name!r} was set after the response started (after "
                "the handler's first `yield`); cookies go out in the response's headers, so set "
                "them before the first `yield`")
        # The last word on a (name, path, domain) wins, as it would in the browser.
        self._outgoing[f"{cookie.name};{cookie.path};{cookie.domain}"] = cookie

    def discard(self) -> None:
        """The event failed: what it set is not sent (as in Mesop)."""
        self._outgoing.clear()

    def seal(self) -> Sequence[OutgoingCookie]:
        """The cookies to send; any set from now on is refused."""
        self._sealed = True
        sent = tuple(self._outgoing.values())
        self._outgoing.clear()
        return sent

    def pending(self) -> Sequence[OutgoingCookie]:
        return tuple(self._outgoing.values())
