"""Time a page of 20 formulas against the same page with the formulas as plain text.

    python benchmarks/bench_math.py              # 5 rounds
    python benchmarks/bench_math.py --rounds 9
    invoke bench-math                            # the same through invoke

Both pages are built to PDF twice a round: in one warm process (as a worker
renders: modules imported and fonts loaded by a first build, every in-process
memo of pandoc, of the math layout and of the drawings read for the PDF
emptied before each build, so each formula is read, laid out and drawn as
one not seen before; what stays is what belongs to the fonts, as a worker
keeps it: the math font's tables and each glyph's outline, written once),
and as ``python -m pipeline build`` in a new process (what one edit costs an
editor at the command line).  The render cache (and with it the formula
store, ``cache/formulas/``) is off throughout.  A last row,
with no target, builds the formula page in the warm process with its
drawings remembered from the build before: what a rebuild after an edit
elsewhere costs the preview's worker.  The plain
page holds each formula's TeX as text (every sign escaped, so Markdown leaves
it alone) where the other has the formula.  Rounds alternate the two pages; the median
CPU time (this process and pandoc's) of each is reported with their ratio
(target: at most 1.5), and the wall time beside it: CPU time is what the
formulas cost, whatever else the machine is doing, on stdout and as
JSON and Markdown in ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

TARGET = 1.5
FORMULAS = [
    r"\mathrm{BSA} = \sqrt{\frac{h \times w}{3600}}",
    r"\mathrm{BMI} = \frac{w}{h^2}",
    r"\mathrm{IBW} = 50 + 0.91\,(h - 152.4)",
    r"\mathrm{AdjBW} = \mathrm{IBW} + 0.4\,(w - \mathrm{IBW})",
    r"\mathrm{CrCl} = \frac{(140 - \text{age}) \times w}{72 \times S_{\mathrm{Cr}}}",
    r"\mathrm{eGFR} = 142 \times \min(S_{\mathrm{Cr}}/\kappa, 1)^{\alpha}",
    r"\mathrm{MAP} = \frac{\mathrm{SBP} + 2\,\mathrm{DBP}}{3}",
    r"\mathrm{QTc} = \frac{\mathrm{QT}}{\sqrt{\mathrm{RR}}}",
    r"\mathrm{AG} = \mathrm{Na}^+ - (\mathrm{Cl}^- + \mathrm{HCO}_3^-)",
    r"\mathrm{Osm} = 2\,\mathrm{Na}^+ + \frac{\mathrm{glucose}}{18} + \frac{\mathrm{BUN}}{2.8}",
    r"\bar{x} = \frac{1}{n}\sum_{i=1}^{n} x_i",
    r"s^2 = \frac{1}{n-1}\sum_{i=1}^{n} (x_i - \bar{x})^2",
    r"\mathcal{N}(\mu, \sigma^2)",
    r"f(x) = \frac{1}{\sigma\sqrt{2\pi}} e^{-\frac{(x-\mu)^2}{2\sigma^2}}",
    r"\mathrm{OR} = \frac{a/b}{c/d}",
    r"\mathrm{NNT} = \frac{1}{\mathrm{ARR}}",
    r"\text{sensitivity} = \frac{TP}{TP + FN}",
    r"C(t) = C_0\, e^{-k_{el} t}",
    r"t_{1/2} = \frac{\ln 2}{k_{el}}",
    r"D = C_{ss} \times \mathrm{CL} \times \tau",
]
FRONT = """---
title: "Twenty formulas"
version: 1.0.0
status: approved
last_updated: 2025-06-01
reviewers: [{name: Panel, role: Reviewer, date: 2025-05-30}]
---

## Formulas

