"""The one changed manuscript's PDFs drawn while the others are planned.

A build that finds a single changed manuscript (the usual edit) forks a warm
PDF worker (``single.py``) before planning, and sends it that manuscript's
PDFs as soon as it is prepared.  WeasyPrint and the worker are imported only
then, so a build with nothing to draw ahead pays for neither.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import cache as cache_mod
from .model import RenderOptions
from .plan import Planned, Planner

if TYPE_CHECKING:
    from .build import BuildOptions
    from .single import PdfWorker


def pdf_worker_ahead(options: BuildOptions, changed: list[Path]) -> PdfWorker | None:
    """A worker loading WeasyPrint from now on when one manuscript changed: the usual edit,
    whose PDF is drawn beside this process (``single.py``) once it is prepared here."""
    from .executors import available_cpus

    if len(changed) != 1 or "pdf" not in options.formats or options.scheduler \
            or (options.jobs or available_cpus()) < 2:
        return None
    from .single import PdfWorker

    return PdfWorker(options.styles)


def begin_ahead(pdf_worker: PdfWorker, planner: Planner, path: Path, options: RenderOptions,
                store: cache_mod.Cache | None, time_limit: float | None = None) -> None:
    """The one changed manuscript planned and prepared first, its PDFs sent to the worker
    before the other manuscripts are planned: they are planned while the PDFs are drawn.

    The job is the one the build would hand out (every output of the manuscript
    rendered); when the build's turn comes with another, it is prepared again.
    """
    from .jobs import RenderJob
    from .pandoc import start_early

    start_early()  # pandoc starts while the manuscript is read and planned
    planned = planner.plan_ahead(path)
    if not isinstance(planned, Planned):
        return
    pdfs = [key for (_audience, fmt), key in planned.keys if fmt == "pdf"]
    if store is not None and len(store.lookup(pdfs)) == len(pdfs):
        return  # the PDFs are in the cache (an edit undone): nothing to draw
    m = planner.reload(planned)
    if m is not None:
        pdf_worker.begin(RenderJob(m, planned.stamp, planner.styles,
                                   tuple(pair for pair, _key in planned.keys), options,
                                   measure_reading=not planned.measured,
                                   cache_folder=store.folder if store else None,
                                   time_limit=time_limit))
