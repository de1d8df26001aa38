"""`python -m bench.profile`: where the server's time goes in one cell of `make bench`.

Runs events in-process, as the table's server time does, with pyinstrument sampling only
the server's part of each event (the client's work between events is not recorded), and
prints two markdown tables ready to paste into a note: the top functions by own time
(time in the function itself, not in what it calls) and by total time, both per event.

    python -m bench.profile --backend memory --size 1MB --change int --events 200
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench import ROOT

APP = ROOT / "bench" / "big_state_app.py"
SIZES = ("1KB", "10KB", "100KB", "1MB")
CHANGES = {"int": "Increment", "append": "Append"}
WARMUP = 5
HARNESS = str(ROOT / "bench")
#: Seconds between samples: fine enough for events of a few hundred µs.
SAMPLE_INTERVAL = 0.0001


def _where(frame: Any) -> str:
    path = frame.file_path_short or frame.file_path or "?"
    return f"`{frame.function}` ({path}:{frame.line_no})"


def per_function(root: Any) -> tuple[dict[str, float], dict[str, float]]:
    """Own and total seconds per function over the whole tree. A function on the stack
    twice (recursion) has its total counted once, at its outermost call."""
    own: dict[str, float] = defaultdict(float)
    total: dict[str, float] = defaultdict(float)
    stack: list[tuple[Any, frozenset[str]]] = [(root, frozenset())]
    while stack:
        frame, above = stack.pop()
        if frame.is_synthetic:
            continue
        name = _where(frame)
        # The harness's frames (this package's tab and timer) hold the server's; they are
        # no part of the answer.
        if not (frame.file_path or "").startswith(HARNESS):
            own[name] += frame.total_self_time
            if name not in above:
                total[name] += frame.time
        stack.extend((child, above | {name}) for child in frame.children)
    return own, total


def table(title: str, seconds: dict[str, float], events: int, event_seconds: float,
          top: int) -> str:
    lines = [f"| {title} | µs per event | share of an event |", "| --- | ---: | ---: |"]
    for name, spent in sorted(seconds.items(), key=lambda item: -item[1])[:top]:
        lines.append(f"| {name} | {spent / events * 1e6:,.0f} | "
                     f"{spent / events / event_seconds:.0%} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", default="memory",
                        choices=("none", "memory", "file", "redis", "sql-sqlite",
                                 "sql-postgresql"))
    parser.add_argument("--size", default="1MB", choices=SIZES)
    parser.add_argument("--change", default="int", choices=tuple(CHANGES))
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--top", type=int, default=5)
    args = parser.parse_args(argv)
    if args.events < 1:
        parser.error("--events must be at least 1")

    from pyinstrument import Profiler

    from bench.__main__ import backends, drop_bench_table, unavailable
    from bench.inprocess import InProcessTab, served_in_process

    with tempfile.TemporaryDirectory() as tmp:
        env = backends(Path(tmp))[args.backend]
        reason = unavailable(env)
        if reason:
            print(f"{args.backend} cannot be profiled here: {reason}", file=sys.stderr)
            return 1
        label = CHANGES[args.change]
        profiler = Profiler(interval=SAMPLE_INTERVAL, async_mode="disabled")
        with served_in_process(APP, env) as app:
            tab = InProcessTab(app, f"/{args.size}", travels=args.backend == "none")
            tab.open()
            for _ in range(WARMUP):
                tab.click(label)
            tab.profiler = profiler  # samples only the server's part of each event
            times = [tab.click(label) for _ in range(args.events)]
        if args.backend == "sql-postgresql":
            drop_bench_table()

    session = profiler.last_session
    root = session.root_frame() if session else None
    if root is None:
        print("no samples were taken", file=sys.stderr)
        return 1
    own, total = per_function(root)
    event_seconds = root.time / args.events
    print(f"{args.backend}, {args.size}, {args.change} change: {args.events} events, server "
          f"time median {statistics.median(times) * 1e6:,.0f} µs (while profiled), "
          f"{event_seconds * 1e6:,.0f} µs sampled per event\n")
    print(table(f"top {args.top} by own time", own, args.events, event_seconds, args.top))
    print()
    print(table(f"top {args.top} by total time", total, args.events, event_seconds, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
