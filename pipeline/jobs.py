"""Render jobs: what a worker is asked to do and what it hands back.

A :class:`RenderJob` is one manuscript with the (audience, format) pairs to
render; :func:`run_job` turns it into bytes.  Both are plain, picklable data
so the same job runs in-process, in a local worker pool or on a Dask
cluster.  A job is pure given the files its cache key covers (the
manuscript, its bibliographies, styles/): it reads them, writes nothing, and
returns the rendered bytes for the parent to write.  A job for a remote
worker carries those files itself (:func:`carry`, ``bundle.Carried``), so the
worker needs only the installed package.
"""

from __future__ import annotations

import os
import pickle
import resource
import sys
import time
import traceback
from dataclasses import dataclass, replace
from pathlib import Path

from . import formula_store, syllables
from .bundle import Carried, sparse_bib, travels_whole, unpack_styles
from .errors import PipelineError, Problem, Problems
from .model import CitedDocument, Manuscript, Readability, RenderOptions, Stamp
from .timelimit import TookTooLong, time_limit, too_long_problem


@dataclass(frozen=True)
class RenderJob:
    """Render ``wanted`` (audience, format) pairs of one manuscript."""

    manuscript: Manuscript
    stamp: Stamp
    styles: Path
    wanted: tuple[tuple[str, str], ...]
    options: RenderOptions
    carried: Carried | None = None  # the inputs themselves, for a worker elsewhere
    measure_reading: bool = False  # also the reading grade of the patient edition
    cache_folder: Path | None = None  # the render cache, whose formula store drawings use
    time_limit: float | None = None  # seconds the job may take (timelimit.py); None: no limit

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
    reading: Readability | None = None  # when the job was asked to measure it


def carry(job: RenderJob, styles_digest: str) -> RenderJob:
    """The job with its input files inside: the manuscript, the entries it may cite
    (other entries blanked, lines kept), its images and a CSL file of the project."""
    from .cache_keys import CITE_TOKEN, referenced_files
    from .csl import is_path, resolve_style

    m = job.manuscript
    files: dict[str, bytes] = {}

    def take(path: Path, data: bytes | None = None) -> Path:
        absolute = path.resolve()
        files[str(absolute)] = path.read_bytes() if data is None else data
        return absolute

    cited = set(CITE_TOKEN.findall(m.body))
    bibliography = []
    for bib in m.bibliography:
        if bib.suffix.lower() == ".bib":
            text = bib.read_text(encoding="utf-8", errors="surrogateescape")
            if travels_whole(text):
                # parents, sets' members and a UTF-16 file's entries: the whole file
                bibliography.append(take(bib))
                continue
            data = sparse_bib(text, cited).encode("utf-8", errors="surrogateescape")
            bibliography.append(take(bib, data))
        else:
            bibliography.append(take(bib))
    for image in referenced_files(m):
        if image.is_file():
            take(image)
    csl = m.csl
    if is_path(m.csl):  # a style named by name is in the styles bundle (or every worker's)
        try:
            csl = str(take(resolve_style(m.csl, m.path, None)))
        except PipelineError:
            pass  # reported by the worker, as a local build would
    moved = replace(m, path=take(m.path), bibliography=tuple(bibliography), csl=csl)
    return replace(job, manuscript=moved,
                   carried=Carried(tuple(sorted(files.items())), styles_digest))


def run_job(job: RenderJob, styles_bundle: bytes | None = None) -> RenderResult:
    """Prepare the manuscript and render every pair wanted.

    Expected problems come back as data; anything else raises, with its
    traceback, for the parent to report against the manuscript.  An
    exception that would not survive the trip back to the parent (pickling)
    comes back as a located problem instead of hiding behind a second one.
    A carried job (see :func:`carry`) renders from its own files and the
    styles bundle.  A job that runs past its time limit comes back as its
    manuscript's error, without outputs.
    """
    try:
        with time_limit(job.time_limit):
            if job.carried is None:
                return _run_job(job)
            return _run_carried(job, styles_bundle)
    except TookTooLong as exc:
        problem = too_long_problem(job.manuscript.path, job.manuscript.body, job.wanted,
                                   exc.seconds)
        return RenderResult(problems=(problem,), outputs=())
    except Exception as exc:
        if travels(exc):
            raise
        return RenderResult(problems=(crash_problem(job, exc),), outputs=())
    finally:
        settle_collector()


# Objects allocated between collections of the youngest generation (Python's default: 700).
YOUNG_THRESHOLD = 10_000
_settled: set[int] = set()


