"""PubMed's MEDLINE export (``.nbib``) as CSL items, each at the line of its ``PMID-``.

Neither pandoc nor citeproc-js reads this format, so its records are mapped
here, tag by tag, the way PubMed's own citations read them: ``FAU`` (else
``AU``) and ``CN`` are the authors in their order, ``FED``/``ED`` the editors,
``JT``/``TA`` the journal and its abbreviation, ``DP`` the date (``2019 Feb
15``, ``2018 Dec-2019 Jan``, ``2019 Winter``), ``LID``/``AID`` the DOI, and a
record of PubMed's Bookshelf (``BTI``, ``PB``) a book or a chapter.  A
record's key is its PMID (``@30668143``).  What a record holds beyond the
reference (abstract, affiliations with e-mail addresses, grants, conflict
of interest statements, MeSH terms) is never read.

PyPI's readers were measured first: Biopython's ``Bio.Medline`` (with numpy,
67 MB installed) splits a continued ``BTI`` or ``CN`` line into two values
and gives no line numbers; ``nbib`` (last released 2021) reads no book tags,
keeps one collective author and stops the whole file at one bad line.
"""

from __future__ import annotations

import re
from typing import Any

from .bibrecords import Finding

_LINE = re.compile(r"^([A-Z][A-Z0-9 ]{0,3})- ?(.*)$")
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
                                       "sep", "oct", "nov", "dec"), 1)}
_SEASONS = {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}
_DATE = re.compile(r"^(\d{4})(?:\s+([A-Za-z]{3})[a-z]*)?(?:\s+(\d{1,2}))?$")
_PUBLICATION_TYPES = {"book": "book", "book chapter": "chapter"}
# Tags that are one text over several lines; the others repeat, one value each.
_TEXT = {"TI", "BTI", "CTI", "JT", "TA", "DP", "VI", "IP", "PG", "PB", "PL", "SO", "AB", "AD",
         "CN", "COIS", "GR", "CI", "TT", "VTI", "EN"}


def medline_items(text: str, findings: list[Finding]) -> list[tuple[int, str, Any, dict]]:
    """The records of a MEDLINE file as (line, text, CSL item, line of each variable)."""
    out = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start, tags = 0, []  # a record: its first line, its (tag, value, line) in order
    for number, line in enumerate(lines + [""], 1):
        if not line.strip():
            if tags:
                out.append(_record(tags, "\n".join(lines[start - 1:number - 1]), findings))
            tags = []
            continue
        if line.startswith("      ") and tags:  # continues the value above
            tag, value, at = tags[-1]
            tags[-1] = (tag, f"{value} {line.strip()}" if tag in _TEXT else value, at)
            continue
        m = _LINE.match(line)
        if not m:
            findings.append(Finding(number, "not a MEDLINE line (a tag of up to four capitals, "
                                    "then '- '); the line is skipped", dropped=False,
                                    code="bibtex-field"))
            continue
        if tags and m.group(1).strip() == "PMID":  # a record begun without a blank line
            out.append(_record(tags, "\n".join(lines[start - 1:number - 1]), findings))
            tags = []
        if not tags:
            start = number
        tags.append((m.group(1).strip(), m.group(2).strip(), number))
    if not out and not findings:
        findings.append(Finding(1, "no MEDLINE records found (a record starts with 'PMID- ')",
                                dropped=False, code="bibtex-empty"))
    return [record for record in out if record is not None]


