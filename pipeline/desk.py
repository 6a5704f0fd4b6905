"""The preview's state: each handout's last good render, its problems, its generation.

A :class:`Desk` watches the inputs of every handout (the manuscript, its
bibliography files, a CSL file it names, its images, ``styles/``) by their
modification times and sizes, polled a few times a second.  A change loads
the manuscript again and hands its editions to warm worker processes: the
web pages first (one job per edition, so both can render side by side), then
the PDFs.  Rendered bytes replace the files in the preview folder only when
the render found no error; otherwise the last good files stay and the
problems are kept for the pages to show.  Every change of a handout's
state bumps its generation, which open pages wait on to reload.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import signal
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .build import BuildOptions, discover, inputs_of, output_name
from .errors import PipelineError, Problem, display_path
from .executors import available_cpus
from .jobs import RenderJob, RenderResult, run_job
from .manuscript import load_manuscript
from .model import HandoutSummary, Manuscript, RenderOptions
from .output import write_atomic
from .stamp import GitHistory, make_stamp

PREVIEW_FORMATS = ("html", "pdf")


@dataclass
class Handout:
    """What the preview knows of one manuscript file."""

    source: Path
    slug: str
    manuscript: Manuscript | None = None  # the last one that loaded
    problems: list[Problem] = field(default_factory=list)
    generation: int = 0  # bumped at every change of state
    page_generation: int = 0  # bumped when its web page or its problems change
    submitted: int = 0  # the render round whose results are awaited
    pending: int = 0  # jobs of that round not yet back
    fingerprint: tuple = ()

    @property
    def stale(self) -> bool:
        return any(p.is_error for p in self.problems)


def _warm_worker(styles: Path, weasyprint: bool) -> None:
    """Leave Ctrl-C to the server; load the renderers (and WeasyPrint's stylesheets) once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from . import formats, prepare  # noqa: F401

    if weasyprint:
        from .formats.pdf import _stylesheets

        _stylesheets(styles)


def _noop() -> None:
    return None


def _warm_pool(workers: int, styles: Path, weasyprint: bool) -> cf.ProcessPoolExecutor:
    """Worker processes started now, with their imports done, not at the first change."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pool = cf.ProcessPoolExecutor(max_workers=workers,
                                  mp_context=multiprocessing.get_context(method),
                                  initializer=_warm_worker, initargs=(styles, weasyprint))
    for _ in range(workers):
        pool.submit(_noop)
    return pool


def fingerprint(paths: list[Path]) -> tuple:
    """Modification time and size of each path (of every file under a folder)."""
    out = []
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            try:
                st = f.stat()
                out.append((str(f), st.st_mtime_ns, st.st_size))
            except OSError:
                out.append((str(f), None, None))
    return tuple(out)


class Desk:
    """Handouts under ``paths`` rendered into ``out`` and kept current."""

    def __init__(self, paths: list[Path], out: Path, options: BuildOptions | None = None,
                 workers: int | None = None):
        self.paths = paths
        self.out = out
        self.options = options or BuildOptions()
        self.styles = self.options.styles.resolve()
        self.handouts: dict[Path, Handout] = {}
        self.changed = threading.Condition()
        self.generation = 0  # of the whole desk: any handout's change
        self.watched: dict[tuple[str, str], int] = {}  # open pages by (slug, audience)
        self._stop = threading.Event()
        # Two lanes, so that a page never waits behind a PDF: one worker for the web
        # pages, the other CPUs for the PDFs.
        prints = max(1, (workers or available_cpus()) - 1)
        self.pages = _warm_pool(1, self.styles, weasyprint=False)
        self.prints = _warm_pool(prints, self.styles, weasyprint=True)
        self._futures: dict[Path, list[cf.Future]] = {}
        self._watcher = threading.Thread(target=self._watch, name="preview-watch", daemon=True)

    # ------------------------------------------------------------ watching
    def start(self) -> None:
        self.scan()
        self._watcher.start()

    def stop(self) -> None:
        self._stop.set()
        for pool in (self.pages, self.prints):
            processes = list(getattr(pool, "_processes", {}).values())
            for process in processes:
                process.kill()
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.join(timeout=5)

    def _watch(self) -> None:
        while not self._stop.wait(0.1):
            try:
                self.scan()
            except Exception as exc:  # noqa: BLE001 - the server must outlive a bad scan
                print(f"preview: {exc}", file=sys.stderr, flush=True)

    def scan(self) -> None:
        """Load again, and render again, every handout whose inputs changed."""
        try:
            sources = discover(list(self.paths))
        except Exception:  # noqa: BLE001 - a folder being renamed: try again next time
            return
        styles = fingerprint([self.styles])
        history = None
        work: list[tuple[Handout, int, Manuscript, RenderJob]] = []
        for source in sources:
            key = source.resolve()
            handout = self.handouts.get(key)
            if handout is None:
                handout = self.handouts[key] = Handout(source, source.stem)
            m = handout.manuscript
            inputs = inputs_of(m, self.styles) if m else [source]
            now = (fingerprint([p for p in inputs if p != self.styles]), styles)
            if now == handout.fingerprint:
                continue
            handout.fingerprint = now
            for future in self._futures.pop(key, []):
                future.cancel()  # not started yet: a newer save replaces it
            history = history or GitHistory()
            work += self._reload(handout, history)
        # the editions open in a browser first, and web pages before PDFs: the page and the
        # PDF of the edition being read render side by side
        def order(item: tuple[Handout, int, Manuscript, RenderJob]) -> tuple[bool, bool]:
            audience, fmt = item[3].wanted[0]
            return (not self.watched.get((item[2].slug, audience)), fmt != "html")

        for handout, round_, m, job in sorted(work, key=order):
            lane = self.pages if job.wanted[0][1] == "html" else self.prints
            future = lane.submit(run_job, job)
            self._futures.setdefault(handout.source.resolve(), []).append(future)
            future.add_done_callback(
                lambda f, h=handout, r=round_, m=m, j=job: self._finished(h, r, m, j, f))
        gone = [k for k in self.handouts if k not in {s.resolve() for s in sources}]
        for key in gone:
            with self.changed:
                del self.handouts[key]
                self._bump(None)

    def _bump(self, handout: Handout | None, page: bool = False) -> None:
        """Called with ``self.changed`` held: wake the pages that wait."""
        self.generation += 1
        if handout is not None:
            handout.generation += 1
            handout.page_generation += page
        self.changed.notify_all()

    def _reload(self, handout: Handout, history: GitHistory
                ) -> list[tuple[Handout, int, Manuscript, RenderJob]]:
        """Load the manuscript again; the render jobs it needs."""
        try:
            m, warnings = load_manuscript(handout.source, self.options.bibliography_folder())
        except PipelineError as exc:
            with self.changed:
                handout.problems = list(exc.problems)
                handout.submitted += 1  # results of earlier rounds are out of date
                handout.pending = 0
                self._bump(handout, page=True)
            return []
        stamp = make_stamp(m, inputs_of(m, self.styles), history)
        # the fingerprint must cover the files this manuscript names (images, .bib)
        handout.fingerprint = (fingerprint([p for p in inputs_of(m, self.styles)
                                            if p != self.styles]), handout.fingerprint[1])
        options = RenderOptions(paper=self.options.paper)
        jobs = [RenderJob(m, stamp, self.styles, ((a, fmt),), options)
                for fmt in PREVIEW_FORMATS for a in m.audiences]
        with self.changed:
            handout.manuscript = m if handout.manuscript is None else handout.manuscript
            handout.slug = handout.manuscript.slug
            handout.submitted += 1
            handout.pending = len(jobs)
            handout.problems = list(warnings)
            round_ = handout.submitted
            self._bump(handout)
        return [(handout, round_, m, job) for job in jobs]

    def _finished(self, handout: Handout, round_: int, m: Manuscript, job: RenderJob,
                  future: cf.Future) -> None:
        try:
            result: RenderResult = future.result()
        except cf.CancelledError:
            return
        except Exception as exc:  # noqa: BLE001 - shown on the page like any problem
            result = RenderResult(problems=(Problem(display_path(m.path), None,
                                                    f"internal error while rendering: {exc}"),),
                                  outputs=())
        with self.changed:
            if round_ != handout.submitted or self._stop.is_set():
                return  # a newer save is being rendered
            handout.pending -= 1
            new = [p for p in result.problems if p not in handout.problems]
            handout.problems += new
            page = any(p.is_error for p in new)
            if not any(p.is_error for p in result.problems):
                for audience, fmt, data in result.outputs:
                    write_atomic(self.out / output_name(m, audience, fmt), data)
                handout.manuscript = m
                handout.slug = m.slug
                if any(fmt == "html" for _a, fmt, _d in result.outputs):
                    from .site import write_assets

                    page = True
                    write_assets(self.out, self.styles, [h.manuscript for h in
                                                         self.handouts.values() if h.manuscript])
            self._bump(handout, page)

    def watch(self, slug: str, audience: str, change: int) -> None:
        """Count a page that opens (``change`` 1) or closes (-1) in a browser."""
        with self.changed:
            key = (slug, audience)
            self.watched[key] = self.watched.get(key, 0) + change
            if self.watched[key] <= 0:
                del self.watched[key]

    # ------------------------------------------------------------ reading
    def find(self, slug: str) -> Handout | None:
        return next((h for h in self.handouts.values() if h.slug == slug), None)

    def summaries(self) -> list[HandoutSummary]:
        """A row per handout for the live index, problems included."""
        rows = []
        with self.changed:
            handouts = sorted(self.handouts.values(), key=lambda h: h.slug)
        for h in handouts:
            m = h.manuscript
            files = tuple(sorted((a, fmt, f"{h.slug}.{a}.{fmt}") for a in (m.audiences if m else ())
                                 for fmt in PREVIEW_FORMATS
                                 if (self.out / f"{h.slug}.{a}.{fmt}").is_file()))
            row = HandoutSummary(
                slug=h.slug, title=m.title if m else display_path(h.source),
                status=m.status if m else "", version=m.version if m else "",
                source=display_path(h.source), last_updated=m.last_updated if m else None,
                next_review=m.next_review if m else None,
                audiences=m.audiences if m else (), files=files,
                problems=tuple(str(p) for p in h.problems if p.is_error))
            rows.append(row)
        return rows

    def state(self) -> dict:
        """Each handout's generation and whether it is rendering or stale (for tests)."""
        with self.changed:
            return {"generation": self.generation, "handouts": {
                h.slug: {"generation": h.generation, "page": h.page_generation,
                         "rendering": h.pending > 0,
                         "stale": h.stale, "problems": [str(p) for p in h.problems if p.is_error]}
                for h in self.handouts.values()}}

