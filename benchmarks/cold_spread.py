"""Why identical cold builds differ: one cold build repeated, with every process's CPU and the
machine's.

    python benchmarks/cold_spread.py --n 30 --runs 3
    python benchmarks/cold_spread.py --n 30 --runs 3 --results benchmarks/results

The corpus and the code snapshot are made once (``bench.py``'s); then each run
builds it from an empty render cache into an empty folder in a fresh process
(``build_once.py``), as the benchmark's cold build does.  For each run:

- wall seconds, and the CPU seconds of the build with every process counted
  (``wait4``: the building process and all it started), by role from a
  sampler of the process tree (twice a second): the building process, its
  pool workers, the pandoc processes;
- minor and major page faults and involuntary context switches (``wait4``):
  a run that waited for the disk, or was preempted more, shows it here;
- the machine over the same wall time (``/proc/stat``): the CPU seconds busy
  with other work than this build, and those the hypervisor stole.

The same code on the same files does the same work each time; what varies
is what the machine lends it.  A run's CPU seconds against the other work
and the steal of its time tell whether its spread is the machine's: two
processes on the two hyperthreads of one core, or a neighbour's guest, slow
each instruction, which CPU time counts as the build's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench import environment, snapshot
from bench_dask import Tree
from corpus import make_corpus

TICK = os.sysconf("SC_CLK_TCK")


def machine() -> tuple[float, float]:
    """(busy CPU seconds, stolen CPU seconds) of the whole machine since it started."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq) / TICK, steal / TICK


def cold_build(work: Path, run: int) -> dict:
    """One cold build of the corpus in a fresh process; its figures and the machine's."""
    cache, out = work / f"cache-{run}", work / f"dist-{run}"
    for folder in (cache, out):
        shutil.rmtree(folder, ignore_errors=True)
    report = work / "report.json"
    cmd = [sys.executable, str(HERE / "build_once.py"), "--out", str(out),
           "--report", str(report), str(work / "manuscripts")]
    busy0, steal0 = machine()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=work, env=environment({"HANDOUT_CACHE_DIR": str(cache)}),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tree = Tree({proc.pid: "build"})
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    tree.stop()
    busy1, steal1 = machine()
    cpu = usage.ru_utime + usage.ru_stime
    built = json.loads(report.read_text())
    return {
        "run": run, "wall": wall, "cpu": cpu, "exit": os.waitstatus_to_exitcode(status),
        "by_role": {role: round(v, 2) for role, v in sorted(tree.by_role().items())},
        "minor_faults": usage.ru_minflt, "major_faults": usage.ru_majflt,
        "involuntary_switches": usage.ru_nivcsw,
        "others_cpu": max(0.0, busy1 - busy0 - cpu), "stolen": steal1 - steal0,
        "built": built["built"], "load": os.getloadavg()[0],
    }


def table(runs: list[dict]) -> str:
    """The runs as a Markdown table."""
    lines = [("| run | wall s | CPU s | parent | workers | pandoc | minor faults "
              "| major faults | preempted | others' CPU s | stolen s | load (1 min) |"),
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        role = r["by_role"]
        lines.append(
            f"| {r['run']} | {r['wall']:.1f} | {r['cpu']:.1f} | {role.get('build', 0):.1f} "
            f"| {role.get('worker', 0):.1f} "
            f"| {role.get('build pandoc', 0) + role.get('worker pandoc', 0):.1f} "
            f"| {r['minor_faults']} | {r['major_faults']} | {r['involuntary_switches']} "
            f"| {r['others_cpu']:.1f} | {r['stolen']:.1f} | {r['load']:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Build the corpus cold ``--runs`` times; print the table (and keep it with --results)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="manuscripts (default 30)")
    parser.add_argument("--runs", type=int, default=3, help="cold builds (default 3)")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    parser.add_argument("--results", type=Path, help="folder for the JSON and Markdown")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="cold-spread-"))
    work.mkdir(parents=True, exist_ok=True)
    snapshot(work)
    make_corpus(work, args.n)
    runs = []
    for run in range(1, args.runs + 1):
        runs.append(cold_build(work, run))
        print(f"run {run}: {runs[-1]['wall']:.1f} s wall, {runs[-1]['cpu']:.1f} s CPU",
              file=sys.stderr, flush=True)
    text = (f"Cold builds of {args.n} handouts, {os.cpu_count()} CPUs, "
            f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}\n\n{table(runs)}\n")
    print(text)
    if args.results:
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        stem = args.results / f"cold-spread-n{args.n}-{stamp}"
        args.results.mkdir(parents=True, exist_ok=True)
        stem.with_suffix(".json").write_text(json.dumps(runs, indent=1))
        stem.with_suffix(".md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
