"""Where preparing a handout spends its CPU: each pass of ``prepare``, without a profiler.

    python benchmarks/profile_prepare.py --n 6            # the corpus's first 6 handouts
    python benchmarks/profile_prepare.py --n 6 --rounds 5

Every function ``pipeline/prepare.py`` calls by name (parsing, each check and
rewrite of the body, citations) is timed in CPU seconds of this process (the
resident pandoc's own CPU is left out), after one warm preparation; a pass
that calls another counts it too.  cProfile multiplies the cost of the many
small calls a tree walk makes, so the figures here are the ones to compare.
Two versions of the pipeline compare best run side by side, at the same load:
``PYTHONPATH=OTHER_CHECKOUT python benchmarks/profile_prepare.py`` measures
another checkout.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.append(str(HERE.parent))  # after PYTHONPATH: another checkout can be measured

from corpus import make_corpus
from profile_render import jobs_for

os.environ.setdefault("SOURCE_DATE_EPOCH", "1760000000")


def main(argv: list[str] | None = None) -> int:
    """Prepare the corpus ``--rounds`` times; print each pass's CPU per handout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=6, help="handouts (default 6)")
    parser.add_argument("--rounds", type=int, default=3, help="preparations of each (default 3)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="handout-prepare-"))
    make_corpus(work, args.n)
    os.chdir(work)
    import pipeline.prepare as stage

    seconds: dict[str, float] = defaultdict(float)
    calls: Counter[str] = Counter()

    def timed(name: str, function):
        @functools.wraps(function)
        def wrapper(*a, **k):
            started = time.process_time()
            try:
                return function(*a, **k)
            finally:
                seconds[name] += time.process_time() - started
                calls[name] += 1
        return wrapper

    for name, value in list(vars(stage).items()):
        if (callable(value) and not isinstance(value, type) and name != "prepare"
                and getattr(value, "__module__", "").startswith("pipeline")):
            setattr(stage, name, timed(name, value))
    prepare = timed("(prepare, in all)", stage.prepare)
    jobs = jobs_for(work / "manuscripts", ("pdf",))
    prepare(jobs[0].manuscript, jobs[0].stamp, jobs[0].styles)  # warm: imports, styles, pandoc
    seconds.clear()
    calls.clear()
    for _ in range(args.rounds):
        for job in jobs:
            prepare(job.manuscript, job.stamp, job.styles)
    count = args.rounds * len(jobs)
    print(f"{len(jobs)} handouts x {args.rounds}; load {os.getloadavg()[0]:.1f}\n")
    print("| pass | CPU ms / handout | calls / handout |\n|---|---:|---:|")
    for name, total in sorted(seconds.items(), key=lambda item: -item[1]):
        if total * 1000 / count >= 0.05:
            print(f"| {name} | {total * 1000 / count:.1f} | {calls[name] / count:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
