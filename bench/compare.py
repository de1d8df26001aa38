"""`python -m bench.compare OLD.json NEW.json`: NEW / OLD for every cell both measured."""

from __future__ import annotations

import json
import sys
from pathlib import Path

METRICS = ("server_us", "rtt_p50_ms", "rtt_p99_ms", "upload_bytes", "download_bytes")


def cells(path: Path) -> dict[tuple[str, str, str], dict[str, float]]:
    data = json.loads(path.read_text())
    return {(r["backend"], r["size"], r["change"]): r for r in data["rows"]}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m bench.compare OLD.json NEW.json", file=sys.stderr)
        return 2
    old, new = (cells(Path(arg)) for arg in argv)
    print(f"{'backend':<16}{'size':>7}{'change':>8}" + "".join(f"{m:>16}" for m in METRICS))
    for key in sorted(old.keys() & new.keys()):
        ratios = []
        for metric in METRICS:
            before, after = old[key].get(metric), new[key].get(metric)
            ratios.append(f"{after / before:>15.2f}x" if before and after is not None
                          else f"{'-':>16}")
        print(f"{key[0]:<16}{key[1]:>7}{key[2]:>8}" + "".join(ratios))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
