"""A CSL item as a BibTeX entry: the copy of cited CSL-JSON/YAML items a PDF attaches.

Only bibliographic fields are written (names, titles, container, numbers,
identifiers, the date); CSL's HTML-like markup becomes TeX, and a value
whose braces would not balance has them replaced by parentheses.
"""

from __future__ import annotations

import re
from typing import Any

BIBTEX_TYPES = {
    "article-journal": "article", "article": "article", "article-magazine": "article",
    "article-newspaper": "article", "book": "book", "chapter": "incollection",
    "paper-conference": "inproceedings", "report": "techreport", "thesis": "phdthesis",
    "webpage": "online", "post-weblog": "online", "manuscript": "unpublished",
    "pamphlet": "booklet", "dataset": "dataset", "software": "software", "patent": "patent",
    "entry-encyclopedia": "inreference", "entry-dictionary": "inreference",
}
BIBTEX_FIELDS = {
    "title": "title", "container-title": "journal", "collection-title": "series",
    "publisher": "publisher", "publisher-place": "address", "volume": "volume",
    "issue": "number", "page": "pages", "edition": "edition", "DOI": "doi", "URL": "url",
    "ISBN": "isbn", "ISSN": "issn", "PMID": "pmid", "PMCID": "pmcid", "genre": "type",
    "version": "version", "language": "langid",
}
_BIBTEX_NAMES = {"author": "author", "editor": "editor", "translator": "translator",
                 "container-author": "bookauthor", "director": "director"}


def bibtex_values(item: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """(field, braced BibTeX value) pairs for a CSL item, in a fixed order."""
    out: list[tuple[str, str]] = []
    for variable, field in _BIBTEX_NAMES.items():
        names = item.get(variable)
        if names:
            out.append((field, "{" + " and ".join(_bibtex_name(n) for n in names) + "}"))
    for variable, field in BIBTEX_FIELDS.items():
        value = item.get(variable)
        if isinstance(value, str) and value.strip():
            if variable == "container-title" and item.get("type") in ("chapter",
                                                                      "paper-conference"):
                field = "booktitle"
            verbatim = field in ("doi", "url")
            out.append((field, "{" + _braces_balanced(value, tex=not verbatim) + "}"))
    issued = item.get("issued") or {}
    parts = issued.get("date-parts") if isinstance(issued, dict) else None
    if parts:
        out.append(("date", "{" + "/".join("-".join(f"{int(p):02d}" if i else str(p)
                                                    for i, p in enumerate(d)) for d in parts)
                    + "}"))
    elif isinstance(issued, dict) and issued.get("literal"):
        out.append(("year", "{" + _braces_balanced(issued["literal"]) + "}"))
    return tuple(out)


def _bibtex_name(name: dict[str, Any]) -> str:
    if "literal" in name:
        return "{" + _braces_balanced(str(name["literal"])) + "}"
    family = " ".join(str(name[k]) for k in ("non-dropping-particle", "family") if name.get(k))
    given = " ".join(str(name[k]) for k in ("given", "dropping-particle") if name.get(k))
    return _braces_balanced(f"{family}, {given}" if given else family)


_MARKUP = [("i", "\\emph{"), ("em", "\\emph{"), ("b", "\\textbf{"), ("strong", "\\textbf{"),
           ("sup", "\\textsuperscript{"), ("sub", "\\textsubscript{")]


def _tex(text: str) -> str:
    """CSL's HTML-like markup (<i>, <sup>, nocase spans) and TeX's special characters as TeX."""
    import html

    text = re.sub(r"([%&#$_])", r"\\\1", html.unescape(re.sub(r"&(?=[%&#$_])", "&amp;", text)))
    for tag, command in _MARKUP:
        text = re.sub(rf"<{tag}>(.*?)</{tag}>", lambda m, c=command: c + m.group(1) + "}", text,
                      flags=re.DOTALL)
    text = re.sub(r'<span class="nocase">(.*?)</span>', r"{\1}", text, flags=re.DOTALL)
    return re.sub(r'<span style="font-variant:\s*small-caps;?">(.*?)</span>', r"\\textsc{\1}",
                  text, flags=re.DOTALL)


def _braces_balanced(text: str, tex: bool = True) -> str:
    """Text safe inside a braced BibTeX value: a stray brace would end or break it."""
    text = _tex(text) if tex else text
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            break
    return text if depth == 0 else text.replace("{", "(").replace("}", ")")