def settle_collector() -> None:
    """After this process's first job, set aside what every later job keeps (once).

    A render allocates millions of short-lived objects; with Python's defaults
    the garbage collector runs every 700 and, in its full collections, walks
    every object alive: WeasyPrint's modules, fonts and parsed stylesheets, a
    Dask worker's own state.  Those are loaded by the first job and kept:
    frozen (``gc.freeze``) they are no longer walked, and young objects are
    collected less often.  This saves about a tenth of a render's CPU; outputs
    are unchanged (collection order never reaches them).  The PDF worker of an
    edit settles once it is warm, the command line once its modules are loaded
    (half of the building process's collections after an edit among a thousand
    handouts).
    """
    import gc

    if os.getpid() in _settled:
        return
    _settled.add(os.getpid())
    gc.collect()
    gc.freeze()
    _, *older = gc.get_threshold()
    gc.set_threshold(max(YOUNG_THRESHOLD, gc.get_threshold()[0]), *older)


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


def _run_carried(job: RenderJob, styles_bundle: bytes | None) -> RenderResult:
    """A carried job: its files placed in this worker's folder, paths mapped back."""
    root, _ = job.carried.place()
    styles = unpack_styles(job.carried.styles_digest, styles_bundle or b"")
    m = job.manuscript

    def here(path: Path) -> Path:
        return root / str(path).lstrip("/")

    csl = str(here(Path(m.csl))) if Path(m.csl).is_absolute() else m.csl
    local = replace(m, path=here(m.path), bibliography=tuple(here(b) for b in m.bibliography),
                    csl=csl)
    result = _run_job(replace(job, manuscript=local, styles=styles, carried=None,
                              cache_folder=None))  # the parent's cache is not on this machine
    prefix = str(root)
    problems = tuple(replace(p, path=p.path.removeprefix(prefix),
                             message=p.message.replace(prefix, ""))
                     for p in result.problems)
    return replace(result, problems=problems)


def _run_job(job: RenderJob) -> RenderResult:
    started = time.perf_counter()
    reading = None
    if job.measure_reading:  # here rather than in the parent, which only writes files
        from .readability import assess

        with syllables.kept_in(job.cache_folder):
            reading = assess(job.manuscript)
    with formula_store.kept_in(job.cache_folder):
        documents, problems = prepare_job(job)
        rendered = {(doc.audience, fmt): render_one(doc, fmt, job.options, job.styles)
                    for doc, fmt in pairs_of(documents, job.wanted)}
    return assemble(job, problems, rendered, started, reading)


def prepare_job(job: RenderJob) -> tuple[list[CitedDocument], Problems]:
    """The job's editions, prepared once for every format wanted, and the problems found."""
    from .prepare import prepare

    audiences = tuple(dict.fromkeys(a for a, _ in job.wanted))
    documents, problems = prepare(job.manuscript, job.stamp, job.styles, audiences)
    return list(documents), problems


def pairs_of(documents: list[CitedDocument], wanted: tuple[tuple[str, str], ...]
             ) -> list[tuple[CitedDocument, str]]:
    """(edition, format) to render, in the order a job's outputs come back."""
    return [(doc, fmt) for doc in documents for audience, fmt in wanted
            if audience == doc.audience]


def render_one(doc: CitedDocument, fmt: str, options: RenderOptions, styles: Path
               ) -> tuple[bytes | None, tuple[Problem, ...]]:
    """One edition in one format: its bytes (None when it failed) and the problems found."""
    from .formats import get_format

    renderer = get_format(fmt)
    try:
        data: bytes | None = renderer.render(doc, options, styles)
        found: list[Problem] = []
    except PipelineError as exc:
        data, found = None, list(exc.problems)
    return data, (*found, *renderer.warnings)


def assemble(job: RenderJob, problems: Problems,
             rendered: dict[tuple[str, str], tuple[bytes | None, tuple[Problem, ...]]],
             started: float, reading: Readability | None = None, max_rss_kb: int = 0
             ) -> RenderResult:
    """The job's result from its renders, in the order of its documents and pairs."""
    outputs: list[tuple[str, str, bytes]] = []
    for (audience, fmt), (data, found) in rendered.items():
        if data is not None:
            outputs.append((audience, fmt, data))
        problems.extend(found)
    return RenderResult(
        problems=tuple(problems.items), outputs=tuple(outputs),
        seconds=time.perf_counter() - started, max_rss_kb=max(max_rss_kb, peak_rss_kb()),
        worker=f"{os.uname().nodename}:{os.getpid()}", reading=reading)


def peak_rss_kb() -> int:
    """This process's peak memory so far, in KiB."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss // 1024 if sys.platform == "darwin" else rss


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
