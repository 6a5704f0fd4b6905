"""What a bibliography's readers hand on: entries and fields as written, and findings.

The .bib scanner (``bibscan``) makes all three; the readers of CSL-JSON,
CSL-YAML, RIS and MEDLINE files report their problems as :class:`Finding`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One field as written: lower-case name, value with @strings expanded, its line."""

    name: str
    value: str
    line: int
    raw: str = ""  # the value as written: braces, quotes, @string names, '#'


@dataclass(frozen=True)
class Finding:
    """A problem met while scanning; ``dropped`` when its entry is skipped."""

    line: int
    message: str
    key: str | None = None
    dropped: bool = True
    code: str = "bibtex"


@dataclass(frozen=True)
class ScannedEntry:
    """An entry as written: type and key as given (type lower-cased), fields in order."""

    type: str
    key: str
    line: int
    raw: str
    fields: tuple[Field, ...]
