"""Where a Dask build's time goes, against the local pool on the same machine.

    python benchmarks/bench_dask.py --n 30                 # local pool, then a warm cluster
    python benchmarks/bench_dask.py --n 30 --scheduler in-process

A cluster as the README says to start one: ``dask scheduler`` as its own
process and ``dask worker --nthreads 1`` per CPU, with the settings of
:data:`WORKER_ENV` (``--dask-defaults``: Dask's own, but the profiler;
``--scheduler in-process`` runs the scheduler inside this process, as
``distributed.LocalCluster`` does).  The cluster is warmed with one build,
then timed with further builds of an empty cache.  Reported for each run:

- wall and CPU seconds, the CPU of every process the build used counted, by
  role: the building process, the scheduler, the nannies, the workers and
  the pandoc each of those started (sampled twice a second);
- the CPU busy fraction (CPU seconds / wall seconds / CPUs);
- for the cluster, from the scheduler's task stream: each worker's time
  rendering, its idle time between one render and the next, and the idle
  time at the end (the first worker done waiting for the last).

The table goes to stdout and, with ``--results``, to a JSON file.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import itertools

from bench import environment, same_files, snapshot
from corpus import make_corpus

# The settings the README gives for a build cluster's scheduler and workers.  Dask's
# defaults wake every server's event loop 50 times a second (tick), read the system's
# counters twice a second and a worker's memory ten times a second: an idle two-worker
# cluster then takes about a tenth of a CPU, and each wake-up takes Python's lock from
# the render.  The sampling profiler walks the rendering thread's stack every 10 ms.
WORKER_ENV = {
    "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False",
    "DASK_DISTRIBUTED__ADMIN__TICK__INTERVAL": "1s",
    "DASK_DISTRIBUTED__ADMIN__SYSTEM_MONITOR__INTERVAL": "5s",
    "DASK_DISTRIBUTED__WORKER__MEMORY__MONITOR_INTERVAL": "1s",
}
# What the README said before: Dask's defaults but the profiler
DEFAULTS_ENV = {"DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False"}


class Tree:
    """CPU seconds of some processes and of every process they start, by role.

    Sampled twice a second from a thread, so a process that ends is counted up
    to its last sample.  A process's role is its root's, or, below a root,
    ``worker`` (Python) or ``pandoc`` after its parent's role.
    """

    def __init__(self, roots: dict[int, str]):
        self.roots = roots
        self.seen: dict[tuple[int, float], tuple[str, tuple[float, float, int]]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.sample()
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.sample()

    def sample(self) -> None:
        """Record the CPU seconds of every process of the tree now."""
        import psutil

        with self._lock:
            for pid, role in self.roots.items():
                try:
                    todo = [(psutil.Process(pid), role)]
                except psutil.NoSuchProcess:
                    continue
                while todo:
                    proc, name = todo.pop()
                    try:
                        with proc.oneshot():
                            times = proc.cpu_times()
                            key = (proc.pid, proc.create_time())
                            children = proc.children()
                            kinds = [(c, _role(c, name)) for c in children]
                    except psutil.NoSuchProcess:
                        continue
                    self.seen[key] = (name, (times.user, times.system, _faults(proc.pid)))
                    todo.extend(kinds)

    def by_role(self) -> dict[str, float]:
        """CPU seconds so far, summed by role."""
        self.sample()
        out: dict[str, float] = {}
        for role, (user, system, _) in self.seen.values():
            out[role] = out.get(role, 0.0) + user + system
        return out

    def details(self) -> dict[str, list[float]]:
        """(user s, system s, minor page faults) so far, summed by role."""
        self.sample()
        out: dict[str, list[float]] = {}
        for role, values in self.seen.values():
            total = out.setdefault(role, [0.0, 0.0, 0])
            for i, v in enumerate(values):
                total[i] += v
        return out

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _faults(pid: int) -> int:
    """Minor page faults of a process so far (Linux), 0 elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0
    return int(fields[7])


def _role(proc, parent: str) -> str:
    try:
        name = proc.name()
    except Exception:  # noqa: BLE001 - gone meanwhile
        return parent
    if name.startswith("pandoc"):
        return f"{parent} pandoc"
    return "worker" if parent in ("nanny", "build") and "python" in name else parent


