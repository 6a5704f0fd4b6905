"""The cold build against the floor, measured as alternating pairs and compared by medians.

One cold build and one floor say little on a shared machine: the first cold build
of a run meets cold OS caches, and the machine's speed drifts within a run by
more than the gap being measured (in one run of 100 handouts, three identical
cold builds took 270, 247 and 230 CPU s).  ``bench.py --repeat K`` therefore
makes K cold builds (each from an empty render cache into an empty folder, in a
fresh process) and K floors, one after the other in turn, and states the median
cold build over the median floor.  Every run's figures are kept in the JSON and
shown in the Markdown table beside the medians.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

Measure = Any  # bench.Measure; not imported, bench imports this module


def alternate(first_cold: Measure, first_floor: Measure, repeat: int,
              cold: Callable[[int], Measure], floor: Callable[[int], Measure],
              say: Callable[[str], None]) -> tuple[list[Measure], list[Measure]]:
    """The first pair as measured, then ``repeat - 1`` more: a cold build, then a floor.

    ``cold(i)`` and ``floor(i)`` measure the ``i``-th (from 2) of each.
    """
    colds, floors = [first_cold], [first_floor]
    for index in range(2, repeat + 1):
        say(f"cold build {index} of {repeat} (empty cache), for the comparison with the floor")
        colds.append(cold(index))
        say(f"floor {index} of {repeat}")
        floors.append(floor(index))
    return colds, floors


def summarise(colds: list[Measure], floors: list[Measure]) -> dict:
    """Every pair's figures, the medians and the ratio of the medians (wall and CPU)."""
    def runs(measures: list[Measure], count: str) -> list[dict]:
        return [{k: v for k, v in asdict(m).items() if k != "extra"}
                | {count: m.extra.get(count)} for m in measures]

    median = {
        "cold_wall": statistics.median(m.wall for m in colds),
        "cold_cpu": statistics.median(m.cpu for m in colds),
        "floor_wall": statistics.median(m.wall for m in floors),
        "floor_cpu": statistics.median(m.cpu for m in floors),
    }
    return {"repeat": len(colds), "cold": runs(colds, "built"), "floor": runs(floors, "pages"),
            "median": median,
            "ratio": _ratio(median["cold_wall"], median["floor_wall"]),
            "cpu_ratio": _ratio(median["cold_cpu"], median["floor_cpu"])}


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


def markdown(pairs: dict) -> list[str]:
    """The pairs as a table: each run, then the medians and their ratio."""
    lines = ["", (f"Cold build against the floor, {pairs['repeat']} pairs measured in turn "
             "(cold, floor, cold, floor, ...; each cold build from an empty cache):"), "",
             ("| pair | cold wall s | cold CPU s | floor wall s (/ CPUs) | floor CPU s "
             "| cold / floor (wall) | cold / floor (CPU) |"),
             "|---|---:|---:|---:|---:|---:|---:|"]
    for index, (c, f) in enumerate(zip(pairs["cold"], pairs["floor"], strict=True), 1):
        failed = f" ({c['failures']} failed)" if c["failures"] else ""
        lines.append(f"| {index}{failed} | {c['wall']:.2f} | {c['cpu']:.1f} | {f['wall']:.2f} | "
                     f"{f['cpu']:.1f} | {_ratio(c['wall'], f['wall']):.3f} | "
                     f"{_ratio(c['cpu'], f['cpu']):.3f} |")
    m = pairs["median"]
    lines.append(f"| **median** | {m['cold_wall']:.2f} | {m['cold_cpu']:.1f} | "
                 f"{m['floor_wall']:.2f} | {m['floor_cpu']:.1f} | **{pairs['ratio']:.3f}** | "
                 f"{pairs['cpu_ratio']:.3f} |")
    return lines
