"""Read BibTeX into CSL-JSON items, entry by entry, with located errors.

A light scanner splits each file into entries and checks their structure
(unclosed braces, missing keys, duplicate fields), so one broken entry is
reported at the line where it starts while the entries after it stay usable.
The well-formed entries are then converted by pandoc's BibTeX reader, which
knows LaTeX accents and commands, name particles, corporate authors,
``@string`` and ``#`` concatenation.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .errors import PipelineError, Problem, Problems, display_path
from .manuscript import read_text
from .pandoc import PandocFailure, run_pandoc

# Real entries, abstracts included, stay under a few KiB; citeproc's time grows with them.
MAX_ENTRY = 64 * 1024
ENTRY_START = re.compile(r"@\s*([A-Za-z]+)\s*([{(])")
FIELD_NAME = re.compile(r"\s*([A-Za-z][\w:.+-]*)\s*=\s*")
KEY = re.compile(r"\s*([^\s,={}()\"#%'~\\]+)\s*,")

KINDS = {
    "article": "Research",
    "book": "Book",
    "inbook": "Book chapter",
    "incollection": "Book chapter",
    "inproceedings": "Conference paper",
    "conference": "Conference paper",
    "proceedings": "Conference proceedings",
    "phdthesis": "Thesis",
    "mastersthesis": "Thesis",
    "thesis": "Thesis",
    "techreport": "Report",
    "report": "Report",
    "manual": "Manual",
    "online": "Web page",
    "www": "Web page",
    "electronic": "Web page",
    "misc": "Other",
    "unpublished": "Unpublished",
    "booklet": "Booklet",
    "dataset": "Dataset",
    "software": "Software",
}
CSL_TYPES = {
    "misc": "document",
    "online": "webpage",
    "www": "webpage",
    "electronic": "webpage",
    "unpublished": "manuscript",
    "booklet": "pamphlet",
}


@dataclass(frozen=True)
class BibEntry:
    """One well-formed BibTeX entry."""

    key: str
    type: str
    path: Path
    line: int
    raw: str
    fields: tuple[tuple[str, str], ...]
    strings: str = ""  # the file's @string definitions the entry may use
    values: tuple[tuple[str, str], ...] = ()  # the fields as written: braces, quotes, macros

    def field(self, name: str) -> str | None:
        for key, value in self.fields:
            if key == name:
                return value
        return None

    @property
    def kind(self) -> str:
        category = self.field("category")
        if category:
            return re.sub(r"[{}]", "", category).strip()
        return KINDS.get(self.type, "Other")

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.raw.encode()).hexdigest()


@dataclass(frozen=True)
class BibFile:
    path: Path
    entries: tuple[BibEntry, ...]
    strings: str  # the file's @string definitions, verbatim


class _Scanner:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def line_at(self, pos: int) -> int:
        return self.text.count("\n", 0, pos) + 1


def _balanced(text: str, start: int, close: str) -> int:
    """Index just past the delimiter that closes the group opened before ``start``.

    Returns -1 when the group is never closed.
    """
    depth = 0
    i = start
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                return i + 1 if close == "}" else -1
            depth -= 1
        elif ch == ")" and close == ")" and depth == 0:
            return i + 1
        elif ch == "@" and depth == 0 and close == "}" and _line_start(text, i):
            return -1
        i += 1
    return -1


def _line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _line_start(text: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j < 0 or text[j] == "\n"


def _parse_value(body: str, i: int) -> tuple[str, int] | None:
    """One field value (with ``#`` parts) starting at ``body[i]``; (raw, end)."""
    start = i
    n = len(body)
    while True:
        while i < n and body[i].isspace():
            i += 1
        if i >= n:
            return None
        ch = body[i]
        if ch == "{":
            depth, i = 1, i + 1
            while i < n and depth:
                if body[i] == "\\":
                    i += 2
                    continue
                depth += {"{": 1, "}": -1}.get(body[i], 0)
                i += 1
            if depth:
                return None
        elif ch == '"':
            i += 1
            depth = 0
            while i < n and not (body[i] == '"' and depth == 0):
                if body[i] == "\\":
                    i += 2
                    continue
                depth += {"{": 1, "}": -1}.get(body[i], 0)
                i += 1
            if i >= n:
                return None
            i += 1
        else:
            m = re.match(r"[\w.:+/-]+", body[i:])
            if not m:
                return None
            i += m.end()
        while i < n and body[i].isspace():
            i += 1
        if i < n and body[i] == "#":
            i += 1
            continue
        return body[start:i].strip(), i


def _kib(size: int) -> str:
    return f"{size // 1024:,}"


def _expansion(raw: str, sizes: dict[str, int]) -> tuple[int, set[str]]:
    """The length of a field value once its ``#`` parts and @string names are
    expanded, and the names it uses.

    Each @string may double the one before; the sizes, not the text, are summed.
    """
    total = 0
    names: set[str] = set()
    depth = 0
    quoted = False
    start = 0
    for i, ch in enumerate(raw + "#"):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            quoted = not quoted
        elif ch == "#" and depth <= 0 and not quoted:
            part = raw[start:i].strip()
            if part[:1] in ('{', '"'):
                total += max(len(part) - 2, 0)
            else:
                names.add(part.lower())
                total += sizes.get(part.lower(), len(part))
            start = i + 1
    return total, names


def _plain(value: str) -> str:
    value = value.strip()
    if value[:1] in "{\"" and value[-1:] in "}\"":
        value = value[1:-1]
    return value.strip()


def read_bibtex(path: Path, problems: Problems) -> BibFile:
    """Split a .bib file into entries; broken entries become problems."""
    text = read_text(path)
    entries: list[BibEntry] = []
    strings: list[str] = []
    seen: dict[str, int] = {}
    sizes: dict[str, int] = {}  # expanded length of each @string, by lower-case name
    refused: set[str] = set()  # @strings too large to use
    pos = 0
    while True:
        m = ENTRY_START.search(text, pos)
        if not m:
            break
        kind = m.group(1).lower()
        line = text.count("\n", 0, m.start()) + 1
        close = "}" if m.group(2) == "{" else ")"
        end = _balanced(text, m.end(), close)
        if end < 0:
            opener = m.group(2)
            named = KEY.match(text, m.end())
            what = f"entry '{named.group(1)}'" if named else f"entry @{kind}"
            problems.add(path, line, f"{what} is not closed: its '{opener}' has no matching "
                         f"'{close}' before the next entry", code="bibtex")
            nxt = re.compile(r"^[ \t]*@", re.MULTILINE).search(text, m.end())
            pos = nxt.start() if nxt else len(text)
            continue
        pos = end
        raw = text[m.start():end]
        body = text[m.end():end - 1]
        if kind == "comment" or kind == "preamble":
            continue
        if len(raw) > MAX_ENTRY:
            named = KEY.match(body)
            what = f"entry '{named.group(1)}'" if named else f"entry @{kind}"
            problems.add(path, line, f"{what} is {len(raw) // 1024} KiB, more than the "
                         f"{MAX_ENTRY // 1024} KiB an entry may have", code="bibtex")
            continue
        if kind == "string":
            defined = FIELD_NAME.match(body)
            parsed = _parse_value(body, defined.end()) if defined else None
            if defined and parsed:
                name = defined.group(1)
                size, used = _expansion(parsed[0], sizes)
                sizes[name.lower()] = size
                if size > MAX_ENTRY:
                    if not used & refused:  # the first one too large says it
                        problems.add(path, line, f"@string '{name}' expands to "
                                     f"{_kib(size)} KiB, more than the {MAX_ENTRY // 1024} KiB "
                                     "an entry may have", code="bibtex")
                    refused.add(name.lower())
                    continue
            strings.append(raw)
            continue
        km = KEY.match(body)
        if not km:
            if re.match(r"\s*[\w:.+-]+\s*[})]?\s*$", body):
                km_end, key = None, body.strip()
            else:
                problems.add(path, line, f"entry @{kind} has no citation key: write "
                             f"@{kind}{{key, ...}}", code="bibtex")
                continue
        else:
            key = km.group(1)
            km_end = km.end()
        if "=" in key or not key:
            problems.add(path, line, f"entry @{kind} has no citation key: write "
                         f"@{kind}{{key, ...}}", code="bibtex")
            continue
        fields: list[tuple[str, str]] = []
        broken = None
        i = km_end if km_end is not None else len(body)
        base = m.end()  # body offsets to file lines: _line_at(text, base + offset)
        while i < len(body):
            rest = body[i:]
            if not rest.strip():
                break
            fm = FIELD_NAME.match(body, i)
            if not fm:
                bad_line = _line_at(text, base + len(body) - len(rest.lstrip()))
                broken = (bad_line, (f"entry '{key}': expected 'field = value', found "
                          f"'{rest.strip()[:30]}'"))
                break
            name = fm.group(1).lower()
            parsed = _parse_value(body, fm.end())
            if parsed is None:
                broken = (_line_at(text, base + fm.start(1)), (f"entry '{key}': the value of "
                          f"field '{name}' is not closed"))
                break
            value, i = parsed
            value_end = i
            while value_end > 0 and body[value_end - 1].isspace():
                value_end -= 1
            if any(name == f for f, _ in fields):
                broken = (_line_at(text, base + fm.start(1)), (f"entry '{key}': field "
                          f"'{name}' is given twice"))
                break
            fields.append((name, value))
            while i < len(body) and body[i].isspace():
                i += 1
            if i < len(body):
                if body[i] != ",":
                    broken = (_line_at(text, base + value_end), (f"entry '{key}': missing ',' "
                              f"after field '{name}'"))
                    break
                i += 1
        for name, value in fields:
            size, used = _expansion(value, sizes)
            if not broken and used & refused:
                broken = (line, (f"entry '{key}': field '{name}' uses @string "
                          f"'{min(used & refused)}', which is too large"))
            elif not broken and size > MAX_ENTRY:
                broken = (line, (f"entry '{key}': field '{name}' expands to {_kib(size)} KiB "
                          f"through @string, more than the {MAX_ENTRY // 1024} KiB an entry may "
                          "have"))
        if broken:
            problems.add(path, line, broken[1] + (f" (line {broken[0]})" if broken[0] != line
                                                   else ""), code="bibtex")
            continue
        if key in seen:
            problems.add(path, line, f"key '{key}' is defined twice in this file (first at "
                         f"line {seen[key]})", code="duplicate-key")
            continue
        seen[key] = line
        entries.append(BibEntry(key, kind, path, line,
                                raw, tuple((f, _plain(v)) for f, v in fields),
                                values=tuple((f, v.strip()) for f, v in fields)))
    defined = "\n".join(strings)
    return BibFile(path, tuple(replace(e, strings=defined) for e in entries), defined)


_READ: dict[tuple[str, bytes], tuple[BibFile, tuple[Problem, ...]]] = {}


def read_bibtex_once(path: Path, problems: Problems) -> BibFile:
    """``read_bibtex``, remembered while the file's bytes are the same.

    A render worker reads the same shared .bib for every manuscript it is
    given; its problems are reported again each time.
    """
    try:
        key = (str(path.resolve()), hashlib.sha256(path.read_bytes()).digest())
    except OSError:
        return read_bibtex(path, problems)
    if key not in _READ:
        if len(_READ) >= 64:
            _READ.clear()
        found = Problems()
        _READ[key] = (read_bibtex(path, found), tuple(found.items))
    bib, found_before = _READ[key]
    problems.extend(found_before)
    return bib


def load_bibliographies(paths: tuple[Path, ...], problems: Problems) -> dict[str, BibEntry]:
    """All entries of a manuscript's .bib files by key; a key in two files is an error."""
    by_key: dict[str, BibEntry] = {}
    for path in paths:
        try:
            bib = read_bibtex_once(path, problems)
        except PipelineError as exc:
            problems.extend(exc.problems)
            continue
        for entry in bib.entries:
            first = by_key.get(entry.key)
            if first is not None:
                problems.add(path, entry.line, f"key '{entry.key}' is already defined at "
                             f"{display_path(first.path)}:{first.line}", code="duplicate-key")
                continue
            by_key[entry.key] = entry
    return by_key


def to_csl(entries: list[BibEntry], problems: Problems) -> dict[str, dict[str, Any]]:
    """CSL-JSON items for ``entries`` (pandoc's BibTeX reader, one call per file)."""
    by_file: dict[Path, list[BibEntry]] = {}
    for entry in entries:
        by_file.setdefault(entry.path, []).append(entry)
    items: dict[str, dict[str, Any]] = {}
    for path, group in by_file.items():
        strings = group[0].strings
        # Entries converted before (a worker sees the same shared .bib again and
        # again) are not converted again; a cross-reference needs its whole group.
        linked = any(CROSSREF.search(e.raw) for e in group)
        known = {e.key: _CONVERTED[(strings, e.raw)] for e in group
                 if not linked and (strings, e.raw) in _CONVERTED}
        todo = [e for e in group if e.key not in known]
        converted = [json.loads(text) for text in known.values()]
        if todo:
            try:
                fresh = _convert(strings, todo)
            except PandocFailure:
                fresh = []
                for entry in todo:  # find the entry pandoc cannot read
                    try:
                        fresh.extend(_convert(strings, [entry]))
                    except PandocFailure as exc:
                        detail = exc.args[0].splitlines()[0] if exc.args[0] else "unreadable"
                        problems.add(path, entry.line, f"entry '{entry.key}' cannot be read: "
                                     f"{detail}", code="bibtex")
            todo_by_key = {e.key: e for e in todo}
            for item in fresh:
                entry = todo_by_key.get(item.get("id"))
                if entry is not None and not linked:
                    if len(_CONVERTED) >= 4096:
                        _CONVERTED.clear()
                    _CONVERTED[(strings, entry.raw)] = json.dumps(item)
            converted.extend(fresh)
        by_key = {e.key: e for e in group}
        found = {}
        for item in converted:
            entry = by_key.get(item.get("id"))
            if entry is not None:
                found[entry.key] = _fix_item(item, entry)
        items.update((e.key, found[e.key]) for e in group if e.key in found)
    return items


CROSSREF = re.compile(r"\b(crossref|xdata|xref)\s*=", re.IGNORECASE)
_CONVERTED: dict[tuple[str, str], str] = {}  # (@strings, entry) -> pandoc's CSL-JSON item


def _convert(strings: str, entries: list[BibEntry]) -> list[dict[str, Any]]:
    source = strings + "\n" + "\n".join(e.raw for e in entries)
    return json.loads(run_pandoc(["--from", "bibtex", "--to", "csljson"], source))


def _fix_item(item: dict[str, Any], entry: BibEntry) -> dict[str, Any]:
    """Repair what pandoc's CSL-JSON leaves for citeproc-py to stumble on."""
    if not item.get("type"):
        item["type"] = CSL_TYPES.get(entry.type, "document")
    for role in ("author", "editor", "translator"):
        names = item.get(role)
        if names:
            item[role] = [
                {"literal": "et al."} if n.get("literal") == "others" else n for n in names
            ]
    for role in ("author", "editor", "translator"):
        for name in item.get(role) or ():
            for part, text in list(name.items()):
                if isinstance(text, str):
                    name[part] = _compose(text)
            # BibTeX's "von" part ("van der Berg", "de la Cruz") belongs before the
            # family name; each style decides whether to demote it (CSL's
            # non-dropping particle).  pandoc reads it as a dropping particle, which
            # medical styles would print as "Berg A van der".
            if "dropping-particle" in name and "non-dropping-particle" not in name:
                name["non-dropping-particle"] = name.pop("dropping-particle")
    doi = item.get("DOI")
    if isinstance(doi, str):  # editors paste DOIs as links: keep the bare identifier
        item["DOI"] = re.sub(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi,
                             flags=re.IGNORECASE)
    for key, value in list(item.items()):
        if isinstance(value, str):
            item[key] = value = _compose(value)
        if isinstance(value, str) and "$" in value:
            value = re.sub(r"\$_\{?([^$}]+)\}?\$", r"<sub>\1</sub>",
                           re.sub(r"\$\^\{?([^$}]+)\}?\$", r"<sup>\1</sup>", value))
            item[key] = MATH.sub(lambda m: _math_text(m.group(0)), value)
    return item


DOTLESS = re.compile("([\u0131\u0237])(?=[\u0300-\u036f])")


def _compose(text: str) -> str:
    """``{\\'\\i}`` arrives as dotless i + accent; a reader expects one letter: í."""
    if "\u0131" in text or "\u0237" in text:
        text = DOTLESS.sub(lambda m: "i" if m.group(1) == "\u0131" else "j", text)
    return unicodedata.normalize("NFC", text)


MATH = re.compile(r"(?<!\\)\$[^$]+\$")


def _math_text(math: str) -> str:
    """Inline TeX math as the Unicode a reader expects: ``$\\geq 5$`` -> ``≥ 5``."""
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text").latex_to_text(math)
