"""The preview's state: each handout's last good render, its problems, its generation.

A :class:`Desk` watches the inputs of every handout (the manuscript, its
bibliography files, a CSL file it names, its images, ``styles/``) by their
modification times and sizes, polled twenty times a second (a few
milliseconds of work each).  A change loads the manuscript again and hands
its editions to warm worker processes: the web pages first, in a lane of
their own so a page never waits behind a PDF, the edition open in a browser
before the others; the PDFs beside them; the EPUBs only once no page or PDF
is left to render, so that they delay neither.  Rendered bytes replace the
files in the preview folder only when the render found no error; otherwise
the last good files stay and the problems are kept for the pages to show.
Every change of a handout's state bumps its generation, which open pages
wait on to reload.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .build import STYLES, BuildOptions, inputs_of, output_name, resolve_styles
from .discover import discover
from .errors import PipelineError, Problem, display_path
from .executors import available_cpus, end_with_parent, stop_pool
from .includes import located
from .jobs import RenderJob, RenderResult, run_job
from .manuscript import load_manuscript
from .model import HandoutSummary, Manuscript, RenderOptions
from .output import write_atomic
from .project import project_folder
from .stamp import GitHistory, make_stamp

PREVIEW_FORMATS = ("html", "pdf", "epub")
LATER = ("epub",)  # rendered once no page or PDF waits
POLL_SECONDS = 0.05
# A save that leaves the manuscript empty or shorter than the version shown, or that fails to
# load, may be an editor's save still being written (truncated, then written slowly, as some
# editors and network drives do): it is taken as the manuscript only once it held this long.
SETTLE_SECONDS = 1.0


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
    fingerprint: tuple = ()  # of the inputs last loaded
    seen: tuple = ()  # of the inputs at the last look: a change is loaded once it holds
    seen_at: float = 0.0  # monotonic time the inputs were first seen as they are now
    loaded_size: int | None = None  # of the manuscript file last loaded without error
    saving: bool = False  # a save seems under way: the last good render is shown meanwhile
    retry: bool = False  # a load failed while the save was unsettled: load again once settled

    @property
    def stale(self) -> bool:
        return any(p.is_error for p in self.problems)


def _warm_worker(styles: Path, weasyprint: bool, nice: int) -> None:
    """Leave Ctrl-C to the server; load the renderers (and WeasyPrint's stylesheets) once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the server's handler: end quietly
    end_with_parent()
    if nice:
        os.nice(nice)  # yields the CPUs to pages and PDFs (pandoc inherits it)
    from . import formats, prepare  # noqa: F401
    from .pandoc import markdown_to_ast

    markdown_to_ast("warm")  # this worker's resident pandoc, started before the first save
    if weasyprint:
        from .formats.pdf import _stylesheets

        _stylesheets(styles)


def _noop() -> None:
    return None


def _warm_pool(workers: int, styles: Path, weasyprint: bool,
               nice: int = 0) -> cf.ProcessPoolExecutor:
    """Worker processes started now, with their imports done, not at the first change."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pool = cf.ProcessPoolExecutor(max_workers=workers,
                                  mp_context=multiprocessing.get_context(method),
                                  initializer=_warm_worker, initargs=(styles, weasyprint, nice))
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
        # the package's styles with the project's laid over them, as a build has them
        self._style_sources = [self.options.styles, project_folder() / "styles"] \
            if self.options.styles == STYLES else [self.options.styles]
        self._style_print = fingerprint(self._style_sources)
        self.styles = resolve_styles(self.options).styles.resolve()
        self.styles_generation = 0  # bumped when styles/ changes: pages load anew
        self.handouts: dict[Path, Handout] = {}
        self.changed = threading.Condition()
        self.generation = 0  # of the whole desk: any handout's change
        self.watched: dict[tuple[str, str], int] = {}  # open pages by (slug, audience)
        self._stop = threading.Event()
        self._early = 0  # page and PDF jobs submitted and not yet done
        self._later: list[tuple[Handout, int, Manuscript, RenderJob]] = []  # EPUBs waiting
        # Lanes, so that a page never waits behind a PDF, nor either behind an EPUB: one
        # worker for the web pages, the other CPUs for the PDFs, and one for the EPUBs at
        # a lower priority.
        prints = max(1, (workers or available_cpus()) - 1)
        # each lane's workers, whether they load WeasyPrint, their priority
        self._lanes = {"pages": (1, False, 0), "prints": (prints, True, 0),
                       "books": (1, False, 10)}
        self.pages = _warm_pool(1, self.styles, weasyprint=False)
        self.prints = _warm_pool(prints, self.styles, weasyprint=True)
        self.books = _warm_pool(1, self.styles, weasyprint=False, nice=10)
        self._futures: dict[Path, list[cf.Future]] = {}
        self._watcher = threading.Thread(target=self._watch, name="preview-watch", daemon=True)

    # ------------------------------------------------------------ watching
    def start(self) -> None:
        self.scan()
        self._watcher.start()

    def stop(self) -> None:
        self._stop.set()
        for pool in (self.pages, self.prints, self.books):
            stop_pool(pool)

    def _watch(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            try:
                self.scan()
            except Exception as exc:  # noqa: BLE001 - the server must outlive a bad scan
                print(f"preview: {exc}", file=sys.stderr, flush=True)

    def scan(self) -> None:
        """Load again, and render again, every handout whose inputs changed."""
        try:
            sources = discover(list(self.paths), require=False)
        except Exception:  # noqa: BLE001 - a folder being renamed: try again next time
            return
        style_print = fingerprint(self._style_sources)
        if style_print != self._style_print:
            self._style_print = style_print
            self.styles = resolve_styles(self.options).styles.resolve()
            with self.changed:
                self.styles_generation += 1
        styles = (str(self.styles), style_print)
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
            if now != handout.seen:
                handout.seen_at = time.monotonic()
            if now == handout.fingerprint and not (handout.retry and self._settled(handout)):
                continue
            if handout.fingerprint and now != handout.seen:
                # a save may be half written (an editor truncates, then writes): loaded at
                # the next look if the files are as they are now
                handout.seen = now
                continue
            handout.seen = now
            if self._unsettled_save(handout):
                self._mark_saving(handout, True)
                continue
            handout.fingerprint = now
            handout.retry = False
            for future in self._futures.pop(key, []):
                future.cancel()  # not started yet: a newer save replaces it
            history = history or GitHistory()
            work += self._reload(handout, history)
        # the editions open in a browser first, and web pages before PDFs: the page and the
        # PDF of the edition being read render side by side
        def order(item: tuple[Handout, int, Manuscript, RenderJob]) -> tuple[bool, bool]:
            audience, fmt = item[3].wanted[0]
            return (not self.watched.get((item[2].slug, audience)), fmt != "html")

        with self.changed:
            for item in sorted(work, key=order):
                if item[3].wanted[0][1] in LATER:
                    self._later.append(item)
                else:
                    self._submit(item)
            self._release_later()
        gone = [k for k in self.handouts if k not in {s.resolve() for s in sources}]
        for key in gone:
            with self.changed:
                del self.handouts[key]
                self._bump(None)

    def _submit(self, item: tuple[Handout, int, Manuscript, RenderJob]) -> None:
        """Called with ``self.changed`` held: a job to its lane."""
        handout, round_, m, job = item
        fmt = job.wanted[0][1]
        early = fmt not in LATER
        lane = "books" if not early else "prints" if fmt == "pdf" else "pages"
        try:
            future = getattr(self, lane).submit(run_job, job)
        except RuntimeError:  # its pool is broken (a worker was killed) or stopped
            if self._stop.is_set():
                return
            self._renew(lane)
            future = getattr(self, lane).submit(run_job, job)
        self._early += early
        self._futures.setdefault(handout.source.resolve(), []).append(future)
        future.add_done_callback(
            lambda f: self._finished(handout, round_, m, job, f, early))

    def _renew(self, lane: str) -> None:
        """A lane whose pool broke (a worker killed from outside, out of memory) gets new
        workers, so that the next save renders; the jobs it held came back as errors."""
        workers, weasyprint, nice = self._lanes[lane]
        stop_pool(getattr(self, lane))
        fresh = _warm_pool(workers, self.styles, weasyprint=weasyprint, nice=nice)
        setattr(self, lane, fresh)
        if self._stop.is_set():  # stopped meanwhile: stop() may have seen the old pool
            stop_pool(fresh)

    def _release_later(self) -> None:
        """Called with ``self.changed`` held: the EPUBs, once no page or PDF is left."""
        if self._early or self._stop.is_set():
            return
        later, self._later = self._later, []
        for item in later:
            if item[1] == item[0].submitted:  # not replaced by a newer save meanwhile
                self._submit(item)

    def _settled(self, handout: Handout) -> bool:
        """Whether the manuscript file has not changed for :data:`SETTLE_SECONDS`.

        By its modification time, or, for a clock that disagrees with this one (a network
        drive), by how long the preview has seen it as it is.
        """
        try:
            written = handout.source.stat().st_mtime
        except OSError:
            return True
        return (time.time() - written >= SETTLE_SECONDS
                or time.monotonic() - handout.seen_at >= SETTLE_SECONDS)

    def _unsettled_save(self, handout: Handout) -> bool:
        """An empty manuscript, or one shorter than the one shown, written a moment ago."""
        try:
            size = handout.source.stat().st_size
        except OSError:
            return False
        shrunk = size == 0 or (handout.loaded_size is not None and size < handout.loaded_size)
        return shrunk and not self._settled(handout)

    def _mark_saving(self, handout: Handout, saving: bool) -> None:
        if handout.saving != saving:
            with self.changed:
                handout.saving = saving
                self._bump(handout, page=True)

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
            if not self._settled(handout):
                handout.retry = True  # shown only if it still fails once the file holds
                self._mark_saving(handout, True)
                return []
            with self.changed:
                handout.saving = False
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
        limit = self.options.render_time_limit()
        jobs = [RenderJob(m, stamp, self.styles, ((a, fmt),), options, time_limit=limit)
                for fmt in PREVIEW_FORMATS for a in m.audiences]
        try:
            handout.loaded_size = handout.source.stat().st_size
        except OSError:
            handout.loaded_size = None
        with self.changed:
            handout.saving = False
            handout.manuscript = m if handout.manuscript is None else handout.manuscript
            handout.slug = handout.manuscript.slug
            handout.submitted += 1
            handout.pending = len(jobs)
            handout.problems = located(warnings, [m])
            round_ = handout.submitted
            self._bump(handout)
        return [(handout, round_, m, job) for job in jobs]

    def _finished(self, handout: Handout, round_: int, m: Manuscript, job: RenderJob,
                  future: cf.Future, early: bool) -> None:
        if early:
            with self.changed:
                self._early -= 1
                self._release_later()
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
            new = [p for p in located(result.problems, [m]) if p not in handout.problems]
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
                         "rendering": h.pending > 0, "saving": h.saving,
                         "stale": h.stale, "problems": [str(p) for p in h.problems if p.is_error]}
                for h in self.handouts.values()}}