def delta(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    """CPU seconds by role spent between two readings."""
    return {k: round(v - before.get(k, 0.0), 2) for k, v in sorted(after.items())
            if v - before.get(k, 0.0) > 0.005}


class Cluster:
    """A scheduler (its own process, or in this one) and ``workers`` one-thread workers.

    ``settings``: the cluster's Dask settings (default: :data:`WORKER_ENV`);
    ``env``: more variables for its processes.
    """

    def __init__(self, work: Path, workers: int, in_process: bool = False, nanny: bool = True,
                 env: dict | None = None, settings: dict | None = None):
        from distributed import Client

        self.env = environment({**(settings or WORKER_ENV), **(env or {})})
        self.procs: list[tuple[subprocess.Popen, str]] = []
        self.local = None
        self.log = open(work / "cluster.log", "ab")  # noqa: SIM115 - closed in close()
        if in_process:
            from distributed import LocalCluster

            self.local = LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=None,
                                      silence_logs=40)
            self.address = self.local.scheduler_address
        else:
            file = work / "scheduler.json"
            file.unlink(missing_ok=True)
            self._start(["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port",
                         "0", "--no-dashboard", "--scheduler-file", str(file)], "scheduler", work)
            self.address = self._scheduler_address(file)
        worker = ["distributed.cli.dask_worker", self.address, "--nthreads", "1",
                  "--no-dashboard", "--local-directory", str(work / "workers")]
        if nanny:
            self._start([*worker, "--nworkers", str(workers)], "nanny", work)
        else:
            for _ in range(workers):
                self._start([*worker, "--no-nanny"], "worker", work)
        self.client = Client(self.address, set_as_default=False, timeout=60)
        self.client.wait_for_workers(workers, timeout=120)
        roots = {p.pid: role for p, role in self.procs}
        if self.local is not None:
            roots[os.getpid()] = "scheduler (and this process)"
        self.tree = Tree(roots)

    def _scheduler_address(self, file: Path) -> str:
        """The address the scheduler wrote, once the whole file is there; the scheduler is
        stopped if it never comes."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                return json.loads(file.read_text())["address"]
            except (OSError, ValueError, KeyError):  # not yet written, or half written
                time.sleep(0.1)
        for proc, _ in self.procs:
            proc.kill()
        raise RuntimeError(f"the scheduler wrote no address in 60 s: see {file.parent}/cluster.log")

    def _start(self, args: list[str], role: str, work: Path) -> None:
        self.procs.append((subprocess.Popen([sys.executable, "-m", *args], env=self.env,
                                            stdout=self.log, stderr=self.log, cwd=work), role))

    def close(self) -> None:
        """Stop the cluster and every process it started (a worker's pandoc among them),
        so that nothing of it runs on during the measurements that follow."""
        import psutil

        self.tree.stop()
        self.client.close()
        descendants = []
        for proc, _ in self.procs:
            try:
                descendants += psutil.Process(proc.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                pass
        for proc, _ in reversed(self.procs):
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        _, alive = psutil.wait_procs(descendants, timeout=10)
        for leftover in alive:
            try:
                leftover.kill()
            except psutil.NoSuchProcess:
                pass
        if self.local is not None:
            self.local.close()
        self.log.close()


def build(work: Path, name: str, jobs: int | None = None, scheduler: str | None = None,
          formats: list[str] | None = None) -> dict:
    """One build of an empty cache in a fresh process: wall, CPU by role, the report."""
    report = work / "report.json"
    cmd = [sys.executable, str(HERE / "build_once.py"), "--out", str(work / f"dist-{name}"),
           "--report", str(report), str(work / "manuscripts")]
    cmd += [a for f in formats or [] for a in ("--format", f)]
    cmd += ["--jobs", str(jobs)] if jobs else []
    cmd += ["--scheduler", scheduler] if scheduler else []
    env = environment({"HANDOUT_CACHE_DIR": str(work / f"cache-{name}")})
    shutil.rmtree(work / f"cache-{name}", ignore_errors=True)
    shutil.rmtree(work / f"dist-{name}", ignore_errors=True)
    with open(work / "pipeline.log", "ab") as log:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=log, stderr=log)
        tree = Tree({proc.pid: "build"})
        _, _, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        tree.stop()
    roles = {k: round(v, 2) for k, v in tree.by_role().items()}
    details = tree.details()
    # The building process waited for all it started: wait4 counts every one exactly.
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "roles": roles,
            "details": details, "extra": json.loads(report.read_text())}


def build_on(cluster: Cluster, work: Path, name: str, formats: list[str] | None) -> dict:
    """One build of an empty cache on ``cluster``: its measures and the task timeline."""
    client = cluster.client
    index = client.sync(client.scheduler.get_task_stream_index)
    before, details = cluster.tree.by_role(), cluster.tree.details()
    run = build(work, name, scheduler=cluster.address, formats=formats)
    used = delta(cluster.tree.by_role(), before)
    for role, values in cluster.tree.details().items():
        old = details.get(role, [0.0, 0.0, 0])
        run["details"][role] = [v - o for v, o in zip(values, old, strict=True)]
    stream = client.sync(client.scheduler.get_task_stream, start_index=index)
    run["roles"].update(used)
    run["cpu"] += sum(used.values())
    run["timeline"] = timeline(stream)
    return run


def timeline(stream: list[dict]) -> dict:
    """Per worker: seconds rendering, idle between renders, and idle at the end."""
    by_worker: dict[str, list[tuple[float, float]]] = {}
    transfer = 0.0
    for task in stream:
        for ss in task.get("startstops", ()):
            if ss["action"] == "compute" and str(task["key"]).startswith("render-"):
                by_worker.setdefault(task["worker"], []).append((ss["start"], ss["stop"]))
            elif ss["action"] == "transfer":
                transfer += ss["stop"] - ss["start"]
    if not by_worker:
        return {}
    first = min(s for spans in by_worker.values() for s, _ in spans)
    last = max(e for spans in by_worker.values() for _, e in spans)
    out: dict = {"span": last - first, "transfer_seconds": transfer, "workers": {}}
    for worker, spans in sorted(by_worker.items()):
        spans.sort()
        gaps = [b[0] - a[1] for a, b in itertools.pairwise(spans)]
        out["workers"][worker] = {
            "tasks": len(spans), "busy": sum(e - s for s, e in spans), "gaps": sum(gaps),
            "largest_gap": max(gaps, default=0.0), "late_start": spans[0][0] - first,
            "idle_at_end": last - spans[-1][1]}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="manuscripts (default 30)")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--rounds", type=int, default=1,
                        help="timed rounds, each a local pool build and a warm cluster build")
    parser.add_argument("--scheduler", choices=["process", "in-process"], default="process")
    parser.add_argument("--no-nanny", action="store_true", help="workers without a nanny")
    parser.add_argument("--dask-defaults", action="store_true",
                        help="Dask's own settings (the profiler off) instead of WORKER_ENV")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="set in the cluster's environment (repeatable)")
    parser.add_argument("--format", action="append", dest="formats", choices=["pdf", "epub"])
    parser.add_argument("--work", type=Path)
    parser.add_argument("--results", type=Path, help="also write the figures here (JSON)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="handout-bench-dask-"))
    work.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(work / "manuscripts", ignore_errors=True)
    snapshot(work)
    make_corpus(work, args.n)
    cpus = len(os.sched_getaffinity(0))
    runs: dict[str, dict] = {}
    load = [list(os.getloadavg())]
    env = dict(item.split("=", 1) for item in args.env)
    cluster = Cluster(work, args.workers, args.scheduler == "in-process", not args.no_nanny, env,
                      DEFAULTS_ENV if args.dask_defaults else None)
    try:
        runs["dask_first"] = build_on(cluster, work, "dask-first", args.formats)
        for i in range(1, args.rounds + 1):
            runs[f"local_{i}"] = build(work, "local", jobs=args.workers, formats=args.formats)
            runs[f"dask_warm_{i}"] = build_on(cluster, work, "dask-warm", args.formats)
            runs[f"dask_warm_{i}"]["identical_to_local"] = same_files(
                work / "dist-dask-warm", work / "dist-local")
    finally:
        cluster.close()
    load.append(list(os.getloadavg()))
    print(report(runs, cpus, load))
    if args.results:
        args.results.write_text(json.dumps({
            "n": args.n, "load": load, "args": {k: str(v) for k, v in vars(args).items()},
            "runs": runs}, indent=2) + "\n")
    return 0


def report(runs: dict, cpus: int, load: list) -> str:
    """The runs as a table, with CPU by role and the timeline of each cluster build."""
    lines = [f"load average before {load[0]}, after {load[1]}", "",
             "| run | wall s | CPU s | busy | CPU s by role |", "|---|---:|---:|---:|---|"]
    for name, r in runs.items():
        busy = r["cpu"] / r["wall"] / cpus
        roles = ", ".join(f"{k} {v:.1f}" for k, v in sorted(r["roles"].items()))
        same = "" if "identical_to_local" not in r else \
            " (bytes = local)" if r["identical_to_local"] else " (bytes DIFFER)"
        lines.append(f"| {name}{same} | {r['wall']:.2f} | {r['cpu']:.1f} | {busy:.2f} | "
                     f"{roles} |")
    lines += ["", "| run | role | user s | system s | minor faults |", "|---|---|---:|---:|---:|"]
    for name, r in runs.items():
        for role, (user, system, faults) in sorted(r["details"].items()):
            if user + system > 0.05:
                lines.append(f"| {name} | {role} | {user:.1f} | {system:.1f} | {faults:,} |")
    for name, r in runs.items():
        t = r.get("timeline")
        if not t:
            continue
        lines.append(f"\n{name}: renders span {t['span']:.2f} s, transfers "
                     f"{t['transfer_seconds']:.2f} s")
        for worker, w in t["workers"].items():
            lines.append(f"  {worker}: {w['tasks']} tasks, busy {w['busy']:.2f} s, gaps "
                         f"{w['gaps']:.2f} s (largest {w['largest_gap']:.2f}), starts "
                         f"{w['late_start']:.2f} s late, idle {w['idle_at_end']:.2f} s at end")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
