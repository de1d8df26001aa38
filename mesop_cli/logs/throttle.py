"""A warning that a client can trigger at will (a refused Host header) must not let it fill
the log: each distinct subject is told at most once a minute, with how many were held back."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

#: Subjects remembered at once; the oldest is forgotten first (an attacker sending ever new
#: names costs a bounded amount of memory, and at worst one line per new name).
MAX_SUBJECTS = 256


class Throttle:
    """Says whether a warning about ``subject`` should be logged now, and how many times
    it was held back since the last one."""

    def __init__(self, interval: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        # subject -> (when it was last logged, how many were held back since)
        self._seen: OrderedDict[str, tuple[float, int]] = OrderedDict()

    def allow(self, subject: str) -> tuple[bool, int]:
        """(log it now?, how many were held back before this one)."""
        now = self._clock()
        with self._lock:
            seen = self._seen.get(subject)
            if seen is not None and now - seen[0] < self.interval:
                self._seen[subject] = (seen[0], seen[1] + 1)
                return False, 0
            self._seen[subject] = (now, 0)
            self._seen.move_to_end(subject)
            while len(self._seen) > MAX_SUBJECTS:
                self._seen.popitem(last=False)
            return True, seen[1] if seen is not None else 0