def _record(tags: list[tuple[str, str, int]], raw: str,
            findings: list[Finding]) -> tuple[int, str, Any, dict] | None:
    first = tags[0][2]
    values: dict[str, list[tuple[str, int]]] = {}
    for tag, value, line in tags:
        values.setdefault(tag, []).append((value, line))
    pmid = values.get("PMID")
    if not pmid or not pmid[0][0].isdigit():
        findings.append(Finding(first, "a MEDLINE record without a PMID cannot be cited; it is "
                                "skipped", dropped=False, code="bibtex-empty"))
        return None
    item: dict[str, Any] = {"id": pmid[0][0], "PMID": pmid[0][0]}
    lines: dict[str, int] = {"id": pmid[0][1]}

    def put(variable: str, tag: str, value: Any = None) -> None:
        if tag in values:
            item[variable] = values[tag][0][0] if value is None else value
            lines[variable] = values[tag][0][1]

    kinds = {v.lower() for v, _ in values.get("PT", [])}
    book = "BTI" in values or "book" in kinds or "book chapter" in kinds
    chapter = book and "TI" in values and "BTI" in values
    item["type"] = ("chapter" if chapter else "book") if book else "article-journal"
    if book:
        put("title", "TI")
        if chapter:
            put("container-title", "BTI")
        elif "TI" not in values:
            put("title", "BTI")
        put("collection-title", "CTI")
        put("publisher", "PB")
        put("publisher-place", "PL")
        put("ISBN", "ISBN")
    else:
        put("title", "TI")
        put("container-title", "JT")
        put("container-title-short", "TA")
    for variable in ("title", "container-title"):
        if isinstance(item.get(variable), str):  # MEDLINE ends a title with '.', writes ® (R)
            item[variable] = item[variable].replace("((R))", "®").replace("(R)", "®")
    if isinstance(item.get("title"), str):
        item["title"] = item["title"].removesuffix(".")
    put("volume", "VI")
    put("issue", "IP")
    put("page", "PG")
    put("ISSN", "IS", values.get("IS", [("", 0)])[0][0].split(" (")[0])
    put("PMCID", "PMC")
    for value, line in values.get("LID", []) + values.get("AID", []):
        if value.endswith("[doi]") and "DOI" not in item:
            item["DOI"], lines["DOI"] = value.removesuffix("[doi]").strip(), line
        elif "[" not in value and "page" not in item:
            item["page"], lines["page"] = value, line  # an e-locator: e0248123
    authors = [_name(tag, value) for tag, value, _ in tags if tag in ("FAU", "CN")]
    if not any(tag == "FAU" for tag, _, _ in tags):
        authors = [_name(tag, value) for tag, value, _ in tags if tag in ("AU", "CN")]
    if authors:
        item["author"] = authors
        lines["author"] = next(line for tag, _, line in tags if tag in ("FAU", "AU", "CN"))
    editors = [_name(tag, value) for tag, value, _ in tags if tag == "FED"] or \
        [_name(tag, value) for tag, value, _ in tags if tag == "ED"]
    if editors:
        item["editor"] = editors
        lines["editor"] = next(line for tag, _, line in tags if tag in ("FED", "ED"))
    if "DP" in values:
        date = _date(values["DP"][0][0])
        if date is None:
            findings.append(Finding(values["DP"][0][1], f"record {item['id']}: the date "
                                    f"'{values['DP'][0][0]}' is not read; it is printed as "
                                    "written", pmid[0][0], False, "csl-item"))
            date = {"literal": values["DP"][0][0]}
        item["issued"], lines["issued"] = date, values["DP"][0][1]
    # the kind shown beside the entry (styles/kinds.yaml): Review, Practice Guideline, ...
    kinds_written = [v for v, _ in values.get("PT", []) if v.lower() not in _PUBLICATION_TYPES]
    if kinds_written:
        item["keyword"] = ", ".join(kinds_written)
    return first, raw, item, lines


def _name(tag: str, value: str) -> dict[str, str]:
    if tag == "CN":
        return {"literal": value}
    if tag in ("FAU", "FED"):
        family, _, given = value.partition(",")
        return {"family": family.strip(), **({"given": given.strip()} if given.strip() else {})}
    family, _, initials = value.rpartition(" ")  # AU/ED: 'Smith JA', 'van der Berg A'
    if not family or not initials.isupper():
        return {"family": value}
    return {"family": family, "given": initials}


def _date(written: str) -> dict[str, Any] | None:
    """CSL date of a MEDLINE ``DP``: '2019 Feb 15', '2019 Jan-Feb', '2018 Dec-2019 Jan'."""
    text = written.strip()
    season = re.fullmatch(r"(\d{4})\s+([A-Za-z]+)(?:-[A-Za-z]+)?", text)
    if season and season.group(2).lower() in _SEASONS:
        return {"date-parts": [[int(season.group(1))]],
                "season": _SEASONS[season.group(2).lower()]}
    first, _, second = text.partition("-")
    start = _parts(first)
    if start is None:
        return None
    if not second:
        return {"date-parts": [start]}
    second = second.strip()
    if second.isdigit() and len(second) <= 2 and len(start) == 3:  # '2019 Feb 1-15'
        end = start[:2] + [int(second)]
    elif re.fullmatch(r"\d{4}.*", second):
        end = _parts(second)
    else:
        end = _parts(f"{start[0]} {second}")
    return {"date-parts": [start, end]} if end else {"date-parts": [start]}


def _parts(text: str) -> list[int] | None:
    m = _DATE.match(text.strip())
    if not m:
        return None
    parts = [int(m.group(1))]
    if m.group(2):
        month = _MONTHS.get(m.group(2).lower())
        if month is None:
            return None
        parts.append(month)
        if m.group(3):
            parts.append(int(m.group(3)))
    return parts
