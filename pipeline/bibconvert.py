"""BibTeX/biblatex entries as CSL-JSON items: pandoc's reader, one run per file.

Entries reach pandoc rewritten in one plain form (``@type{id, field = {value}}``,
@strings expanded, comments and inheritance resolved), so its strict parser
never meets what only biber reads.  pandoc does what it does best: TeX to
Unicode and formatting (``<i>``, ``<sup>``, ``<span class="nocase">``), names
with their particles, dates, titles.  Around it:

- TeX it misreads is rewritten first: ``$^{...}$`` and ``\\(^{...}\\)`` are
  ``\\textsuperscript``, ``\\mbox{...}`` a group.
- Every name role is read: ``editor``/``editora``/``editorb``/``editorc`` as
  their ``editortype`` says (director, compiler, translator, ...), ``bookauthor``,
  ``translator``; pandoc only reads a few, so each list is read as the author of
  a helper entry.
- Types follow pandoc's map; Mendeley's underscore types and unknown types are
  mapped first.
- Initials-only given names (``Axford, ME``) keep every initial: "M. E.".
- A particle is printed before the family name (``van der Berg A``, as NLM and
  AMA write it; the style decides demotion); with ``useprefix=true`` it is part
  of the family name, so it also sorts under the particle, as biblatex does.

If pandoc still refuses an entry, the entry at the line it names is reported
with pandoc's reason at the file's line, and the others are converted again
without it: never one run per entry.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .bibdates import (
    access_date,
    edtf_date,
    is_no_date,
    is_status,
    month_number,
    month_range,
    year_date,
)
from .bibfields import exported_field
from .bibjournals import journal_macro
from .bibnames import (
    braced_organisations,
    comma_separated_names,
    doubled_backslash,
    empty_names,
    inline_et_al,
    literal_list,
    organisation_as_people,
    pubmed_names,
    quoted_nicknames,
)
from .bibtex_tex import (
    CASED_FIELDS,
    URL_LEAD,
    URL_MACRO,
    local_url_message,
    plain_text,
    prepare_tex,
    protected_groups,
    verbatim,
)
from .bibtexlost import lost_text
from .bibtypes import (
    CSL_TYPES,
    CSL_VARIABLES,
    KNOWN_TYPES,
    NAME_FIELDS,
    ROLES,
    SUBTYPES,
    TYPE_ALIASES,
)
from .cslitems import fix_item, read_names, written_name
from .errors import Problems
from .fields import LANG
from .pandoc import PandocFailure, convert_text

if TYPE_CHECKING:
    from .bibtex import BibEntry

LINKING = frozenset({"crossref", "xdata", "xref"})
VERBATIM = frozenset({"url", "doi", "eprint", "file", "pdf", "verba", "verbb", "verbc",
                      "urlraw"})
DATE_FIELDS = frozenset({"date", "origdate", "eventdate", "urldate"})
RAW_FIELDS = frozenset({"isbn", "issn", "pmid", "pmcid", "library", "type", "langid",
                        "language"})
LIST_FIELDS = frozenset({"publisher", "institution", "organization", "school", "location",
                         "address", "origpublisher", "origlocation"})
# A unit after a degree sign (37 °C, 37~\textdegree{}C) is no word for sentence case to lower
_DEGREE_UNIT = re.compile(r"((?:°|\\textdegree\b(?:\{\})?)[ ~]?)([CFK])(?![A-Za-z])")
_POSITION = re.compile(r"\(line (\d+), column (\d+)\)")


@dataclass(eq=False)
class _Prepared:
    """One entry as pandoc is given it, and how to read the answer back."""

    entry: BibEntry
    ident: str
    text: str
    source_lines: list[int]  # the file line of each line of ``text``
    roles: dict[str, list[str]] = field(default_factory=dict)  # helper id -> CSL variables
    warnings: list[tuple[int, str]] = field(default_factory=list)
    handout_language: bool = False  # the handout's language given as the entry's: not kept
    literal_date: str = ""  # a year that is no date ("in press"): CSL's literal date


def biblatex_type(written: str) -> str:
    """The biblatex type an entry of type ``written`` is read as."""
    written = written.lower()
    if written in KNOWN_TYPES:
        return written
    return TYPE_ALIASES.get(written, TYPE_ALIASES.get(written.replace("-", "_"), "misc"))


def _options(entry: BibEntry) -> dict[str, str]:
    raw = entry.field("options") or ""
    out = {}
    for part in plain_text(raw).split(","):
        name, _, value = part.partition("=")
        if name.strip():
            out[name.strip().lower()] = value.strip().lower() or "true"
    return out


def _prepare(entry: BibEntry, language: str = "en-US") -> _Prepared:
    # An id pandoc accepts whatever the key, the same for the same entry in every run (so a
    # worker converts an entry once however many manuscripts cite it), unique in a run.
    ident = "e" + hashlib.sha1(entry.key.encode()).hexdigest()[:16]
    written = entry.written_type or entry.type
    lines = [f"@{entry.type}{{{ident},"]
    source = [entry.line]
    prepared = _Prepared(entry, ident, "", source)
    helpers: list[str] = []
    options = entry.field("options")
    role_vars: dict[str, list[str]] = {}
    months = month_range(entry)
    dated = "date" if entry.field("date") else "year"
    written_date, literal = (None, None) if months else year_date(entry.field(dated) or "")
    for (name, value), line in zip(entry.fields, entry.field_lines, strict=True):
        if name in LINKING or name.endswith("type") and name[:-4] in NAME_FIELDS \
                or not plain_text(value):  # doi = {}: absent, as biber reads it
            continue
        if "\\" in value and name not in VERBATIM:
            value, unknown = journal_macro(value)
            if unknown:
                message = (f"entry '{entry.key}': field '{name}' is only the macro "
                           f"'\\{unknown}', which the reader does not know, so it is left "
                           "out: write the text itself")
                prepared.warnings.append((line, message))
                continue
        doubled = "\\\\" in value and name not in VERBATIM and \
            doubled_backslash(entry.key, name, value)
        if doubled:
            prepared.warnings.append((line, doubled))
        if months and name in ("year", "month", "date"):
            if name == dated:
                lines.append(f"  date = {{{months}}},")
                source.append(line)
            continue
        if (written_date or literal) and name in ("year", "month", "date"):
            if name == dated and literal:
                prepared.literal_date = "" if is_no_date(literal) else literal
                if not is_status(literal):
                    message = (f"entry '{entry.key}': {name} '{literal}' is not a date; it "
                               "is printed as written")
                    prepared.warnings.append((line, message))
            elif name == dated and written_date:
                lines.append(f"  date = {{{written_date}}},")
                source.append(line)
            elif name == "month" and written_date and written_date.isdigit():
                lines.append(f"  month = {{{month_number(value)}}},")  # year = {2013.}
                source.append(line)
            continue
        if name == "author" or name in NAME_FIELDS:
            value, empty = empty_names(entry.key, name, value)
            value, message = comma_separated_names(entry.key, name, value)
            value, et_al = inline_et_al(entry.key, name, value)
            value = quoted_nicknames(value)
            value, organisation = braced_organisations(entry.key, name, value) \
                if name != "holder" else (value, None)  # an assignee: printed as written
            message = message or pubmed_names(entry.key, name, value) \
                or organisation_as_people(entry.key, name, value)
            prepared.warnings.extend((line, m) for m in (empty, message, et_al, organisation)
                                     if m)
        if name in NAME_FIELDS:
            role_field, default = NAME_FIELDS[name]
            role = plain_text(entry.field(role_field) or "").lower() if role_field else ""
            variable = ROLES.get(role, default) if role else default
            if role and role not in ROLES:
                message = (f"entry '{entry.key}': {role_field} '{role}' is not a role the "
                           f"styles know; the names of '{name}' are read as {variable}")
                prepared.warnings.append((line, message))
            helper = f"{ident}r{len(helpers)}"
            helpers.append(f"@misc{{{helper},\n  author = {{{prepare_tex(value)}}},"
                           + (f"\n  options = {{{options}}}," if options else "") + "\n}")
            role_vars.setdefault(helper, []).append(variable)
            continue
        name, message = exported_field(entry, name, value)
        if message:
            prepared.warnings.append((line, message))
        if name is None:
            continue
        if name == "month":
            value = month_number(value)
            if not value.isdigit():  # pandoc drops it without a word
                message = (f"entry '{entry.key}': month '{plain_text(value)}' is not a month "
                           "(1-12, jan-dec); it is left out")
                prepared.warnings.append((line, message))
                continue
        elif name == "urldate":
            value, why = access_date(value)
            if why:
                message = (f"entry '{entry.key}': urldate '{plain_text(value)}' is left out: "
                           f"{why}")
                prepared.warnings.append((line, message))
                continue
        elif name in DATE_FIELDS:
            value = edtf_date(value)
        elif name in VERBATIM:
            written, value = value, verbatim(name, value)
            if name == "url" and not value:
                prepared.warnings.append((line, local_url_message(entry.key, written)))
                continue
        elif name in RAW_FIELDS:  # pandoc keeps their braces: ISSN = {{0363-5465}} (WoS)
            value = plain_text(value)
        elif name in LIST_FIELDS:
            value = literal_list(prepare_tex(value))
        elif name in ("howpublished", "note") and "\\url" in value:
            found = URL_MACRO.search(value)
            rest = plain_text(URL_MACRO.sub("", value)).strip(" .,;:")
            if found and not entry.field("url") and (  # howpublished = {\url{...}}
                    name == "howpublished" or not rest or URL_LEAD.fullmatch(rest)):
                url = verbatim("url", found.group(1))
                if url:
                    lines.append(f"  url = {{{url}}},")
                    source.append(line)
                else:
                    prepared.warnings.append((line, local_url_message(entry.key, found.group(1))))
                value = rest
                if not value or URL_LEAD.fullmatch(value):  # "Available at \url{...}"
                    continue
            value = prepare_tex(value)
        else:
            value = prepare_tex(value)
            if name.endswith("title") or name in CASED_FIELDS:
                value = protected_groups(_DEGREE_UNIT.sub(r"\1{\2}", value))
        text = value.replace("\n", " ")
        lines.append(f"  {name} = {{{text}}},")
        source.append(line)
    if written.lower() in SUBTYPES and not entry.field("entrysubtype"):
        lines.append(f"  entrysubtype = {{{SUBTYPES[written.lower()]}}},")
        source.append(entry.line)
    if LANG.match(language) and not language.lower().startswith("en") \
            and not (entry.field("langid") or entry.field("hyphenation")):
        # the handout's language stands for the entry's: its titles are left as written
        lines.append(f"  langid = {{{language}}},")
        source.append(entry.line)
        prepared.handout_language = True
    lines.append("}")
    source.append(entry.line)
    for helper in helpers:
        lines.append(helper)
        source.extend([entry.line] * (helper.count("\n") + 1))
    prepared.text = "\n".join(lines)
    prepared.roles = role_vars
    return prepared


_CONVERTED: dict[str, str] = {}  # the text pandoc was given -> its items, as JSON


def to_csl(entries: list[BibEntry], problems: Problems,
           language: str = "en-US") -> dict[str, dict[str, Any]]:
    """CSL-JSON items for ``entries``, by key: one pandoc run for all that are new.

    ``language`` is the handout's: as pandoc does, the titles of an entry
    without a ``langid`` are put in sentence case (for styles to case them)
    only when it is English.
    """
    items: dict[str, dict[str, Any]] = {}
    todo: list[_Prepared] = []
    for entry in entries:
        if entry.item:
            items[entry.key] = {k: v for k, v in json.loads(entry.item).items()
                                if k in CSL_VARIABLES}
            continue
        prepared = _prepare(entry, language)
        for line, message in prepared.warnings:
            problems.warn(entry.path, line, message, code="bibtex-role")
        todo.append(prepared)
    fresh = [p for p in todo if p.text not in _CONVERTED]
    if fresh:
        for prepared, converted in _run(fresh, problems).items():
            if len(_CONVERTED) >= 4096:
                _CONVERTED.clear()
            _CONVERTED[prepared.text] = json.dumps(converted)
    for prepared in todo:
        if prepared.text in _CONVERTED:
            found = json.loads(_CONVERTED[prepared.text])
            entry = prepared.entry
            items[entry.key] = _finish(prepared, found)
            fields = ((n, v, line) for (n, v), line in zip(entry.fields, entry.field_lines,
                                                           strict=True))
            for line, message in lost_text(entry.key, fields, items[entry.key]):
                problems.warn(entry.path, line, message, code="bibtex-lost")
    return {e.key: items[e.key] for e in entries if e.key in items}


def _run(todo: list[_Prepared], problems: Problems) -> dict[_Prepared, list[dict[str, Any]]]:
    """pandoc's items for each prepared entry; an entry pandoc refuses is reported, left out."""
    while todo:
        text = "\n".join(p.text for p in todo) + "\n"
        try:
            out = json.loads(convert_text("biblatex", "csljson", text))
        except PandocFailure as exc:
            culprit, line = _culprit(todo, str(exc))
            if culprit is None:
                for p in todo:
                    problems.add(p.entry.path, p.entry.line, f"entry '{p.entry.key}' cannot be "
                                 f"read: {_reason(str(exc))}", code="bibtex")
                return {}
            entry = culprit.entry
            problems.add(entry.path, line or entry.line, f"entry '{entry.key}' cannot be "
                         f"read: {_reason(str(exc))}", code="bibtex")
            todo = [p for p in todo if p is not culprit]
            continue
        by_id = {item.get("id"): item for item in out}
        result = {}
        for p in todo:
            group = [by_id[p.ident]] if p.ident in by_id else []
            group += [by_id[h] for h in p.roles if h in by_id]
            result[p] = group
        return result
    return {}


