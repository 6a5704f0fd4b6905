"""The small frozen records that flow between the stages.

manuscript -> cited document -> rendered bytes -> artifact -> manifest.
This module imports nothing from the rest of the package.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

STATUSES = ("draft", "submitted", "under-review", "approved", "retired")
AUDIENCES = ("clinician", "patient")
DEFAULT_STYLE = "american-medical-association"


@dataclass(frozen=True)
class Person:
    name: str
    role: str = ""
    date: dt.date | None = None


@dataclass(frozen=True)
class Change:
    """One row of the revision history."""

    version: str
    date: dt.date
    summary: str


@dataclass(frozen=True)
class Span:
    """A run of a manuscript body's lines read from one file (see :mod:`.includes`)."""

    start: int  # index of its first line in the body
    count: int
    path: Path
    line: int  # that line's number in ``path``


@dataclass(frozen=True)
class Manuscript:
    """A validated manuscript: front matter plus the Markdown body."""

    path: Path
    body: str
    body_line: int
    title: str
    version: str
    status: str
    last_updated: dt.date
    slug: str
    lang: str = "en-US"
    audiences: tuple[str, ...] = ("clinician",)
    authors: tuple[Person, ...] = ()
    reviewers: tuple[Person, ...] = ()
    bibliography: tuple[Path, ...] = ()
    csl: str = DEFAULT_STYLE
    next_review: dt.date | None = None
    disclaimer: str | None = None
    canonical_url: str | None = None
    max_grade: float = 8.0
    changes: tuple[Change, ...] = ()
    subtitle: str | None = None
    summary: str | None = None  # one or two sentences: the files' description
    keywords: tuple[str, ...] = ()
    references_title: str | None = None  # pandoc's reference-section-title
    field_lines: Mapping[str, int] = field(default_factory=dict)
    spans: tuple[Span, ...] = ()  # where the body's lines came from when it includes files

    @property
    def approved(self) -> bool:
        return self.status == "approved"

    def line_of(self, key: str) -> int | None:
        return self.field_lines.get(key)


@dataclass(frozen=True)
class Stamp:
    """What identifies a build of a handout: printed on every page."""

    version: str
    status: str
    last_updated: dt.date
    build_date: dt.date
    commit: str  # full hash, or "" when unknown
    dirty: bool = False

    @property
    def short_commit(self) -> str:
        if not self.commit:
            return "not committed"
        return self.commit[:10] + ("+modified" if self.dirty else "")


@dataclass(frozen=True)
class Reference:
    """One entry of the reference list, already formatted as HTML."""

    key: str
    label: str  # "1." for numeric styles (in formatting marks, as html), "" otherwise
    html: str
    kind: str


@dataclass(frozen=True)
class CitedDocument:
    """One edition (manuscript x audience) with citations resolved.

    ``ast`` is pandoc's JSON AST; stages that change it return a new one.
    """

    manuscript: Manuscript
    audience: str
    ast: Mapping[str, Any]
    references: tuple[Reference, ...]
    disclaimer_title: str
    disclaimer_blocks: tuple[Any, ...]
    stamp: Stamp
    words: Mapping[str, str]
    style_name: str = DEFAULT_STYLE
    source_ast: Mapping[str, Any] | None = None  # the edition before citations: what it attaches
    footnote_symbols: bool = False  # citations are superscript numbers: notes take *, †, ...
    # Made already by the process that prepared the edition, for a PDF worker that then need
    # not (see single.py): the cited entries as the PDF attaches them, the edition's source
    # it attaches, and its final print HTML with the formula drawings that HTML names
    cited_bibtex: str | None = None
    attached_source: str | None = None
    print_html: tuple[str, Mapping[str, Any]] | None = None

    @property
    def lang(self) -> str:
        return self.manuscript.lang


@dataclass(frozen=True)
class HardSentence:
    """A sentence of an edition, and how far the grade falls without it."""

    text: str
    line: int | None
    effect: float


@dataclass(frozen=True)
class Readability:
    """The reading grade of an edition's body text."""

    grade: float  # a US school grade, one decimal
    formula: str
    limit: float
    sentences: int
    words: int
    syllables: int
    score: float | None = None  # the reading-ease score, for formulas that have one
    hardest: tuple[HardSentence, ...] = ()

    @property
    def over_limit(self) -> bool:
        return self.grade > self.limit


@dataclass(frozen=True)
class RenderOptions:
    """Options that change the bytes of an output."""

    paper: str = "a4"
    # The formats this build writes: a web page links only those of its edition.
    formats: tuple[str, ...] = ("pdf", "epub", "html")


@dataclass(frozen=True, slots=True)
class Artifact:
    """A produced file, as listed in the manifest (thousands are kept: no ``__dict__``)."""

    path: str
    format: str
    manuscript: str
    source: str
    title: str
    version: str
    status: str
    audience: str
    lang: str
    sha256: str
    bytes: int
    reading_grade: float | None = None  # patient editions only
    # The manuscript's dates when these files were made (ISO): the index shows them even
    # when a later edit of the manuscript no longer reads.
    last_updated: str | None = None
    next_review: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {f.name: value for f in fields(self)
                if (value := getattr(self, f.name)) is not None or f.default is not None}


@dataclass(frozen=True)
class CiteItem:
    """One cited work inside a citation, as CSL's citation-items describe it."""

    key: str
    locator: str | None = None
    label: str | None = None  # a CSL locator term: "page", "chapter", ...
    prefix: str = ""
    suffix: str = ""
    mode: str = "normal"  # or "suppress-author", "author-only", "author-in-text"


@dataclass(frozen=True)
class Cluster:
    """A citation: the works cited together at one place, and its footnote number."""

    items: tuple[CiteItem, ...]
    note_index: int = 0


@dataclass(frozen=True)
class FormattedCitations:
    """citeproc's output with formatting marks: each citation, and the reference list."""

    citations: tuple[str, ...]
    bibliography: tuple[tuple[str, str], ...]  # (key, entry)
    # each citation's "author-in-text" cites: their names as the style prints them
    # (citeproc's author-only form), None where its citation layout prints no names
    names: tuple[tuple[str | None, ...], ...] = ()


@dataclass(frozen=True)
class SiteSettings:
    """``styles/site.yaml``: what every web page of the folder shares."""

    editorial_policy: str = ""  # the address of the editorial policy, linked from each page


@dataclass(frozen=True)
class HandoutSummary:
    """One handout at a glance: a row of the index page and of ``status``."""

    slug: str
    title: str
    status: str
    version: str
    source: str
    lang: str = "en-US"
    last_updated: dt.date | None = None
    next_review: dt.date | None = None
    audiences: tuple[str, ...] = ()
    files: tuple[tuple[str, str, str], ...] = ()  # (audience, format, path), sorted
    reading_grade: float | None = None  # of the patient edition
    released: str | None = None  # the version in the newest release holding it
    problems: tuple[str, ...] = ()  # "path:line: message", when its last build failed
