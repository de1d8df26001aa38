"""The targets of issue 7, judged against one run's results: one verdict per target, with
the measured value, the limit, and how far off it is when it is not met."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

SERVER_SIDE_STORES = ("file", "redis", "sql-sqlite", "sql-postgresql")
STORE_LIMIT_US = 5_000
MEMORY_LIMIT_US = 1_000
MEMORY_GROWTH_LIMIT = 1.5
UPLOAD_LIMIT_BYTES = 300
APPEND_DOWNLOAD_LIMIT_BYTES = 2_048
SCALING_LIMIT = 1.6


@dataclass
class Verdict:
    target: str
    measured: str
    limit: str
    met: bool | None  # None: not measured here (a store was missing)
    gap: str = ""

    def line(self) -> str:
        if self.met is None:
            return f"  -        {self.target}: not measured ({self.gap})"
        outcome = "met    " if self.met else "NOT met"
        gap = f"  ({self.gap})" if self.gap else ""
        return f"  {outcome}  {self.target}: {self.measured} (target {self.limit}){gap}"


def _show(value: float, unit: str) -> str:
    return f"{value:.2f}x" if unit == "x" else f"{value:,.0f} {unit}"


def _verdict(target: str, value: float, rule: str, limit: float, unit: str) -> Verdict:
    """``value`` judged against ``limit`` by ``rule`` (<=, < or >=)."""
    met = {"<=": value <= limit, "<": value < limit, ">=": value >= limit}[rule]
    gap = ""
    if not met and rule == ">=":
        gap = f"reaches {value / limit:.0%} of the target"
    elif not met and unit == "x":
        gap = f"{value / limit:.1f}x the limit"
    elif not met:
        gap = f"{_show(value - limit, unit)} over, {value / limit:.1f}x the limit"
    return Verdict(target, _show(value, unit), f"{rule} {_show(limit, unit)}", met, gap)


def judge(rows: list[dict[str, Any]], throughput: dict[str, dict[str, Any]],
          skipped: dict[str, str]) -> list[Verdict]:
    cell = {(r["backend"], r["size"], r["change"]): r for r in rows}
    verdicts = []

    small, big = cell.get(("memory", "1KB", "int")), cell.get(("memory", "1MB", "int"))
    if small and big:
        growth = big["server_us"] / small["server_us"]
        verdict = _verdict("memory: server time at 1 MB / at 1 KB (int)", growth, "<=",
                           MEMORY_GROWTH_LIMIT, "x")
        verdict.measured = (f"{growth:.2f}x ({big['server_us']:,.0f} / "
                            f"{small['server_us']:,.0f} µs)")
        verdicts.append(verdict)
        verdicts.append(_verdict("memory: server time at 1 MB (int)", big["server_us"], "<=",
                                 MEMORY_LIMIT_US, "µs"))
    else:
        verdicts.append(Verdict("memory: server time at 1 MB", "", "", None,
                                skipped.get("memory", "no memory rows")))

    for store in SERVER_SIDE_STORES:
        at_1mb = [cell[key] for key in cell if key[0] == store and key[1] == "1MB"]
        if not at_1mb:
            verdicts.append(Verdict(f"{store}: server time at 1 MB", "", "", None,
                                    skipped.get(store, "not measured")))
            continue
        worst = max(at_1mb, key=lambda r: r["server_us"])
        verdict = _verdict(f"{store}: server time at 1 MB, either change", worst["server_us"],
                           "<=", STORE_LIMIT_US, "µs")
        verdict.measured += f" ({worst['change']})"
        verdicts.append(verdict)

    server_side = [r for r in rows if r["backend"] != "none"]
    if server_side:
        worst = max(server_side, key=lambda r: r["upload_bytes"])
        verdict = _verdict("upload per event, server-side backends, every size, worst",
                           worst["upload_bytes"], "<", UPLOAD_LIMIT_BYTES, "B")
        verdict.measured += f" ({worst['backend']} {worst['size']} {worst['change']})"
        verdicts.append(verdict)

    appends = [r for r in rows if r["size"] == "1MB" and r["change"] == "append"]
    if appends:
        worst = max(appends, key=lambda r: r["download_bytes"])
        verdict = _verdict("download when appending to a 1 MB list, every backend, worst",
                           worst["download_bytes"], "<", APPEND_DOWNLOAD_LIMIT_BYTES, "B")
        verdict.measured += f" ({worst['backend']})"
        verdicts.append(verdict)

    for store in ("file", "redis"):
        seen = throughput.get(store)
        if not seen:
            verdicts.append(Verdict(f"{store}: 2 processes / 1 process, events/s", "", "",
                                    None, skipped.get(store, "not measured")))
            continue
        verdict = _verdict(f"{store}: 2 processes / 1 process, events/s", seen["ratio"], ">=",
                           SCALING_LIMIT, "x")
        verdict.measured = (f"{seen['ratio']:.2f}x ({seen['2x8']:,.0f} / {seen['1x8']:,.0f} "
                            "events/s)")
        verdicts.append(verdict)
    return verdicts


def as_json(verdicts: list[Verdict]) -> list[dict[str, Any]]:
    return [asdict(v) for v in verdicts]