def _culprit(todo: list[_Prepared], message: str) -> tuple[_Prepared | None, int]:
    m = _POSITION.search(message)
    if not m:
        return None, 0
    wanted = int(m.group(1))
    first = 1
    for p in todo:
        count = p.text.count("\n") + 1
        if first <= wanted < first + count:
            offset = wanted - first
            return p, p.source_lines[min(offset, len(p.source_lines) - 1)]
        first += count
    return None, 0


def _reason(message: str) -> str:
    """pandoc's reason without its position, nor the echoed source line and its caret."""
    text = re.sub(r'^\s*Error at\s*(?:"[^"]*"\s*)?', "", _POSITION.sub("", message))
    lines = [line for line in text.splitlines() if line.strip()]
    carets = {i for i, line in enumerate(lines) if line.strip() == "^"}
    lines = [line for i, line in enumerate(lines) if i not in carets and i + 1 not in carets]
    return "; ".join(line.strip(" :") for line in lines if line.strip(" :")) or \
        "pandoc's BibTeX reader refuses it"


def _finish(prepared: _Prepared, group: list[dict[str, Any]]) -> dict[str, Any]:
    entry = prepared.entry
    item = dict(group[0]) if group and group[0].get("id") == prepared.ident else {}
    helpers = {i.get("id"): i for i in group}
    item["id"] = entry.key
    if prepared.handout_language:
        item.pop("language", None)
    for helper, variables in prepared.roles.items():
        names = helpers.get(helper, {}).get("author") or []
        for variable in variables:
            item[variable] = (item.get(variable) or []) + names
    item["type"] = _csl_type(entry, item.get("type"))
    names_written = [value for name, value in entry.fields
                     if name in NAME_FIELDS or name == "author"]
    item = read_names(item, names_written, _options(entry).get("useprefix") == "true")
    eprint = plain_text(entry.field("eprint") or "")
    kind = plain_text(entry.field("eprinttype") or entry.field("archiveprefix") or "").lower()
    if eprint and kind in ("pubmed", "pmid") and not item.get("PMID"):
        item["PMID"] = eprint
    elif eprint and kind in ("pmc", "pmcid") and not item.get("PMCID"):
        item["PMCID"] = eprint
        item.setdefault("URL", f"https://www.ncbi.nlm.nih.gov/pmc/articles/{eprint}/")
    if prepared.literal_date:
        item["issued"] = {"literal": prepared.literal_date}
    holders = item.pop("holder", None)
    if holders and not item.get("publisher"):
        # CSL has no holder (a patent's assignee): styles print it where the publisher goes
        item["publisher"] = "; ".join(written_name(n) for n in holders)
    return fix_item({k: v for k, v in item.items() if k in CSL_VARIABLES})


def _csl_type(entry: BibEntry, pandoc_type: str | None) -> str:
    # @misc and the types pandoc does not know have no CSL type, as pandoc reads them:
    # a style's branches for named types ("document" among them) pass such an entry by
    if pandoc_type is not None:
        return pandoc_type
    return CSL_TYPES.get(entry.type, "")
