"""A manuscript's bibliographies: .bib (BibTeX, biblatex), CSL-JSON and CSL-YAML files.

Entries are read one by one (``bibscan``), so a broken entry costs only
itself: it is skipped and reported at its line, as a warning unless the
manuscript cites it.  Keys defined twice keep the first entry, as biber does.
``crossref`` and ``xdata`` are resolved with biblatex's inheritance rules
across all of a manuscript's files, whether or not the parent is cited (a
parent is listed only when cited).  ``to_csl`` turns the cited entries into
CSL-JSON items (``bibconvert``); each entry's kind comes from
``styles/kinds.yaml``.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path

from .bibconvert import biblatex_type, to_csl
from .bibdecode import WEB_PAGE, decode_bib, encoding_note, no_entries_note
from .bibinherit import inherit, links_of, used_keys
from .bibrecords import Field, Finding
from .bibscan import Scanner
from .bibtex_tex import plain_text
from .bundle import package_styles
from .controls import FORBIDDEN, control_fate, control_name, without_controls
from .errors import PipelineError, Problems, display_path
from .frontmatter import BINARY_KINDS, MAX_SOURCE_FILE, read_source_bytes
from .kindsfile import load_kinds

__all__ = ["BibEntry", "BibFile", "kind_of", "load_bibliographies", "read_bibtex",
           "read_bibtex_once", "to_csl"]

KINDS_FILE = package_styles() / "kinds.yaml"
CSL_SUFFIXES = (".json", ".yaml", ".yml", ".ris", ".xml", ".nbib", ".medline")  # CSL items


@dataclass(frozen=True)
class BibEntry:
    """One usable entry: its fields as written (inherited ones added) and where it is."""

    key: str
    type: str  # the biblatex type it is read as (for CSL-JSON/YAML items, the nearest one)
    path: Path
    line: int
    raw: str  # the entry's own text in its file
    fields: tuple[tuple[str, str], ...]  # (lower-case name, value with @strings expanded)
    strings: str = ""  # the file's @string definitions the raw text may use, verbatim
    field_lines: tuple[int, ...] = ()  # the source line of each field
    written_type: str = ""  # the type as written (@book_section; a CSL item's CSL type)
    inherited_from: tuple[str, ...] = ()  # crossref/xdata parents whose fields were added
    item: str = ""  # the CSL-JSON item, for entries read from CSL-JSON/YAML
    values: tuple[tuple[str, str], ...] = ()  # its own fields as written: braces, macros, '#'

    def field(self, name: str) -> str | None:
        """The value of field ``name`` (lower case), or None."""
        for key, value in self.fields:
            if key == name:
                return value
        return None

    def located_fields(self) -> tuple[Field, ...]:
        """Every field with its source line: name -> value as written."""
        lines = self.field_lines or (self.line,) * len(self.fields)
        return tuple(Field(n, v, ln) for (n, v), ln in zip(self.fields, lines, strict=True))

    @property
    def kind(self) -> str:
        """Research, Guideline, Review, ...: ``category``, else keywords, else the type."""
        return kind_of(self)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.raw.encode()).hexdigest()


@dataclass(frozen=True)
class BibFile:
    path: Path
    entries: tuple[BibEntry, ...]
    strings: str  # the file's @string definitions, verbatim
    findings: tuple[Finding, ...] = ()


# ------------------------------------------------------------------ kinds

@functools.cache
def _kinds(path: Path = KINDS_FILE) -> dict[str, dict[str, str]]:
    try:
        kinds = load_kinds(path)
    except PipelineError:  # reported at its line by the build; the package's map stands in
        kinds = load_kinds(KINDS_FILE)
    return {section: {_normal(k): v for k, v in names.items()}
            for section, names in kinds.items()}


def _normal(keyword: str) -> str:
    return " ".join(plain_text(keyword).lower().replace("\u2011", "-").split()).strip(" .")


def kind_of(entry: BibEntry, kinds_file: Path | None = None) -> str:
    """The kind shown beside an entry: ``category``, else its keywords (or genre), else its type.

    ``kinds_file``: the map in use (a project's ``styles/kinds.yaml``); default the package's.
    """
    category = entry.field("category")
    if category and plain_text(category):
        return plain_text(category)
    kinds = _kinds(kinds_file if kinds_file is not None and kinds_file.is_file() else KINDS_FILE)
    keywords = entry.field("keywords") or entry.field("keyword") or ""
    found = {_normal(k) for k in re.split(r"[,;\n]", keywords)} if keywords else set()
    genre = entry.field("genre" if entry.item else "type")  # Zotero's "Report Type: Guideline"
    if genre:
        found.add(_normal(genre))
    for keyword, kind in kinds["keywords"].items():
        if keyword in found:
            return kind
    if entry.item:
        return kinds["csl-types"].get(entry.written_type, "Other")
    return kinds["types"].get(entry.type, "Other")


# ------------------------------------------------------------------ reading

def _scan_file(path: Path) -> BibFile:
    if path.suffix.lower() in CSL_SUFFIXES:
        from .csljson import read_csl_file

        entries, findings = read_csl_file(path)
        if not entries and not findings:
            findings = [Finding(1, "no items found: the file is empty" if not
                                path.read_bytes().strip() else "no items found", dropped=False,
                                code="bibtex-empty")]
        return BibFile(path, tuple(entries), "", tuple(findings))
    data = read_source_bytes(path)
    for magic, kind, _advice in BINARY_KINDS:  # an image or a document saved under a .bib name
        if data.startswith(magic):
            return BibFile(path, (), "", (Finding(
                1, f"no BibTeX entries found: the file is {kind}, not text; export the "
                "references as BibTeX, CSL-JSON or CSL-YAML", dropped=False,
                code="bibtex-empty"),))
    decoded = decode_bib(data)
    text = decoded.text.removeprefix("\ufeff")
    scanner = Scanner(text)
    findings = list(scanner.findings)
    note = encoding_note(decoded, data)
    if note:
        findings.append(Finding(note[0], note[1], dropped=False, code="encoding"))
    if scanner.entries and WEB_PAGE.match(text):  # BibTeX shown on a page, saved as the page
        findings.append(Finding(1, "this is a web page (HTML), not a BibTeX file: its entries "
                                "are read, but not HTML's escapes such as '&amp;'; save the "
                                "BibTeX the page shows as the file", dropped=False,
                                code="bibtex-kind"))
    if not scanner.entries and not findings and not scanner.defined:
        line, message = no_entries_note(text)
        findings.append(Finding(line, message, dropped=False, code="bibtex-empty"))
    strings = _string_text(text) if scanner.defined else ""
    # one search of the file, not two per field (FORBIDDEN's astral noncharacters make
    # it slow: a second for 5 MB; the ASCII controls alone take a tenth of that)
    controls = (ASCII_CONTROLS if text.isascii() else FORBIDDEN).search(text) is not None
    entries: list[BibEntry] = []
    first: dict[str, int] = {}
    for e in scanner.entries:
        if e.key in first:
            findings.append(Finding(first[e.key], f"key '{e.key}' is defined again at line "
                                    f"{e.line}; this first entry is used", e.key, False,
                                    "duplicate-key"))
            findings.append(Finding(e.line, f"key '{e.key}' is defined twice in this file "
                                    f"(first at line {first[e.key]}); this entry is ignored",
                                    e.key, False, "duplicate-key"))
            continue
        first[e.key] = e.line
        fields = _without_controls(e.key, e.fields, findings) if controls else e.fields
        entries.append(BibEntry(
            key=e.key, type=biblatex_type(e.type), path=path, line=e.line,
            raw=without_controls(e.raw) if controls else e.raw,
            fields=tuple((f.name, f.value) for f in fields), strings=strings,
            field_lines=tuple(f.line for f in fields), written_type=e.type,
            values=tuple((f.name, f.raw) for f in fields)))
    findings.sort(key=lambda f: f.line)
    return BibFile(path, tuple(entries), strings, tuple(findings))


ASCII_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # FORBIDDEN's in ASCII


def _without_controls(key: str, fields: tuple[Field, ...],
                      findings: list[Finding]) -> tuple[Field, ...]:
    """``fields`` with control characters and noncharacters taken out, each said at its line.

    No reader can see them and neither pandoc's XHTML nor the PDF fonts take them
    (see :func:`.controls.without_controls`).
    """
    if not any(FORBIDDEN.search(f.value) or FORBIDDEN.search(f.raw) for f in fields):
        return fields
    cleaned = []
    for f in fields:
        text = f.raw if FORBIDDEN.search(f.raw) else f.value
        for match in FORBIDDEN.finditer(text):
            line = f.line + text[:match.start()].count("\n") if text is f.raw else f.line
            findings.append(Finding(line, f"entry '{key}': field '{f.name}' holds a "
                                    f"{control_name(match.group())}, which no reader can see: "
                                    f"{control_fate(match.group())}; remove it from the file",
                                    key, False, "control-character"))
        cleaned.append(replace(f, value=without_controls(f.value), raw=without_controls(f.raw)))
    return tuple(cleaned)


_STRING = re.compile(r"^[ \t]*@[ \t]*string[ \t]*[{(]", re.IGNORECASE | re.MULTILINE)


def _string_text(text: str) -> str:
    """The file's @string definitions, verbatim (for a BibTeX copy of cited entries)."""
    out = []
    for m in _STRING.finditer(text):
        depth, i = 0, m.end()
        close = "}" if text[m.end() - 1] == "{" else ")"
        while i < len(text):
            ch = text[i]
            if ch == "{":
                depth += 1
            elif ch == "}" and depth:
                depth -= 1
            elif ch == close and depth == 0:
                out.append(text[m.start():i + 1].strip())
                break
            i += 1
    return "\n".join(out)


def _report(bib: BibFile, problems: Problems, used: Collection[str] | None) -> None:
    """Findings as problems: an entry that is dropped is an error only when it is used.

    ``used`` are the keys a manuscript uses (cited, and the entries they inherit
    from or gather); ``None`` when the file is read on its own.  A warning about
    another entry, or about the file as a whole (its encoding, an ``@string``
    outside entries), is reported but does not count against the manuscript
    under --strict.
    """
    for f in bib.findings:
        mine = used is None or f.key in used
        if f.dropped and mine:
            problems.add(bib.path, f.line, f.message, code=f.code)
        else:
            problems.warn(bib.path, f.line, f.message, code=f.code,
                          counts=used is None or f.key is not None and mine)


def read_bibtex(path: Path, problems: Problems) -> BibFile:
    """Read a bibliography file; a broken entry is an error at its line, the others kept."""
    bib = _scan_file(path)
    _report(bib, problems, None)
    return bib


_READ: dict[tuple[str, bytes], BibFile] = {}


def read_bibtex_once(path: Path, problems: Problems | None,
                     cited: Collection[str] | None = None) -> BibFile:
    """``read_bibtex``, remembered while the file's bytes are the same.

    A render worker reads the same shared .bib for every manuscript it is
    given; its problems are reported again each time (not at all without
    ``problems``).
    """
    try:
        key = None if path.stat().st_size > MAX_SOURCE_FILE else \
            (str(path.resolve()), hashlib.sha256(path.read_bytes()).digest())
    except OSError:
        key = None
    if key is None or key not in _READ:
        bib = _scan_file(path)
        if key is not None:
            if len(_READ) >= 64:
                _READ.clear()
            _READ[key] = bib
    else:
        bib = _READ[key]
    if problems is not None:
        _report(bib, problems, cited)
    return bib


def unreadable_entries(paths: tuple[Path, ...]) -> dict[str, tuple[Path, int]]:
    """Keys of entries the files hold but that could not be read, with where each broke."""
    found: dict[str, tuple[Path, int]] = {}
    for path in paths:
        try:
            bib = read_bibtex_once(path, None)
        except PipelineError:
            continue
        for f in bib.findings:
            if f.dropped and f.key and f.key not in found:
                found[f.key] = (path, f.line)
    return found


def load_bibliographies(paths: tuple[Path, ...], problems: Problems,
                        cited: Collection[str] | None = None) -> dict[str, BibEntry]:
    """All citable entries of a manuscript's bibliographies by key, inheritance resolved.

    A key in two files keeps the first (a warning).  With ``cited``, a broken
    entry is an error only when it is cited; otherwise every broken entry is.
    """
    by_key: dict[str, BibEntry] = {}
    bibs: list[BibFile] = []
    again: list[BibEntry] = []
    for path in paths:
        try:
            bib = read_bibtex_once(path, None)
        except PipelineError as exc:
            problems.extend(exc.problems)
            continue
        bibs.append(bib)
        for entry in bib.entries:
            if entry.key in by_key:
                again.append(entry)
            else:
                by_key[entry.key] = entry
    used = None if cited is None else used_keys(by_key, cited)
    for bib in bibs:
        _report(bib, problems, used)
    for entry in again:
        first = by_key[entry.key]
        problems.warn(entry.path, entry.line, f"key '{entry.key}' is already defined at "
                      f"{display_path(first.path)}:{first.line}; that entry is used",
                      code="duplicate-key", counts=used is None or entry.key in used)
    wanted = by_key if used is None else {k: by_key[k] for k in used if k in by_key}
    resolved = {}
    for key, entry in by_key.items():
        if entry.type == "xdata" and not entry.item:
            continue  # biblatex's @xdata entries lend fields and are never cited
        if key in wanted and not entry.item and links_of(entry):
            entry = inherit(entry, by_key, problems, ())
        resolved[key] = entry
    return resolved
