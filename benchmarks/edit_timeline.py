"""The critical path of an edit: one changed manuscript rebuilt, step by step, in CPU seconds.

    python benchmarks/edit_timeline.py WORK            # WORK: a bench.py --work folder
    python benchmarks/edit_timeline.py WORK --runs 3 --events

After ``bench.py --work WORK`` (``--stub-cold`` for a large N), the cache and
output folder of WORK hold every handout built with the code snapshot in
``WORK/code``.  Each run appends a sentence to the first manuscript and
builds again in a fresh process with that snapshot, as the benchmark's edit
does, with the steps of the building process and of its PDF worker logged
(wall time since start, CPU time of that process).  The summary line gives,
in CPU seconds of each process:

- ``to fork``: the building process until the PDF worker is forked (start-up,
  imports, the remembered plans checked);
- ``prepared``: from the fork until the edited manuscript's PDFs are sent
  (planned, read, prepared, its print HTML made);
- ``warm``: the worker loading WeasyPrint, its stylesheets and a first page,
  then setting what it loaded aside for the garbage collector;
- ``render``: the worker laying out and writing the PDF;
- ``tail``: the building process from the PDF's return to its end;
- ``path``: to fork + the longer of prepared and warm + render + tail, the
  length of the edit on an idle machine with two CPUs (pandoc's own CPU, the
  building process's pandoc waits, left out).

The traced build ends as the command line does (``pipeline/quickexit.py``).
On a loaded machine the wall times stretch (the CPU times less so); compare
versions by ``path``, or, as root, run the edits at a real-time priority,
ahead of every other process (``chrt -f 10 python benchmarks/edit_timeline.py
WORK --runs 5``): their wall times are then the nearest to an idle machine's.
The floor is measured the same way with ``chrt -f 10 python benchmarks/bench.py
floor-once WORK/manuscripts --report F --only handout-000.md`` (with
``PYTHONPATH=WORK/code``).  Use a fresh WORK for each version of the code: a
snapshot made from other code has other cache keys, and its edit would
rebuild every handout.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (module, attribute) of each step logged; the first are the building process's
STEPS = [("pipeline.build", "build"), ("pipeline.plan", "Planner.prefetch"),
         ("pipeline.ahead", "pdf_worker_ahead"), ("pipeline.ahead", "begin_ahead"),
         ("pipeline.single", "PdfWorker.begin"), ("pipeline.build", "_plan_all"),
         ("pipeline.single", "SingleRunner._prepare_and_render"),
         ("pipeline.readability", "assess"), ("pipeline.build", "_write_manifest"),
         ("pipeline.single", "warm_pdf"), ("pipeline.formats.pdf", "warm_up"),
         ("pipeline.single", "render_remote"), ("pipeline.formats.pdf", "fitted_layout")]


def traced(argv: list[str]) -> int:
    """``edit_timeline.py traced ARGS``: ``build_once.py ARGS`` with each step logged."""
    from pipeline import quickexit

    quickexit.install()  # before the steps' modules register theirs, as the command line does
    started = float(os.environ["TIMELINE_T0"])

    def log(text: str) -> None:
        sys.stderr.write(f"{time.time() - started:8.3f} {time.process_time():6.2f} "
                         f"[{os.getpid()}] {text}\n")

    for module, name in STEPS:
        owner: object = importlib.import_module(module)
        *path, last = name.split(".")
        for part in path:
            owner = getattr(owner, part)
        function = getattr(owner, last)

        def step(*args, _function=function, _name=name, **kwargs):
            log(f"> {_name}")
            try:
                return _function(*args, **kwargs)
            finally:
                log(f"< {_name}")

        setattr(owner, last, functools.wraps(function)(step))
    from pipeline.jobs import settle_collector

    settle_collector()  # as the command line does once its modules are loaded
    sys.path.insert(0, str(HERE))
    from build_once import main

    return main(argv)


LINE = re.compile(r"\s*([\d.]+)\s+([\d.]+) \[(\d+)\] ([<>]) (\S+)")


def summary(events: list[tuple[float, float, int, str, str]]) -> dict[str, float]:
    """CPU seconds of each part of the critical path (see the module's text)."""
    pids = list(dict.fromkeys(e[2] for e in events))
    parent, worker = pids[0], pids[1]

    def cpu(pid: int, mark: str, name: str) -> float:
        return next(e[1] for e in events if e[2] == pid and e[3] == mark and e[4] == name)

    fork = cpu(parent, "<", "pdf_worker_ahead")
    sent = cpu(parent, "<", "PdfWorker.begin")
    back = cpu(parent, "<", "SingleRunner._prepare_and_render")
    parts = {"to fork": fork, "prepared": sent - fork, "warm": cpu(worker, "<", "warm_pdf"),
             "render": cpu(worker, "<", "render_remote") - cpu(worker, ">", "render_remote"),
             "tail": [e for e in events if e[2] == parent][-1][1] - back}
    parts["path"] = parts["to fork"] + max(parts["prepared"], parts["warm"]) \
        + parts["render"] + parts["tail"]
    return parts


def one_edit(work: Path, show: bool) -> dict[str, float]:
    """Edit the first manuscript of ``work`` once more, rebuild it traced; the summary."""
    edited = min((work / "manuscripts").glob("*.md"))
    text = edited.read_text(encoding="utf-8").rstrip("\n")
    edited.write_text(f"{text} Another sentence ({time.time_ns()}).\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(work / "code"), "SOURCE_DATE_EPOCH": "1760000000",
           "HANDOUT_CACHE_DIR": str(work / "cache"), "TIMELINE_T0": repr(time.time()),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "traced", "--out", str(work / "dist"), "--report",
         str(work / "timeline.json"), "--jobs", "2", "--format", "pdf", "--format", "epub",
         str(work / "manuscripts")], cwd=work, env=env, capture_output=True, text=True,
        check=True)
    wall = time.perf_counter() - started
    events = [(float(m[1]), float(m[2]), int(m[3]), m[4], m[5])
              for m in map(LINE.match, done.stderr.splitlines()) if m]
    if show:
        print(done.stderr, end="")
    return {**summary(events), "wall": wall}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["traced"]:
        from pipeline import quickexit

        quickexit.run(lambda: traced(argv[1:]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path, help="a bench.py --work folder")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--events", action="store_true", help="also every step logged")
    args = parser.parse_args(argv)
    for _ in range(args.runs):
        parts = one_edit(args.work.resolve(), args.events)
        print(" | ".join(f"{name} {value:.2f}" for name, value in parts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
