"""Outputs gathered per manuscript and written as soon as the manuscript is complete.

A manuscript's files are written together, once every one of them is ready
(rendered, or taken from the cache), so a manuscript that fails leaves its
last good files in place; nothing else waits.  After writing, only a small
record of each file stays in memory, and the manifest is assembled from
those records (see ``output.OutputFolder``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from hashlib import sha256
from typing import TYPE_CHECKING

from .errors import Problem, Problems, display_path
from .model import Artifact, Manuscript
from .output import OutputFolder, cannot_write
from .progress import Progress

if TYPE_CHECKING:
    from .cache import Cache

Pair = tuple[str, str]  # (audience, format)


@dataclass(slots=True)
class Ready:
    """One output ready to be written: its bytes (None when the folder already holds them)."""

    data: bytes | None
    sha256: str
    size: int
    rendered: bool


@dataclass(slots=True)
class Pending:
    """A manuscript whose outputs are being gathered."""

    manuscript: Manuscript
    keys: tuple[tuple[Pair, str], ...]  # (pair, cache key): the plan's own, not a copy
    names: tuple[tuple[Pair, str], ...]  # (pair, file name)
    source: str  # the manuscript's path as reports show it
    ready: dict[Pair, Ready] = field(default_factory=dict)
    failed: bool = False

    def key(self, pair: Pair) -> str:
        return next(key for p, key in self.keys if p == pair)

    def name(self, pair: Pair) -> str:
        return next(name for p, name in self.names if p == pair)


class Gatherer:
    """Collects outputs per manuscript, writes complete manuscripts, keeps their records."""

    def __init__(self, folder: OutputFolder, store: Cache | None, problems: Problems,
                 progress: Progress, failed: list[str]):
        self.folder = folder
        self.store = store
        self.problems = problems
        self.progress = progress
        self.failed = failed  # the report's list of failed sources, shared
        self.pending: dict[str, Pending] = {}
        self.artifacts: list[Artifact] = []
        self.built = 0
        self.reused = 0

    def expect(self, m: Manuscript, keys: tuple[tuple[Pair, str], ...],
               names: tuple[tuple[Pair, str], ...], source: str | None = None) -> Pending:
        """``m`` will have these outputs (``source``: its path as reports show it)."""
        entry = Pending(m, keys, names, source or display_path(m.path))
        self.pending[m.slug] = entry
        return entry

    def add(self, slug: str, pair: Pair, data: bytes | None, sha256: str, size: int,
            rendered: bool) -> None:
        """One output is ready; the manuscript is written when it was the last one."""
        entry = self.pending.get(slug)
        if entry is None or entry.failed:
            return
        entry.ready[pair] = Ready(data, sha256, size, rendered)
        if len(entry.ready) == len(entry.keys):
            self._write(self.pending.pop(slug))

    def add_rendered(self, slug: str, pair: Pair, data: bytes,
                     problems: tuple[Problem, ...]) -> None:
        """A rendered output: into the cache, then gathered."""
        entry = self.pending.get(slug)
        if entry is None or entry.failed:
            return
        if self.store:
            self.store.put(entry.key(pair), data, problems)
        self.add(slug, pair, data, sha256(data).hexdigest(), len(data), True)

    def fail(self, slug: str) -> None:
        """The manuscript failed: nothing of it is written, its previous files stay."""
        entry = self.pending.pop(slug, None)
        if entry is None:
            return
        for _pair, name in entry.names:
            self.progress.advance(name, "failed")
        source = entry.source
        if source not in self.failed:
            self.failed.append(source)

    def _write(self, entry: Pending) -> None:
        m = entry.manuscript
        source = entry.source
        for pair, ready in sorted(entry.ready.items()):
            name = entry.name(pair)
            try:
                if ready.data is not None:
                    self.folder.write(name, ready.data, ready.sha256)
            except OSError as exc:
                self.problems.add(self.folder.out / name, None,
                                  cannot_write(self.folder.out / name, exc, "the output", ""),
                                  code="write")
                if source not in self.failed:
                    self.failed.append(source)
                self.progress.advance(name, "failed")
                continue
            if ready.rendered:
                self.built += 1
            else:
                self.reused += 1
            self.progress.advance(name, "built" if ready.rendered else "reused")
            audience, fmt = pair
            self.artifacts.append(Artifact(
                path=name, format=fmt, manuscript=m.slug, source=source, title=m.title,
                version=m.version, status=m.status, audience=audience, lang=m.lang,
                sha256=ready.sha256, bytes=ready.size,
                last_updated=m.last_updated.isoformat(),
                next_review=m.next_review.isoformat() if m.next_review else None))

    def records(self, grades: dict[str, float]) -> list[Artifact]:
        """Every written output's record, patient editions with their reading grade."""
        return sorted((replace(a, reading_grade=grades[a.manuscript])
                       if a.audience == "patient" and a.manuscript in grades else a
                       for a in self.artifacts), key=lambda a: a.path)
