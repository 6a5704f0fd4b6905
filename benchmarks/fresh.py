"""What the fresh-process benchmarks share: run a timing script anew, keep the results."""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def fresh_runs(code: str, args: list[str], runs: int) -> list[dict]:
    """Run ``code`` in ``runs`` new Python processes; each prints one JSON object."""
    return [json.loads(subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, check=True,
                                      capture_output=True, text=True).stdout)
            for _ in range(runs)]


def summary(runs: list[dict], timed: str, target: float, **about: object) -> dict:
    """The median and maximum of one timed figure, its CPU time, the target and the load."""
    times = [r[timed] for r in runs]
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), **about, "runs": runs,
        "median_seconds": round(statistics.median(times), 3),
        "max_seconds": round(max(times), 3), "target_seconds": target,
        "median_cpu_seconds": round(statistics.median(r["cpu"] for r in runs), 3),
        "load_average": os.getloadavg()[0], "cpus": os.cpu_count(),
    }


def median(runs: list[dict], key: str) -> float:
    """The median of one figure over the runs."""
    return statistics.median(r[key] for r in runs)


def load() -> str:
    """The load average and CPU count, as the result lines say them."""
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"


def save(kind: str, title: str, result: dict, line: str) -> int:
    """Print the line, write ``results/KIND-STAMP.json`` and ``.md``; 0 when under target."""
    print(line)
    folder = HERE / "results"
    folder.mkdir(exist_ok=True)
    stamp = result["date"].replace("-", "").replace(":", "")
    (folder / f"{kind}-{stamp}.json").write_text(json.dumps(result, indent=2) + "\n")
    (folder / f"{kind}-{stamp}.md").write_text(f"# {title}\n\n{line}\n")
    return 0 if result["max_seconds"] < result["target_seconds"] else 1
