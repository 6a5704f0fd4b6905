"""Planning a build one manuscript at a time, keeping only a small record of each.

For every manuscript the planner works out what a build needs before any
rendering: the version stamp, the cache key and file name of each output,
the warnings found reading it, its reading grade when the cache knows it.
The record (:class:`Planned`) holds the manuscript without its body, so a
build of ten thousand handouts never holds ten thousand bodies; a
manuscript that must be rendered is read again when its job is handed out
(and refused if it changed in between).

A build with a render cache also remembers each plan (``plans`` in the
cache's ``index.sqlite``) under a fingerprint: the size, modification time
and inode of every input file of the manuscript (the manuscript, its
bibliographies, images and CSL file, and the names a bibliography could be
found under instead), with the pipeline's code, the styles, the options,
``SOURCE_DATE_EPOCH`` and the state of the git repository (HEAD and its
index).  When the fingerprint still matches, the plan is taken as it is and
the manuscript is not read at all: a build where nothing changed reads only
file metadata.  A manuscript whose front matter failed is remembered with
its problems the same way, so it is not checked again until it changes.
An input modified within :data:`RACY_NS` of being read is not remembered
(a later edit in the same clock tick could go unseen, as git's index knows).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .cache import Cache
from .cache_keys import referenced_files
from .errors import PipelineError, Problem, Problems, display_path
from .includes import located, source_digest
from .model import Manuscript, Readability, RenderOptions, Stamp
from .stamp import OUTSIDE_GIT, GitHistory, make_stamp, source_date_epoch

Pair = tuple[str, str]  # (audience, format)
RACY_NS = 100_000_000  # 0.1 s: far more than any file system's time stamp granularity
SAVE_EVERY = 200  # plans remembered in the index at a time


@dataclass(frozen=True)
class Planned:
    """One manuscript as the build needs it: no body, its outputs' keys and names."""

    manuscript: Manuscript  # its identity only (see :func:`slim`); ``size``: the body's length
    source: str  # the manuscript's path as reports show it
    stamp: Stamp
    keys: tuple[tuple[Pair, str], ...]  # cache key per output ("" when it cannot be cached)
    names: tuple[tuple[Pair, str], ...]  # output file name per output
    digest: str  # sha256 of the manuscript file as planned
    size: int  # characters of the body: what its render costs
    warnings: tuple[Problem, ...]  # found reading it and its stamp
    reading: Readability | None = None
    measured: bool = False  # whether ``reading`` is known (else a worker measures it)
    images: tuple[Path, ...] = ()

    @property
    def slug(self) -> str:
        return self.manuscript.slug

    def with_reading(self, reading: Readability | None) -> Planned:
        return replace(self, reading=reading, measured=True)


@dataclass(frozen=True)
class Refused:
    """A manuscript that failed before rendering, with every problem found."""

    source: str
    problems: tuple[Problem, ...]


def load_manuscript(path: Path, bibliography_dir: Path) -> tuple[Manuscript, list[Problem]]:
    """:func:`pipeline.manuscript.load_manuscript`, imported only when a plan is not recalled."""
    from . import manuscript

    return manuscript.load_manuscript(path, bibliography_dir)


def slim(m: Manuscript, shared: dict | None = None) -> Manuscript:
    """What a build keeps of a manuscript it is not rendering: no body, no people, no history.

    Enough to name its outputs and describe them in the manifest and the
    index, and to place a problem at its ``slug`` or ``max_grade`` line.
    ``shared`` (kept by the caller) holds one copy of what many manuscripts
    repeat: the path of a shared .bib, the audiences, status, language and style.
    """
    lines = {k: v for k, v in m.field_lines.items() if k in ("slug", "max_grade")}
    if shared is None:
        shared = {}

    def one(value: Any) -> Any:
        return shared.setdefault(value, value)

    return replace(m, body="", authors=(), reviewers=(), changes=(), field_lines=lines,
                   bibliography=one(tuple(one(b) for b in m.bibliography)),
                   audiences=one(m.audiences), status=one(m.status), lang=one(m.lang),
                   csl=one(m.csl))


def reading_problem(m: Manuscript, reading: Readability | None,
                    source: str | None = None) -> Problem | None:
    """The warning of a patient edition above its grade limit, or None (``source``: the
    manuscript's path as reports show it)."""
    if reading is None or not reading.over_limit:
        return None
    from .readability import over_limit_message

    line = (reading.hardest[0].line if reading.hardest and reading.hardest[0].line
            else m.line_of("max_grade"))
    return Problem(source or display_path(m.path), line, over_limit_message(reading), "warning",
                   "reading-grade")


