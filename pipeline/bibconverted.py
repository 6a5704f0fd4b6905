"""RIS and EndNote XML bibliographies, read by pandoc's readers as CSL items; a file whose
content is another format than its name says.

pandoc reads RIS (``pandoc -f ris -t csljson``) and EndNote XML
(``-f endnotexml``); their items then go the way CSL-JSON items go
(:mod:`pipeline.csljson`), each at the line of its record.
"""

from __future__ import annotations

import json
import re

from .bibrecords import Finding
from .jsonfiles import Located

# What a file under another format's name starts with, and the name it wants.
_STARTS = (("BibTeX", ".bib", re.compile(r"\A(?:\s*%[^\n]*\n)*\s*@[A-Za-z]+\s*[{(]")),
           ("RIS", ".ris", re.compile(r"\A\s*TY  - ")),
           ("EndNote XML", ".xml", re.compile(r"\A\s*(?:<\?xml[^>]*>\s*)?<xml>\s*<records>")),
           ("MEDLINE", ".nbib", re.compile(r"\A\s*PMID- ")))


def misnamed_file(text: str, suffix: str, stem: str) -> str | None:
    """Why a file is not read as its name says (BibTeX saved as .json), or None."""
    for kind, wanted, start in _STARTS:
        if suffix != wanted and start.match(text):
            return f"this is {kind}, not what a '{suffix}' file holds: name it '{stem}{wanted}'"
    return None


_RIS_RECORD = re.compile(r"^TY  - ", re.MULTILINE)
_XML_RECORD = re.compile(r"<record>")
# RIS dates are YYYY/MM/DD/other: pandoc reads '2018///' as four dates
_RIS_DATE = re.compile(r"^((?:PY|Y1|DA)  - [^/\n]*(?:/\d+)*)/+[^\n]*$", re.MULTILINE)


def ris_items(text: str, findings: list[Finding]) -> list[Located]:
    """A RIS file's records as pandoc's RIS reader reads them, each at its ``TY`` line."""
    return _converted(_RIS_DATE.sub(r"\1", text), findings, "ris", _RIS_RECORD,
                      "no RIS records found (a record starts with 'TY  - ')")


def endnote_items(text: str, findings: list[Finding]) -> list[Located]:
    """An EndNote XML file's records as pandoc reads them, each at its ``<record>``."""
    return _converted(text, findings, "endnotexml", _XML_RECORD,
                      "no EndNote XML records found (each is a <record> in <records>)")


def _converted(text: str, findings: list[Finding], reader: str, record: re.Pattern[str],
               none: str) -> list[Located]:
    from .pandoc import PandocFailure, convert_text

    starts = [m.start() for m in record.finditer(text)]
    if not starts:
        findings.append(Finding(1, none, dropped=False, code="bibtex-empty"))
        return []
    try:
        items = json.loads(convert_text(reader, "csljson", text))
    except (PandocFailure, ValueError) as exc:
        reason = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
        findings.append(Finding(1, f"the file cannot be read: {reason}"))
        return []
    for item in items:  # pandoc's EndNote reader writes 'pages', CSL's name is 'page'
        if isinstance(item, dict) and "pages" in item:
            item.setdefault("page", item.pop("pages"))
    if len(items) != len(starts):  # records pandoc skipped: no line is sure but the first
        return [(_line_of(text, starts[0]), json.dumps(item, ensure_ascii=False), item, {})
                for item in items]
    ends = starts[1:] + [len(text)]
    return [(_line_of(text, start), text[start:end].strip(), item, {})
            for start, end, item in zip(starts, ends, items, strict=True)]


def _line_of(text: str, i: int) -> int:
    return text.count("\n", 0, i) + 1
