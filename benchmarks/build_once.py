"""One timed build of the benchmark (``bench.py`` runs it in a fresh process).

    python benchmarks/build_once.py PATH... --out DIR --report FILE [--jobs N]
        [--scheduler ADDRESS] [--format FMT]...

It imports only what a build needs, so its time is the pipeline's, not the
benchmark's; ``HANDOUT_BENCH_STUB=1`` makes the workers hand back
placeholder bytes (``bench.py --stub-cold``).  It ends as the command line
does (``pipeline/quickexit.py``: without the interpreter's teardown), and
settles the garbage collector as it does (``jobs.settle_collector``).  The
report (JSON) has the counts, the runner, and the peak memory of this
process and of the largest worker.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import sys
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH (the snapshot)


def main(argv: list[str] | None = None) -> int:
    """Build, then write the report's numbers as JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--scheduler")
    parser.add_argument("--format", action="append", dest="formats")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if os.environ.get("HANDOUT_BENCH_STUB"):
        stub_renders()
    from pipeline.build import BuildOptions, build

    report = build(args.paths, BuildOptions(out=args.out, jobs=args.jobs,
                                            scheduler=args.scheduler,
                                            formats=tuple(args.formats or ("pdf", "epub"))))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = report.worker_max_rss_kb / 1024
    if report.runner == "in-process":
        worker = rss
    args.report.write_text(json.dumps({
        "built": report.built, "reused": report.reused, "failed": len(report.failed),
        "seconds": report.seconds, "render_seconds": report.render_seconds,
        "runner": report.runner, "parent_max_rss_mb": rss, "worker_max_rss_mb": worker,
        "outputs": len(report.artifacts),
        "errors": [str(p) for p in report.problems if p.is_error][:5],
    }))
    return 0


STUB_BYTES = {"pdf": 160_000, "epub": 40_000}  # about what the corpus's files weigh


def stub_renders() -> None:
    """Workers hand back placeholder bytes instead of rendering (``--stub-cold``).

    Only to prime a large corpus's cache and output folder on a machine too
    small to render it: what the parent does (planning, writing, memory) is
    the real thing; what the workers do is not measured.  The render cache is
    left as a real build leaves it: with the syllable table its reading grades
    wrote (``pipeline/syllables.py``).
    """
    import pipeline.jobs
    from pipeline import syllables
    from pipeline.jobs import RenderResult

    def stub(job):
        with syllables.kept_in(job.cache_folder):
            syllables.table()
        seed = hashlib.sha256(f"{job.manuscript.slug}{job.stamp}".encode()).digest()
        return RenderResult(problems=(), outputs=tuple(
            (audience, fmt, (seed * (STUB_BYTES[fmt] // len(seed) + 1))[:STUB_BYTES[fmt]])
            for audience, fmt in job.wanted), reading=None)

    pipeline.jobs._run_job = stub


if __name__ == "__main__":
    from pipeline import quickexit

    quickexit.install()  # ended as ``python -m pipeline`` ends: without the teardown
    import pipeline.build  # noqa: F401 - the modules the command line has loaded by then
    from pipeline.jobs import settle_collector

    settle_collector()  # as the command line does once its modules are loaded
    quickexit.run(main)