"""


def pages(folder: Path) -> tuple[Path, Path]:
    """The formula page and the plain-text page, written into ``folder``."""

    def page(formula: Callable[[str], str]) -> str:
        return FRONT + "".join(f"Formula {i}: {formula(tex)} as used at the bedside.\n\n"
                               for i, tex in enumerate(FORMULAS, 1))

    for name, text in (("math", page(lambda tex: f"${tex}$")),
                       ("plain", page(lambda tex: re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", tex)))):
        (folder / name).mkdir()
        (folder / name / "page.md").write_text(text, encoding="utf-8")
    return folder / "math" / "page.md", folder / "plain" / "page.md"


def forget(drawings: bool = True) -> None:
    """Empty the in-process memos, so a round reads and lays out every formula again.

    With ``drawings=False`` the formulas' drawings are kept, as a worker keeps
    them from one build of a manuscript to the next (an edit elsewhere).
    """
    from pipeline import math, pandoc
    from pipeline.formats import formula_svg

    math._READ.clear()
    if drawings:
        math.draw.cache_clear()
        formula_svg.read_drawing.cache_clear()
    pandoc._parsed.cache_clear()
    pandoc._run_small.cache_clear()


def cpu_seconds() -> float:
    """CPU time of this process and of the children it waited for (pandoc)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), \
        resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_build(source: Path, out: Path, drawings: bool = True) -> tuple[float, float]:
    """(wall, CPU) seconds of one PDF build of ``source`` (``drawings``: see :func:`forget`)."""
    from pipeline.build import BuildOptions, build

    forget(drawings)
    start, cpu = time.perf_counter(), cpu_seconds()
    report = build([source], BuildOptions(out=out, use_cache=False, jobs=1, formats=("pdf",)))
    elapsed = time.perf_counter() - start, cpu_seconds() - cpu
    if not report.ok:
        raise SystemExit("\n".join(str(p) for p in report.problems) + "\n".join(
            report.internal_errors))
    return elapsed


def fresh_build(source: Path, out: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of ``python -m pipeline build`` of ``source`` in a new process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline", "build", str(source), "--out", str(out),
                    "--format", "pdf", "--no-cache", "--jobs", "1"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=5, help="builds of each page (default 5)")
    parser.add_argument("--results", type=Path, default=HERE / "results",
                        help="folder for the JSON and Markdown results")
    args = parser.parse_args(argv)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1760000000")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        math_page, plain_page = pages(folder)
        timed_build(math_page, folder / "warm")  # imports, fonts, the math font's tables
        times: dict[str, list[tuple[float, float]]] = {
            "math": [], "plain": [], "math-fresh": [], "plain-fresh": [], "math-drawn": []}
        for round_ in range(args.rounds):
            for name, source in (("plain", plain_page), ("math", math_page)):
                times[name].append(timed_build(source, folder / f"out-{name}-{round_}"))
                times[f"{name}-fresh"].append(
                    fresh_build(source, folder / f"fresh-{name}-{round_}"))
            times["math-drawn"].append(
                timed_build(math_page, folder / f"drawn-{round_}", drawings=False))
    wall = {name: statistics.median(w for w, _ in values) for name, values in times.items()}
    cpu = {name: statistics.median(c for _, c in values) for name, values in times.items()}
    ratio = cpu["math"] / cpu["plain"]
    fresh = cpu["math-fresh"] / cpu["plain-fresh"]
    drawn = cpu["math-drawn"] / cpu["plain"]
    result = {"formulas": len(FORMULAS), "rounds": args.rounds,
              "seconds_wall_cpu": times, "median_wall": wall, "median_cpu": cpu,
              "ratio_cpu_warm": ratio, "ratio_cpu_fresh": fresh,
              "ratio_cpu_warm_drawn": drawn, "target": TARGET,
              "load_average": os.getloadavg(), "when": dt.datetime.now(dt.UTC).isoformat()}
    table = "| build of the page | median CPU s | median wall s | ratio (CPU) | target |\n" \
            "|---|---|---|---|---|\n"
    for label, name, value in (
            ("warm worker, formulas as plain text", "plain", 1.0),
            ("warm worker, 20 formulas", "math", ratio),
            ("new process, formulas as plain text", "plain-fresh", 1.0),
            ("new process, 20 formulas", "math-fresh", fresh),
            ("warm worker, 20 formulas drawn by an earlier build", "math-drawn", drawn)):
        target = "" if value == 1.0 else "(no target)" if name == "math-drawn" else f"≤ {TARGET}"
        table += f"| {label} | {cpu[name]:.3f} | {wall[name]:.3f} | {value:.2f} | {target} |\n"
    print(table)
    args.results.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    (args.results / f"math-{stamp}.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.results / f"math-{stamp}.md").write_text(table)
    return 0 if max(ratio, fresh) <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
