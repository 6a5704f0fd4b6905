"""Rendering one manuscript: prepared once here, its PDFs drawn by one warm worker.

A build that renders a single manuscript (the usual edit) would, on a pool,
start a process per output, each importing WeasyPrint and preparing the same
manuscript again.  Here one worker is forked as soon as the runner opens (or
before planning, see ``ahead.py``) and imports WeasyPrint and parses the
stylesheets while this process prepares the manuscript (parsing, citations)
once and makes each edition's print HTML and attachments; the worker then
only lays out and writes the PDFs while this process writes the EPUB and web
page and measures the reading grade.  The bytes are those of any other
runner: the same functions render the same editions.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import time
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path

from . import formula_store, syllables
from .errors import Problem, Problems
from .executors import InlineRunner, _ignore_interrupts, stop_pool
from .jobs import (
    RenderJob,
    RenderResult,
    assemble,
    crash_problem,
    pairs_of,
    peak_rss_kb,
    prepare_job,
    render_one,
    settle_collector,
    travels,
)
from .model import CitedDocument, RenderOptions
from .timelimit import TookTooLong, time_limit, too_long_problem

Rendered = tuple[bytes | None, tuple[Problem, ...]]


class PdfWorker:
    """One worker process that loads WeasyPrint from the moment it is started.

    A build starts it before planning when a single manuscript changed (see
    ``build.py``), so the import overlaps the planning and preparing; a
    :class:`SingleRunner` takes it over, else it is stopped unused.  The
    changed manuscript may be prepared and its PDFs sent to it at once
    (:meth:`begin`), before the other manuscripts are planned.
    """

    def __init__(self, styles: Path):
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self.styles = styles
        self.pool = cf.ProcessPoolExecutor(max_workers=1,
                                           mp_context=multiprocessing.get_context(method),
                                           initializer=_ignore_interrupts)
        self.pool.submit(warm_pdf, styles)  # starts the worker at once
        self._ahead: Ahead | None = None

    def begin(self, job: RenderJob) -> None:
        """Prepare ``job`` here now and send its PDFs to the worker, ahead of the build's
        turn for it; :meth:`take` hands both over when the same job comes."""
        from .pandoc import parse_ahead

        parse_ahead(job.manuscript.body)  # read by pandoc while the preparing's imports load
        with formula_store.kept_in(job.cache_folder):
            documents, problems = prepare_job(job)
            futures = {(doc.audience, fmt): send(self.pool, doc, fmt, job)
                       for doc, fmt in pairs_of(documents, job.wanted) if fmt == "pdf"}
        self._ahead = Ahead(job, documents, problems, futures)

    def take(self, job: RenderJob) -> Ahead | None:
        """What :meth:`begin` did, if it prepared the same editions as ``job`` needs."""
        ahead, self._ahead = self._ahead, None
        if ahead is None:
            return None
        if same_editions(ahead.job, job):
            return ahead
        for future in ahead.futures.values():  # another job after all: not waited for
            if future is not None:
                future.cancel()
        return None

    def stop(self) -> None:
        """End the worker now, warming or not."""
        stop_pool(self.pool)


@dataclass(frozen=True)
class Ahead:
    """A job prepared before its turn: its editions, the problems found, its PDFs on the way."""

    job: RenderJob
    documents: list[CitedDocument]
    problems: Problems
    futures: dict[tuple[str, str], cf.Future | None]


def same_editions(one: RenderJob, other: RenderJob) -> bool:
    """Whether preparing ``one`` gives what preparing ``other`` would: the same manuscript,
    stamp, styles, options and audiences."""
    return (one.manuscript, one.stamp, one.styles, one.options, one.cache_folder,
            _audiences(one)) == (other.manuscript, other.stamp, other.styles, other.options,
                                 other.cache_folder, _audiences(other))


def _audiences(job: RenderJob) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a for a, _ in job.wanted))


def send(pool: cf.ProcessPoolExecutor, doc: CitedDocument, fmt: str, job: RenderJob
         ) -> cf.Future | None:
    """``doc`` in ``fmt`` rendered by the worker of ``pool``; None when it is gone."""
    doc = for_the_worker(doc, job)
    try:
        return pool.submit(render_remote, doc, fmt, job.options, job.styles, job.cache_folder)
    except (BrokenProcessPool, RuntimeError):  # dead, or shut down
        return None


def for_the_worker(doc: CitedDocument, job: RenderJob) -> CitedDocument:
    """``doc`` with what its PDF needs beside the layout made here, while the worker loads
    WeasyPrint: the cited entries (the bibliography was read here), the attached source and
    the print HTML.  What fails is left to the worker, which reports it as any render does."""
    from .attachments import edition_source
    from .formats.pdf import cited_bibtex, print_source

    doc = replace(doc, cited_bibtex=cited_bibtex(doc))
    try:
        made = replace(doc, attached_source=edition_source(doc),
                       print_html=print_source(doc, job.options, job.styles))
    except Exception:  # noqa: BLE001 - drawn again by the worker, which reports it
        return doc
    # Without the trees those were made from: the worker lays out the HTML and never reads
    # them, and they are two thirds of what it would unpickle.
    return replace(made, ast={}, source_ast=None)


class SingleRunner(InlineRunner):
    """Jobs prepared in this process; their PDFs laid out by one worker warmed meanwhile."""

    name = "in-process with a PDF worker"

    def __init__(self, styles: Path, worker: PdfWorker | None = None):
        if worker is None or worker.styles != styles:
            if worker is not None:
                worker.stop()
            worker = PdfWorker(styles)
        self._worker = worker
        self._pool = worker.pool
        super().__init__()

    def _run(self, job: RenderJob) -> RenderResult:
        try:
            with time_limit(job.time_limit), formula_store.kept_in(job.cache_folder):
                return self._prepare_and_render(job)
        except TookTooLong as exc:
            stop_pool(self._pool)  # the PDF worker may be laying it out still
            problem = too_long_problem(job.manuscript.path, job.manuscript.body, job.wanted,
                                       exc.seconds)
            return RenderResult(problems=(problem,), outputs=())

    def _prepare_and_render(self, job: RenderJob) -> RenderResult:
        started = time.perf_counter()
        ahead = self._worker.take(job)
        if ahead is not None:
            documents, problems, sent = ahead.documents, ahead.problems, ahead.futures
        else:
            documents, problems = prepare_job(job)
            sent = {}
        pairs = pairs_of(documents, job.wanted)
        # the worker's first PDF waits only for the preparing, not for its imports
        futures = {(doc.audience, fmt): sent.pop((doc.audience, fmt))
                   if (doc.audience, fmt) in sent else send(self._pool, doc, fmt, job)
                   for doc, fmt in pairs if fmt == "pdf"}
        for future in sent.values():  # sent ahead, not wanted after all
            if future is not None:
                future.cancel()
        rendered: dict[tuple[str, str], Rendered] = {}
        for doc, fmt in pairs:
            if fmt != "pdf":
                rendered[(doc.audience, fmt)] = render_one(doc, fmt, job.options, job.styles)
        reading = None
        if job.measure_reading:
            from .readability import assess

            with syllables.kept_in(job.cache_folder):
                reading = assess(job.manuscript)
        worker_rss = 0
        for doc, fmt in pairs:
            if (doc.audience, fmt) in futures:
                data, found, rss = self._take(futures[(doc.audience, fmt)], doc, fmt, job)
                rendered[(doc.audience, fmt)] = data, found
                worker_rss = max(worker_rss, rss)
        ordered = {(doc.audience, fmt): rendered[(doc.audience, fmt)] for doc, fmt in pairs}
        return assemble(job, problems, ordered, started, reading, worker_rss)

    @staticmethod
    def _take(future: cf.Future | None, doc: CitedDocument, fmt: str, job: RenderJob
              ) -> tuple[bytes | None, tuple[Problem, ...], int]:
        """The worker's render; drawn here instead when the worker died (killed, out of
        memory)."""
        if future is not None:
            try:
                return future.result()
            except BrokenProcessPool:
                pass
        return (*render_one(doc, fmt, job.options, job.styles), 0)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def abort(self) -> None:
        stop_pool(self._pool)


def warm_pdf(styles: Path) -> None:
    """Load what a PDF's layout needs (WeasyPrint, stylesheets and fonts) and draw a first,
    small page."""
    from .formats import pdf

    # The print HTML comes with the edition (see for_the_worker): neither Jinja2 nor pandoc
    # is needed here unless making it failed there.
    pdf.warm(styles)
    pdf.warm_up(styles)
    # What is loaded now is kept for good: the garbage collector no longer walks it while
    # the edition is laid out (a tenth of the render's time otherwise)
    settle_collector()


def render_remote(doc: CitedDocument, fmt: str, options: RenderOptions, styles: Path,
                  cache_folder: Path | None = None
                  ) -> tuple[bytes | None, tuple[Problem, ...], int]:
    """:func:`~pipeline.jobs.render_one` in the worker, with its peak memory; an exception
    that would not survive the trip back becomes a located problem."""
    try:
        with formula_store.kept_in(cache_folder):
            data, found = render_one(doc, fmt, options, styles)
    except Exception as exc:
        if travels(exc):
            raise
        from .jobs import RenderJob as Job

        job = Job(doc.manuscript, doc.stamp, styles, ((doc.audience, fmt),), options)
        return None, (crash_problem(job, exc),), peak_rss_kb()
    return data, found, peak_rss_kb()
