"""Handing render jobs out a few at a time, and taking their results as they come back.

A planned manuscript becomes a job (its manuscript read again) only when a
worker will soon be free, and its files are written as soon as its last
output is back; the reading grade a worker measured is kept with its plan.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Problems, display_path
from .gather import Gatherer
from .model import Manuscript, Readability, RenderOptions
from .plan import Planned, Planner, reading_problem
from .progress import Progress

if TYPE_CHECKING:
    from .build import BuildReport
    from .single import PdfWorker


@dataclass(frozen=True)
class RenderSpec:
    """What to render of a planned manuscript; it becomes a job when it is handed out."""

    planned: Planned
    wanted: tuple[tuple[str, str], ...]
    measure_reading: bool = False

    @property
    def manuscript(self) -> Manuscript:
        return self.planned.manuscript

    @property
    def cost(self) -> int:
        """Expected work, as :attr:`RenderJob.cost` counts it."""
        weight = sum(5 if fmt == "pdf" else 1 for _, fmt in self.wanted)
        return (self.planned.size + 4000) * weight


def take_reading(planner: Planner, planned: Planned, reading: Readability | None,
                 readings: dict[str, Readability], problems: Problems,
                 remember: bool = True) -> None:
    """A patient edition's reading grade is known: reported, and kept with its plan."""
    if reading is not None:
        readings[planned.slug] = reading
    found = reading_problem(planned.manuscript, reading, planned.source)
    if found is not None:
        problems.extend((found,))
    waiting = planner.pending.pop(planned.source, None)
    if remember and waiting is not None:
        planner.remember(planned.manuscript.path, *waiting, planned.with_reading(reading))


def render(work: list[RenderSpec], planner: Planner, gatherer: Gatherer, report: BuildReport,
           problems: Problems, progress: Progress, *, jobs: int | None, scheduler: str | None,
           styles: Path, options: RenderOptions, strict: bool,
           graded: dict[str, Problems], cache_folder: Path | None = None,
           pdf_worker: PdfWorker | None = None, time_limit: float | None = None) -> None:
    """Run the jobs; each manuscript's outputs are written as soon as all are back.

    A job is made (its manuscript read again) only when a worker will soon
    be free: at most two per worker wait, so neither manuscripts nor
    results pile up here.  ``graded`` collects, by source, the reading-grade
    warnings the workers found (the caller reports them in a stable order).
    ``cache_folder``, the render cache, also keeps the workers' formula drawings.
    ``pdf_worker``: a ``single.PdfWorker`` started ahead, taken or stopped by the runner.
    ``time_limit``: seconds each job may take (``timelimit.py``).
    """
    from .executors import open_runner
    from .jobs import RenderJob

    runner, ordered = open_runner(work, jobs, scheduler, styles, pdf_worker)
    report.runner = runner.name
    progress.rendering(sum(len(spec.wanted) for spec in ordered))
    reported: set[str] = set()
    waiting = iter(ordered)
    ahead = 2 * runner.workers + 2
    specs: dict[int, RenderSpec] = {}

    def hand_out() -> None:
        while runner.in_flight < ahead:
            spec = next(waiting, None)
            if spec is None:
                return
            m = planner.reload(spec.planned)
            if m is None:
                problems.add(spec.manuscript.path, None, "changed while the build ran; its "
                             "previous files are kept: build again", code="changed")
                gatherer.fail(spec.manuscript.slug)
                continue
            job = RenderJob(m, spec.planned.stamp, styles, spec.wanted, options,
                            measure_reading=spec.measure_reading, cache_folder=cache_folder,
                            time_limit=time_limit)
            specs[id(job)] = spec
            runner.submit(job)

    with runner, progress.heartbeat():
        hand_out()
        for job, outcome in runner.completed():
            spec = specs.pop(id(job))
            m = job.manuscript
            del job
            hand_out()
            if isinstance(outcome, BaseException):  # a bug: keep the traceback, go on
                if display_path(m.path) not in reported:
                    reported.add(display_path(m.path))
                    report.internal_errors.append(
                        f"{display_path(m.path)}: internal error while building:\n"
                        + "".join(traceback.format_exception(outcome)))
                gatherer.fail(m.slug)
                continue
            report.render_seconds += outcome.seconds
            report.worker_max_rss_kb = max(report.worker_max_rss_kb, outcome.max_rss_kb)
            stopped = any(p.code == "time-limit" for p in outcome.problems)
            if spec.measure_reading and not stopped:  # a job stopped midway measured nothing
                if planner.store is not None:
                    planner.store.keep_reading(m, spec.planned.digest, outcome.reading)
                # reported after the render, in the order planned: not as jobs finish
                take_reading(planner, spec.planned, outcome.reading, report.readings,
                             graded.setdefault(spec.planned.source, Problems()))
            problems.extend(outcome.problems)
            if any(p.is_error or strict and p.counts for p in outcome.problems):
                gatherer.fail(m.slug)
                continue
            for audience, fmt, data in outcome.outputs:
                gatherer.add_rendered(m.slug, (audience, fmt), data, outcome.problems)
            del outcome
