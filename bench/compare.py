"""`python -m bench.compare OLD.json NEW.json`: NEW / OLD for every cell both measured.

Files written by older versions of `make bench` lack some keys (verdicts, the ratio of
processes, worker CPU); whatever one file lacks is shown as "-", never an error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

METRICS = ("server_us", "rtt_p50_ms", "rtt_p99_ms", "upload_bytes", "download_bytes")
THROUGHPUT = ("1x8", "2x8", "ratio")


def ratio(before: Any, after: Any, width: int) -> str:
    if isinstance(before, (int, float)) and isinstance(after, (int, float)) and before:
        return f"{after / before:>{width - 1}.2f}x"
    return f"{'-':>{width}}"


def load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise SystemExit(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise SystemExit(f"{path} is not a results file of `make bench` (no rows)")
    return data


def cells(data: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(r["backend"], r["size"], r["change"]): r for r in data["rows"]}


def met(data: dict[str, Any]) -> dict[str, bool | None]:
    return {v["target"]: v.get("met") for v in data.get("verdicts", [])}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m bench.compare OLD.json NEW.json", file=sys.stderr)
        return 2
    old, new = (load(Path(arg)) for arg in argv)
    old_cells, new_cells = cells(old), cells(new)
    print(f"{'backend':<16}{'size':>7}{'change':>8}" + "".join(f"{m:>16}" for m in METRICS))
    for key in sorted(old_cells.keys() & new_cells.keys()):
        print(f"{key[0]:<16}{key[1]:>7}{key[2]:>8}" + "".join(
            ratio(old_cells[key].get(m), new_cells[key].get(m), 16) for m in METRICS))

    old_load, new_load = old.get("events_per_second", {}), new.get("events_per_second", {})
    stores = sorted(old_load.keys() & new_load.keys())
    if stores:
        print(f"\nevents/s{'':<8}" + "".join(f"{m:>10}" for m in THROUGHPUT))
        for store in stores:
            print(f"{store:<16}" + "".join(
                ratio(old_load[store].get(m), new_load[store].get(m), 10) for m in THROUGHPUT))

    startup = ratio(old.get("startup_s"), new.get("startup_s"), 8)
    memory = ratio(old.get("memory_kb_per_10kb_session"),
                   new.get("memory_kb_per_10kb_session"), 8)
    print(f"\nstartup {startup}   memory per session {memory}")

    before, after = met(old), met(new)
    changed = [(target, before.get(target), outcome) for target, outcome in after.items()
               if before.get(target) != outcome]
    if after:
        print(f"\ntargets met: {sum(1 for v in after.values() if v)} of {len(after)} "
              f"(old: {sum(1 for v in before.values() if v)} of {len(before)})")
    for target, was, now in changed if before else []:
        print(f"  {target}: {'-' if was is None else was} -> {now}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
