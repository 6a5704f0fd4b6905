"""Render jobs: what a worker is asked to do and what it hands back.

A :class:`RenderJob` is one manuscript with the (audience, format) pairs to
render; :func:`run_job` turns it into bytes.  Both are plain, picklable data
so the same job runs in-process, in a local worker pool or on a Dask
cluster.  A job is pure given the files its cache key covers (the
manuscript, its bibliographies, styles/): it reads them, writes nothing, and
returns the rendered bytes for the parent to write.  Remote workers must see
those files at the same paths (a shared checkout).
"""

from __future__ import annotations

import os
import pickle
import resource
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from .errors import PipelineError, Problem
from .model import CitedDocument, Manuscript, RenderOptions, Stamp


@dataclass(frozen=True)
class RenderJob:
    """Render ``wanted`` (audience, format) pairs of one manuscript."""

    manuscript: Manuscript
    stamp: Stamp
    styles: Path
    wanted: tuple[tuple[str, str], ...]
    options: RenderOptions

    @property
    def name(self) -> str:
        return f"{self.manuscript.slug}[{','.join(f'{a}.{f}' for a, f in self.wanted)}]"

    @property
    def cost(self) -> int:
        """Expected work, in body characters; a PDF costs about five EPUBs."""
        weight = sum(5 if fmt == "pdf" else 1 for _, fmt in self.wanted)
        return (len(self.manuscript.body) + 4000) * weight


@dataclass(frozen=True)
class RenderResult:
    """What came back: problems found, the bytes per (audience, format), and costs."""

    problems: tuple[Problem, ...]
    outputs: tuple[tuple[str, str, bytes], ...]
    seconds: float = 0.0
    max_rss_kb: int = 0
    worker: str = ""


def run_job(job: RenderJob) -> RenderResult:
    """Prepare the manuscript and render every pair wanted.

    Expected problems come back as data; anything else raises, with its
    traceback, for the parent to report against the manuscript.  An
    exception that would not survive the trip back to the parent (pickling)
    comes back as a located problem instead of hiding behind a second one.
    """
    try:
        return _run_job(job)
    except Exception as exc:
        if travels(exc):
            raise
        return RenderResult(problems=(crash_problem(job, exc),), outputs=())


def travels(exc: BaseException) -> bool:
    """Whether ``exc`` comes out of pickling as itself (a worker's result must)."""
    try:
        again = pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - any failure means it cannot travel
        return False
    return type(again) is type(exc) and str(again) == str(exc)


def crash_problem(job: RenderJob, exc: BaseException) -> Problem:
    """An unexpected exception as a problem of the manuscript, its traceback kept."""
    from .errors import display_path

    what = ", ".join(f"{fmt.upper()} of the {audience} edition" for audience, fmt in job.wanted)
    details = "".join(traceback.format_exception(exc)).rstrip()
    return Problem(display_path(job.manuscript.path), None,
                   f"internal error while making the {what}: {type(exc).__name__}: {exc}\n"
                   f"{details}", code="internal")


def _run_job(job: RenderJob) -> RenderResult:
    from .formats import get_format
    from .prepare import prepare

    started = time.perf_counter()
    audiences = tuple(dict.fromkeys(a for a, _ in job.wanted))
    documents, problems = prepare(job.manuscript, job.stamp, job.styles, audiences)
    outputs: list[tuple[str, str, bytes]] = []
    for doc in documents:
        for audience, fmt in job.wanted:
            if audience != doc.audience:
                continue
            try:
                outputs.append((audience, fmt, get_format(fmt).render(doc, job.options,
                                                                      job.styles)))
            except PipelineError as exc:
                problems.extend(exc.problems)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return RenderResult(
        problems=tuple(problems.items), outputs=tuple(outputs),
        seconds=time.perf_counter() - started,
        max_rss_kb=rss // 1024 if sys.platform == "darwin" else rss,
        worker=f"{os.uname().nodename}:{os.getpid()}")


def print_html(job: RenderJob) -> list[tuple[CitedDocument, str]]:
    """Each edition the job covers with its final print HTML.

    Exactly what WeasyPrint receives for the PDF (see
    ``formats.pdf.pdf_from_html``); used to measure WeasyPrint on its own.
    """
    from .html import render_print_html
    from .prepare import prepare

    audiences = tuple(dict.fromkeys(a for a, _ in job.wanted))
    documents, problems = prepare(job.manuscript, job.stamp, job.styles, audiences)
    if problems.errors:
        raise PipelineError(problems.errors)
    return [(doc, render_print_html(doc, job.options, job.styles / "templates"))
            for doc in documents]