class Planner:
    """Plans manuscripts one at a time, from the memo when their inputs are unchanged."""

    def __init__(self, store: Cache | None, styles: Path, bibliography_dir: Path,
                 formats: tuple[str, ...], options: RenderOptions, strict: bool,
                 history: GitHistory, inputs_of: Callable[[Manuscript, Path], list[Path]],
                 output_name: Callable[[Manuscript, str, str], str],
                 check_rest: Callable[[Manuscript, Path, Problems], None],
                 source_styles: Path | None = None):
        self.store = store
        self.styles = styles
        self.bibliography_dir = bibliography_dir
        self.formats = formats
        self.options = options
        self.strict = strict
        self.history = history
        self.inputs_of = inputs_of
        self.output_name = output_name
        self.check_rest = check_rest
        self.source_styles = source_styles or styles  # what the stamps follow in git
        self._context: str | None = None
        self._stats: dict[str, tuple] = {}
        self._rows: dict[str, bytes] = {}  # remembered plans still valid, pickled
        self._new: list[tuple[str, str, str, bytes]] = []
        self._shared: dict = {}  # what many plans repeat, held once (see :func:`slim`)
        self._ahead: dict[str, tuple[Planned | Refused, list[str], int]] = {}  # see plan_ahead
        # plans whose reading grade a worker measures: remembered once it is back
        self.pending: dict[str, tuple[list[str], int]] = {}

    # ---------------------------------------------------------------- fingerprints

    def context(self) -> str:
        """What every plan depends on beside its own files."""
        if self._context is None:
            from .cache import CACHE_VERSION

            h = hashlib.sha256()
            for part in (CACHE_VERSION, "plan", self.store.environment() if self.store else "",
                         self.store.styles_digest if self.store else "", str(self.styles),
                         str(self.source_styles),
                         str(self.bibliography_dir.resolve()), repr(self.formats),
                         repr(self.options), repr(self.strict), repr(source_date_epoch()),
                         str(Path.cwd())):
                h.update(part.encode() + b"\0")
            self._context = h.hexdigest()
        return self._context

    def _stat(self, name: str) -> tuple:
        if name not in self._stats:
            try:
                st = os.stat(name)
                self._stats[name] = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
            except (OSError, ValueError):
                self._stats[name] = ("missing",)
        return self._stats[name]

    def _fingerprint(self, files: list[str], anchor: Path) -> str:
        h = hashlib.sha256(self.context().encode())
        h.update(self.history.fingerprint(anchor.parent).encode())
        for name in files:
            h.update(f"{name}\0{self._stat(name)}\0".encode())
        return h.hexdigest()

    def _racy(self, files: list[str], since: int) -> bool:
        return any(len(st) > 1 and st[0] >= since - RACY_NS
                   for st in (self._stat(name) for name in files))

    def _watched(self, m: Manuscript, images: list[Path]) -> list[str]:
        """Every file whose change (or appearance) changes the plan of ``m``."""
        files = [m.path, *m.bibliography, *images]
        if m.csl.endswith(".csl"):
            csl = Path(m.csl)
            files.append(csl if csl.is_absolute() else m.path.parent / csl)
        for bib in m.bibliography:  # a file beside the manuscript would be found first
            try:
                files.append(m.path.parent / bib.relative_to(self.bibliography_dir))
            except ValueError:
                pass
        return list(dict.fromkeys(str(p) for p in files))

    # ---------------------------------------------------------------- the memo

    def prefetch(self, paths: list[Path]) -> list[Path]:
        """Read the remembered plans of ``paths`` in one go (before planning them in turn);
        those whose plan no longer holds (every one without a cache): they will be planned
        afresh, and how many there are says early what a build will render."""
        if self.store is None:
            return list(paths)
        rows = self.store.index.plans([str(p) for p in paths])
        changed = []
        for path in paths:
            row = rows.pop(str(path), None)
            if row is not None and self._fingerprint(row[0].split("\0"), path) == row[1]:
                self._rows[str(path)] = row[2]
            else:
                changed.append(path)
        return changed

    def _recall(self, path: Path) -> Planned | Refused | None:
        data = self._rows.pop(str(path), None)  # only a plan whose fingerprint held
        if data is None:
            return None
        try:
            found = pickle.loads(data)
        except Exception:  # noqa: BLE001 - an unreadable memo is only a miss
            return None
        return found if isinstance(found, Planned | Refused) else None

    def remember(self, path: Path, files: list[str], since: int,
                 what: Planned | Refused) -> None:
        """Keep ``what`` as the plan of ``path`` (written when the build finishes)."""
        if self.store is None or self._racy(files, since):
            return
        self._new.append((str(path), "\0".join(files), self._fingerprint(files, path),
                          pickle.dumps(what, protocol=5)))
        if len(self._new) >= SAVE_EVERY:  # not thousands of them held until the end
            self.save()

    def save(self) -> None:
        """Write the plans made by this build into the index."""
        if self.store is not None and self._new:
            self.store.index.record_plans(self._new)
        self._new.clear()

    # ---------------------------------------------------------------- planning

    def plan_ahead(self, path: Path) -> Planned | Refused:
        """The plan of ``path`` now, before the others; :meth:`plan` answers it again."""
        found = self._ahead[str(path)] = self._plan(path)
        return found[0]

    def plan(self, path: Path) -> tuple[Planned | Refused, list[str], int]:
        """The plan of ``path``, the files it depends on and when they were looked at."""
        ahead = self._ahead.pop(str(path), None)
        return ahead if ahead is not None else self._plan(path)

    def _plan(self, path: Path) -> tuple[Planned | Refused, list[str], int]:
        since = time.time_ns()
        recalled = self._recall(path)
        if recalled is not None:
            return recalled, [], since
        from .manuscript import FrontMatterError
        from .readability import PATIENT

        try:
            data = path.read_bytes()
        except OSError:
            data = b""
        try:
            m, warnings = load_manuscript(path, self.bibliography_dir)
        except PipelineError as exc:
            problems = Problems()
            problems.extend(exc.problems)
            if isinstance(exc, FrontMatterError):
                self.check_rest(exc.manuscript, self.styles, problems)
                problems.items = located(problems.items, [exc.manuscript])
                files = self._watched(exc.manuscript, referenced_files(exc.manuscript))
            else:
                files = [str(path)]
            return Refused(display_path(path), tuple(problems.items)), files, since
        images = referenced_files(m)
        stamp = make_stamp(m, self.inputs_of(m, self.source_styles), self.history)
        found = Problems()
        found.extend(warnings)
        self._warn_uncommitted(m, stamp, found)
        if stamp.commit and stamp.commit in self.history.shallow_edge(m.path.parent):
            found.warn(m.path, None, f"the checkout is shallow (git clone --depth): its history "
                       f"stops at {stamp.commit[:10]}, so the commit that last changed this "
                       "handout may be older and its stamp (source commit, build date) differ "
                       "from a full clone's; fetch the whole history (git fetch --unshallow; "
                       "actions/checkout's fetch-depth: 0)", code="shallow", counts=False)
        pairs = [(a, f) for a in m.audiences for f in self.formats]
        # Only the web page links the other formats built: theirs is the only key they change.
        keys = tuple((pair, self.store.key(m, stamp, *pair, self.options if pair[1] == "html"
                                           else replace(self.options, formats=()))
                      if self.store else "") for pair in pairs)
        names = tuple((pair, self.output_name(m, *pair)) for pair in pairs)
        planned = Planned(slim(m, self._shared), display_path(m.path), stamp, keys, names,
                          source_digest(m, data), len(m.body),
                          tuple(found.items), images=tuple(images))
        if PATIENT not in m.audiences:
            planned = planned.with_reading(None)
        elif self.store is not None:
            known, reading = self.store.recall_reading(m, planned.digest)
            if known:
                planned = planned.with_reading(reading)
        if self.strict and not planned.measured:  # its warnings decide what is built
            planned = planned.with_reading(self.measure(m, planned.digest))
        return planned, self._watched(m, images), since

    def measure(self, m: Manuscript, digest: str) -> Readability | None:
        """The reading grade of ``m`` (with its body), kept in the cache."""
        from . import syllables
        from .readability import assess

        with syllables.kept_in(self.store.folder if self.store is not None else None):
            reading = assess(m)
        if self.store is not None:
            self.store.keep_reading(m, digest, reading)
        return reading

    def reload(self, planned: Planned) -> Manuscript | None:
        """The whole manuscript of ``planned`` again; None when it changed since."""
        path = planned.manuscript.path
        try:
            data = path.read_bytes()
            m = load_manuscript(path, self.bibliography_dir)[0]
            return m if source_digest(m, data) == planned.digest else None
        except (OSError, PipelineError):
            return None

    def _warn_uncommitted(self, m: Manuscript, stamp: Stamp, problems: Problems) -> None:
        """A build from files git does not hold says so: its stamp is marked, and here is why."""
        # A folder outside git is a scratch build: its stamp says so, and that is all.
        if (stamp.commit and not stamp.dirty) or self.history.root_of(m.path.parent) is None:
            return
        files = [display_path(p) for p, why in self.history.uncommitted(
            self.inputs_of(m, self.source_styles)) if why != OUTSIDE_GIT]
        if files:
            label = "+modified" if stamp.commit else "not committed"
            problems.warn(m.path, None, f"built from files not committed to git "
                          f"({', '.join(files)}): the stamp says '{label}'; commit them "
                          "before a release", code="uncommitted")
